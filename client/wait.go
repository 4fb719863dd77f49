package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// taskPoller describes how to poll one kind of task.
type taskPoller[T any] struct {
	api string
	id  string
	// sess is the client's session, used to log in again after a 401.
	sess *session
	// get fetches the task once.
	get func(ctx context.Context) (*T, error)
	// describe returns the state and progress in percent of a task.
	describe func(*T) (string, int)
	// finished reports whether the task has ended and, if it failed, why.
	finished func(*T) (bool, error)
	// mayRelogin, if set, tells whether a 401 calls for a re-login; by
	// default every 401 does.
	mayRelogin func(error) bool
	// lost, if set, builds the error for a task read that answered 404
	// after a re-login; last is the last task seen, or nil.
	lost func(err error, last *T) error
}

// retryState tracks what happened since the last successful poll.
type retryState struct {
	// failures counts the consecutive transient failures.
	failures int
	// spent is the time they took, sleeps after them included.
	spent time.Duration
	// relogged tells whether the client logged in again.
	relogged bool
}

// poll fetches the task until it finishes, the context ends, the retry
// budget runs out or a permanent error occurs. It returns the last task
// fetched, if any.
func poll[T any](ctx context.Context, c waitConfig, p taskPoller[T]) (*T, error) {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, c.timeout, ErrWaitTimeout)
		defer cancel()
	}
	var (
		last *T
		st   retryState
	)
	for delay := min(c.initial, c.max); ; delay = c.next(delay) {
		start := time.Now()
		t, err := p.fetch(ctx, &st)
		switch {
		case err == nil:
			st, last = retryState{}, t
			if done, ferr := p.report(c, t); done {
				return t, ferr
			}
		case ctx.Err() != nil:
			return last, p.stopped(ctx, last)
		case !isTransient(err):
			return last, p.permanent(st, last, err)
		default:
			if gerr := p.retry(c, &st, time.Since(start), err); gerr != nil {
				return last, gerr
			}
		}
		if err := c.sleep(ctx, delay); err != nil {
			return last, p.stopped(ctx, last)
		}
		if st.failures > 0 {
			st.spent += delay
		}
	}
}

// fetch reads the task once. When the read is refused with 401 and the
// client keeps credentials, it logs in again (once until a poll succeeds)
// and reads the task again; a 401 after that is an ErrReloginRejected.
func (p taskPoller[T]) fetch(ctx context.Context, st *retryState) (*T, error) {
	stale := p.sess.get()
	t, err := p.get(ctx)
	if err == nil || !p.wantsRelogin(err) {
		return t, err
	}
	if st.relogged {
		return nil, fmt.Errorf("%s wait for task %s: %w: %w", p.api, p.id, ErrReloginRejected, err)
	}
	// The refused 401 is not wrapped: whether to retry depends on the login.
	if lerr := p.sess.relogin(ctx, stale); lerr != nil {
		return nil, fmt.Errorf("%s wait for task %s: logging in again after a 401 answer: %w", p.api, p.id, lerr)
	}
	st.relogged = true
	t, err = p.get(ctx)
	if err != nil && p.wantsRelogin(err) {
		return nil, fmt.Errorf("%s wait for task %s: %w: %w", p.api, p.id, ErrReloginRejected, err)
	}
	return t, err
}

// wantsRelogin reports whether err is a 401 that a re-login may cure.
func (p taskPoller[T]) wantsRelogin(err error) bool {
	if statusOf(err) != http.StatusUnauthorized || p.sess == nil || !p.sess.canRelogin() {
		return false
	}
	return p.mayRelogin == nil || p.mayRelogin(err)
}

// permanent returns the error that ends the wait for a permanent failure:
// a *TaskLostError for a 404 after a re-login when the API reports lost
// tasks, err otherwise.
func (p taskPoller[T]) permanent(st retryState, last *T, err error) error {
	if st.relogged && p.lost != nil && statusOf(err) == http.StatusNotFound {
		return p.lost(err, last)
	}
	return err
}

// retry records a transient failure that took took and returns an error
// when the retry budget (or the optional count limit) is exhausted.
func (p taskPoller[T]) retry(c waitConfig, st *retryState, took time.Duration, err error) error {
	st.failures++
	st.spent += took
	if c.retries >= 0 && st.failures > c.retries {
		return fmt.Errorf("%s wait for task %s: giving up after %d consecutive transient failures: %w", p.api, p.id, st.failures, err)
	}
	if st.spent >= c.budget {
		return fmt.Errorf("%s wait for task %s: %w: %d failed polls in a row over %s (budget %s); last failure: %w",
			p.api, p.id, ErrRetryBudgetExhausted, st.failures, st.spent.Round(time.Millisecond), c.budget, err)
	}
	return nil
}

// report calls the progress callback and checks whether t has finished.
func (p taskPoller[T]) report(c waitConfig, t *T) (bool, error) {
	if c.onProgress != nil {
		c.onProgress(p.describe(t))
	}
	return p.finished(t)
}

// stopped builds the error returned when ctx ends during a wait. It wraps
// ctx.Err() and, when the WaitTimeout expired, ErrWaitTimeout.
func (p taskPoller[T]) stopped(ctx context.Context, last *T) error {
	where := "before the first poll answered"
	if last != nil {
		state, pct := p.describe(last)
		where = fmt.Sprintf("last state %s at %d%%", state, pct)
	}
	if cause := context.Cause(ctx); errors.Is(cause, ErrWaitTimeout) {
		return fmt.Errorf("%s wait for task %s (%s): %w: %w", p.api, p.id, where, ErrWaitTimeout, ctx.Err())
	}
	return fmt.Errorf("%s wait for task %s (%s): %w", p.api, p.id, where, ctx.Err())
}

// isTransient reports whether a failed poll is worth retrying: a transport
// error other than a TLS verification failure or a cancellation, or a 429,
// 502, 503 or 504 response.
func isTransient(err error) bool {
	var te *TransportError
	if errors.As(err, &te) {
		var (
			cve *tls.CertificateVerificationError
			uae x509.UnknownAuthorityError
			hne x509.HostnameError
			cie x509.CertificateInvalidError
		)
		if errors.As(err, &cve) || errors.As(err, &uae) || errors.As(err, &hne) || errors.As(err, &cie) {
			return false
		}
		return !errors.Is(err, context.Canceled)
	}
	switch statusOf(err) {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}
