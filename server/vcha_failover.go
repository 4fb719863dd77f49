package server

import (
	"context"
	"fmt"
	"slices"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// Message ids of the task errors a refused failover or mode change ends with.
const (
	msgFailoverNotAllowed = "com.vmware.vcenter.vcha.cluster.failover.not_allowed"
	msgModeNotAllowed     = "com.vmware.vcenter.vcha.cluster.mode.set.not_allowed"
	msgModeAlready        = "com.vmware.vcenter.vcha.cluster.mode.set.already_in_desired_state"
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

// FailoverVchaClusterAsync answers POST
// /api/vcenter/vcha/cluster?action=failover&vmw-task=true. A caller without
// Global.VCServer gets 403 and no task. Otherwise the answer is 202 with a
// task id: the task swaps the node roles when it succeeds, or ends FAILED
// NOT_ALLOWED_IN_CURRENT_STATE when a precondition did not hold at request
// time. A forced failover takes half the time of a planned one.
func (m *vchaMock) FailoverVchaClusterAsync(ctx context.Context, req vcha.FailoverVchaClusterAsyncRequestObject) (vcha.FailoverVchaClusterAsyncResponseObject, error) {
	now := m.begin()
	defer m.mu.Unlock()
	if sess, _ := sessionFrom(ctx); !sess.User.HasPrivilege(privGlobalVCServer) {
		return vcha.FailoverVchaClusterAsync403JSONResponse(unauthorizedError(privGlobalVCServer)), nil
	}
	plan := taskPlan{kind: failoverTask, duration: m.env.taskDuration, effect: (*vchaMock).swapRoles}
	if req.Body == nil || !req.Body.Planned {
		plan.duration /= 2
	}
	if reason := m.failoverRefusal(); reason != "" {
		plan.refusal = new(vapiError(vcha.StdErrorsErrorTypeNOTALLOWEDINCURRENTSTATE,
			withReason(vapiMessage(msgFailoverNotAllowed, "Failover is not allowed: "+reason+"."), reason)))
	}
	return vcha.FailoverVchaClusterAsync202JSONResponse(m.startTask(ctx, now, plan)), nil
}

// failoverRefusal says why a failover may not start now, or "" when it may:
// the cluster must be CONFIGURED, in mode ENABLED or MAINTENANCE, with
// node1, node2 and witness UP and no failover or mode change running.
func (m *vchaMock) failoverRefusal() string {
	down := m.firstDown()
	switch mode := m.mode(); {
	case !m.configured():
		return "the cluster is not configured"
	case mode != vcha.VchaClusterClusterModeENABLED && mode != vcha.VchaClusterClusterModeMAINTENANCE:
		return fmt.Sprintf("the cluster mode is %s", mode)
	case down != "":
		return fmt.Sprintf("the cluster member %s is DOWN", down)
	case m.active != nil:
		return "another failover or mode change is already running"
	}
	return ""
}

// swapRoles is the effect of a successful failover: node1 and node2 swap
// their ACTIVE and PASSIVE roles.
func (m *vchaMock) swapRoles() {
	r1, r2 := runtimeOf(m.cluster.Node1), runtimeOf(m.cluster.Node2)
	if r1 != nil && r2 != nil {
		r1.Role, r2.Role = r2.Role, r1.Role
	}
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
		effect:  func(m *vchaMock) { m.cluster.Mode = new(to) },
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
