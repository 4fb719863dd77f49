package server

import (
	"context"
	"fmt"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// Message ids of the task errors a refused failover or mode change ends with.
const (
	msgFailoverNotAllowed = "com.vmware.vcenter.vcha.cluster.failover.not_allowed"
	msgModeNotAllowed     = "com.vmware.vcenter.vcha.cluster.mode.set.not_allowed"
	msgModeAlready        = "com.vmware.vcenter.vcha.cluster.mode.set.already_in_desired_state"
)

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
	plan := taskPlan{kind: failoverTask, duration: m.env.taskDuration, effect: failoverEffect}
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
