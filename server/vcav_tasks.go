package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavTaskKind is one kind of VCAV task: its workflowInfo type, the type
// of the resource it acts on, and the resultType of its result. An
// operation is a kind plus its effect (see vcav_failover_task.go).
type vcavTaskKind struct {
	workflow, resourceType, resultType string
	// maxDuration, when set, caps how long a task of the kind runs.
	maxDuration time.Duration
}

// vcavTask is one VCAV task. It is RUNNING until timing's deadline, then
// SUCCEEDED (with its result, if its kind has one) or FAILED (with failure
// as its error). Its progress is computed from the clock on each read.
type vcavTask = task[*vcavTaskKind, vcav.ApiError]

// vcavInjectedFailure is the error of a task an injected fault makes fail.
func vcavInjectedFailure(text string) vcav.ApiError { return vcavError(vcavCodeServerFailure, text) }

// startTask creates and schedules task id of kind, accepted at now, acting
// on the resource subject (run on the local site unless subject names
// another) with effect. With a queue (WithVCAVQueue) the task is QUEUED
// for that long before it runs. The caller holds m.mu.
func (m *vcavMock) startTask(ctx context.Context, id string, now time.Time, kind *vcavTaskKind, subject taskSubject, effect taskEffect) *vcavTask {
	if subject.site == "" {
		subject.site = m.localSite
	}
	if src, dst, ok := m.subjectOrgs(subject.id); ok {
		subject.scope = []string{src, dst} // the orgs as the task starts: GET /tasks filters on them
	}
	return m.tasks.start(ctx, &vcavTask{
		id: id, kind: kind, subject: subject, effect: effect,
		timing: taskTiming{Start: now, Duration: kind.duration(m.env.taskDuration), Queue: m.vcavQueue()},
	})
}

// vcavQueue is how long tasks wait QUEUED (WithVCAVQueue; 0, the
// default, and negative values: not at all).
func (m *vcavMock) vcavQueue() time.Duration {
	d, _ := m.env.setting(settingVCAVQueue)
	return max(d, 0)
}

// duration is how long a task of kind k runs when tasks take d.
func (k *vcavTaskKind) duration(d time.Duration) time.Duration {
	if k.maxDuration > 0 {
		return min(d, k.maxDuration)
	}
	return d
}

// vcavTaskState is the task's state at now.
func vcavTaskState(t *vcavTask, now time.Time) vcav.TaskState {
	switch {
	case t.done && t.failure != nil:
		return vcav.TaskStateFAILED
	case t.done:
		return vcav.TaskStateSUCCEEDED
	case t.timing.queued(now):
		return vcav.TaskStateQUEUED
	default:
		return vcav.TaskStateRUNNING
	}
}

// vcavGenericTask renders the task at now as the C4ApiTask that GET /tasks/{taskId}
// answers. A running task has endTime -1, the progress of its timing and
// lastUpdated now; a finished one has endTime and lastUpdated at its
// deadline and progress 100 when it succeeded, or the progress it had
// reached when it failed. The result of a succeeded task is left out: it is
// already encoded (see vcavTaskAnswer and view).
func vcavGenericTask(t *vcavTask, now time.Time) vcav.C4ApiTask {
	f := &vcavTaskFields{user: t.user, site: t.subject.site, lastUpdated: now.UnixMilli(),
		warnings: []vcav.ApiError{}, workflow: t.kind.workflow, resourceType: t.kind.resourceType, resultType: t.kind.resultType}
	f.workflowInfo = vcav.WorkflowInfo{Type: &f.workflow, ResourceType: &f.resourceType,
		ResourceName: t.subject.name}
	if f.resourceID = t.subject.id; f.resourceID != "" {
		f.workflowInfo.ResourceId = &f.resourceID
	}
	v := vcav.C4ApiTask{
		Id: t.id, User: &f.user, Site: &f.site, State: vcavTaskState(t, now),
		StartTime: t.timing.Start.UnixMilli(), EndTime: -1, LastUpdated: &f.lastUpdated,
		Progress: int32(t.timing.percent(now)), Warnings: &f.warnings, WorkflowInfo: &f.workflowInfo,
	}
	if !t.done {
		return v
	}
	end := t.timing.deadline().UnixMilli()
	v.EndTime, f.lastUpdated = end, end
	v.Progress = int32(t.timing.percent(t.timing.deadline()))
	if t.failure != nil {
		v.Error = new(*t.failure)
		return v
	}
	v.Progress = 100
	if t.kind.resultType != "" {
		v.ResultType = &f.resultType
	}
	return v
}

