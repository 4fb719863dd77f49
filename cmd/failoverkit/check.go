package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/failoverkit/failoverkit/conformance"
)

// checkFlags are the flags of `failoverkit check`.
type checkFlags struct {
	target       conformance.Target
	credentials  string
	formats      []string
	outputDir    string
	run          string
	list, quiet  bool
	failOnSkip   bool
	pollInterval time.Duration
	taskTimeout  time.Duration
	timeout      time.Duration
	maxPolls     int
}

func parseCheckFlags(args []string, stderr io.Writer) (*checkFlags, error) {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: failoverkit check [flags]\n\nRuns the conformance suite. Without --vcav-url and --vcha-url it starts the mock in-process and checks it.\n"+
			credentialsHelp+"\nExit status: 0 conforms, 1 does not conform, 2 the target could not be judged (usage, connection or preflight error,\nevery case skipped, interrupted, a skip with --fail-on-skip).\n\nFlags:")
		fs.PrintDefaults()
	}
	f := &checkFlags{}
	t := &f.target
	bindTargetFlags(fs, t, &f.credentials)
	fs.BoolVar(&t.Mock, "mock", false, "the targets are failoverkit mocks with the control API: reset them between cases and run destructive cases")
	fs.BoolVar(&t.AllowDestructive, "allow-destructive", false, "run the cases that can start a failover on a real target")
	fs.Func("vcav-replication", "a VM replication (C4-...) the stateful VCAV cases may use, by its state; repeatable", func(s string) error {
		t.VCAVReplications = append(t.VCAVReplications, s)
		return nil
	})
	fs.Func("vcav-vapp-replication", "a vApp replication (C4VAPP-...) the vApp lifecycle cases may use, by the state of its VMs; repeatable", func(s string) error {
		t.VCAVVappReplications = append(t.VCAVVappReplications, s)
		return nil
	})
	fs.BoolVar(&t.AllowDelete, "allow-delete", false, "let the delete cases delete a named vApp replication on a real target (with --allow-destructive; cannot be undone)")
	fs.BoolVar(&t.TryWrongPassword, "try-wrong-password", false, "against a real target, also log in as the configured users with a wrong password (lockout policies count it)")
	fs.BoolVar(&t.AllowModeChange, "allow-mode-change", false, "let the suite put a real VCHA cluster in DISABLED mode for one case and restore it (with --allow-destructive)")
	format := fs.String("format", "text", "report formats, comma-separated: text, json, junit (several need --output-dir)")
	fs.StringVar(&f.outputDir, "output-dir", "", "write each report format to DIR/conformance.{txt,json,xml}; the text report still streams to stdout")
	fs.BoolVar(&f.failOnSkip, "fail-on-skip", false, "exit 2 when any case is skipped (for CI)")
	fs.DurationVar(&f.timeout, "timeout", 0, "stop the whole run after this long, reporting it INTERRUPTED (0: no limit)")
	fs.StringVar(&f.run, "run", "", "run only the cases whose name or a tag matches this regular expression")
	fs.BoolVar(&f.list, "list", false, "list the cases with their tags and exit")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress lines on stderr")
	fs.DurationVar(&f.taskTimeout, "task-timeout", conformance.DefaultTaskTimeout, "longest time to poll one task")
	fs.DurationVar(&f.pollInterval, "poll-interval", conformance.DefaultPollInterval, "pause between two reads of a task")
	fs.IntVar(&f.maxPolls, "max-polls", 0, "most reads of one task (0: only --task-timeout bounds them)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usageError("unexpected arguments: %v", fs.Args())
	}
	for _, name := range strings.Split(*format, ",") {
		if _, ok := reportFiles[name]; !ok {
			return nil, usageError("--format %q: want text, json or junit (comma-separated)", name)
		}
		f.formats = append(f.formats, name)
	}
	if len(f.formats) > 1 && f.outputDir == "" {
		return nil, usageError("--format %s: several formats need --output-dir", *format)
	}
	return f, nil
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseCheckFlags(args, stderr)
	if err != nil {
		return err
	}
	filter, err := caseFilter(f.run)
	if err != nil {
		return err
	}
	if f.list {
		return listCases(stdout, filter)
	}
	target, stop, err := f.resolveTarget()
	if err != nil {
		return err
	}
	defer stop()
	if f.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, f.timeout, fmt.Errorf("--timeout %s elapsed", f.timeout))
		defer cancel()
	}
	out := newReporters(f, stdout)
	opts := []conformance.Option{
		conformance.WithFilter(filter), conformance.WithTaskTimeout(f.taskTimeout),
		conformance.WithPollInterval(f.pollInterval), conformance.WithMaxPolls(f.maxPolls),
		conformance.WithResult(out.result),
	}
	if !f.quiet {
		opts = append(opts, conformance.WithProgress(func(line string) { fmt.Fprintln(stderr, "  … "+line) }))
	}
	out.header(target)
	rep, err := conformance.Check(ctx, target, opts...)
	if rep == nil {
		return checkError(err)
	}
	if werr := out.finish(rep); werr != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("write report: %w", werr)}
	}
	if err != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("INTERRUPTED (%s): %s", rep.Interrupted, unfinished(rep))}
	}
	return verdict(rep, f.failOnSkip)
}

