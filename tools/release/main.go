package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/failoverkit/failoverkit/internal/buildstamp"
)

// DefaultTargets are the release platforms.
const DefaultTargets = "linux/amd64,linux/arm64,darwin/amd64,darwin/arm64,windows/amd64,windows/arm64"

// options are the parsed flags.
type options struct {
	out, pkg, name string
	targets        []target
	parallel       int
	binariesOnly   bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("release", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &options{}
	targets := fs.String("targets", DefaultTargets, "comma-separated GOOS/GOARCH list")
	fs.StringVar(&o.out, "out", "dist", "output directory (emptied first)")
	fs.StringVar(&o.pkg, "pkg", "./cmd/failoverkit", "main package to build")
	fs.StringVar(&o.name, "name", "failoverkit", "binary and archive name")
	fs.IntVar(&o.parallel, "parallel", 1, "targets built at once (go build already uses every core)")
	fs.BoolVar(&o.binariesOnly, "binaries-only", false, "only build the stamped binaries, into <out>/<goos>_<goarch>/ (for the image), no archives")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if o.parallel < 1 {
		return nil, fmt.Errorf("-parallel %d: want 1 or more", o.parallel)
	}
	ts, err := parseTargets(*targets)
	if err != nil {
		return nil, err
	}
	o.targets = ts
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	st, err := buildstamp.Read(ctx, ".", time.Now())
	if err != nil {
		return err
	}
	if err := os.RemoveAll(o.out); err != nil {
		return fmt.Errorf("empty %s: %w", o.out, err)
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", o.out, err)
	}
	fmt.Fprintf(stdout, "release %s (commit %s) for %d targets into %s\n", st.Version, st.Commit, len(o.targets), o.out)
	start := time.Now()
	archives, err := buildAll(ctx, o, st, stdout)
	if err != nil {
		return err
	}
	if o.binariesOnly {
		fmt.Fprintf(stdout, "built %d binaries in %s\n", len(archives), time.Since(start).Round(100*time.Millisecond))
		return nil
	}
	if err := writeChecksums(o.out, archives); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d archives and checksums.txt in %s\n", len(archives), time.Since(start).Round(100*time.Millisecond))
	return nil
}

// target is one GOOS/GOARCH pair.
type target struct{ goos, goarch string }

func (t target) String() string { return t.goos + "/" + t.goarch }

func parseTargets(s string) ([]target, error) {
	var ts []target
	for _, part := range strings.Split(s, ",") {
		goos, goarch, ok := strings.Cut(strings.TrimSpace(part), "/")
		if !ok || goos == "" || goarch == "" || strings.Contains(goarch, "/") {
			return nil, fmt.Errorf("target %q: want GOOS/GOARCH, e.g. linux/amd64", part)
		}
		ts = append(ts, target{goos, goarch})
	}
	return ts, nil
}
