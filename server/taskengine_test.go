package server

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// engineTask is a task of the test engine: kinds are names, errors strings.
type engineTask = task[string, string]

// faultCtx is a request context carrying fault f, as the pipeline leaves it.
func faultCtx(f *Fault) context.Context {
	req, st := withRequestState(httptest.NewRequest("GET", "/", nil))
	st.session, st.hasSess = Session{User: User{Name: "ann"}}, true
	if f != nil {
		st.fault, st.hasFault = *f, true
	}
	return req.Context()
}

// TestTaskEngine_OutcomesAndFaults runs one task per case through the
// engine and checks its outcome, its effect (applied exactly once, on
// success only; the undo on failure only) and its result.
func TestTaskEngine_OutcomesAndFaults(t *testing.T) {
	cases := []struct {
		name      string
		fault     *Fault
		refused   bool
		wantDone  bool
		wantFail  string // "" succeeds
		wantApply int
		wantUndo  int
	}{
		{name: "succeeds", wantDone: true, wantApply: 1},
		{name: "fault fails it", fault: &Fault{Task: TaskFails, TaskError: "boom"}, wantDone: true, wantFail: "boom", wantUndo: 1},
		{name: "fault without text", fault: &Fault{Task: TaskFails}, wantDone: true, wantFail: "injected fault", wantUndo: 1},
		{name: "fault hangs it", fault: &Fault{Task: TaskHangs}},
		{name: "latency only", fault: &Fault{Latency: 1}, wantDone: true, wantApply: 1},
		{name: "refused at request time ignores the fault", fault: &Fault{Task: TaskHangs}, refused: true, wantDone: true, wantFail: "refused", wantUndo: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newTaskEngine[string](retainPolicy{}, nil, func(text string) string { return text })
			applied, undone := 0, 0
			tk := &engineTask{id: "t1", kind: "job", timing: taskTiming{Start: testStart, Duration: time.Second},
				effect: taskEffect{
					succeed: func(time.Time) []byte { applied++; return []byte(`{"n":1}`) },
					fail:    func(time.Time) { undone++ },
				}}
			if c.refused {
				tk.failure = new("refused")
			}
			e.start(faultCtx(c.fault), tk)
			assert.Equal(t, "ann", tk.user)
			e.advance(testStart.Add(time.Hour))
			e.advance(testStart.Add(2 * time.Hour))
			got, ok := e.get("t1")
			require.True(t, ok)
			assert.Equal(t, c.wantDone, got.done)
			if c.wantFail == "" {
				assert.Nil(t, got.failure)
			} else {
				require.NotNil(t, got.failure)
				assert.Equal(t, c.wantFail, *got.failure)
			}
			assert.Equal(t, c.wantApply, applied, "the effect runs once, on success")
			assert.Equal(t, c.wantUndo, undone, "the undo runs once, on failure")
			raw, hasResult := got.result.Load().json()
			assert.Equal(t, c.wantApply == 1, hasResult)
			if hasResult {
				assert.JSONEq(t, `{"n":1}`, string(raw))
			}
		})
	}
}

// TestTaskEngine_DeadlineOrderAndRetention finishes tasks in deadline
// order, not start order, and forgets the oldest finished beyond the
// retention limit.
func TestTaskEngine_DeadlineOrderAndRetention(t *testing.T) {
	e := newTaskEngine[string](retainPolicy{total: 2}, nil, func(text string) string { return text })
	var order []string
	finished := 0
	e.finished = func(*engineTask) { finished++ }
	for i, d := range []time.Duration{3, 1, 2} {
		id := string(rune('a' + i))
		e.start(faultCtx(nil), &engineTask{id: id, timing: taskTiming{Start: testStart, Duration: d * time.Second},
			effect: taskEffect{succeed: func(time.Time) []byte { order = append(order, id); return nil }}})
	}
	e.advance(testStart.Add(time.Second))
	assert.Equal(t, []string{"b"}, order, "only what is due")
	e.advance(testStart.Add(time.Minute))
	assert.Equal(t, []string{"b", "c", "a"}, order)
	assert.Equal(t, 3, finished)
	_, kept := e.get("b")
	assert.False(t, kept, "the oldest finished task is forgotten")
	assert.Len(t, e.byID, 2)
}
