package server

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavOp is one lifecycle operation on a VM replication: its task kind,
// the gate that refuses what the replication's state forbids, and what
// success does. A busy operation holds the recovery state at IN_PROGRESS
// while it runs; its failure restores the state it started from.
type vcavOp struct {
	kind  *vcavTaskKind
	gate  func(*vcav.SingleVmReplicationInfo) *vcavRefusal
	busy  bool
	apply func(m *vcavMock, r *vcav.SingleVmReplicationInfo, end time.Time)
}

func vcavReplicationKind(workflow string) *vcavTaskKind {
	return &vcavTaskKind{workflow: workflow, resourceType: vcavResourceReplication, resultType: vcavResultReplicationType}
}

// The lifecycle operations (see spec/vcav.yaml for the choices).
var (
	vcavTestFailoverOp = &vcavOp{kind: vcavReplicationKind("testFailover"), busy: true,
		gate: vcavAllowStates(vcav.RecoveryStateNOTSTARTED), apply: vcavApplyTestFailover}
	vcavTestCleanupOp = &vcavOp{kind: vcavReplicationKind("testCleanup"), busy: true,
		gate: vcavCleanupGate, apply: vcavApplyTestCleanup}
	vcavMigrateOp = &vcavOp{kind: vcavReplicationKind("migrate"), busy: true,
		gate: vcavGates(vcavAllowStates(vcav.RecoveryStateNOTSTARTED), vcavRefusePaused),
		apply: func(m *vcavMock, r *vcav.SingleVmReplicationInfo, end time.Time) {
			m.addInstance(r, end)
			vcavCompleteFailover(r, end)
		}}
	vcavReverseOp = &vcavOp{kind: vcavReplicationKind("reverse"), busy: true,
		gate: vcavAllowStates(vcav.RecoveryStateCOMPLETE), apply: vcavApplyReverse}
	vcavSyncOp = &vcavOp{kind: vcavReplicationKind("sync"),
		gate:  vcavGates(vcavRefusePaused, vcavAllowStates(vcav.RecoveryStateNOTSTARTED, vcav.RecoveryStateTEST)),
		apply: func(m *vcavMock, r *vcav.SingleVmReplicationInfo, end time.Time) { m.addInstance(r, end) }}
	vcavPauseOp = &vcavOp{kind: vcavReplicationKind("pause"),
		gate:  vcavGates(vcavRefusePaused, vcavNotInProgress),
		apply: func(_ *vcavMock, r *vcav.SingleVmReplicationInfo, end time.Time) { vcavSetPaused(r, true, end) }}
	vcavResumeOp = &vcavOp{kind: vcavReplicationKind("resume"), gate: vcavNotInProgress,
		apply: func(_ *vcavMock, r *vcav.SingleVmReplicationInfo, end time.Time) { vcavSetPaused(r, false, end) }}
	vcavDeleteOp = &vcavOp{kind: &vcavTaskKind{workflow: "delete", resourceType: vcavResourceReplication},
		gate: vcavAllowStates(vcav.RecoveryStateNOTSTARTED, vcav.RecoveryStateCOMPLETE)}
)

// vcavNotInProgress refuses a replication a recovery is running on.
func vcavNotInProgress(r *vcav.SingleVmReplicationInfo) *vcavRefusal {
	if vcavRecoveryStateOf(r) != vcav.RecoveryStateINPROGRESS {
		return nil
	}
	return vcavAllowStates()(r)
}

// opEffect is what a task of op on replication id does when it ends. A
// busy operation's failure puts the recovery state back to before; delete
// (no apply) removes the replication and has no result.
func (m *vcavMock) opEffect(op *vcavOp, id string, before vcav.RecoveryState) taskEffect {
	if op.apply == nil {
		return taskEffect{succeed: func(time.Time) []byte { m.removeReplication(id); return nil }}
	}
	apply := func(r *vcav.SingleVmReplicationInfo, end time.Time) { op.apply(m, r, end) }
	if op.busy {
		return m.replicationEffect(id, apply, before)
	}
	e := m.replicationEffect(id, apply, before)
	e.fail = nil
	return e
}

