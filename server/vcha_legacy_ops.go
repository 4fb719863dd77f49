package server

import (
	"context"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// The /rest operations: each calls its /api twin and re-shapes the answer
// (see vcha_legacy.go). Refusals of the shared pipeline and errors the /api
// handlers return reach writeProblem, which shapes them for /rest too.

// CreateSessionLegacy answers POST /rest/com/vmware/cis/session: 200
// {"value": token}. vmware-use-header-authn changes nothing (no cookie is
// ever set).
func (m *vchaMock) CreateSessionLegacy(ctx context.Context, _ vcha.CreateSessionLegacyRequestObject) (vcha.CreateSessionLegacyResponseObject, error) {
	resp, err := m.CreateSession(ctx, vcha.CreateSessionRequestObject{})
	if err != nil {
		return nil, err
	}
	return toLegacy(resp.VisitCreateSessionResponse)
}

// GetSessionLegacy answers POST /rest/com/vmware/cis/session?~action=get.
func (m *vchaMock) GetSessionLegacy(ctx context.Context, _ vcha.GetSessionLegacyRequestObject) (vcha.GetSessionLegacyResponseObject, error) {
	resp, err := m.GetSession(ctx, vcha.GetSessionRequestObject{})
	if err != nil {
		return nil, err
	}
	return toLegacy(resp.VisitGetSessionResponse)
}

// DeleteSessionLegacy answers DELETE /rest/com/vmware/cis/session: 200, no body.
func (m *vchaMock) DeleteSessionLegacy(ctx context.Context, _ vcha.DeleteSessionLegacyRequestObject) (vcha.DeleteSessionLegacyResponseObject, error) {
	resp, err := m.DeleteSession(ctx, vcha.DeleteSessionRequestObject{})
	if err != nil {
		return nil, err
	}
	return toLegacy(resp.VisitDeleteSessionResponse)
}

// GetTaskLegacy answers GET /rest/cis/tasks/{task} (options spec.return_all
// and spec.exclude_result).
func (m *vchaMock) GetTaskLegacy(ctx context.Context, req vcha.GetTaskLegacyRequestObject) (vcha.GetTaskLegacyResponseObject, error) {
	resp, err := m.GetTask(ctx, vcha.GetTaskRequestObject{Task: req.Task, Params: vcha.GetTaskParams{
		ReturnAll: req.Params.SpecReturnAll, ExcludeResult: req.Params.SpecExcludeResult,
	}})
	if err != nil {
		return nil, err
	}
	return toLegacy(resp.VisitGetTaskResponse)
}

// GetVchaClusterLegacy answers POST /rest/vcenter/vcha/cluster?action=get.
func (m *vchaMock) GetVchaClusterLegacy(ctx context.Context, req vcha.GetVchaClusterLegacyRequestObject) (vcha.GetVchaClusterLegacyResponseObject, error) {
	resp, err := m.GetVchaCluster(ctx, vcha.GetVchaClusterRequestObject(req))
	if err != nil {
		return nil, err
	}
	return toLegacy(resp.VisitGetVchaClusterResponse)
}

// FailoverVchaClusterAsyncLegacy answers POST
// /rest/vcenter/vcha/cluster?action=failover&vmw-task=true: 200 {"value": task id}.
func (m *vchaMock) FailoverVchaClusterAsyncLegacy(ctx context.Context, req vcha.FailoverVchaClusterAsyncLegacyRequestObject) (vcha.FailoverVchaClusterAsyncLegacyResponseObject, error) {
	resp, err := m.FailoverVchaClusterAsync(ctx, vcha.FailoverVchaClusterAsyncRequestObject(req))
	if err != nil {
		return nil, err
	}
	return toLegacy(resp.VisitFailoverVchaClusterAsyncResponse)
}

// GetVchaClusterModeLegacy answers GET /rest/vcenter/vcha/cluster/mode.
func (m *vchaMock) GetVchaClusterModeLegacy(ctx context.Context, _ vcha.GetVchaClusterModeLegacyRequestObject) (vcha.GetVchaClusterModeLegacyResponseObject, error) {
	resp, err := m.GetVchaClusterMode(ctx, vcha.GetVchaClusterModeRequestObject{})
	if err != nil {
		return nil, err
	}
	return toLegacy(resp.VisitGetVchaClusterModeResponse)
}

// SetVchaClusterModeAsyncLegacy answers PUT
// /rest/vcenter/vcha/cluster/mode?vmw-task=true: 200 {"value": task id}.
func (m *vchaMock) SetVchaClusterModeAsyncLegacy(ctx context.Context, req vcha.SetVchaClusterModeAsyncLegacyRequestObject) (vcha.SetVchaClusterModeAsyncLegacyResponseObject, error) {
	resp, err := m.SetVchaClusterModeAsync(ctx, vcha.SetVchaClusterModeAsyncRequestObject(req))
	if err != nil {
		return nil, err
	}
	return toLegacy(resp.VisitSetVchaClusterModeAsyncResponse)
}
