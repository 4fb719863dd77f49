package client_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/gen/vcha"
)

// waiter runs WaitTask of one API against a task that never finishes, and
// reports how many polls the server answered.
type waiter struct {
	name string
	wait func(t *testing.T, ctx context.Context, opts ...client.WaitOption) (gotTask bool, polls int, err error)
}

// waiters returns a waiter for each API.
func waiters() []waiter {
	return []waiter{
		{"vcav", func(t *testing.T, ctx context.Context, opts ...client.WaitOption) (bool, int, error) {
			f := newVCAVFake(t, 1<<30)
			c := loggedInVCAV(t, f)
			task, err := c.WaitTask(ctx, vcavTaskID, opts...)
			return task != nil, f.polls.get(), err
		}},
		{"vcha", func(t *testing.T, ctx context.Context, opts ...client.WaitOption) (bool, int, error) {
			f := &vchaFake{t: t, statuses: []string{"RUNNING"}}
			c := loggedInVCHA(t, f)
			task, err := c.WaitTask(ctx, vchaTaskID, opts...)
			return task != nil, f.polls.get(), err
		}},
	}
}

func TestWaitTaskHonoursCancellation(t *testing.T) {
	for _, w := range waiters() {
		t.Run(w.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// The first sleep cancels the context and never fires on its own.
			timer := client.WithTimer(func(time.Duration) <-chan time.Time {
				cancel()
				return nil
			})
			start := time.Now()
			gotTask, polls, err := w.wait(t, ctx, timer)
			require.ErrorIs(t, err, context.Canceled)
			assert.NotErrorIs(t, err, client.ErrWaitTimeout)
			assert.True(t, gotTask, "the last task seen is returned")
			assert.Equal(t, 1, polls)
			assert.Contains(t, err.Error(), "last state RUNNING")
			assert.Less(t, time.Since(start), 5*time.Second)
		})
	}
}

func TestWaitTaskAlreadyCancelled(t *testing.T) {
	for _, w := range waiters() {
		t.Run(w.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			gotTask, polls, err := w.wait(t, ctx, client.WithTimer(never))
			require.ErrorIs(t, err, context.Canceled)
			assert.False(t, gotTask)
			assert.Equal(t, 0, polls)
		})
	}
}

func TestWaitTaskHonoursWaitTimeout(t *testing.T) {
	for _, w := range waiters() {
		t.Run(w.name, func(t *testing.T) {
			// The timer never fires: only the 1ms WaitTimeout can end the wait.
			gotTask, polls, err := w.wait(t, context.Background(), client.WithTimer(never), client.WaitTimeout(time.Millisecond))
			require.ErrorIs(t, err, client.ErrWaitTimeout)
			require.ErrorIs(t, err, context.DeadlineExceeded)
			assert.LessOrEqual(t, polls, 1)
			// The server may answer after the deadline has cut the client
			// off, so a poll the server saw does not imply a task returned.
			if gotTask {
				assert.Equal(t, 1, polls)
			}
		})
	}
}

func TestWaitTaskCallerDeadlineIsNotWaitTimeout(t *testing.T) {
	for _, w := range waiters() {
		t.Run(w.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
			defer cancel()
			_, _, err := w.wait(t, ctx, client.WithTimer(never))
			require.ErrorIs(t, err, context.DeadlineExceeded)
			assert.NotErrorIs(t, err, client.ErrWaitTimeout)
		})
	}
}

func TestWaitTaskBackoff(t *testing.T) {
	f := newVCAVFake(t, 9)
	c := loggedInVCAV(t, f)

	wait, clock := instant()
	_, err := c.WaitTask(context.Background(), vcavTaskID, wait)
	require.NoError(t, err)
	ms := func(f float64) time.Duration { return time.Duration(f * float64(time.Millisecond)) }
	assert.Equal(t, []time.Duration{
		ms(500), ms(750), ms(1125), ms(1687.5), ms(2531.25), ms(3796.875), 5 * time.Second, 5 * time.Second, 5 * time.Second,
	}, clock.recorded())

	f = newVCAVFake(t, 4)
	c = loggedInVCAV(t, f)
	wait, clock = instant()
	_, err = c.WaitTask(context.Background(), vcavTaskID, wait, client.PollInterval(100*time.Millisecond), client.MaxPollInterval(200*time.Millisecond))
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{ms(100), ms(150), ms(200), ms(200)}, clock.recorded())
}

// flaky returns a handler that fails the first failures task polls with
// fail, then answers like next.
func flaky(failures int, fail http.HandlerFunc, next http.HandlerFunc) (http.HandlerFunc, *counter) {
	calls := &counter{}
	return func(w http.ResponseWriter, r *http.Request) {
		if calls.inc() <= failures {
			fail(w, r)
			return
		}
		next(w, r)
	}, calls
}

// unavailable answers 503 with an HTML page.
func unavailable(w http.ResponseWriter, _ *http.Request) {
	writeRaw(w, 503, "text/html", "<html>Service Unavailable</html>")
}

// hangUp closes the connection without answering.
func hangUp(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

func TestWaitTaskRetriesTransientFailures(t *testing.T) {
	succeeded := func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, vcavTask("SUCCEEDED", 100)) }
	tests := []struct {
		name string
		fail http.HandlerFunc
	}{
		{"503", unavailable},
		{"vendor 503", func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, 503, vcavErr("GeneralServerFailure", "Service unavailable."))
		}},
		{"502", func(w http.ResponseWriter, _ *http.Request) { writeRaw(w, 502, "text/plain", "bad gateway") }},
		{"network error", hangUp},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, calls := flaky(3, tc.fail, succeeded)
			c := newVCAV(t, newServer(t, h))
			wait, clock := instant()
			task, err := c.WaitTask(context.Background(), vcavTaskID, wait)
			require.NoError(t, err)
			assert.Equal(t, vcav.TaskStateSUCCEEDED, task.State)
			assert.Equal(t, 4, calls.get(), "3 retries")
			assert.Len(t, clock.recorded(), 3)
		})
	}
}

