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
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/failoverkit/failoverkit/spec"
)

// Listener defaults of `failoverkit mock`.
const (
	DefaultVCAVAddr = "127.0.0.1:8441"
	DefaultVCHAAddr = "127.0.0.1:8442"
)

// ServeConfig says where and how Serve listens.
type ServeConfig struct {
	// VCAVAddr and VCHAAddr are the listen addresses (--vcav-addr,
	// --vcha-addr); ":0" picks a free port.
	VCAVAddr, VCHAAddr string
	// TLS serves HTTPS (--tls). Without CertFile and KeyFile a self-signed
	// certificate for localhost, 127.0.0.1 and ::1 is made at start.
	TLS bool
	// CertFile and KeyFile are a PEM certificate and key (--tls-cert, --tls-key).
	CertFile, KeyFile string
	// CertOut, when set, receives the PEM of the certificate in use, for
	// clients to trust (--tls-cert-out).
	CertOut string
	// Ready is called with both base URLs once both listeners are open.
	Ready func(vcavURL, vchaURL string)

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

// Serve runs both APIs until ctx ends, then shuts down gracefully, letting
// requests in flight finish.
func (m *Mock) Serve(ctx context.Context, sc ServeConfig) error {
	var tlsCfg *tls.Config
	if sc.TLS {
		cert, err := loadOrMakeCert(sc)
		if err != nil {
			return err
		}
		tlsCfg = serverTLSConfig(cert)
	}
	addrs := map[spec.API]string{spec.VCAV: orDefault(sc.VCAVAddr, DefaultVCAVAddr), spec.VCHA: orDefault(sc.VCHAAddr, DefaultVCHAAddr)}
	var ls []*listener
	for _, api := range spec.APIs() {
		l, err := m.listen(api, addrs[api], tlsCfg, sc)
		if err != nil {
			for _, open := range ls {
				_ = open.ln.Close()
			}
			return err
		}
		ls = append(ls, l)
	}
	if sc.Ready != nil {
		sc.Ready(ls[0].url, ls[1].url)
	}
	return serveUntilDone(ctx, ls)
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
	scheme := "http"
	if tlsCfg != nil {
		ln, scheme = tls.NewListener(ln, tlsCfg), "https"
	}
	srv := newHTTPServer(m.Handler(api), sc, slog.NewLogLogger(m.log.Handler(), slog.LevelWarn))
	return &listener{api: api, ln: ln, srv: srv, url: scheme + "://" + ln.Addr().String()}, nil
}

// serveUntilDone serves every listener until ctx ends or one fails, then
// shuts them all down gracefully.
func serveUntilDone(ctx context.Context, ls []*listener) error {
	g, gctx := errgroup.WithContext(ctx)
	for _, l := range ls {
		g.Go(func() error {
			if err := l.srv.Serve(l.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("serve %s: %w", l.api, err)
			}
			return nil
		})
	}
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		var errs []error
		for _, l := range ls {
			errs = append(errs, l.srv.Shutdown(sctx))
		}
		return errors.Join(errs...)
	})
	return g.Wait()
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
		var out []byte
		for _, der := range cert.Certificate {
			out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
		}
		if err := os.WriteFile(sc.CertOut, out, 0o644); err != nil {
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
