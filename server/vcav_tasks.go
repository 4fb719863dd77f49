package server

import (
	"context"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// Fixed values of the failover task.
const (
	vcavWorkflowFailover    = "failover"
	vcavResourceReplication = "vmReplication"
	vcavResultType          = "SingleVmReplicationInfo"
)

// vcavTask is the task of one VM replication failover. It is RUNNING until
// timing's deadline, then SUCCEEDED (with the failed-over replication as its
// result) or FAILED (with failure as its error). Its progress is computed
// from the clock on each read.
type vcavTask struct {
	id       string
	user     string
	site     string
	replID   string
	replName *string
	timing   taskTiming
	// failure is the error the task ends with; nil means it succeeds.
	failure *vcav.ApiError
	// result is the replication as the successful task left it.
	result *vcav.SingleVmReplicationInfo
	done   bool
}

// startTask creates and schedules the failover task of replication r,
// accepted at now for the session user of ctx, and applies the task fault
// injected for the request, if any. The caller holds m.mu.
func (m *vcavMock) startTask(ctx context.Context, now time.Time, r *vcav.SingleVmReplicationInfo) *vcavTask {
	sess, _ := sessionFrom(ctx)
	t := &vcavTask{
		id: uuid.NewString(), user: sess.User.Name, site: m.localSite,
		replID: r.Id, replName: r.VmName,
		timing: taskTiming{Start: now, Duration: m.env.taskDuration},
	}
	if f, ok := faultFrom(ctx); ok {
		applyVCAVTaskFault(f, t)
	}
	m.tasks[t.id] = t
	if !t.timing.Hang {
		m.due.schedule(t.timing.deadline(), t.id)
	}
	return t
}

// applyVCAVTaskFault makes t fail (GeneralServerFailure with the fault's
// TaskError, or "injected fault") or hang, as the fault says.
func applyVCAVTaskFault(f Fault, t *vcavTask) {
	switch f.Task {
	case TaskFails:
		text := f.TaskError
		if text == "" {
			text = "injected fault"
		}
		t.failure = new(vcavError(vcavCodeServerFailure, text))
	case TaskHangs:
		t.timing.Hang = true
	}
}

// finish ends t at its deadline: the replication is failed over, or put
// back to NOT_STARTED when t fails. Then the finished tasks beyond the
// retention limit are forgotten. The caller holds m.mu.
func (m *vcavMock) finish(t *vcavTask) {
	t.done = true
	end := t.timing.deadline()
	if r, ok := m.repls[t.replID]; ok {
		if t.failure == nil {
			vcavCompleteFailover(r, end)
			t.result = new(vcavCloneReplication(r))
		} else {
			vcavSetRecoveryState(r, vcav.RecoveryStateNOTSTARTED, end)
		}
	}
	for _, id := range m.kept.finished(t.id) {
		delete(m.tasks, id)
	}
}

// state is the task's state.
func (t *vcavTask) state() vcav.TaskState {
	switch {
	case t.done && t.failure != nil:
		return vcav.TaskStateFAILED
	case t.done:
		return vcav.TaskStateSUCCEEDED
	default:
		return vcav.TaskStateRUNNING
	}
}

// view renders the task at now. A running task has endTime -1, the progress
// of its timing and lastUpdated now; a finished one has endTime and
// lastUpdated at its deadline and progress 100 when it succeeded, or the
// progress it had reached when it failed. The result is a copy.
func (t *vcavTask) view(now time.Time) vcav.C4ApiTaskOfSingleVmReplicationInfo {
	v := vcav.C4ApiTaskOfSingleVmReplicationInfo{
		Id: t.id, User: new(t.user), Site: new(t.site), State: t.state(),
		StartTime: t.timing.Start.UnixMilli(), EndTime: -1, LastUpdated: new(now.UnixMilli()),
		Progress: int32(t.timing.percent(now)), Warnings: &[]vcav.ApiError{},
		WorkflowInfo: &vcav.WorkflowInfo{
			Type: new(vcavWorkflowFailover), ResourceType: new(vcavResourceReplication),
			ResourceId: new(t.replID), ResourceName: t.replName,
		},
	}
	if !t.done {
		return v
	}
	end := t.timing.deadline().UnixMilli()
	v.EndTime, v.LastUpdated = end, new(end)
	v.Progress = int32(t.timing.percent(t.timing.deadline()))
	if t.failure != nil {
		v.Error = new(*t.failure)
		return v
	}
	v.Progress, v.ResultType = 100, new(vcavResultType)
	if t.result != nil {
		v.Result = new(vcavCloneReplication(t.result))
	}
	return v
}

// GetTask answers GET /tasks/{taskId} with the task as a C4ApiTask. An
// unknown id, a task the mock has forgotten, and another user's task all
// get 404 TaskNotFound.
func (m *vcavMock) GetTask(ctx context.Context, req vcav.GetTaskRequestObject) (vcav.GetTaskResponseObject, error) {
	now := m.begin()
	defer m.mu.Unlock()
	refusal := m.checkSite(req.Params.Site)
	if refusal == nil {
		sess, _ := sessionFrom(ctx)
		if t, ok := m.tasks[req.TaskId]; ok && t.user == sess.User.Name {
			return vcav.GetTask200JSONResponse(vcavGenericTask(t.view(now))), nil
		}
		refusal = vcavTaskNotFound(req.TaskId)
	}
	if refusal.status == http.StatusUnauthorized {
		return vcav.GetTask401JSONResponse{UnauthorizedJSONResponse: vcav.UnauthorizedJSONResponse(refusal.body)}, nil
	}
	return vcav.GetTask404JSONResponse{TaskNotFoundJSONResponse: vcav.TaskNotFoundJSONResponse(refusal.body)}, nil
}

// vcavGenericTask converts a failover task to the generic C4ApiTask that
// GET /tasks/{taskId} answers, whose result is any object.
func vcavGenericTask(v vcav.C4ApiTaskOfSingleVmReplicationInfo) vcav.C4ApiTask {
	out := vcav.C4ApiTask{
		Id: v.Id, User: v.User, Site: v.Site, State: v.State, Progress: v.Progress,
		StartTime: v.StartTime, EndTime: v.EndTime, LastUpdated: v.LastUpdated,
		ResultType: v.ResultType, Error: v.Error, Warnings: v.Warnings, WorkflowInfo: v.WorkflowInfo,
	}
	if v.Result != nil {
		out.Result = v.Result
	}
	return out
}
