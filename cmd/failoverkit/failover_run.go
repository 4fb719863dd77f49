package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/failoverkit/failoverkit/client"
)

// failoverOp is one kind of failover: how to log in, check, start, wait
// for and follow it. The flow around it (failoverRun) is the same for
// every kind.
type failoverOp interface {
	// login opens the session; failing it refuses the failover.
	login(ctx context.Context) error
	// logout ends the session.
	logout(ctx context.Context)
	// preflight reads the target and judges whether the failover may start.
	preflight(ctx context.Context) (*preflight, error)
	// start starts the failover and returns its task id.
	start(ctx context.Context) (string, error)
	// wait waits for the task and returns what changed, for people
	// (summary) and pipelines (details).
	wait(ctx context.Context, id string, progress func(state string, pct int)) (summary string, details map[string]string, err error)
	// follow tells how to follow the task after an interruption.
	follow(id string) string
}

// Outcomes of a failover run, as the JSON report names them.
const (
	outcomeDryRun      = "dry-run"
	outcomeRefused     = "refused"
	outcomeSucceeded   = "succeeded"
	outcomeFailed      = "failed"
	outcomeUnknown     = "unknown"
	outcomeInterrupted = "interrupted"
)

// failoverReport is the --output json document, one per run.
type failoverReport struct {
	API string `json:"api"`
	// Operation is the --op (failover for vcha).
	Operation string            `json:"operation"`
	URL       string            `json:"url"`
	Subject   string            `json:"subject"`
	Name      string            `json:"name,omitempty"`
	Preflight []check           `json:"preflight"`
	DryRun    bool              `json:"dryRun"`
	TaskID    string            `json:"taskId,omitempty"`
	Outcome   string            `json:"outcome"`
	Summary   string            `json:"summary,omitempty"`
	Details   map[string]string `json:"details,omitempty"`
	Error     string            `json:"error,omitempty"`
	Follow    string            `json:"follow,omitempty"`
	ExitCode  int               `json:"exitCode"`
}

// failoverRun is one `failoverkit failover` invocation.
type failoverRun struct {
	flags          *failoverFlags
	op             failoverOp
	stdin          io.Reader
	stdout, stderr io.Writer
	rep            failoverReport
}

func (r *failoverRun) run(ctx context.Context) error {
	r.rep = failoverReport{API: r.flags.api, Operation: r.flags.op, URL: r.flags.url(), DryRun: r.flags.dryRun, Preflight: []check{}}
	if err := r.op.login(ctx); err != nil {
		return r.refused(ctx, fmt.Errorf("log in: %w", err))
	}
	defer func() {
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		r.op.logout(lctx)
	}()
	if r.flags.follow != "" {
		r.rep.Subject, r.rep.TaskID = r.flags.noun()+" task "+r.flags.follow, r.flags.follow
		return r.waitFor(ctx, r.rep.Subject, r.flags.follow)
	}
	pf, err := r.op.preflight(ctx)
	if err != nil {
		return r.refused(ctx, fmt.Errorf("preflight: %w", err))
	}
	r.rep.Subject, r.rep.Name, r.rep.Preflight = pf.subject, pf.confirm, pf.checks
	if r.flags.output == "text" {
		pf.writeTable(r.stdout)
	}
	if failed := pf.failed(); failed != "" {
		return r.finish(outcomeRefused, exitUsage, fmt.Errorf("preflight refused the %s: %s", r.flags.noun(), failed))
	}
	if r.flags.dryRun {
		r.rep.Summary = "dry run: the checks passed; nothing was started"
		return r.finish(outcomeDryRun, exitOK, nil)
	}
	if !r.flags.yes {
		if err := confirm(ctx, r.stdin, r.stderr, pf); err != nil {
			return r.refused(ctx, err)
		}
	}
	return r.startAndWait(ctx, pf)
}

// refused ends a run before anything started: interrupted (exit 3) when
// ctx ended, refused (exit 2) otherwise.
func (r *failoverRun) refused(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return r.finish(outcomeInterrupted, exitInterrupted, fmt.Errorf("interrupted before the %s started; nothing was started", r.flags.noun()))
	}
	return r.finish(outcomeRefused, exitUsage, err)
}

// startAndWait starts the operation and waits for it. A refusal by the
// server (a vendor error) is said to be one, with the vendor's message.
func (r *failoverRun) startAndWait(ctx context.Context, pf *preflight) error {
	id, err := r.op.start(ctx)
	var vcavErr *client.VCAVError
	var vchaErr *client.VCHAError
	switch {
	case err != nil && (errors.As(err, &vcavErr) || errors.As(err, &vchaErr)):
		r.rep.Summary = fmt.Sprintf("the server refused the %s of %s; nothing was started", r.flags.noun(), pf.subject)
		return r.finish(outcomeFailed, exitFindings, fmt.Errorf("the server refused the %s of %s: %w", r.flags.noun(), pf.subject, err))
	case err != nil:
		return r.finish(outcomeFailed, exitFindings, fmt.Errorf("start the %s of %s: %w", r.flags.noun(), pf.subject, err))
	}
	r.rep.TaskID = id
	fmt.Fprintf(r.stderr, "%s of %s started: task %s\n", r.flags.noun(), pf.subject, id)
	return r.waitFor(ctx, pf.subject, id)
}

// waitFor waits for the failover task id with progress and judges the end.
func (r *failoverRun) waitFor(ctx context.Context, subject, id string) error {
	prog := newProgress(r.stderr, isTTY(r.stderr))
	summary, details, err := r.op.wait(ctx, id, prog.update)
	prog.done()
	r.rep.Summary, r.rep.Details = summary, details
	var failed *client.TaskFailedError
	switch {
	case err == nil:
		return r.finish(outcomeSucceeded, exitOK, nil)
	case ctx.Err() != nil:
		r.rep.Follow = r.op.follow(id)
		return r.finish(outcomeInterrupted, exitInterrupted,
			fmt.Errorf("interrupted: the %s task %s keeps running on the server; follow it with %s", r.flags.noun(), id, r.rep.Follow))
	case errors.As(err, &failed):
		return r.finish(outcomeFailed, exitFindings, fmt.Errorf("the %s of %s failed: %w", r.flags.noun(), subject, err))
	default:
		r.rep.Follow = r.op.follow(id)
		return r.finish(outcomeUnknown, exitFindings,
			fmt.Errorf("the outcome of the %s of %s is unknown: %w; follow task %s with %s", r.flags.noun(), subject, err, id, r.rep.Follow))
	}
}

// finish records the outcome, writes the report (JSON) or the summary
// (text) on stdout, and returns the error carrying the exit code.
func (r *failoverRun) finish(outcome string, code int, err error) error {
	r.rep.Outcome, r.rep.ExitCode = outcome, code
	if err != nil {
		r.rep.Error = err.Error()
	}
	if r.flags.output == "json" {
		enc := json.NewEncoder(r.stdout)
		enc.SetIndent("", "  ")
		if werr := enc.Encode(r.rep); werr != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("write the report: %w", werr)}
		}
	} else if r.rep.Summary != "" {
		fmt.Fprintln(r.stdout, r.rep.Summary)
	}
	if code == exitOK {
		return nil
	}
	return &exitError{code: code, err: err}
}

// url is the base URL of the API the failover goes to.
func (f *failoverFlags) url() string {
	if f.api == "vcav" {
		return f.target.VCAVURL
	}
	return f.target.VCHAURL
}
