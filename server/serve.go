package server

import (
	"cmp"
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/failoverkit/failoverkit/spec"
)

// ServeConfig says where and how Serve and Listen listen.
type ServeConfig struct {
	// Addrs are the listen addresses by API (--vcav-addr, --vcha-addr);
	// ":0" picks a free port; an API missing here listens on its default
	// address (APIInfo.DefaultAddr).
	Addrs map[spec.API]string
	// AnyLoopbackPort makes every API listen on a free loopback port
	// (127.0.0.1:0), whatever Addrs says: the embedded and test mocks.
	AnyLoopbackPort bool
	// TLS serves HTTPS (--tls). Without CertFile and KeyFile a self-signed
	// certificate for localhost, 127.0.0.1 and ::1 is made at start.
	TLS bool
	// CertFile and KeyFile are a PEM certificate and key (--tls-cert, --tls-key).
	CertFile, KeyFile string
	// CertOut, when set, receives the PEM of the certificate in use, for
	// clients to trust (--tls-cert-out).
	CertOut string
	// Ready is called by Serve with the base URL of each API, in the
	// mock's order, once every listener is open.
	Ready func(urls []ServedURL)

	// ReadHeaderTimeout bounds reading a request's headers, so a client
	// that trickles them byte by byte is cut off (default 10s).
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included (default 30s).
	ReadTimeout time.Duration
	// WriteTimeout bounds handling a request and writing its answer
	// (default 2m, above the longest latency fault tests usually inject).
	WriteTimeout time.Duration
	// IdleTimeout closes keep-alive connections idle this long (default 2m).
	IdleTimeout time.Duration
	// MaxHeaderBytes is net/http's hard cap on a request's line and
	// headers, answered with a plain-text 431 (default 64 KiB). Below it,
	// headers over DefaultHeaderLimit get 431 in the vendor's error shape.
	MaxHeaderBytes int
	// MaxConns caps the connections each listener holds open (--max-conns,
	// default DefaultMaxConns). At the cap the connection idle the longest
	// is closed to make room; when all are busy, new ones wait.
	MaxConns int
}

// Default server timeouts and limits (see ServeConfig): slow or oversized
// clients cannot pin connections or memory.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 2 * time.Minute
	DefaultIdleTimeout       = 2 * time.Minute
	DefaultMaxHeaderBytes    = 64 << 10
	shutdownTimeout          = 10 * time.Second
)

// newHTTPServer returns the http.Server that serves h with sc's timeouts
// and header cap, each zero one taking its default.
func newHTTPServer(h http.Handler, sc ServeConfig, errLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: orDefaultDuration(sc.ReadHeaderTimeout, DefaultReadHeaderTimeout),
		ReadTimeout:       orDefaultDuration(sc.ReadTimeout, DefaultReadTimeout),
		WriteTimeout:      orDefaultDuration(sc.WriteTimeout, DefaultWriteTimeout),
		IdleTimeout:       orDefaultDuration(sc.IdleTimeout, DefaultIdleTimeout),
		MaxHeaderBytes:    cmp.Or(sc.MaxHeaderBytes, DefaultMaxHeaderBytes),
		ErrorLog:          errLog,
	}
}

// orDefaultDuration is d, or def when d is not positive.
func orDefaultDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// ServedURL is where one API is served.
type ServedURL struct {
	API spec.API
	URL string
}

// Serve runs every API until ctx ends or a listener fails, then shuts down
// gracefully, letting requests in flight finish.
func (m *Mock) Serve(ctx context.Context, sc ServeConfig) error {
	srv, err := m.Listen(sc)
	if err != nil {
		return err
	}
	if sc.Ready != nil {
		sc.Ready(srv.URLs())
	}
	select {
	case <-ctx.Done():
		return srv.Close()
	case err := <-srv.failed:
		return errors.Join(err, srv.Close())
	}
}

