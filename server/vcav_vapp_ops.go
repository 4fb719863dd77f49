package server

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vappOp runs startVappOp under the lock and renders the task.
func (m *vcavMock) vappOp(ctx context.Context, op *vcavVappOp, id string, site, opID *string) (vcav.VappTaskAcceptedJSONResponse, error) {
	now := m.begin()
	defer m.end()
	t, err := m.startVappOp(ctx, now, op, id, site, opID)
	if err != nil {
		return vcav.VappTaskAcceptedJSONResponse{}, err
	}
	return vcav.VappTaskAcceptedJSONResponse(vcavVappTask(t, now)), nil
}

// vcavVappTask renders a vApp task at now (see vcavGenericTask), its
// result, if any, decoded.
func vcavVappTask(t *vcavTask, now time.Time) vcav.C4ApiTaskOfVappReplicationInfo {
	g := vcavGenericTask(t, now)
	v := vcav.C4ApiTaskOfVappReplicationInfo{
		Id: g.Id, User: g.User, Site: g.Site, State: g.State, Progress: g.Progress,
		StartTime: g.StartTime, EndTime: g.EndTime, LastUpdated: g.LastUpdated,
		ResultType: g.ResultType, Error: g.Error, Warnings: g.Warnings, WorkflowInfo: g.WorkflowInfo,
	}
	if raw, ok := t.result.Load().json(); ok {
		var r vcav.VappReplicationInfo
		if json.Unmarshal(raw, &r) == nil {
			v.Result = &r
		}
	}
	return v
}

// removeVapp forgets vApp replication id. The caller holds m.mu.
func (m *vcavMock) removeVapp(id string) {
	delete(m.vapps, id)
	m.vappOrder = slices.DeleteFunc(slices.Clone(m.vappOrder), func(o string) bool { return o == id })
}

// FailoverVappReplication answers POST /vapp-replications/{id}/failover.
func (m *vcavMock) FailoverVappReplication(ctx context.Context, req vcav.FailoverVappReplicationRequestObject) (vcav.FailoverVappReplicationResponseObject, error) {
	if req.Body == nil {
		return nil, vcavBadBody()
	}
	t, err := m.vappOp(ctx, vcavVappFailoverOp, req.ReplicationId, req.Params.Site, req.Params.OperationID)
	if err != nil {
		return nil, err
	}
	return vcav.FailoverVappReplication202JSONResponse{VappTaskAcceptedJSONResponse: t}, nil
}

// TestFailoverVappReplication answers POST /vapp-replications/{id}/failover-test.
func (m *vcavMock) TestFailoverVappReplication(ctx context.Context, req vcav.TestFailoverVappReplicationRequestObject) (vcav.TestFailoverVappReplicationResponseObject, error) {
	if req.Body == nil {
		return nil, vcavBadBody()
	}
	t, err := m.vappOp(ctx, vcavVappTestOp, req.ReplicationId, req.Params.Site, req.Params.OperationID)
	if err != nil {
		return nil, err
	}
	return vcav.TestFailoverVappReplication202JSONResponse{VappTaskAcceptedJSONResponse: t}, nil
}

// CleanupTestFailoverVappReplication answers DELETE /vapp-replications/{id}/failover-test.
func (m *vcavMock) CleanupTestFailoverVappReplication(ctx context.Context, req vcav.CleanupTestFailoverVappReplicationRequestObject) (vcav.CleanupTestFailoverVappReplicationResponseObject, error) {
	t, err := m.vappOp(ctx, vcavVappCleanupOp, req.ReplicationId, req.Params.Site, req.Params.OperationID)
	if err != nil {
		return nil, err
	}
	return vcav.CleanupTestFailoverVappReplication202JSONResponse{VappTaskAcceptedJSONResponse: t}, nil
}

// ReverseVappReplication answers POST /vapp-replications/{id}/reverse.
func (m *vcavMock) ReverseVappReplication(ctx context.Context, req vcav.ReverseVappReplicationRequestObject) (vcav.ReverseVappReplicationResponseObject, error) {
	t, err := m.vappOp(ctx, vcavVappReverseOp, req.ReplicationId, req.Params.Site, req.Params.OperationID)
	if err != nil {
		return nil, err
	}
	return vcav.ReverseVappReplication202JSONResponse{VappTaskAcceptedJSONResponse: t}, nil
}

// DeleteVappReplication answers DELETE /vapp-replications/{id}: a task
// without result.
func (m *vcavMock) DeleteVappReplication(ctx context.Context, req vcav.DeleteVappReplicationRequestObject) (vcav.DeleteVappReplicationResponseObject, error) {
	now := m.begin()
	defer m.end()
	t, err := m.startVappOp(ctx, now, vcavVappDeleteOp, req.ReplicationId, req.Params.Site, req.Params.OperationID)
	if err != nil {
		return nil, err
	}
	return vcav.DeleteVappReplication202JSONResponse(vcavGenericTask(t, now)), nil
}

// MigrateVappReplication answers POST /vapp-replications/{id}/migrate.
func (m *vcavMock) MigrateVappReplication(ctx context.Context, req vcav.MigrateVappReplicationRequestObject) (vcav.MigrateVappReplicationResponseObject, error) {
	if req.Body == nil || req.Body.Type == "" {
		return nil, vcavBadBody()
	}
	t, err := m.vappOp(ctx, vcavVappMigrateOp, req.ReplicationId, req.Params.Site, req.Params.OperationID)
	if err != nil {
		return nil, err
	}
	return vcav.MigrateVappReplication202JSONResponse{VappTaskAcceptedJSONResponse: t}, nil
}

// SyncVappReplication answers POST /vapp-replications/{id}/sync.
func (m *vcavMock) SyncVappReplication(ctx context.Context, req vcav.SyncVappReplicationRequestObject) (vcav.SyncVappReplicationResponseObject, error) {
	t, err := m.vappOp(ctx, vcavVappSyncOp, req.ReplicationId, req.Params.Site, req.Params.OperationID)
	if err != nil {
		return nil, err
	}
	return vcav.SyncVappReplication202JSONResponse{VappTaskAcceptedJSONResponse: t}, nil
}

// PauseVappReplication answers POST /vapp-replications/{id}/pause.
func (m *vcavMock) PauseVappReplication(ctx context.Context, req vcav.PauseVappReplicationRequestObject) (vcav.PauseVappReplicationResponseObject, error) {
	t, err := m.vappOp(ctx, vcavVappPauseOp, req.ReplicationId, req.Params.Site, req.Params.OperationID)
	if err != nil {
		return nil, err
	}
	return vcav.PauseVappReplication202JSONResponse{VappTaskAcceptedJSONResponse: t}, nil
}

// ResumeVappReplication answers POST /vapp-replications/{id}/resume.
func (m *vcavMock) ResumeVappReplication(ctx context.Context, req vcav.ResumeVappReplicationRequestObject) (vcav.ResumeVappReplicationResponseObject, error) {
	t, err := m.vappOp(ctx, vcavVappResumeOp, req.ReplicationId, req.Params.Site, req.Params.OperationID)
	if err != nil {
		return nil, err
	}
	return vcav.ResumeVappReplication202JSONResponse{VappTaskAcceptedJSONResponse: t}, nil
}
