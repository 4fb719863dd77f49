package conformance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/failoverkit/failoverkit/spec"
)

// Defaults of the task poll budget.
const (
	DefaultTaskTimeout  = 30 * time.Second
	DefaultPollInterval = 500 * time.Millisecond
)

// config is what the options set.
type config struct {
	taskTimeout  time.Duration
	pollInterval time.Duration
	maxPolls     int
	progress     func(string)
	filter       func(Case) bool
	onResult     func(Result)
}

// Option adjusts how Check and Run work.
type Option func(*config)

// WithTaskTimeout bounds the time spent polling one task (default 30 s).
func WithTaskTimeout(d time.Duration) Option { return func(c *config) { c.taskTimeout = d } }

// WithPollInterval sets the pause between two reads of a task (default
// 500 ms; zero polls back to back).
func WithPollInterval(d time.Duration) Option { return func(c *config) { c.pollInterval = d } }

// WithMaxPolls bounds the number of reads of one task (0: only the task
// timeout bounds them). With a zero interval it makes the budget independent
// of wall time, which is what tests want.
func WithMaxPolls(n int) Option { return func(c *config) { c.maxPolls = n } }

// WithProgress receives one line per task poll, for a live display.
func WithProgress(f func(line string)) Option { return func(c *config) { c.progress = f } }

// WithResult receives each case's result as soon as the case finishes, for
// a report that streams.
func WithResult(f func(Result)) Option { return func(c *config) { c.onResult = f } }

// WithFilter runs only the cases f accepts; the others are left out of the
// report.
func WithFilter(f func(Case) bool) Option { return func(c *config) { c.filter = f } }

// runner holds what every case of one run shares.
type runner struct {
	target  Target
	cfg     config
	clients map[spec.API]*apiClient
	red     *redactor
	started *startedTasks
}

func newRunner(target Target, opts ...Option) (*runner, error) {
	if err := target.validate(); err != nil {
		return nil, err
	}
	cfg := config{taskTimeout: DefaultTaskTimeout, pollInterval: DefaultPollInterval}
	for _, o := range opts {
		o(&cfg)
	}
	hc, err := target.httpClient()
	if err != nil {
		return nil, err
	}
	r := &runner{target: target, cfg: cfg, clients: map[spec.API]*apiClient{}, red: newRedactor(target.Credentials.secrets()...), started: &startedTasks{}}
	for _, api := range spec.APIs() {
		if raw := target.url(api); raw != "" {
			c, err := newAPIClient(api, raw, hc)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", api, err)
			}
			r.clients[api] = c
		}
	}
	return r, nil
}

// cases lists the cases the options select.
func (r *runner) cases() []Case {
	var out []Case
	for _, c := range Cases() {
		if r.cfg.filter == nil || r.cfg.filter(c) {
			out = append(out, c)
		}
	}
	return out
}

// Check runs every selected case against target, one after another, and
// returns the report. It returns an error, and no report, when the target
// cannot be judged: a bad URL or TLS setting, an endpoint that cannot be
// reached (*ConnectionError), or a preflight failure (*PreflightError: a
// URL that is not the API, refused credentials, a missing replication, an
// empty selection). When ctx ends, the case running is INTERRUPTED and
// Check returns the report so far, naming the tasks left running, with
// ctx's error.
func Check(ctx context.Context, target Target, opts ...Option) (*Report, error) {
	r, err := newRunner(target, opts...)
	if err != nil {
		return nil, err
	}
	if err := r.preflight(ctx); err != nil {
		return nil, err
	}
	rep := newReport(target)
	for _, c := range r.cases() {
		if ctx.Err() != nil {
			break
		}
		res := r.run(ctx, c)
		if ctx.Err() != nil {
			res.Status, res.Reason = StatusInterrupted, "interrupted: "+interruption(ctx)
		}
		rep.Results = append(rep.Results, res)
		if r.cfg.onResult != nil {
			r.cfg.onResult(res)
		}
	}
	rep.finish()
	if ctx.Err() != nil {
		rep.Interrupted = interruption(ctx)
		rep.Unfinished = r.started.list()
		return rep, ctx.Err()
	}
	return rep, nil
}

// interruption says why ctx ended: its cause, or the signal a plain
// cancellation stands for in the CLI.
func interruption(ctx context.Context) string {
	cause := context.Cause(ctx)
	if errors.Is(cause, context.Canceled) {
		return "canceled (Ctrl-C or SIGTERM)"
	}
	return cause.Error()
}