// Listen is the one way to start the mock's servers: it opens a listener
// for every API the mock serves, with sc's TLS, timeouts and limits (each
// zero one taking its default), and serves them in the background until
// Close. `failoverkit mock` (through Serve), `failoverkit check`'s
// embedded mock and Test all start the mock this way.
func (m *Mock) Listen(sc ServeConfig) (*Servers, error) {
	var tlsCfg *tls.Config
	var certPEM []byte
	if sc.TLS {
		cert, err := loadOrMakeCert(sc)
		if err != nil {
			return nil, err
		}
		tlsCfg, certPEM = serverTLSConfig(cert), certChainPEM(cert)
	}
	s := &Servers{failed: make(chan error, len(m.apis)), certPEM: certPEM}
	for _, a := range m.apis {
		addr := orDefault(sc.Addrs[a.def.api], a.def.defaultAddr)
		if sc.AnyLoopbackPort {
			addr = "127.0.0.1:0"
		}
		l, err := m.listen(a.def.api, addr, tlsCfg, sc)
		if err != nil {
			for _, open := range s.ls {
				_ = open.ln.Close()
			}
			return nil, err
		}
		s.ls = append(s.ls, l)
	}
	for _, l := range s.ls {
		go func() {
			if err := l.srv.Serve(l.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.failed <- fmt.Errorf("serve %s: %w", l.api, err)
			}
		}()
	}
	return s, nil
}

// Servers are a mock's running listeners (see Listen).
type Servers struct {
	ls      []*listener
	failed  chan error
	once    sync.Once
	err     error
	certPEM []byte
}

// CertPEM returns the PEM of the certificate the listeners present (what
// ServeConfig.CertOut receives), or nil without TLS.
func (s *Servers) CertPEM() []byte { return s.certPEM }

// URLs returns the base URL of each API, in the mock's order.
func (s *Servers) URLs() []ServedURL {
	out := make([]ServedURL, len(s.ls))
	for i, l := range s.ls {
		out[i] = ServedURL{API: l.api, URL: l.url}
	}
	return out
}

// URL returns the base URL of api, or "" when it is not served.
func (s *Servers) URL(api spec.API) string {
	for _, l := range s.ls {
		if l.api == api {
			return l.url
		}
	}
	return ""
}

// Close shuts every listener down gracefully, letting requests in flight
// finish (for at most 10 seconds). Closing again returns the same result.
func (s *Servers) Close() error {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		var errs []error
		for _, l := range s.ls {
			errs = append(errs, l.srv.Shutdown(ctx))
		}
		s.err = errors.Join(errs...)
	})
	return s.err
}

// listener is one API's open socket and the server that will answer on it.
type listener struct {
	api spec.API
	ln  net.Listener
	srv *http.Server
	url string
}

// listen opens api's socket (with TLS when tlsCfg is set) and prepares its
// server with sc's timeouts and limits.
func (m *Mock) listen(api spec.API, addr string, tlsCfg *tls.Config, sc ServeConfig) (*listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s on %s: %w", api, addr, err)
	}
	srv, ln := limitConns(newHTTPServer(m.Handler(api), sc, slog.NewLogLogger(m.log.Handler(), slog.LevelWarn)), ln, sc.MaxConns)
	scheme := "http"
	if tlsCfg != nil {
		ln, scheme = tls.NewListener(ln, tlsCfg), "https"
	}
	return &listener{api: api, ln: ln, srv: srv, url: scheme + "://" + ln.Addr().String()}, nil
}

func loadOrMakeCert(sc ServeConfig) (tls.Certificate, error) {
	var cert tls.Certificate
	var err error
	switch {
	case sc.CertFile != "" || sc.KeyFile != "":
		cert, err = tls.LoadX509KeyPair(sc.CertFile, sc.KeyFile)
		if err != nil {
			return cert, fmt.Errorf("load TLS key pair: %w", err)
		}
	default:
		cert, err = SelfSignedCertificate([]string{"localhost", "127.0.0.1", "::1"}, 7*24*time.Hour)
		if err != nil {
			return cert, err
		}
	}
	if sc.CertOut != "" {
		if err := os.WriteFile(sc.CertOut, certChainPEM(cert), 0o644); err != nil {
			return cert, fmt.Errorf("write certificate: %w", err)
		}
	}
	return cert, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// certChainPEM is the PEM of cert's chain, leaf first.
func certChainPEM(cert tls.Certificate) []byte {
	var out []byte
	for _, der := range cert.Certificate {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	return out
}
