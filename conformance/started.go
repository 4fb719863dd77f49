package conformance

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/failoverkit/failoverkit/spec"
)

// StartedTask is a task the suite started on a target and did not see
// finish: reported when a run is interrupted, because it may still be
// changing the target.
type StartedTask struct {
	API  spec.API `json:"api"`
	ID   string   `json:"id"`
	Case string   `json:"case"`
}

// String names the task, e.g. "vcav task 3f1d… (vcav.failover.succeeds)".
func (t StartedTask) String() string {
	return fmt.Sprintf("%s task %s (%s)", t.API, t.ID, t.Case)
}

// startedTasks tracks the tasks started and not seen finished.
type startedTasks struct {
	mu    sync.Mutex
	tasks []StartedTask
}

// startedTask records a task the case started.
func (r *caseRun) startedTask(id string) {
	r.started.mu.Lock()
	defer r.started.mu.Unlock()
	r.started.tasks = append(r.started.tasks, StartedTask{API: r.c.API, ID: id, Case: r.c.Name})
}

// forgetTask drops a task seen finished.
func (r *caseRun) forgetTask(id string) {
	r.started.mu.Lock()
	defer r.started.mu.Unlock()
	r.started.tasks = slices.DeleteFunc(r.started.tasks, func(t StartedTask) bool { return t.API == r.c.API && t.ID == id })
}

// forgetAPI drops every task of api (a mock reset ended them).
func (s *startedTasks) forgetAPI(api spec.API) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tasks = slices.DeleteFunc(s.tasks, func(t StartedTask) bool { return t.API == api })
}

// list returns the tasks still unfinished.
func (s *startedTasks) list() []StartedTask {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.tasks)
}

// describeStarted renders started tasks for an interruption message.
func describeStarted(ts []StartedTask) string {
	if len(ts) == 0 {
		return "no task the suite started is unfinished"
	}
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.String()
	}
	return "tasks started and not seen finished (they may still run on the target): " + strings.Join(names, ", ")
}
