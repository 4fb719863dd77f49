package server

import (
	"fmt"
	"net/http"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavCodeReplicationPaused is the 400 code of an operation that needs a
// replicating (not paused) replication (failoverkit choice).
const vcavCodeReplicationPaused = "ReplicationPaused"

// The remedies the InvalidRecoveryState refusals name, per recovery state
// that forbids an operation.
var vcavRecoveryRemedy = map[vcav.RecoveryState]string{
	vcav.RecoveryStateNOTSTARTED: "VM replication %s is not recovered (recovery state NOT_STARTED). Fail it over or migrate it first.",
	vcav.RecoveryStateTEST:       "VM replication %s has a test failover image (recovery state TEST). Clean up the test failover first.",
	vcav.RecoveryStateINPROGRESS: "VM replication %s is already being recovered (recovery state IN_PROGRESS). Wait for the running recovery to finish.",
	vcav.RecoveryStateCOMPLETE:   "VM replication %s is already failed over (recovery state COMPLETE). Reverse it first.",
}

// vcavNoTestImage is the message of a cleanup without a test image.
const vcavNoTestImage = "VM replication %s has no test failover image to clean up (recovery state %s). Run a test failover first."

// vcavRecoveryRefusal is the 400 InvalidRecoveryState refusal of an
// operation on r in its current recovery state, saying msg; the arguments
// are the id and the state.
func vcavRecoveryRefusal(r *vcav.SingleVmReplicationInfo, msg string) *vcavRefusal {
	return &vcavRefusal{http.StatusBadRequest,
		vcavError(vcavCodeInvalidRecoveryState, msg, r.Id, string(vcavRecoveryStateOf(r)))}
}

// vcavAllowStates returns a gate that lets through the recovery states in
// allowed and refuses the others with their remedy.
func vcavAllowStates(allowed ...vcav.RecoveryState) func(*vcav.SingleVmReplicationInfo) *vcavRefusal {
	return func(r *vcav.SingleVmReplicationInfo) *vcavRefusal {
		state := vcavRecoveryStateOf(r)
		for _, a := range allowed {
			if state == a {
				return nil
			}
		}
		if remedy, ok := vcavRecoveryRemedy[state]; ok {
			return vcavRecoveryRefusal(r, fmt.Sprintf(remedy, r.Id))
		}
		return vcavRecoveryRefusal(r, fmt.Sprintf(
			"VM replication %s is in recovery state %s, which forbids this operation.", r.Id, state))
	}
}

// vcavPaused says whether r is paused.
func vcavPaused(r *vcav.SingleVmReplicationInfo) bool { return r.IsPaused != nil && *r.IsPaused }

// vcavRefusePaused refuses a paused replication with 400 ReplicationPaused.
func vcavRefusePaused(r *vcav.SingleVmReplicationInfo) *vcavRefusal {
	if !vcavPaused(r) {
		return nil
	}
	return &vcavRefusal{http.StatusBadRequest, vcavError(vcavCodeReplicationPaused,
		fmt.Sprintf("VM replication %s is paused. Resume it first.", r.Id), r.Id)}
}

// vcavGates is a gate that runs gates in order and returns the first refusal.
func vcavGates(gates ...func(*vcav.SingleVmReplicationInfo) *vcavRefusal) func(*vcav.SingleVmReplicationInfo) *vcavRefusal {
	return func(r *vcav.SingleVmReplicationInfo) *vcavRefusal {
		for _, g := range gates {
			if refusal := g(r); refusal != nil {
				return refusal
			}
		}
		return nil
	}
}

// vcavCleanupGate lets only a replication with a test image (TEST) be
// cleaned up.
func vcavCleanupGate(r *vcav.SingleVmReplicationInfo) *vcavRefusal {
	if vcavRecoveryStateOf(r) == vcav.RecoveryStateTEST {
		return nil
	}
	return vcavRecoveryRefusal(r, fmt.Sprintf(vcavNoTestImage, r.Id, vcavRecoveryStateOf(r)))
}
