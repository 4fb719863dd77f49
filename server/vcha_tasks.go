package server

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// vapiTimeLayout is the vAPI date-time layout: UTC, milliseconds, "Z".
const vapiTimeLayout = "2006-01-02T15:04:05.000Z"

// vapiTime renders t as a Vapi_DateTime.
func vapiTime(t time.Time) string { return t.UTC().Format(vapiTimeLayout) }

// maxPending caps how long a task stays PENDING before it runs.
const maxPending = 100 * time.Millisecond

// vchaTaskKind describes one kind of CIS task: its vAPI service (also the
// suffix of its ids), its operation and the texts of its messages.
type vchaTaskKind struct {
	service, operation     string
	descID, desc           string
	running, done, failure string
}

// vchaTask is one CIS task. It is PENDING from its creation until
// timing.Start, RUNNING until timing's deadline, then SUCCEEDED (effect
// applied) or FAILED (with failure). Its state is computed from the clock
// on each read.
type vchaTask = task[*vchaTaskKind, vcha.StdErrorsError]

// vchaInjectedFailure is the error of a task an injected fault makes fail.
func vchaInjectedFailure(text string) vcha.StdErrorsError {
	return vapiError(vcha.StdErrorsErrorTypeERROR, vapiMessage(msgInjected, text))
}

// taskPlan is what an operation decided at request time about its task.
type taskPlan struct {
	kind     *vchaTaskKind
	duration time.Duration
	// refusal, when set, is the precondition failure: the task does nothing
	// and ends FAILED right after PENDING.
	refusal *vcha.StdErrorsError
	effect  func(m *vchaMock, end time.Time)
}

// startTask creates the task of plan, accepted at now for the session user
// of ctx, and returns the task id, task-<n>:<service> (failoverkit choice:
// a VIM task moref before the colon, as VMware's VCHA sample and govmomi's
// vapi.Task expect; n counts up for the mock's life, across resets). A task that is not refused holds the
// cluster (m.active) until it ends. The caller holds m.mu.
func (m *vchaMock) startTask(ctx context.Context, now time.Time, plan taskPlan) string {
	pending := min(maxPending, plan.duration/10)
	m.taskSeq++
	t := &vchaTask{
		id: fmt.Sprintf("task-%d:%s", m.taskSeq, plan.kind.service), kind: plan.kind,
		timing: taskTiming{Start: now.Add(pending), Duration: plan.duration - pending},
	}
	if effect := plan.effect; effect != nil {
		t.effect.succeed = func(end time.Time) []byte { effect(m, end); return nil }
	}
	if plan.refusal != nil {
		t.failure, t.timing.Duration = plan.refusal, 0
	} else {
		m.active = t
	}
	return m.tasks.start(ctx, t).id
}

// taskFinished releases the cluster when its active task ends.
func (m *vchaMock) taskFinished(t *vchaTask) {
	if m.active == t {
		m.active = nil
	}
}

// status is the task's status at now.
func vchaTaskStatus(t *vchaTask, now time.Time) vcha.CisTaskStatus {
	switch {
	case t.done && t.failure != nil:
		return vcha.CisTaskStatusFAILED
	case t.done:
		return vcha.CisTaskStatusSUCCEEDED
	case now.Before(t.timing.Start):
		return vcha.CisTaskStatusPENDING
	default:
		return vcha.CisTaskStatusRUNNING
	}
}

// info renders the task as a Task_Info at now, following the vAPI union
// rules: PENDING has no times, progress or error; RUNNING has start_time and
// progress; SUCCEEDED and FAILED add end_time; FAILED adds error.
func vchaTaskInfo(t *vchaTask, now time.Time) vcha.TaskInfo {
	status := vchaTaskStatus(t, now)
	info := vcha.TaskInfo{
		Description: vapiMessage(t.kind.descID, t.kind.desc),
		Service:     t.kind.service, Operation: t.kind.operation,
		Status: status, Cancelable: false,
	}
	if t.user != "" {
		info.User = new(t.user)
	}
	if status == vcha.CisTaskStatusPENDING {
		return info
	}
	info.StartTime = new(vapiTime(t.timing.Start))
	info.Progress = new(vchaTaskProgress(t, status, now))
	if t.done {
		info.EndTime = new(vapiTime(t.timing.deadline()))
		info.Error = t.failure
	}
	return info
}

// progress is the task's Cis_Task_Progress in a non-PENDING status.
func vchaTaskProgress(t *vchaTask, status vcha.CisTaskStatus, now time.Time) vcha.CisTaskProgress {
	switch status {
	case vcha.CisTaskStatusSUCCEEDED:
		return vcha.CisTaskProgress{Total: 100, Completed: 100, Message: vapiMessage(t.kind.descID+".completed", t.kind.done)}
	case vcha.CisTaskStatusFAILED:
		done := int64(t.timing.percent(t.timing.deadline()))
		return vcha.CisTaskProgress{Total: 100, Completed: done, Message: vapiMessage(t.kind.descID+".failed", t.kind.failure)}
	default:
		done := int64(t.timing.percent(now))
		return vcha.CisTaskProgress{Total: 100, Completed: done, Message: vapiMessage(t.kind.descID+".progress", t.kind.running)}
	}
}

// GetTask answers GET /api/cis/tasks/{task}: the task's Task_Info, or 404
// NOT_FOUND for an id the mock never issued or has forgotten.
func (m *vchaMock) GetTask(_ context.Context, req vcha.GetTaskRequestObject) (vcha.GetTaskResponseObject, error) {
	now := m.begin()
	defer m.mu.Unlock()
	t, ok := m.tasks.get(req.Task)
	if !ok {
		body := vapiError(vcha.StdErrorsErrorTypeNOTFOUND,
			vapiMessage(msgTaskNotFound, fmt.Sprintf("Task %s not found.", req.Task), req.Task))
		return vcha.GetTask404JSONResponse{NotFoundJSONResponse: vcha.NotFoundJSONResponse(body)}, nil
	}
	return vchaTaskAnswer(taskAnswer(m.tasks, t, func(t *vchaTask) vcha.TaskInfo { return vchaTaskInfo(t, now) })), nil
}

// vchaTaskAnswer is the 200 answer of GET /api/cis/tasks/{task}: what
// vcha.GetTask200JSONResponse would send, from the Task_Info encoded
// (once, when the task has finished: see taskAnswer).
type vchaTaskAnswer []byte

// VisitGetTaskResponse implements vcha.GetTaskResponseObject.
func (a vchaTaskAnswer) VisitGetTaskResponse(w http.ResponseWriter) error {
	buf := getAnswerBuffer()
	defer putAnswerBuffer(buf)
	buf.Write(a)
	buf.WriteByte('\n')
	return writeJSONAnswer(w, http.StatusOK, buf.Bytes())
}
