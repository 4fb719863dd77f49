package client

import (
	"context"
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
	// DefaultRetryBudget is how long WaitTask keeps retrying transient
	// failures (a network error, a per-request timeout, or a 429, 502, 503
	// or 504 response) without a successful poll in between. It outlasts
	// the API outage of a vCenter HA failover (VMware's target: 5 minutes).
	DefaultRetryBudget = 10 * time.Minute
	// DefaultTransientRetries was the number of consecutive transient
	// failures WaitTask tolerated before it retried for a time budget.
	//
	// Deprecated: WaitTask retries for DefaultRetryBudget; pass
	// TransientRetries(DefaultTransientRetries) to add the former count
	// limit.
	DefaultTransientRetries = 3
	// backoffFactor multiplies the delay after every poll.
	backoffFactor = 1.5
)

// waitConfig is the result of applying every WaitOption.
type waitConfig struct {
	initial time.Duration
	max     time.Duration
	timeout time.Duration
	budget  time.Duration
	// retries caps the consecutive transient failures; negative: no cap.
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

// RetryBudget sets how long WaitTask keeps retrying transient failures
// (network errors, per-request timeouts, 429, 502, 503 and 504; never TLS
// verification failures) without a successful poll in between (default
// DefaultRetryBudget, 10 minutes). The time counted is the time the failed
// polls took plus the delays slept after them, so an injected timer
// (WithTimer) drives it too. Every successful poll resets it. When it runs
// out, WaitTask returns an error wrapping ErrRetryBudgetExhausted and the
// last failure. Zero makes the first transient failure fatal; negative
// values count as zero.
func RetryBudget(d time.Duration) WaitOption {
	return waitOptionFunc(func(c *waitConfig) { c.budget = max(d, 0) })
}

// TransientRetries additionally caps the number of consecutive transient
// failures WaitTask tolerates; by default only the RetryBudget applies.
// Zero makes the first failure fatal.
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
		budget:  DefaultRetryBudget,
		retries: -1,
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
