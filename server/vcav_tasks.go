package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

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
	// result is the replication as the successful task left it: encoded
	// when the task finishes, deflated just after (see vcavPackedResult).
	// Each value stored is immutable, so reads use it outside the lock.
	result atomic.Pointer[vcavPackedResult]
	done   bool
}

// startTask creates and schedules the failover task id of replication r,
// accepted at now for the session user of ctx, and applies the task fault
// injected for the request, if any. The caller holds m.mu.
func (m *vcavMock) startTask(ctx context.Context, id string, now time.Time, r *vcav.SingleVmReplicationInfo) *vcavTask {
	sess, _ := sessionFrom(ctx)
	t := &vcavTask{
		id: id, user: sess.User.Name, site: m.localSite,
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
			raw := vcavEncodeReplication(r)
			t.result.Store(&vcavPackedResult{packed: raw, size: len(raw)})
		} else {
			vcavSetRecoveryState(r, vcav.RecoveryStateNOTSTARTED, end)
		}
	}
	for _, id := range m.kept.finished(t.id) {
		delete(m.tasks, id)
	}
	if t.result.Load() != nil {
		m.keepPlain(t)
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

// generic renders the task at now as the C4ApiTask that GET /tasks/{taskId}
// answers. A running task has endTime -1, the progress of its timing and
// lastUpdated now; a finished one has endTime and lastUpdated at its
// deadline and progress 100 when it succeeded, or the progress it had
// reached when it failed. The result of a succeeded task is left out: it is
// already encoded (see vcavTaskAnswer and view).
func (t *vcavTask) generic(now time.Time) vcav.C4ApiTask {
	v := vcav.C4ApiTask{
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
	return v
}

// view renders the task at now as the typed failover task (see generic);
// its result, if any, is a fresh copy of the replication.
func (t *vcavTask) view(now time.Time) vcav.C4ApiTaskOfSingleVmReplicationInfo {
	g := t.generic(now)
	v := vcav.C4ApiTaskOfSingleVmReplicationInfo{
		Id: g.Id, User: g.User, Site: g.Site, State: g.State, Progress: g.Progress,
		StartTime: g.StartTime, EndTime: g.EndTime, LastUpdated: g.LastUpdated,
		ResultType: g.ResultType, Error: g.Error, Warnings: g.Warnings, WorkflowInfo: g.WorkflowInfo,
	}
	if r, ok := t.result.Load().replication(); ok {
		v.Result = &r
	}
	return v
}

// vcavEncodeReplication encodes r. The generated model always encodes, so
// an error here is a bug and panics.
func vcavEncodeReplication(r *vcav.SingleVmReplicationInfo) json.RawMessage {
	b, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("encode vcav replication: %v", err))
	}
	return b
}

// vcavDecodeReplication decodes what vcavEncodeReplication encoded.
func vcavDecodeReplication(b json.RawMessage) vcav.SingleVmReplicationInfo {
	var out vcav.SingleVmReplicationInfo
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("decode vcav replication: %v", err))
	}
	return out
}

// GetTask answers GET /tasks/{taskId} with the task as a C4ApiTask. An
// unknown id, a task the mock has forgotten, and another user's task all
// get 404 TaskNotFound.
func (m *vcavMock) GetTask(ctx context.Context, req vcav.GetTaskRequestObject) (vcav.GetTaskResponseObject, error) {
	now := m.begin()
	defer m.end()
	refusal := m.checkSite(req.Params.Site)
	if refusal == nil {
		sess, _ := sessionFrom(ctx)
		if t, ok := m.tasks[req.TaskId]; ok && t.user == sess.User.Name {
			return vcavTaskAnswer{task: t.generic(now), result: t.result.Load()}, nil
		}
		refusal = vcavTaskNotFound(req.TaskId)
	}
	if refusal.status == http.StatusUnauthorized {
		return vcav.GetTask401JSONResponse{UnauthorizedJSONResponse: vcav.UnauthorizedJSONResponse(refusal.body)}, nil
	}
	return vcav.GetTask404JSONResponse{TaskNotFoundJSONResponse: vcav.TaskNotFoundJSONResponse(refusal.body)}, nil
}

// vcavTaskAnswer is the 200 answer of GET /tasks/{taskId}. It sends what
// vcav.GetTask200JSONResponse would, but splices the task's result, encoded
// once when the task finished, into the body instead of encoding it on
// every read: task polling is the mock's hottest path.
type vcavTaskAnswer struct {
	task   vcav.C4ApiTask // without its result
	result *vcavPackedResult
}

// VisitGetTaskResponse implements vcav.GetTaskResponseObject.
func (a vcavTaskAnswer) VisitGetTaskResponse(w http.ResponseWriter) error {
	if a.result == nil {
		return vcav.GetTask200JSONResponse(a.task).VisitGetTaskResponse(w)
	}
	buf := getAnswerBuffer()
	defer putAnswerBuffer(buf)
	if err := json.NewEncoder(buf).Encode(a.task); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 2) // an object and a newline: "}\n" goes after the result
	buf.WriteString(`,"result":`)
	if err := a.result.inflateTo(buf); err != nil {
		return err
	}
	buf.WriteString("}\n")
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(buf.Bytes())
	return err
}
