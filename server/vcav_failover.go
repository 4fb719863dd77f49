package server

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavOptimizeWindow is how long after a failover an optimized reverse stays
// possible (recoveryInfo.optimizeUntil), as in the spec's example.
const vcavOptimizeWindow = 30 * 24 * time.Hour

// vcavRecoveryType is recoveryInfo.type after a failover: a Cloud Director
// recovery.
const vcavRecoveryType = "vcd"

// FailoverVmReplication answers POST /vm-replications/{replicationId}/failover.
// A remote or unknown site, an unknown replication, an unreadable body, or
// a recovery state other than NOT_STARTED is refused synchronously and
// starts nothing. Otherwise, atomically, the replication becomes
// IN_PROGRESS and a RUNNING task starts; the answer is 202 with the task.
// The settings in the body pass the spec's schema and change nothing else.
func (m *vcavMock) FailoverVmReplication(ctx context.Context, req vcav.FailoverVmReplicationRequestObject) (vcav.FailoverVmReplicationResponseObject, error) {
	// What needs no state is worked out before taking the lock.
	badSettings, taskID := vcavCheckFailoverSettings(req.Body), uuid.NewString()
	now := m.begin()
	defer m.end()
	site, refusal := m.checkSite(ctx, req.Params.Site)
	if refusal != nil {
		return nil, refusal.problem()
	}
	if msg := badSettings; msg != "" {
		return nil, (&vcavRefusal{http.StatusBadRequest, vcavError(vcavCodeBadRequest, msg, "type")}).problem()
	}
	r, ok := m.repls[req.ReplicationId]
	if !ok {
		return nil, vcavReplicationNotFound(req.ReplicationId).problem()
	}
	if refusal := vcavRecoveryStateRefusal(r); refusal != nil {
		return nil, refusal.problem()
	}
	vcavSetRecoveryState(r, vcav.RecoveryStateINPROGRESS, now)
	t := m.startTask(ctx, taskID, now, vcavFailoverKind, taskSubject{id: r.Id, name: r.VmName, site: site, corrID: derefOr(req.Params.OperationID, "")}, m.failoverEffect(r.Id))
	return vcavFailoverAnswer(encodeAnswer(vcavReplicationTask(t, now))), nil
}

// vcavFailoverAnswer is the 202 answer of a failover: what
// vcav.FailoverVmReplication202JSONResponse would send, encoded with
// encodeAnswer.
type vcavFailoverAnswer []byte

// VisitFailoverVmReplicationResponse implements
// vcav.FailoverVmReplicationResponseObject.
func (a vcavFailoverAnswer) VisitFailoverVmReplicationResponse(w http.ResponseWriter) error {
	buf := getAnswerBuffer()
	defer putAnswerBuffer(buf)
	buf.Write(a)
	buf.WriteByte('\n')
	return writeJSONAnswer(w, http.StatusAccepted, buf.Bytes())
}

// vcavCheckFailoverSettings returns why the body cannot be read as failover
// settings, or "" when it can. The request validator refuses such bodies
// before the handler runs; this is the handler's own guard.
func vcavCheckFailoverSettings(body *vcav.VmReplicationFailoverSettings) string {
	const msg = `Invalid request body: property "type" is missing or has an unsupported value.`
	if body == nil {
		return msg
	}
	raw, err := body.MarshalJSON() // the union's bytes as sent
	if err == nil {
		if _, ok := vcavReadableSettings.get(raw); ok {
			return ""
		}
	}
	if _, err := body.ValueByDiscriminator(); err != nil {
		return msg
	}
	if raw != nil {
		vcavReadableSettings.put(raw, struct{}{})
	}
	return ""
}

// vcavReadableSettings remembers failover settings bodies that read as one
// of the union's variants: whether one does depends on its bytes alone,
// and reading it decodes it twice (the discriminator, then the variant),
// 5 % of the mock's CPU under a failover load (BenchmarkExternal's
// vcav-failover+poll profile), for the same bytes at every failover.
var vcavReadableSettings = newBytesMemo[struct{}](128, 4096)

