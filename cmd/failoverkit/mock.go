package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/failoverkit/failoverkit/server"
	"github.com/failoverkit/failoverkit/spec"
)

// mockFlags are the parsed flags of `failoverkit mock`.
type mockFlags struct {
	cfg          server.Config
	serve        server.ServeConfig
	fixture      string
	generate     int
	control      bool
	printFixture bool
	quiet        bool
}

// parseMockFlags binds every flag to the server.Config and
// server.ServeConfig fields it sets.
func parseMockFlags(args []string, stderr io.Writer) (*mockFlags, error) {
	fs := flag.NewFlagSet("mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := &mockFlags{}
	addrs := map[spec.API]*string{}
	for _, api := range server.APIs() {
		addrs[api.API] = fs.String(string(api.API)+"-addr", api.DefaultAddr, api.AddrHelp)
	}
	fs.BoolVar(&f.serve.TLS, "tls", false, "serve HTTPS (a self-signed certificate is made unless --tls-cert/--tls-key are given)")
	fs.StringVar(&f.serve.CertFile, "tls-cert", "", "PEM certificate file (implies --tls; needs --tls-key)")
	fs.StringVar(&f.serve.KeyFile, "tls-key", "", "PEM key file (implies --tls; needs --tls-cert)")
	fs.StringVar(&f.serve.CertOut, "tls-cert-out", "", "write the certificate in use (PEM) to this file, for clients to trust")
	fs.DurationVar(&f.cfg.TaskDuration, "task-duration", server.DefaultTaskDuration, "how long a task runs (a forced VCHA failover takes half); 0: tasks finish on their first read")
	fs.DurationVar(&f.cfg.SessionIdleTimeout, "session-idle-timeout", server.DefaultSessionIdleTimeout, "end sessions unused for this long")
	fs.IntVar(&f.cfg.TaskRetention, "task-retention", server.DefaultTaskRetention, "finished tasks kept per API (older ones read as not found); negative keeps all")
	fs.IntVar(&f.cfg.TaskRetentionPerUser, "task-retention-per-user", server.DefaultTaskRetentionPerUser, "finished tasks of one user kept per API (a user with more loses their own oldest first); negative: no per-user bound")
	fs.IntVar(&f.cfg.MaxSessions, "max-sessions", server.DefaultMaxSessions, "live sessions per API; at the cap a login ends the session unused the longest (negative: no cap)")
	fs.IntVar(&f.cfg.MaxSessionsPerUser, "max-sessions-per-user", server.DefaultMaxSessionsPerUser, "live sessions of one user per API; at the cap a login ends that user's session unused the longest (negative: no cap)")
	fs.IntVar(&f.cfg.RequestLogSize, "request-log-size", server.DefaultRequestLogSize, "requests kept in the control API's request log")
	fs.BoolVar(&f.control, "control", true, "serve the control API under "+server.ControlPrefix)
	fs.StringVar(&f.cfg.ControlToken, "control-token", os.Getenv("FAILOVERKIT_CONTROL_TOKEN"),
		"admit control API requests from non-loopback clients that send 'Authorization: Bearer TOKEN' (default $FAILOVERKIT_CONTROL_TOKEN, which keeps it out of ps)")
	fs.StringVar(&f.fixture, "fixture", "", "YAML or JSON fixture file (default: the embedded fixture)")
	fs.IntVar(&f.generate, "vcav-generate-replications", 0, "add this many generated VCAV replications to the default fixture (scale tests; see server.GenerateReplications)")
	fs.BoolVar(&f.printFixture, "print-fixture", false, "print the embedded default fixture and exit")
	fs.BoolVar(&f.quiet, "quiet", false, "do not log requests")
	addServerFlags(fs, &f.serve)
	settings := map[string]*time.Duration{}
	for _, s := range server.Settings() {
		settings[s.Name] = fs.Duration(s.Name, 0, s.Help)
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	f.cfg.Settings = settingValues(fs, settings, f.cfg.TaskDuration)
	f.serve.Addrs = map[spec.API]string{}
	for api, addr := range addrs {
		f.serve.Addrs[api] = *addr
	}
	if fs.NArg() > 0 {
		return nil, usageError("unexpected arguments: %v", fs.Args())
	}
	if f.generate < 0 || (f.generate > 0 && f.fixture != "") {
		return nil, usageError("--vcav-generate-replications takes a count of at least 0 and adds to the default fixture: not with --fixture")
	}
	// A certificate means HTTPS: never serve plain HTTP when one was given.
	if (f.serve.CertFile == "") != (f.serve.KeyFile == "") {
		return nil, usageError("--tls-cert and --tls-key must be given together")
	}
	f.serve.TLS = f.serve.TLS || f.serve.CertFile != ""
	if f.cfg.TaskDuration == 0 {
		f.cfg.TaskDuration = -1 // Config's zero means "default"; on the command line 0 means instant
	}
	f.cfg.DisableControl = !f.control
	return f, nil
}

func runMock(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseMockFlags(args, stderr)
	if err != nil {
		return err
	}
	if f.printFixture {
		b, err := server.DefaultFixtureYAML()
		if err != nil {
			return err
		}
		_, err = stdout.Write(b)
		return err
	}
	if f.fixture != "" {
		fx, err := server.LoadFixtureFile(f.fixture)
		if err != nil {
			return usageError("%w", err)
		}
		f.cfg.Fixture = fx
	}
	if f.generate > 0 {
		if f.cfg.Fixture, err = server.GenerateReplications(f.generate); err != nil {
			return err
		}
	}
	if !f.quiet {
		f.cfg.Logger = slog.New(slog.NewJSONHandler(stderr, nil))
	}
	m, err := server.New(server.WithConfig(f.cfg))
	if err != nil {
		return usageError("%w", err)
	}
	f.serve.Ready = func(urls []server.ServedURL) {
		fmt.Fprintf(stdout, "failoverkit mock: %s  (Ctrl-C to stop)\n", servedList(urls))
		if banner, err := server.Banner(server.BannerConfig{URLs: urls, Fixture: f.cfg.Fixture, Control: f.control}); err == nil {
			_, _ = io.WriteString(stdout, banner)
		}
	}
	if err := m.Serve(ctx, f.serve); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	return nil
}

// servedList renders where each API is served: "VCAV URL  vSphere URL".
func servedList(urls []server.ServedURL) string {
	parts := make([]string, len(urls))
	for i, u := range urls {
		info, _ := spec.Lookup(u.API)
		parts[i] = info.Title + " " + u.URL
	}
	return strings.Join(parts, "  ")
}

// settingValues returns the API settings: those given on the command line,
// and the others at their command default for the task duration.
func settingValues(fs *flag.FlagSet, given map[string]*time.Duration, taskDuration time.Duration) map[string]time.Duration {
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	out := make(map[string]time.Duration, len(given))
	for _, s := range server.Settings() {
		if set[s.Name] {
			out[s.Name] = *given[s.Name]
		} else {
			out[s.Name] = s.CommandDefault(max(taskDuration, 0))
		}
	}
	return out
}
