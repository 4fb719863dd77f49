package server

import (
	"context"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// startOp starts op on replication id, requested on site with the
// correlation id opID, at now: the site and the replication are checked,
// then op's gate; a busy op puts the recovery state at IN_PROGRESS. The
// caller holds m.mu (begin/end).
func (m *vcavMock) startOp(ctx context.Context, now time.Time, op *vcavOp, id string, site, opID *string) (*vcavTask, error) {
	where, refusal := m.checkSite(ctx, site)
	if refusal != nil {
		return nil, refusal.problem()
	}
	r, ok := m.repls[id]
	if !ok {
		return nil, vcavReplicationNotFound(id).problem()
	}
	if refusal := op.gate(r); refusal != nil {
		return nil, refusal.problem()
	}
	before := vcavRecoveryStateOf(r)
	if op.busy {
		vcavSetRecoveryState(r, vcav.RecoveryStateINPROGRESS, now)
	}
	subject := taskSubject{id: r.Id, name: r.VmName, site: where, corrID: derefOr(opID, "")}
	return m.startTask(ctx, uuid.NewString(), now, op.kind, subject, m.opEffect(op, r.Id, before)), nil
}

// vcavBadBody refuses a body the handler cannot read (the request
// validator refuses such bodies first; this is the handler's own guard).
func vcavBadBody() error {
	return (&vcavRefusal{http.StatusBadRequest, vcavError(vcavCodeBadRequest,
		`Invalid request body: property "type" is missing or has an unsupported value.`, "type")}).problem()
}

// replicationOp runs startOp under the lock and renders the task.
func (m *vcavMock) replicationOp(ctx context.Context, op *vcavOp, id string, site, opID *string) (vcav.ReplicationTaskAcceptedJSONResponse, error) {
	now := m.begin()
	defer m.end()
	t, err := m.startOp(ctx, now, op, id, site, opID)
	if err != nil {
		return vcav.ReplicationTaskAcceptedJSONResponse{}, err
	}
	return vcav.ReplicationTaskAcceptedJSONResponse(vcavReplicationTask(t, now)), nil
}

// TestFailoverVmReplication answers POST …/failover-test (vcavTestFailoverOp).
func (m *vcavMock) TestFailoverVmReplication(ctx context.Context, req vcav.TestFailoverVmReplicationRequestObject) (vcav.TestFailoverVmReplicationResponseObject, error) {
	if req.Body == nil {
		return nil, vcavBadBody()
	}
	t, err := m.replicationOp(ctx, vcavTestFailoverOp, req.ReplicationId, req.Params.Site, req.Params.OperationID)
	if err != nil {
		return nil, err
	}
	return vcav.TestFailoverVmReplication202JSONResponse{ReplicationTaskAcceptedJSONResponse: t}, nil
}

// CleanupTestFailoverVmReplication answers DELETE …/failover-test (vcavTestCleanupOp).
func (m *vcavMock) CleanupTestFailoverVmReplication(ctx context.Context, req vcav.CleanupTestFailoverVmReplicationRequestObject) (vcav.CleanupTestFailoverVmReplicationResponseObject, error) {
	t, err := m.replicationOp(ctx, vcavTestCleanupOp, req.ReplicationId, req.Params.Site, req.Params.OperationID)
	if err != nil {
		return nil, err
	}
	return vcav.CleanupTestFailoverVmReplication202JSONResponse{ReplicationTaskAcceptedJSONResponse: t}, nil
}

// MigrateVmReplication answers POST …/migrate (vcavMigrateOp).
func (m *vcavMock) MigrateVmReplication(ctx context.Context, req vcav.MigrateVmReplicationRequestObject) (vcav.MigrateVmReplicationResponseObject, error) {
	if req.Body == nil || req.Body.Type == "" {
		return nil, vcavBadBody()
	}
	t, err := m.replicationOp(ctx, vcavMigrateOp, req.ReplicationId, req.Params.Site, req.Params.OperationID)
	if err != nil {
		return nil, err
	}
	return vcav.MigrateVmReplication202JSONResponse{ReplicationTaskAcceptedJSONResponse: t}, nil
}

// ReverseVmReplication answers POST …/reverse (vcavReverseOp). The
// On-Prem-Auth header is neither checked nor kept.
func (m *vcavMock) ReverseVmReplication(ctx context.Context, req vcav.ReverseVmReplicationRequestObject) (vcav.ReverseVmReplicationResponseObject, error) {
	t, err := m.replicationOp(ctx, vcavReverseOp, req.ReplicationId, req.Params.Site, req.Params.OperationID)
	if err != nil {
		return nil, err
	}
	return vcav.ReverseVmReplication202JSONResponse{ReplicationTaskAcceptedJSONResponse: t}, nil
}

// SyncVmReplication answers POST …/sync (vcavSyncOp).
func (m *vcavMock) SyncVmReplication(ctx context.Context, req vcav.SyncVmReplicationRequestObject) (vcav.SyncVmReplicationResponseObject, error) {
	t, err := m.replicationOp(ctx, vcavSyncOp, req.ReplicationId, req.Params.Site, req.Params.OperationID)
	if err != nil {
		return nil, err
	}
	return vcav.SyncVmReplication202JSONResponse{ReplicationTaskAcceptedJSONResponse: t}, nil
}

// PauseVmReplication answers POST …/pause (vcavPauseOp).
func (m *vcavMock) PauseVmReplication(ctx context.Context, req vcav.PauseVmReplicationRequestObject) (vcav.PauseVmReplicationResponseObject, error) {
	t, err := m.replicationOp(ctx, vcavPauseOp, req.ReplicationId, req.Params.Site, req.Params.OperationID)
	if err != nil {
		return nil, err
	}
	return vcav.PauseVmReplication202JSONResponse{ReplicationTaskAcceptedJSONResponse: t}, nil
}

// ResumeVmReplication answers POST …/resume (vcavResumeOp).
func (m *vcavMock) ResumeVmReplication(ctx context.Context, req vcav.ResumeVmReplicationRequestObject) (vcav.ResumeVmReplicationResponseObject, error) {
	t, err := m.replicationOp(ctx, vcavResumeOp, req.ReplicationId, req.Params.Site, req.Params.OperationID)
	if err != nil {
		return nil, err
	}
	return vcav.ResumeVmReplication202JSONResponse{ReplicationTaskAcceptedJSONResponse: t}, nil
}

// DeleteVmReplication answers DELETE /vm-replications/{id} (vcavDeleteOp):
// a task without result.
func (m *vcavMock) DeleteVmReplication(ctx context.Context, req vcav.DeleteVmReplicationRequestObject) (vcav.DeleteVmReplicationResponseObject, error) {
	now := m.begin()
	defer m.end()
	t, err := m.startOp(ctx, now, vcavDeleteOp, req.ReplicationId, req.Params.Site, req.Params.OperationID)
	if err != nil {
		return nil, err
	}
	return vcav.DeleteVmReplication202JSONResponse(vcavGenericTask(t, now)), nil
}
