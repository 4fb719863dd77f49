package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/conformance"
)

// exitInterrupted is the exit code of a failover interrupted by Ctrl-C.
const exitInterrupted = 3

// failoverFlags are the flags of `failoverkit failover vcav|vcha`.
type failoverFlags struct {
	api          string
	target       conformance.Target
	credentials  string
	dryRun, yes  bool
	output       string
	timeout      time.Duration
	pollInterval time.Duration
	replication  string // vcav: a VM replication
	vapp         string // vcav: a vApp replication
	op           string // vcav: the lifecycle operation
	lifecycle    *vcavLifecycle
	follow       string // a task already started
	forced       bool   // vcha
}

const failoverUsage = `usage: failoverkit failover vcav (--replication C4-ID | --vapp C4VAPP-ID) [--op OP] [flags]
       failoverkit failover vcha [flags]

Fails a VM or vApp replication over (VCDA/VCAV) or a vCenter HA cluster
(vSphere) over to its other side. For VCDA, --op runs another operation of
the DR lifecycle instead (default failover):

  failover  NOT_STARTED -> COMPLETE       test     NOT_STARTED -> TEST (a drill)
  cleanup   TEST -> NOT_STARTED           migrate  NOT_STARTED -> COMPLETE, planned
  reverse   COMPLETE -> NOT_STARTED       sync     a new instance now
  pause     stop replicating              resume   replicate again

Preflight checks run first and are printed as a table; a failed check
(such as a recovery state the operation does not start from) refuses it.
Then, unless --yes, you type the name of what it acts on (the VM name, the
vApp name, the active node's VM name or "vcha") to confirm. Progress is a
bar on a terminal, lines otherwise; the wait survives the vCenter HA outage
(logs in again, retries) until --timeout. A refusal by the server is
printed with the vendor's code and message.

%s

Exit status: 0 done (or dry run), 1 the server refused it when started,
its task failed or its outcome is unknown, 2 usage error or preflight
refused, 3 interrupted (Ctrl-C leaves a started task running and prints the
--follow command that waits for it).

Flags:
`

// parseFailoverFlags reads `vcav|vcha` and the flags after it.
func parseFailoverFlags(args []string, stderr io.Writer) (*failoverFlags, error) {
	f := &failoverFlags{}
	fs := flag.NewFlagSet("failover", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprintf(stderr, failoverUsage, credentialsHelp); fs.PrintDefaults() }
	bindTargetFlags(fs, &f.target, &f.credentials)
	fs.BoolVar(&f.dryRun, "dry-run", false, "run the preflight checks, print them and stop")
	fs.BoolVar(&f.yes, "yes", false, "do not ask for the typed confirmation")
	fs.StringVar(&f.output, "output", "text", "output: text, or json (one object on stdout, for pipelines)")
	fs.DurationVar(&f.timeout, "timeout", client.DefaultWaitTimeout, "longest wait for the task, outages included")
	fs.DurationVar(&f.pollInterval, "poll-interval", client.DefaultPollInterval, "first pause between two reads of the task (it grows up to 5s)")
	fs.StringVar(&f.follow, "follow", "", "wait for this task (of the --op), already started (after Ctrl-C): no preflight, no confirmation")
	fs.StringVar(&f.replication, "replication", "", "vcav: the VM replication to act on (C4-...)")
	fs.StringVar(&f.vapp, "vapp", "", "vcav: the vApp replication to act on (C4VAPP-...), every VM of it in one task")
	fs.StringVar(&f.op, "op", "failover", "vcav: the operation: "+lifecycleNames())
	fs.BoolVar(&f.forced, "forced", false, "vcha: forced failover (at once, may lose data) instead of a planned one")
	if len(args) == 0 || (args[0] != "vcav" && args[0] != "vcha") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fs.Usage()
			return nil, flag.ErrHelp
		}
		fs.Usage()
		return nil, usageError("say what to fail over: vcav or vcha")
	}
	f.api = args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return nil, err
	}
	return f, f.validate(fs)
}

// validate checks the flags that belong together.
func (f *failoverFlags) validate(fs *flag.FlagSet) error {
	switch {
	case fs.NArg() > 0:
		return usageError("unexpected arguments: %v", fs.Args())
	case f.output != "text" && f.output != "json":
		return usageError("--output %q: want text or json", f.output)
	case f.timeout <= 0 || f.pollInterval <= 0:
		return usageError("--timeout and --poll-interval must be positive")
	case f.api == "vcav" && f.target.VCAVURL == "":
		return usageError("failover vcav needs --vcav-url")
	case f.api == "vcav" && (f.replication == "") == (f.vapp == ""):
		return usageError("failover vcav needs one of --replication C4-ID (a VM) or --vapp C4VAPP-ID (a vApp)")
	case f.api == "vcha" && f.target.VCHAURL == "":
		return usageError("failover vcha needs --vcha-url")
	case f.api == "vcha" && (f.replication != "" || f.vapp != ""):
		return usageError("--replication and --vapp are for failover vcav")
	case f.api == "vcha" && f.op != "failover":
		return usageError("--op is for failover vcav (vcha runs the failover only)")
	case f.follow != "" && f.dryRun:
		return usageError("--follow waits for a started task; --dry-run starts nothing")
	case f.api == "vcav" && f.forced:
		return usageError("--forced is for failover vcha")
	}
	l, ok := lookupLifecycle(f.op)
	if !ok {
		return usageError("--op %q: want one of %s", f.op, lifecycleNames())
	}
	f.lifecycle = l
	return nil
}

// noun names the operation in messages ("failover", "test failover").
func (f *failoverFlags) noun() string {
	if f.lifecycle == nil {
		return "failover"
	}
	return f.lifecycle.noun
}

// clientOptions are the client options the target flags ask for.
func (f *failoverFlags) clientOptions() []client.Option {
	var opts []client.Option
	if f.target.CAFile != "" {
		opts = append(opts, client.WithCAFile(f.target.CAFile))
	}
	if f.target.Insecure {
		opts = append(opts, client.WithInsecureSkipVerify())
	}
	return opts
}

// waitOptions are the WaitTask options of the flags, reporting progress to
// fn.
func (f *failoverFlags) waitOptions(fn func(state string, pct int)) []client.WaitOption {
	return []client.WaitOption{client.WaitTimeout(f.timeout), client.PollInterval(f.pollInterval), client.OnProgress(fn)}
}

func runFailover(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return failoverCommand(ctx, args, os.Stdin, stdout, stderr)
}

// failoverCommand runs `failoverkit failover` with stdin for the
// confirmation.
func failoverCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	f, err := parseFailoverFlags(args, stderr)
	if err != nil {
		return err
	}
	creds, err := targetCredentials(f.credentials)
	if err != nil {
		return err
	}
	var op failoverOp
	switch {
	case f.api == "vcav" && f.vapp != "":
		op, err = newVCAVVappOp(f, creds)
	case f.api == "vcav":
		op, err = newVCAVFailover(f, creds)
	default:
		op, err = newVCHAFailover(f, creds)
	}
	if err != nil {
		return err
	}
	r := &failoverRun{flags: f, op: op, stdin: stdin, stdout: stdout, stderr: stderr}
	return r.run(ctx)
}
