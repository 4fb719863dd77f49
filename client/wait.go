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

// Polling defaults of WaitTask.
const (
	// DefaultPollInterval is the first delay between two polls.
	DefaultPollInterval = 500 * time.Millisecond
	// DefaultMaxPollInterval caps the delay between two polls.
	DefaultMaxPollInterval = 5 * time.Second
	// DefaultWaitTimeout bounds a whole WaitTask call.
	DefaultWaitTimeout = 30 * time.Minute
	// DefaultTransientRetries is how many consecutive transient failures
	// (a network error, a per-request timeout, or a 429, 502, 503 or 504
	// response) WaitTask tolerates before giving up. The counter is reset
	// by every successful poll.
	DefaultTransientRetries = 3
	// backoffFactor multiplies the delay after every poll.
	backoffFactor = 1.5
)

// waitConfig is the result of applying every WaitOption.
type waitConfig struct {
	initial    time.Duration
	max        time.Duration
	timeout    time.Duration
	retries    int
	onProgress func(state string, percent int)
	after      func(time.Duration) <-chan time.Time
	site       string
}

// WaitOption configures WaitTask.
type WaitOption interface {
	applyWait(*waitConfig)
}

// waitOptionFunc adapts a function to WaitOption.
type waitOptionFunc func(*waitConfig)

func (f waitOptionFunc) applyWait(c *waitConfig) { f(c) }

// PollInterval sets the delay before the second poll (default 500ms). The
// delay grows by a factor of 1.5 after every poll, up to MaxPollInterval.
// The first poll is sent at once. Negative values count as zero.
func PollInterval(d time.Duration) WaitOption {
	return waitOptionFunc(func(c *waitConfig) { c.initial = max(d, 0) })
}

// MaxPollInterval caps the delay between two polls (default 5s).
func MaxPollInterval(d time.Duration) WaitOption {
	return waitOptionFunc(func(c *waitConfig) { c.max = max(d, 0) })
}

// WaitTimeout bounds the whole wait, polls included (default 30 minutes),
// by deriving a context with context.WithTimeout. When it expires, WaitTask
// returns an error that wraps both ErrWaitTimeout and
// context.DeadlineExceeded. Zero or a negative value means no bound other
// than the caller's context.
func WaitTimeout(d time.Duration) WaitOption {
	return waitOptionFunc(func(c *waitConfig) { c.timeout = d })
}

// OnProgress registers fn, called after every successful poll with the task
// state (e.g. RUNNING) and its progress in percent (0 to 100), for example
// to drive a progress bar. fn runs on the goroutine that called WaitTask.
func OnProgress(fn func(state string, percent int)) WaitOption {
	return waitOptionFunc(func(c *waitConfig) { c.onProgress = fn })
}

// TransientRetries sets how many consecutive transient failures WaitTask
// tolerates (default DefaultTransientRetries, 3). Zero makes the first
// failure fatal.
func TransientRetries(n int) WaitOption {
	return waitOptionFunc(func(c *waitConfig) { c.retries = max(n, 0) })
}

// WithTimer replaces the function WaitTask sleeps with (default
// time.After). Tests use it to drive polling without waiting on the wall
// clock: after receives each delay and returns a channel that fires when
// the sleep is over. Context cancellation still interrupts the sleep.
func WithTimer(after func(time.Duration) <-chan time.Time) WaitOption {
	return waitOptionFunc(func(c *waitConfig) {
		if after != nil {
			c.after = after
		}
	})
}

// newWaitConfig applies opts over the defaults.
func newWaitConfig(opts []WaitOption) waitConfig {
	c := waitConfig{
		initial: DefaultPollInterval,
		max:     DefaultMaxPollInterval,
		timeout: DefaultWaitTimeout,
		retries: DefaultTransientRetries,
		after:   time.After,
	}
	for _, o := range opts {
		if o != nil {
			o.applyWait(&c)
		}
	}
	return c
}

// next returns the delay that follows d.
func (c waitConfig) next(d time.Duration) time.Duration {
	n := time.Duration(float64(d) * backoffFactor)
	return min(n, c.max)
}

// sleep waits for d or until ctx is done, whichever comes first.
func (c waitConfig) sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c.after(d):
		return nil
	}
}

// taskPoller describes how to poll one kind of task.
type taskPoller[T any] struct {
	api string
	id  string
	// get fetches the task once.
	get func(ctx context.Context) (*T, error)
	// describe returns the state and progress in percent of a task.
	describe func(*T) (string, int)
	// finished reports whether the task has ended and, if it failed, why.
	finished func(*T) (bool, error)
}

// poll fetches the task until it finishes, the context ends or a
// non-transient error occurs. It returns the last task fetched, if any.
func poll[T any](ctx context.Context, c waitConfig, p taskPoller[T]) (*T, error) {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, c.timeout, ErrWaitTimeout)
		defer cancel()
	}
	var last *T
	failures := 0
	for delay := min(c.initial, c.max); ; delay = c.next(delay) {
		t, err := p.get(ctx)
		switch {
		case err == nil:
			failures, last = 0, t
			if done, ferr := p.report(c, t); done {
				return t, ferr
			}
		case ctx.Err() != nil:
			return last, p.stopped(ctx, last)
		case !isTransient(err):
			return last, err
		case failures >= c.retries:
			return last, fmt.Errorf("%s wait for task %s: giving up after %d consecutive transient failures: %w", p.api, p.id, failures+1, err)
		default:
			failures++
		}
		if err := c.sleep(ctx, delay); err != nil {
			return last, p.stopped(ctx, last)
		}
	}
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
