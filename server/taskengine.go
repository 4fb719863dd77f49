package server

import (
	"context"
	"sync/atomic"
	"time"
)

// An operation that runs asynchronously is a task kind plus its effect on
// state. The engine below is the vendor-neutral part every API shares: it
// creates tasks, applies an injected task fault (fail or hang) once for all
// APIs, finishes each task at its deadline exactly once by applying its
// effect, keeps the newest finished tasks and forgets the older ones, and
// keeps the tasks' encoded results (see resultWindow). Tasks progress on the
// clock alone: no goroutine, no sleeping. How a task is rendered (VCAV
// C4ApiTask, vSphere CIS Task_Info) is the API's business.
//
// K is the API's kind type (its rendering facts), E the API's error body
// type, which a failed task carries.

// task is one asynchronous operation.
type task[K, E any] struct {
	id   string
	kind K
	user string
	// subject is what the task acts on (rendered by APIs that show it).
	subject taskSubject
	timing  taskTiming
	// failure is the error the task ends with; nil means it succeeds.
	failure *E
	effect  taskEffect
	// result is the task's encoded result once it succeeded, if its
	// operation has one (see resultWindow). Each value stored is
	// immutable, so reads use it outside the lock.
	result atomic.Pointer[packedResult]
	done   bool
	// answer is the encoded rendering of the finished task, kept from its
	// first read (see taskAnswer).
	answer []byte
}

// taskSubject is the resource a task acts on (id "" for none), the site
// that runs it, and the correlation id the request that started it
// carried, if any.
type taskSubject struct {
	id     string
	name   *string
	site   string
	corrID string
	// scope is what the API's task list filters match the task on, fixed
	// when the task starts (nil: nothing to match).
	scope []string
}

// taskEffect is what a task does to state when it ends.
type taskEffect struct {
	// succeed applies the operation at end, when the task succeeds, and
	// returns the task's result encoded as JSON (nil: no result).
	succeed func(end time.Time) []byte
	// fail, when set, undoes at end what accepting the operation did, when
	// the task fails.
	fail func(end time.Time)
}

// taskEngine holds one API's tasks. The API's mutex guards it.
type taskEngine[K, E any] struct {
	byID    map[string]*task[K, E]
	due     dueQueue
	kept    keptTasks
	results resultWindow
	// answered are the tasks whose answer is kept, newest last (see
	// taskAnswer).
	answered retention
	// injected builds the error of a task an injected fault makes fail.
	injected func(text string) E
	// finished, when set, runs after a task ended and its effect applied.
	finished func(t *task[K, E])
}

// newTaskEngine returns an empty engine keeping the finished tasks retain
// says; codec packs results beyond the plain window (nil: results never
// packed with a dictionary).
func newTaskEngine[K, E any](retain retainPolicy, codec *resultCodec, injected func(string) E) *taskEngine[K, E] {
	e := &taskEngine[K, E]{injected: injected, results: resultWindow{codec: codec}}
	e.clear(retain)
	return e
}

// clear forgets every task.
func (e *taskEngine[K, E]) clear(retain retainPolicy) {
	e.byID = map[string]*task[K, E]{}
	e.due = nil
	e.kept = newKeptTasks(retain)
	e.results.clear()
	e.answered = retention{limit: keptAnswers}
}

// start records t, accepted for the session user of ctx, and schedules it.
// A task that already has a failure (a precondition refused at request
// time) ends FAILED at its deadline whatever the fault; otherwise the task
// fault injected for the request, if any, makes it fail or hang.
func (e *taskEngine[K, E]) start(ctx context.Context, t *task[K, E]) *task[K, E] {
	sess, _ := sessionFrom(ctx)
	t.user = sess.User.Name
	if f, ok := faultFrom(ctx); ok && t.failure == nil {
		switch f.Task {
		case TaskFails:
			text := f.TaskError
			if text == "" {
				text = "injected fault"
			}
			t.failure = new(e.injected(text))
		case TaskHangs:
			t.timing.Hang = true
		}
	}
	e.byID[t.id] = t
	if !t.timing.Hang {
		e.due.schedule(t.timing.deadline(), t.id)
	}
	return t
}

// get returns the task id, if the engine still keeps it.
func (e *taskEngine[K, E]) get(id string) (*task[K, E], bool) {
	t, ok := e.byID[id]
	return t, ok
}

// advance finishes, in deadline order, every task whose deadline is not
// after now, applying each one's effect exactly once.
func (e *taskEngine[K, E]) advance(now time.Time) {
	for _, id := range e.due.popDue(now) {
		if t, ok := e.byID[id]; ok && !t.done {
			e.finish(t)
		}
	}
}

// finish ends t at its deadline: SUCCEEDED with its effect applied and its
// result kept, or FAILED with its failure undone. Then the finished tasks
// beyond the retention limit are forgotten.
func (e *taskEngine[K, E]) finish(t *task[K, E]) {
	t.done = true
	end := t.timing.deadline()
	switch {
	case t.failure == nil && t.effect.succeed != nil:
		if raw := t.effect.succeed(end); raw != nil {
			t.result.Store(&packedResult{packed: raw, size: len(raw)})
		}
	case t.failure != nil && t.effect.fail != nil:
		t.effect.fail(end)
	}
	if e.finished != nil {
		e.finished(t)
	}
	for _, id := range e.kept.finished(t.id, t.user) {
		delete(e.byID, id)
	}
	if t.result.Load() != nil {
		for _, id := range e.results.keepPlain(t.id) {
			if old, ok := e.byID[id]; ok {
				e.results.pending = append(e.results.pending, &old.result)
			}
		}
	}
}