func TestWaitTaskGivesUpWhenRetryBudgetIsSpent(t *testing.T) {
	h, calls := flaky(1<<30, unavailable, nil)
	c := newVCAV(t, newServer(t, h))
	wait, clock := instant()

	task, err := c.WaitTask(context.Background(), vcavTaskID, wait)
	assert.Nil(t, task)
	require.ErrorIs(t, err, client.ErrRetryBudgetExhausted)
	var ue *client.UnexpectedResponseError
	require.ErrorAs(t, err, &ue, "the last failure is wrapped")
	assert.Equal(t, 503, ue.Status)
	assert.Contains(t, err.Error(), "retry budget exhausted")
	assert.Contains(t, err.Error(), "budget 10m0s")
	var slept time.Duration
	for _, d := range clock.recorded() {
		slept += d
	}
	// The budget counts the sleeps: the last poll was sent once the
	// default 10 minutes had passed, not a poll interval later.
	assert.GreaterOrEqual(t, slept, client.DefaultRetryBudget)
	assert.Less(t, slept, client.DefaultRetryBudget+client.DefaultMaxPollInterval)
	assert.Equal(t, len(clock.recorded())+1, calls.get())
}

func TestWaitTaskRetryLimits(t *testing.T) {
	tests := []struct {
		name  string
		fail  http.HandlerFunc
		opts  []client.WaitOption
		polls int
	}{
		{"zero budget", unavailable, []client.WaitOption{client.RetryBudget(0)}, 1},
		{"one-minute budget", unavailable, []client.WaitOption{client.RetryBudget(time.Minute)}, 17},
		{"zero retries", hangUp, []client.WaitOption{client.TransientRetries(0)}, 1},
		{"three retries, as before budgets", unavailable, []client.WaitOption{client.TransientRetries(client.DefaultTransientRetries)}, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, calls := flaky(1<<30, tc.fail, nil)
			c := newVCAV(t, newServer(t, h))
			wait, _ := instant()
			_, err := c.WaitTask(context.Background(), vcavTaskID, append(tc.opts, wait)...)
			require.Error(t, err)
			assert.True(t, errors.As(err, new(*client.TransportError)) || errors.As(err, new(*client.UnexpectedResponseError)), "%v", err)
			assert.Equal(t, tc.polls, calls.get())
		})
	}
}

func TestWaitTaskRetryCounterResetsOnSuccess(t *testing.T) {
	var calls counter
	h := func(w http.ResponseWriter, r *http.Request) {
		// 503, RUNNING, 503, RUNNING, ... then SUCCEEDED: never 2 failures in a row.
		switch n := calls.inc(); {
		case n >= 12:
			writeJSON(w, 200, vcavTask("SUCCEEDED", 100))
		case n%2 == 1:
			unavailable(w, r)
		default:
			writeJSON(w, 200, vcavTask("RUNNING", n))
		}
	}
	c := newVCAV(t, newServer(t, http.HandlerFunc(h)))
	wait, _ := instant()
	_, err := c.WaitTask(context.Background(), vcavTaskID, wait, client.TransientRetries(1))
	require.NoError(t, err)
	assert.Equal(t, 12, calls.get())
}

func TestWaitTaskStopsOnPermanentErrors(t *testing.T) {
	tests := []struct {
		name string
		h    http.HandlerFunc
		is   func(error) bool
	}{
		{"vcav 404", func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, 404, vcavErr("TaskNotFound", "Task not found."))
		}, func(err error) bool { return client.IsVCAVCode(err, "TaskNotFound") }},
		{"vcav 500", func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, 500, vcavErr("GeneralServerFailure", "General server failure."))
		}, func(err error) bool { return client.IsVCAVCode(err, "GeneralServerFailure") }},
		{"vcav 401", func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, 401, vcavErr("NotAuthenticated", "Not authenticated."))
		}, func(err error) bool { return client.IsVCAVCode(err, "NotAuthenticated") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var calls counter
			c := newVCAV(t, newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.inc()
				tc.h(w, r)
			})))
			wait, _ := instant()
			_, err := c.WaitTask(context.Background(), vcavTaskID, wait)
			assert.True(t, tc.is(err), "%v", err)
			assert.Equal(t, 1, calls.get())
		})
	}
}

func TestVCHAWaitTaskRetriesServiceUnavailable(t *testing.T) {
	f := &vchaFake{t: t, statuses: []string{"SUCCEEDED"}}
	fake := f.server()
	h, calls := flaky(2, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 503, vchaErr("SERVICE_UNAVAILABLE", "Service not available"))
	}, func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("vmware-api-session-id", vchaToken)
		fake.Config.Handler.ServeHTTP(w, r)
	})
	c := newVCHA(t, newServer(t, h))
	wait, _ := instant()
	task, err := c.WaitTask(context.Background(), vchaTaskID, wait)
	require.NoError(t, err)
	assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, task.Status)
	assert.Equal(t, 3, calls.get())
}

func TestPerRequestTimeout(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answers on its own
	}))
	c := newVCAV(t, srv, client.WithTimeout(20*time.Millisecond))
	_, err := c.Task(context.Background(), vcavTaskID)
	var te *client.TransportError
	require.ErrorAs(t, err, &te)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)
}