// Run runs the suite inside go test: one subtest per case, named after the
// case; a skipped case calls t.Skip with its reason, and each finding is one
// t.Error.
func Run(t *testing.T, target Target, opts ...Option) {
	t.Helper()
	r, err := newRunner(target, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.preflight(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, c := range r.cases() {
		t.Run(c.Name, func(t *testing.T) {
			res := r.run(t.Context(), c)
			for _, f := range res.Findings {
				if f.IsNote() {
					t.Logf("note: %s", f.Error())
				}
			}
			switch res.Status {
			case StatusSkip:
				t.Skip(res.Reason)
			case StatusFail, StatusError, StatusInterrupted:
				for _, f := range res.Findings {
					if !f.IsNote() {
						t.Errorf("%s\n%s\n%s", f.Error(), f.Excerpt, f.Curl)
					}
				}
				if len(res.Findings) == 0 {
					t.Error(res.Reason)
				}
			}
		})
	}
}

// run runs one case and turns its outcome into a Result.
func (r *runner) run(ctx context.Context, c Case) Result {
	start := time.Now()
	res := Result{Case: c.Name, API: c.API, Operation: c.Operation, Kind: c.Kind, Destructive: c.Destructive,
		Summary: c.Summary, Tags: c.Tags()}
	if reason := r.gate(c); reason != "" {
		res.Status, res.Reason = StatusSkip, reason
		return res
	}
	cr := &caseRun{runner: r, c: c, api: r.clients[c.API]}
	err := cr.resetMock(ctx)
	if err == nil {
		err = c.run(ctx, cr)
	}
	cr.cleanup()
	res.Status, res.Reason, res.Findings = classify(c.Name, err)
	if len(cr.notes) > 0 && res.Status != StatusSkip {
		res.Findings = append(res.Findings, cr.notes...)
		if res.Status == StatusPass {
			res.Reason = fmt.Sprintf("%d note(s): %s", len(cr.notes), cr.notes[0].Where()+": "+cr.notes[0].Reason)
		}
	}
	res.Duration = time.Since(start)
	r.redactResult(&res)
	return res
}

// gate returns why c must not run against this target, or "".
func (r *runner) gate(c Case) string {
	if r.clients[c.API] == nil {
		return fmt.Sprintf("no %s target given", c.API)
	}
	if c.Destructive && !r.target.Mock && !r.target.AllowDestructive {
		return "destructive (it can start a failover on a server that does not conform): pass --allow-destructive to run it"
	}
	return ""
}

// classify turns a case's error into a status, a reason and the findings.
func classify(name string, err error) (Status, string, []*Finding) {
	var skip *skipError
	switch {
	case err == nil:
		return StatusPass, "", nil
	case errors.As(err, &skip):
		return StatusSkip, skip.reason, nil
	}
	fs := collectFindings(err)
	if len(fs) > 0 && !failing(fs) && len(collectOthers(err)) == 0 {
		return StatusPass, fmt.Sprintf("%d note(s)", len(fs)), fs
	}
	if len(fs) > 0 {
		reason := fmt.Sprintf("%d finding(s)", len(fs))
		if len(fs) == 1 {
			reason = fs[0].Where() + ": " + fs[0].Reason
		}
		return StatusFail, reason, fs
	}
	var ce *CaseError
	if errors.As(err, &ce) {
		ce.Case = name
	}
	return StatusError, err.Error(), nil
}

// failing reports whether any finding fails its case.
func failing(fs []*Finding) bool {
	return slices.ContainsFunc(fs, func(f *Finding) bool { return f.Level != LevelNote })
}

// collectOthers gathers the leaves of an error tree that are not findings
// (a transport failure beside notes still errors the case).
func collectOthers(err error) []error {
	var f *Finding
	switch e := err.(type) {
	case nil:
		return nil
	case interface{ Unwrap() []error }:
		var out []error
		for _, sub := range e.Unwrap() {
			out = append(out, collectOthers(sub)...)
		}
		return out
	default:
		if errors.As(err, &f) {
			return nil
		}
		return []error{err}
	}
}

// collectFindings gathers every *Finding in an error tree (errors.Join),
// without descending into a finding's own kin-openapi cause.
func collectFindings(err error) []*Finding {
	var f *Finding
	switch e := err.(type) {
	case nil:
		return nil
	case interface{ Unwrap() []error }:
		var out []*Finding
		for _, sub := range e.Unwrap() {
			out = append(out, collectFindings(sub)...)
		}
		return out
	default:
		if errors.As(err, &f) {
			return []*Finding{f}
		}
		return nil
	}
}

// redactResult removes every known secret from a result's text.
func (r *runner) redactResult(res *Result) {
	res.Reason = r.red.redact(res.Reason)
	for _, f := range res.Findings {
		f.Case = res.Case
		f.Path = r.red.redact(f.Path)
		f.Field = r.red.redact(f.Field)
		f.Reason = r.red.redact(f.Reason)
		f.Excerpt = r.red.redact(f.Excerpt)
		f.Curl = r.red.redact(f.Curl)
	}
}

// skipError ends a case as skipped.
type skipError struct{ reason string }

// Error gives the reason for the skip.
func (e *skipError) Error() string { return "skipped: " + e.reason }

// skipf returns an error that skips the case with a reason.
func skipf(format string, args ...any) error { return &skipError{reason: fmt.Sprintf(format, args...)} }