// vcavApplyTestFailover: the test image exists (TEST), with its vApp and VM.
func vcavApplyTestFailover(_ *vcavMock, r *vcav.SingleVmReplicationInfo, end time.Time) {
	ri := vcavRecoveryInfo(r)
	ri.Type, ri.VAppId, ri.VcdVmId = new(vcavRecoveryType), new(uuid.NewString()), new(uuid.NewString())
	vcavSetRecoveryState(r, vcav.RecoveryStateTEST, end)
}

// vcavApplyTestCleanup: the test image is gone (NOT_STARTED).
func vcavApplyTestCleanup(_ *vcavMock, r *vcav.SingleVmReplicationInfo, end time.Time) {
	ri := vcavRecoveryInfo(r)
	ri.Type, ri.VAppId, ri.VcdVmId = nil, nil, nil
	vcavSetRecoveryState(r, vcav.RecoveryStateNOTSTARTED, end)
}

// vcavApplyReverse: the replication runs the other way (NOT_STARTED,
// isReversed flipped, source and destination swapped, recovery cleared).
func vcavApplyReverse(_ *vcavMock, r *vcav.SingleVmReplicationInfo, end time.Time) {
	if r.Source == nil {
		r.Source = &vcav.VmReplicationSource{}
	}
	if r.Destination == nil {
		r.Destination = &vcav.VmReplicationDestination{}
	}
	s, d := r.Source, r.Destination
	s.Site, d.Site = d.Site, s.Site
	s.Org, d.Org = d.Org, s.Org
	s.VdcId, d.VdcId = d.VdcId, s.VdcId
	s.VdcName, d.VdcName = d.VdcName, s.VdcName
	d.RecoveredVappId = nil
	r.IsReversed = new(r.IsReversed == nil || !*r.IsReversed)
	ri := vcavRecoveryInfo(r)
	ri.Type, ri.VAppId, ri.VcdVmId, ri.OptimizeUntil = nil, nil, nil, nil
	vcavSetRecoveryState(r, vcav.RecoveryStateNOTSTARTED, end)
}

// vcavSetPaused sets isPaused and the matching data connection state.
func vcavSetPaused(r *vcav.SingleVmReplicationInfo, paused bool, end time.Time) {
	state := vcav.SingleVmReplicationInfoDataConnectionStateOK
	if paused {
		state = vcav.SingleVmReplicationInfoDataConnectionStatePAUSED
	}
	r.IsPaused, r.DataConnectionState, r.LastUpdated = new(paused), &state, new(end.UnixMilli())
}

// addInstance takes a new instance of r at end: first of its instances
// (those GET …/instances listed before it: see instancesOf), next sequence
// number, and destinationState.latestInstance.
func (m *vcavMock) addInstance(r *vcav.SingleVmReplicationInfo, end time.Time) {
	old := m.instancesOf(r)
	var seq int64 = 1
	if len(old) > 0 && old[0].SequenceNumber != nil {
		seq = *old[0].SequenceNumber + 1
	}
	inst := vcav.InstanceInfo{
		Key: new("replica-" + uuid.NewString()), SequenceNumber: new(seq), Timestamp: new(end.UnixMilli()),
		IsPinned: new(false), TransferBytes: new(int64(0)), TransferSeconds: new(int64(0)),
	}
	if m.instances == nil {
		m.instances = map[string][]vcav.InstanceInfo{}
	}
	m.instances[r.Id] = append([]vcav.InstanceInfo{inst}, old...)
	if r.DestinationState == nil {
		r.DestinationState = &vcav.CloudDestinationStateInfo{}
	}
	r.DestinationState.LatestInstance = new(inst)
	r.LastUpdated = new(end.UnixMilli())
}

// removeReplication forgets replication id, its instances and network
// settings. The caller holds m.mu.
func (m *vcavMock) removeReplication(id string) {
	if _, ok := m.repls[id]; !ok {
		return
	}
	delete(m.repls, id)
	delete(m.instances, id)
	delete(m.networks, id)
	m.order = slices.DeleteFunc(slices.Clone(m.order), func(o string) bool { return o == id })
	m.inOrder = slices.DeleteFunc(slices.Clone(m.inOrder), func(r *vcav.SingleVmReplicationInfo) bool { return r.Id == id })
}
