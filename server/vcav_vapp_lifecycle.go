package server

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavVappOp is a lifecycle operation on a vApp replication: the VM
// operation applied to each of its VMs (gate, busy, effect), the vApp
// task kind, and what success does to the vApp itself (nil: nothing;
// delete is the op without a VM effect).
type vcavVappOp struct {
	vm    *vcavOp
	kind  *vcavTaskKind
	after func(a *vcavVapp, children []*vcav.SingleVmReplicationInfo, end time.Time)
	// skip, when set, says a VM is already where the operation takes it:
	// such VMs are left out (neither gated nor changed), unless every VM
	// is, and then the VM rule refuses as for any VM.
	skip func(*vcav.SingleVmReplicationInfo) bool
}

func vcavVappKind(workflow string) *vcavTaskKind {
	return &vcavTaskKind{workflow: workflow, resourceType: "vappReplication", resultType: "VappReplicationInfo"}
}

// vcavFailoverOp is the VM failover as a vcavOp (its handler is
// vcav_failover.go), for the vApp failover.
var vcavFailoverOp = &vcavOp{kind: vcavFailoverKind, busy: true,
	gate:  vcavAllowStates(vcav.RecoveryStateNOTSTARTED),
	apply: func(_ *vcavMock, r *vcav.SingleVmReplicationInfo, end time.Time) { vcavCompleteFailover(r, end) }}

// The vApp lifecycle operations.
var (
	vcavVappFailoverOp = &vcavVappOp{vm: vcavFailoverOp, kind: vcavVappKind("failover"), after: vcavVappRecovered}
	vcavVappTestOp     = &vcavVappOp{vm: vcavTestFailoverOp, kind: vcavVappKind("testFailover")}
	vcavVappCleanupOp  = &vcavVappOp{vm: vcavTestCleanupOp, kind: vcavVappKind("testCleanup")}
	vcavVappReverseOp  = &vcavVappOp{vm: vcavReverseOp, kind: vcavVappKind("reverse"), after: vcavVappReversed}
	vcavVappDeleteOp   = &vcavVappOp{vm: vcavDeleteOp, kind: &vcavTaskKind{workflow: "delete", resourceType: "vappReplication"}}
	vcavVappMigrateOp  = &vcavVappOp{vm: vcavMigrateOp, kind: vcavVappKind("migrate"), after: vcavVappRecovered}
	vcavVappSyncOp     = &vcavVappOp{vm: vcavSyncOp, kind: vcavVappKind("sync"), after: vcavVappTouched}
	vcavVappPauseOp    = &vcavVappOp{vm: vcavPauseOp, kind: vcavVappKind("pause"), after: vcavVappTouched, skip: vcavPaused}
	vcavVappResumeOp   = &vcavVappOp{vm: vcavResumeOp, kind: vcavVappKind("resume"), after: vcavVappTouched}
)

// vcavVappTouched: the vApp was last managed at end (its VMs carry the
// operation's effect).
func vcavVappTouched(a *vcavVapp, _ []*vcav.SingleVmReplicationInfo, end time.Time) {
	a.info.LastUpdated = new(end.UnixMilli())
}

// vcavVappRecovered: every VM is in one recovered vApp, the vApp's
// destination.recoveredVappId.
func vcavVappRecovered(a *vcavVapp, children []*vcav.SingleVmReplicationInfo, end time.Time) {
	id := uuid.NewString()
	if a.info.Destination == nil {
		a.info.Destination = &vcav.VmReplicationDestination{}
	}
	a.info.Destination.RecoveredVappId = new(id)
	for _, r := range children {
		r.Destination.RecoveredVappId = new(id)
		vcavRecoveryInfo(r).VAppId = new(id)
	}
	a.info.LastUpdated = new(end.UnixMilli())
}

