package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/failoverkit/failoverkit/internal/ctxsleep"
)

// relogin logs in again after a poll was refused with 401 and returns the
// header that carries the new session.
type relogin func(ctx context.Context) (http.Header, error)

// errTaskLost reports a task that a real target no longer knows (404) once
// the poll has logged in again: whether a vCenter keeps a failover's task
// across the switch-over is unknown, so the case verifies the outcome
// another way. A failoverkit mock keeps it (404 is a finding there).
var errTaskLost = errors.New("the task is not found after logging in again")

// poll reads a task until it is done, within the poll budget: at most
// cfg.maxPolls reads (when set) and cfg.taskTimeout of wall time. get is
// the task read; state returns the task's state from a 200 answer and
// whether it is final. A read that gets no response, or a valid 503 (the
// target is briefly unavailable, as a vCenter is while its passive node
// takes over), is retried within the budget. When again is set, a 401 (the
// switch-over ended every session) logs in again once, through again, and
// the read is retried at once with the new session.
func (r *caseRun) poll(ctx context.Context, taskID string, get request, state func(*exchange) (string, bool), again relogin) (*exchange, error) {
	deadline := time.Now().Add(r.cfg.taskTimeout)
	var last error
	for n := 1; ; n++ {
		ex, st, done, err := r.pollOnce(ctx, get, state)
		if err == nil && ex.status == http.StatusUnauthorized && again != nil {
			r.progressf("%s: task %s refused with 401 (poll %d): logging in again", r.c.Name, shortID(taskID), n)
			h, lerr := again(ctx)
			if lerr != nil {
				return ex, lerr
			}
			get.header, again = h, nil
			if ex, err = r.send(ctx, get); err == nil && ex.status == http.StatusNotFound && !r.target.Mock {
				return ex, errTaskLost
			}
			if err == nil {
				st, done, err = r.pollJudge(ctx, ex, state)
			}
		}
		if err == nil && ex.status == http.StatusUnauthorized {
			return ex, r.finding(ex, InStatus, "", "the task read was refused with 401 UNAUTHENTICATED"+
				" (after logging in again, when the case can)", nil)
		}
		var te *transportError
		switch {
		case errors.As(err, &te) && ctx.Err() == nil:
			st, last = "unreachable", err
		case err != nil:
			return ex, err
		}
		r.progressf("%s: task %s %s (poll %d)", r.c.Name, shortID(taskID), st, n)
		if done {
			return ex, nil
		}
		if (r.cfg.maxPolls > 0 && n >= r.cfg.maxPolls) || !time.Now().Add(r.cfg.pollInterval).Before(deadline) {
			if ex == nil && last != nil {
				return nil, last
			}
			return ex, r.finding(ex, InTask, "", fmt.Sprintf("task still %s after %d polls (budget: %d polls, %s); it never finished",
				st, n, r.cfg.maxPolls, r.cfg.taskTimeout), nil)
		}
		if err := ctxsleep.Sleep(ctx, r.cfg.pollInterval); err != nil {
			return ex, err
		}
	}
}

// pollOnce reads the task once. A 503 must still be a valid answer of the
// operation; it is reported as not done.
func (r *caseRun) pollOnce(ctx context.Context, get request, state func(*exchange) (string, bool)) (*exchange, string, bool, error) {
	ex, err := r.send(ctx, get)
	if err != nil {
		return nil, "", false, err
	}
	st, done, err := r.pollJudge(ctx, ex, state)
	return ex, st, done, err
}

// pollJudge checks one task read: a valid 503 or 401 is not done yet (the
// caller decides what a 401 means), a 200 gives the task's state.
func (r *caseRun) pollJudge(ctx context.Context, ex *exchange, state func(*exchange) (string, bool)) (string, bool, error) {
	switch ex.status {
	case http.StatusServiceUnavailable:
		return "unavailable (503)", false, r.judge(ctx, ex, http.StatusServiceUnavailable, "")
	case http.StatusUnauthorized:
		return "refused (401)", false, r.judge(ctx, ex, http.StatusUnauthorized, "")
	}
	if err := r.judge(ctx, ex, http.StatusOK, ""); err != nil {
		return "", false, err
	}
	st, done := state(ex)
	return st, done, nil
}

// shortID shortens a task id for progress lines.
func shortID(id string) string { return truncate(id, 13) }

// progressf sends one progress line, if anyone listens.
func (r *caseRun) progressf(format string, args ...any) {
	if r.cfg.progress != nil {
		r.cfg.progress(r.red.redact(fmt.Sprintf(format, args...)))
	}
}
