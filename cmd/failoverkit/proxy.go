package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/failoverkit/failoverkit/conformance"
	"github.com/failoverkit/failoverkit/server"
	"github.com/failoverkit/failoverkit/spec"
)

// defaultProxyAddr is where `failoverkit proxy` listens unless told.
const defaultProxyAddr = "127.0.0.1:8440"

// proxyShutdownTimeout bounds how long the proxy waits for requests in
// flight when it stops.
const proxyShutdownTimeout = 10 * time.Second

func runProxy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("proxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: failoverkit proxy --api vcav|vcha --target URL [--listen ADDR] [flags]\n\nForwards every request to the target unchanged, validates requests and responses against the spec,\nlogs each violation on stderr as it happens (never headers or secrets) and prints a summary on exit.\nExit status: 0 no violation, 1 violations seen, 2 usage or listen error, the target unreachable, or nothing validated.\n\nFlags:")
		fs.PrintDefaults()
	}
	apiName := fs.String("api", "", "the API the traffic speaks: vcav or vcha")
	target := fs.String("target", "", "base URL to forward to (e.g. https://vcda.example.com)")
	listen := fs.String("listen", defaultProxyAddr, "address to listen on (HTTP); :0 picks a free port")
	caFile := fs.String("ca-file", "", "PEM file of extra certificate authorities the target's certificate may chain to")
	insecure := fs.Bool("insecure", false, "do not verify the target's TLS certificate")
	logJSON := fs.Bool("log-json", false, "log violations as JSON lines instead of text")
	summaryJSON := fs.String("summary-json", "", "also write the summary as JSON to this file on exit")
	var sc server.ServeConfig
	addServerFlags(fs, &sc)
	pc := conformance.ProxyConfig{}
	fs.Int64Var(&pc.MaxBody, "max-body", conformance.DefaultProxyMaxBody, "largest request or response body buffered and validated; larger ones pass through unvalidated")
	fs.IntVar(&pc.MaxConcurrent, "max-concurrent", conformance.DefaultProxyMaxConcurrent, "most exchanges in flight; more wait for a slot (bounds buffering to this many bodies each way)")
	fs.DurationVar(&pc.UpstreamTimeout, "upstream-timeout", conformance.DefaultProxyUpstreamTimeout, "bound one exchange with the target; past it the client gets 504")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected arguments: %v", fs.Args())
	}
	api, err := spec.ParseAPI(*apiName)
	if err != nil {
		return usageError("--api: %v", err)
	}
	if *target == "" {
		return usageError("--target is required")
	}
	pc.API, pc.Target, pc.Logger = api, *target, newLogger(stderr, *logJSON)
	p, err := newProxy(pc, *caFile, *insecure)
	if err != nil {
		return usageError("%w", err)
	}
	srv, ln, err := server.NewHTTPServer(p, *listen, sc, nil)
	if err != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("listen: %w", err)}
	}
	fmt.Fprintf(stdout, "failoverkit proxy: %s traffic on http://%s → %s (Ctrl-C to stop)\n", api, ln.Addr(), *target)
	if err := serveUntilDone(ctx, srv, ln); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	return proxyVerdict(p.Summary(), api, stdout, *summaryJSON)
}

// proxyVerdict writes the summary (and its JSON file) and turns it into the
// exit status: 1 with violations, 2 when the target was unreachable or
// nothing was validated, 0 otherwise.
func proxyVerdict(sum conformance.ProxySummary, api spec.API, stdout io.Writer, jsonFile string) error {
	if err := sum.WriteSummary(stdout, api); err != nil {
		return err
	}
	if jsonFile != "" {
		b, err := json.MarshalIndent(sum, "", "  ")
		if err == nil {
			err = os.WriteFile(jsonFile, append(b, '\n'), 0o644)
		}
		if err != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("--summary-json: %w", err)}
		}
	}
	if sum.Violations > 0 {
		return &exitError{code: exitFindings, err: fmt.Errorf("%d spec violation(s) seen", sum.Violations)}
	}
	if why := sum.Gate(); why != "" {
		return &exitError{code: exitUsage, err: errors.New(why)}
	}
	return nil
}

// newProxy builds the proxy with the TLS settings for the target; the
// target must send its answer's headers within the upstream timeout.
func newProxy(pc conformance.ProxyConfig, caFile string, insecure bool) (*conformance.Proxy, error) {
	tlsCfg, err := conformance.TLSConfig(caFile, insecure)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsCfg
	tr.ResponseHeaderTimeout = pc.UpstreamTimeout
	pc.Transport = tr
	return conformance.NewProxy(pc)
}

func newLogger(w io.Writer, asJSON bool) *slog.Logger {
	if asJSON {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// serveUntilDone serves srv on ln until ctx ends, then shuts down gracefully.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener) error {
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), proxyShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
