package server

import (
	"context"
	"fmt"
	"slices"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// modeTransitions lists the allowed mode changes and the health each needs
// (vendor table; failoverkit treats every node as running the same version,
// so the version condition always holds).
var modeTransitions = map[[2]vcha.VchaClusterClusterMode][]vcha.VchaClusterClusterState{
	{vcha.VchaClusterClusterModeENABLED, vcha.VchaClusterClusterModeDISABLED}: {
		vcha.VchaClusterClusterStateHEALTHY, vcha.VchaClusterClusterStateDEGRADED},
	{vcha.VchaClusterClusterModeENABLED, vcha.VchaClusterClusterModeMAINTENANCE}: {vcha.VchaClusterClusterStateHEALTHY},
	{vcha.VchaClusterClusterModeDISABLED, vcha.VchaClusterClusterModeENABLED}:    {vcha.VchaClusterClusterStateHEALTHY},
	{vcha.VchaClusterClusterModeMAINTENANCE, vcha.VchaClusterClusterModeENABLED}: {vcha.VchaClusterClusterStateHEALTHY},
	{vcha.VchaClusterClusterModeMAINTENANCE, vcha.VchaClusterClusterModeDISABLED}: {
		vcha.VchaClusterClusterStateHEALTHY},
}

// SetVchaClusterModeAsync answers PUT
// /api/vcenter/vcha/cluster/mode?vmw-task=true. A caller without
// Global.VCServer gets 403 and no task. Otherwise the answer is 202 with a
// task id: the task sets the mode when it succeeds, or ends FAILED when the
// change was refused at request time (see modeRefusal).
func (m *vchaMock) SetVchaClusterModeAsync(ctx context.Context, req vcha.SetVchaClusterModeAsyncRequestObject) (vcha.SetVchaClusterModeAsyncResponseObject, error) {
	now := m.begin()
	defer m.mu.Unlock()
	if sess, _ := sessionFrom(ctx); !sess.User.HasPrivilege(privGlobalVCServer) {
		return vcha.SetVchaClusterModeAsync403JSONResponse(unauthorizedError(privGlobalVCServer)), nil
	}
	if req.Body == nil {
		return nil, newProblem(KindBadRequest, "request body: value is required but missing")
	}
	to := req.Body.Mode
	plan := taskPlan{
		kind: modeSetTask, duration: m.env.taskDuration,
		effect:  setModeEffect(to),
		refusal: m.modeRefusal(to),
	}
	return vcha.SetVchaClusterModeAsync202JSONResponse(m.startTask(ctx, now, plan)), nil
}

// modeRefusal returns the error a change to mode to ends with, or nil when
// it may happen: the cluster must be CONFIGURED with no failover or mode
// change running, to must differ from the current mode
// (ALREADY_IN_DESIRED_STATE otherwise), and modeTransitions must allow the
// change at the current health.
func (m *vchaMock) modeRefusal(to vcha.VchaClusterClusterMode) *vcha.StdErrorsError {
	from, health := m.mode(), m.health()
	var reason string
	switch needs, known := modeTransitions[[2]vcha.VchaClusterClusterMode{from, to}]; {
	case !m.configured():
		reason = "vCenter HA is not configured"
	case m.active != nil:
		reason = "another failover or mode change is already running"
	case from == to:
		return new(vapiError(vcha.StdErrorsErrorTypeALREADYINDESIREDSTATE,
			vapiMessage(msgModeAlready, fmt.Sprintf("The cluster mode is already %s.", to))))
	case !known:
		reason = fmt.Sprintf("the mode cannot change from %s to %s", from, to)
	case !slices.Contains(needs, health):
		reason = fmt.Sprintf("changing the mode from %s to %s needs a HEALTHY cluster, and it is %s", from, to, health)
	default:
		return nil
	}
	return new(vapiError(vcha.StdErrorsErrorTypeNOTALLOWEDINCURRENTSTATE,
		withReason(vapiMessage(msgModeNotAllowed, "Cannot change the cluster mode: "+reason+"."), reason)))
}
