package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/failoverkit/failoverkit/internal/ctxsleep"
)

// poll reads a task until it is done, within the poll budget: at most
// cfg.maxPolls reads (when set) and cfg.taskTimeout of wall time. get is
// the task read; state returns the task's state from a 200 answer and
// whether it is final. A read that gets no response, or a valid 503 (the
// target is briefly unavailable, as a vCenter is while its passive node
// takes over), is retried within the budget.
func (r *caseRun) poll(ctx context.Context, taskID string, get request, state func(*exchange) (string, bool)) (*exchange, error) {
	deadline := time.Now().Add(r.cfg.taskTimeout)
	var last error
	for n := 1; ; n++ {
		ex, st, done, err := r.pollOnce(ctx, get, state)
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
	if ex.status == http.StatusServiceUnavailable {
		return ex, "unavailable (503)", false, r.judge(ctx, ex, http.StatusServiceUnavailable, "")
	}
	if err := r.judge(ctx, ex, http.StatusOK, ""); err != nil {
		return ex, "", false, err
	}
	st, done := state(ex)
	return ex, st, done, nil
}

// shortID shortens a task id for progress lines.
func shortID(id string) string { return truncate(id, 13) }

// progressf sends one progress line, if anyone listens.
func (r *caseRun) progressf(format string, args ...any) {
	if r.cfg.progress != nil {
		r.cfg.progress(r.red.redact(fmt.Sprintf(format, args...)))
	}
}