// vcavTaskFields holds what a rendered task's optional fields point to, in
// one allocation instead of one per field (a task is rendered for every
// answer that carries it).
type vcavTaskFields struct {
	user, site, workflow, resourceType, resultType, resourceID string
	lastUpdated                                                int64
	warnings                                                   []vcav.ApiError
	workflowInfo                                               vcav.WorkflowInfo
}

// vcavReplicationTask renders a task whose result is a replication at now
// as the typed task (see vcavGenericTask); its result, if any, is a fresh
// copy of the replication.
func vcavReplicationTask(t *vcavTask, now time.Time) vcav.C4ApiTaskOfSingleVmReplicationInfo {
	g := vcavGenericTask(t, now)
	v := vcav.C4ApiTaskOfSingleVmReplicationInfo{
		Id: g.Id, User: g.User, Site: g.Site, State: g.State, Progress: g.Progress,
		StartTime: g.StartTime, EndTime: g.EndTime, LastUpdated: g.LastUpdated,
		ResultType: g.ResultType, Error: g.Error, Warnings: g.Warnings, WorkflowInfo: g.WorkflowInfo,
	}
	if r, ok := vcavResultReplication(t.result.Load()); ok {
		v.Result = &r
	}
	return v
}

// vcavEncodeReplication encodes r. The generated model always encodes, so
// an error here is a bug and panics.
func vcavEncodeReplication(r *vcav.SingleVmReplicationInfo) json.RawMessage {
	return encodeModel(r)
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
	if _, refusal := m.checkSite(ctx, req.Params.Site); refusal != nil {
		return nil, refusal.problem()
	}
	sess, _ := sessionFrom(ctx)
	if t, ok := m.tasks.get(req.TaskId); ok && t.user == sess.User.Name {
		return vcavTaskAnswer{task: taskAnswer(m.tasks, t, func(t *vcavTask) vcav.C4ApiTask { return vcavGenericTask(t, now) }),
			result: t.result.Load()}, nil
	}
	return nil, vcavTaskNotFound(req.TaskId).problem()
}

// vcavTaskAnswer is the 200 answer of GET /tasks/{taskId}. It sends what
// vcav.GetTask200JSONResponse would, but from the task encoded without its
// result (once, when the task has finished: see taskAnswer) and the result,
// encoded once when the task finished, spliced into it: task polling is
// the mock's hottest path.
type vcavTaskAnswer struct {
	task   []byte // the C4ApiTask without its result, encoded
	result *packedResult
}

// VisitGetTaskResponse implements vcav.GetTaskResponseObject.
func (a vcavTaskAnswer) VisitGetTaskResponse(w http.ResponseWriter) error {
	buf := getAnswerBuffer()
	defer putAnswerBuffer(buf)
	if a.result == nil {
		buf.Write(a.task)
		buf.WriteByte('\n')
		return writeJSONAnswer(w, http.StatusOK, buf.Bytes())
	}
	buf.Write(a.task[:len(a.task)-1]) // an object: "}\n" goes after the result
	buf.WriteString(`,"result":`)
	if err := a.result.inflateTo(buf); err != nil {
		return err
	}
	buf.WriteString("}\n")
	return writeJSONAnswer(w, http.StatusOK, buf.Bytes())
}
