package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes: 0 success, 1 non-conformance, 2 usage or connection errors.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

// command is one subcommand: it parses its own flags from args.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func commands() []command {
	return []command{
		{"mock", "serve both mock APIs (VCAV and vSphere VCHA)", runMock},
		{"check", "run the conformance suite (default: against the embedded mock)", runCheck},
		{"proxy", "forward traffic to a vendor and validate it against the spec", runProxy},
		{"failover", "fail a VM or vApp replication (vcav; --op: test, cleanup, migrate, reverse, sync, pause, resume) or a vCenter HA cluster (vcha) over, with preflight and confirmation", runFailover},
		{"version", "print the version, commit, build time and Go version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		var ee *exitError
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.As(err, &ee):
			if ee.err != nil {
				fmt.Fprintln(stderr, "failoverkit "+c.name+":", ee.err)
			}
			return ee.code
		default:
			fmt.Fprintln(stderr, "failoverkit "+c.name+":", err)
			return exitUsage
		}
	}
	fmt.Fprintf(stderr, "failoverkit: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: failoverkit <command> [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'failoverkit <command> -h' for the command's flags.")
}

// usageError marks a bad invocation (exit code 2).
func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}