// unfinished names the tasks an interrupted run left behind.
func unfinished(rep *conformance.Report) string {
	if len(rep.Unfinished) == 0 {
		return "no task the suite started is left unfinished"
	}
	names := make([]string, len(rep.Unfinished))
	for i, t := range rep.Unfinished {
		names[i] = t.String()
	}
	return "tasks started and not seen finished, which may still change the target: " + strings.Join(names, ", ")
}

// resolveTarget completes the target: credentials from the environment and
// the credentials file, or the embedded mock when no URL is given. stop
// releases what it started.
func (f *checkFlags) resolveTarget() (conformance.Target, func(), error) {
	t := f.target
	if t.VCAVURL == "" && t.VCHAURL == "" {
		em, err := conformance.StartMock()
		if err != nil {
			return t, nil, &exitError{code: exitUsage, err: fmt.Errorf("start the embedded mock: %w", err)}
		}
		mt, err := em.Target()
		if err == nil {
			mt.VCAVLoginType = t.VCAVLoginType
			mt.Credentials, err = conformance.MockCredentials(t.VCAVLoginType)
		}
		if err != nil {
			_ = em.Close()
			return t, nil, &exitError{code: exitUsage, err: err}
		}
		return mt, func() { _ = em.Close() }, nil
	}
	creds, err := targetCredentials(f.credentials)
	if err != nil {
		return t, nil, err
	}
	if t.Mock {
		def, err := conformance.MockCredentials(t.VCAVLoginType)
		if err == nil {
			creds = def.Merge(creds)
		}
	}
	t.Credentials = creds
	return t, func() {}, nil
}

// caseFilter selects the cases whose name or a tag matches expr.
func caseFilter(expr string) (func(conformance.Case) bool, error) {
	if expr == "" {
		return nil, nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, usageError("--run: %v", err)
	}
	return func(c conformance.Case) bool {
		if re.MatchString(c.Name) {
			return true
		}
		for _, tag := range c.Tags() {
			if re.MatchString(tag) {
				return true
			}
		}
		return false
	}, nil
}

// listCases prints the selected cases, one per line, with their tags.
func listCases(w io.Writer, filter func(conformance.Case) bool) error {
	var b strings.Builder
	for _, c := range conformance.Cases() {
		if filter == nil || filter(c) {
			fmt.Fprintf(&b, "%-36s [%s]\n    %s\n", c.Name, strings.Join(c.Tags(), " "), c.Summary)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// checkError maps an error that left no report to an exit status: every
// such error is a usage, connection or preflight problem, said in one line.
func checkError(err error) error {
	var ce *conformance.ConnectionError
	if errors.As(err, &ce) {
		return &exitError{code: exitUsage, err: fmt.Errorf("%w (check the URL; for TLS see --ca-file and --insecure)", err)}
	}
	return &exitError{code: exitUsage, err: err}
}

// verdict turns the report into the exit status: 1 when a case failed, 2
// when cases could not reach a verdict, when every case skipped, or when
// one did with failOnSkip; 0 otherwise.
func verdict(rep *conformance.Report, failOnSkip bool) error {
	c := rep.Counts()
	switch {
	case c.Failed > 0:
		return &exitError{code: exitFindings, err: fmt.Errorf("the target does not conform: %s", rep.Summary())}
	case c.Errors > 0:
		return &exitError{code: exitUsage, err: fmt.Errorf("%d case(s) could not reach a verdict: %s", c.Errors, rep.Summary())}
	case rep.AllSkipped():
		return &exitError{code: exitUsage, err: fmt.Errorf("nothing was judged: every selected case skipped (first: %s)", rep.FirstSkip())}
	case failOnSkip && c.Skipped > 0:
		return &exitError{code: exitUsage, err: fmt.Errorf("%d case(s) skipped with --fail-on-skip (first: %s)", c.Skipped, rep.FirstSkip())}
	}
	return nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