// vcavVappReversed: the vApp runs the other way, as its VMs do.
func vcavVappReversed(a *vcavVapp, _ []*vcav.SingleVmReplicationInfo, end time.Time) {
	if a.info.Source == nil {
		a.info.Source = &vcav.VmReplicationSource{}
	}
	if a.info.Destination == nil {
		a.info.Destination = &vcav.VmReplicationDestination{}
	}
	s, d := a.info.Source, a.info.Destination
	s.Site, d.Site = d.Site, s.Site
	s.Org, d.Org = d.Org, s.Org
	s.VdcId, d.VdcId = d.VdcId, s.VdcId
	s.VdcName, d.VdcName = d.VdcName, s.VdcName
	d.RecoveredVappId = nil
	a.info.LastUpdated = new(end.UnixMilli())
}

// startVappOp starts op on vApp replication id: every VM must pass the VM
// operation's gate (the refusal names the vApp and the VM); a busy op puts
// every VM at IN_PROGRESS. The caller holds m.mu.
func (m *vcavMock) startVappOp(ctx context.Context, now time.Time, op *vcavVappOp, id string, site, opID *string) (*vcavTask, error) {
	where, refusal := m.checkSite(ctx, site)
	if refusal != nil {
		return nil, refusal.problem()
	}
	a, ok := m.vapps[id]
	if !ok {
		return nil, vcavVappNotFound(id).problem()
	}
	targets := m.vappTargets(op, a)
	before := make(map[string]vcav.RecoveryState, len(targets))
	for _, cid := range targets {
		r := m.repls[cid]
		if refusal := op.vm.gate(r); refusal != nil {
			refusal.body.Msg = fmt.Sprintf("vApp replication %s: %s", id, refusal.body.Msg)
			args := append([]string{id}, derefOr(refusal.body.Args, nil)...)
			refusal.body.Args = &args
			return nil, refusal.problem()
		}
		before[cid] = vcavRecoveryStateOf(r)
	}
	if op.vm.busy {
		for _, cid := range targets {
			vcavSetRecoveryState(m.repls[cid], vcav.RecoveryStateINPROGRESS, now)
		}
	}
	var name *string
	if a.info.Descriptor != nil {
		name = a.info.Descriptor.Name
	}
	subject := taskSubject{id: id, name: name, site: where, corrID: derefOr(opID, "")}
	return m.startTask(ctx, uuid.NewString(), now, op.kind, subject, m.vappEffect(op, id, before)), nil
}

// vappTargets are the VMs of a that op acts on: all of them, or those op
// does not skip when it skips some but not all. The caller holds m.mu.
func (m *vcavMock) vappTargets(op *vcavVappOp, a *vcavVapp) []string {
	if op.skip == nil {
		return a.children
	}
	var targets []string
	for _, cid := range a.children {
		if !op.skip(m.repls[cid]) {
			targets = append(targets, cid)
		}
	}
	if len(targets) == 0 {
		return a.children
	}
	return targets
}

// vappEffect is what a task of op on vApp id does when it ends: on success
// the VM effect on each VM it started on (before's) still held, then the vApp's own, the result
// being the vApp with its VMs (delete: the vApp and its VMs removed, no
// result); a busy op's failure puts each VM back to its state before.
func (m *vcavMock) vappEffect(op *vcavVappOp, id string, before map[string]vcav.RecoveryState) taskEffect {
	e := taskEffect{succeed: func(end time.Time) []byte {
		a, ok := m.vapps[id]
		if !ok {
			return nil
		}
		if op.vm.apply == nil {
			for _, cid := range a.children {
				m.removeReplication(cid)
			}
			m.removeVapp(id)
			return nil
		}
		var children []*vcav.SingleVmReplicationInfo
		for _, cid := range a.children {
			if r, ok := m.repls[cid]; ok {
				if _, target := before[cid]; target {
					op.vm.apply(m, r, end)
				}
				children = append(children, r)
			}
		}
		if op.after != nil {
			op.after(a, children, end)
		}
		b, err := json.Marshal(m.renderVapp(a))
		if err != nil {
			panic(fmt.Sprintf("encode vcav vApp replication: %v", err))
		}
		return b
	}}
	if op.vm.busy {
		e.fail = func(end time.Time) {
			for cid, state := range before {
				if r, ok := m.repls[cid]; ok {
					vcavSetRecoveryState(r, state, end)
				}
			}
		}
	}
	return e
}
