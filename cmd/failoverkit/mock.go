package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/failoverkit/failoverkit/server"
)

func runMock(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg server.Config
	var sc server.ServeConfig
	var fixture string
	var printFixture, quiet bool
	fs.StringVar(&sc.VCAVAddr, "vcav-addr", server.DefaultVCAVAddr, "VCAV/VCDA API listen address")
	fs.StringVar(&sc.VCHAAddr, "vcha-addr", server.DefaultVCHAAddr, "vSphere VCHA API listen address")
	fs.BoolVar(&sc.TLS, "tls", false, "serve HTTPS (a self-signed certificate is made unless --tls-cert/--tls-key are given)")
	fs.StringVar(&sc.CertFile, "tls-cert", "", "PEM certificate file for --tls")
	fs.StringVar(&sc.KeyFile, "tls-key", "", "PEM key file for --tls")
	fs.StringVar(&sc.CertOut, "tls-cert-out", "", "write the certificate in use (PEM) to this file, for clients to trust")
	fs.DurationVar(&cfg.TaskDuration, "task-duration", server.DefaultTaskDuration, "how long a task runs (a forced VCHA failover takes half); 0: tasks finish on their first read")
	fs.DurationVar(&cfg.SessionIdleTimeout, "session-idle-timeout", server.DefaultSessionIdleTimeout, "end sessions unused for this long")
	fs.IntVar(&cfg.TaskRetention, "task-retention", server.DefaultTaskRetention, "finished tasks kept per API (older ones read as not found); negative keeps all")
	fs.IntVar(&cfg.RequestLogSize, "request-log-size", server.DefaultRequestLogSize, "requests kept in the control API's request log")
	control := fs.Bool("control", true, "serve the control API under "+server.ControlPrefix)
	fs.StringVar(&fixture, "fixture", "", "YAML or JSON fixture file (default: the embedded fixture)")
	fs.BoolVar(&printFixture, "print-fixture", false, "print the embedded default fixture and exit")
	fs.BoolVar(&quiet, "quiet", false, "do not log requests")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected arguments: %v", fs.Args())
	}
	if printFixture {
		b, err := server.DefaultFixtureYAML()
		if err != nil {
			return err
		}
		_, err = stdout.Write(b)
		return err
	}
	if cfg.TaskDuration == 0 {
		cfg.TaskDuration = -1 // Config's zero means "default"; on the command line 0 means instant
	}
	cfg.DisableControl = !*control
	if fixture != "" {
		f, err := server.LoadFixtureFile(fixture)
		if err != nil {
			return usageError("%w", err)
		}
		cfg.Fixture = f
	}
	if !quiet {
		cfg.Logger = slog.New(slog.NewJSONHandler(stderr, nil))
	}
	m, err := server.New(server.WithConfig(cfg))
	if err != nil {
		return usageError("%w", err)
	}
	sc.Ready = func(vcavURL, vchaURL string) {
		fmt.Fprintf(stdout, "failoverkit mock: VCAV %s  vSphere %s  (Ctrl-C to stop)\n", vcavURL, vchaURL)
	}
	if err := m.Serve(ctx, sc); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	return nil
}