// vcavRecoveryStateRefusal returns the 400 InvalidRecoveryState refusal for a
// replication whose recovery state forbids a failover (TEST, IN_PROGRESS,
// COMPLETE), naming the state and the remedy; nil when it may fail over.
// Paused replications and any data connection state are allowed.
func vcavRecoveryStateRefusal(r *vcav.SingleVmReplicationInfo) *vcavRefusal {
	state := vcavRecoveryStateOf(r)
	var msg string
	switch state {
	case vcav.RecoveryStateTEST:
		msg = "VM replication %s has a test failover image (recovery state TEST). Clean up the test failover first."
	case vcav.RecoveryStateINPROGRESS:
		msg = "VM replication %s is already being recovered (recovery state IN_PROGRESS). Wait for the running recovery to finish."
	case vcav.RecoveryStateCOMPLETE:
		msg = "VM replication %s is already failed over (recovery state COMPLETE). Reverse it first."
	default:
		return nil
	}
	return &vcavRefusal{http.StatusBadRequest,
		vcavError(vcavCodeInvalidRecoveryState, fmt.Sprintf(msg, r.Id), r.Id, string(state))}
}

// vcavRecoveryStateOf is r's destinationState.recoveryInfo.recoveryState, or ""
// when r has none (fixture validation requires one).
func vcavRecoveryStateOf(r *vcav.SingleVmReplicationInfo) vcav.RecoveryState {
	if r.DestinationState == nil || r.DestinationState.RecoveryInfo == nil {
		return ""
	}
	return r.DestinationState.RecoveryInfo.RecoveryState
}

// vcavRecoveryInfo returns r's recovery info, creating the objects that hold it
// when they are missing.
func vcavRecoveryInfo(r *vcav.SingleVmReplicationInfo) *vcav.RecoveryInfo {
	if r.DestinationState == nil {
		r.DestinationState = &vcav.CloudDestinationStateInfo{}
	}
	if r.DestinationState.RecoveryInfo == nil {
		r.DestinationState.RecoveryInfo = &vcav.RecoveryInfo{}
	}
	return r.DestinationState.RecoveryInfo
}

// vcavSetRecoveryState sets r's recovery state and lastUpdated to at.
func vcavSetRecoveryState(r *vcav.SingleVmReplicationInfo, state vcav.RecoveryState, at time.Time) {
	vcavRecoveryInfo(r).RecoveryState = state
	r.LastUpdated = new(at.UnixMilli())
}

// vcavCompleteFailover applies a successful failover finished at end: the
// recovery state becomes COMPLETE with type vcd, a new vApp (a bare UUID,
// as in the spec's examples) is both destination.recoveredVappId and
// recoveryInfo.vAppId, recoveryInfo.vcdVmId is another new UUID, an
// optimized reverse is possible for 30 days, and lastUpdated is end.
func vcavCompleteFailover(r *vcav.SingleVmReplicationInfo, end time.Time) {
	vapp := uuid.NewString()
	f := &vcavRecoveredFields{recoveryType: vcavRecoveryType, vappID: vapp, vmID: uuid.NewString(),
		recoveredVappID: vapp, optimizeUntil: end.Add(vcavOptimizeWindow).UnixMilli()}
	ri := vcavRecoveryInfo(r)
	ri.Type, ri.VAppId, ri.VcdVmId, ri.OptimizeUntil = &f.recoveryType, &f.vappID, &f.vmID, &f.optimizeUntil
	if r.Destination == nil {
		r.Destination = &vcav.VmReplicationDestination{}
	}
	r.Destination.RecoveredVappId = &f.recoveredVappID
	vcavSetRecoveryState(r, vcav.RecoveryStateCOMPLETE, end)
}

// vcavRecoveredFields holds what a failed-over replication's new fields
// point to, in one allocation instead of one per field (fewer objects in
// the live state every collection marks).
type vcavRecoveredFields struct {
	recoveryType, vappID, vmID, recoveredVappID string
	optimizeUntil                               int64
}
