package client

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/failoverkit/failoverkit/internal/tlsclient"
)

// DefaultTimeout is the per-request HTTP timeout used when WithTimeout is not
// given.
const DefaultTimeout = 60 * time.Second

// defaultUserAgent is the User-Agent header sent when WithUserAgent is not
// given.
const defaultUserAgent = "failoverkit-client"

// Option configures NewVCAV and NewVCHA. The same options can be passed to
// both constructors; options that only make sense for one API (such as
// WithOperationID) are ignored by the other.
type Option func(*config) error

// config is the result of applying every Option.
type config struct {
	httpClient  *http.Client
	caPEMs      [][]byte
	insecure    bool
	timeout     time.Duration
	userAgent   string
	operationID func() string
	noRelogin   bool
}

// WithHTTPClient makes the client send its requests with hc, used as is: its
// transport, TLS settings, proxy and redirect policy are not changed. This is
// the way to talk to an httptest server (pass server.Client()). Because the
// TLS settings of hc are left alone, WithHTTPClient cannot be combined with
// WithCAFile, WithCAPEM or WithInsecureSkipVerify; the constructor reports
// an error if it is. WithTimeout still applies, through the request context.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("client: WithHTTPClient: nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithCAFile trusts the PEM-encoded CA certificates in the file at path in
// addition to the system roots (the certificates are appended to a copy of
// the system pool, so public CAs stay trusted). Use it for appliances with
// certificates signed by a private CA. The file is read when the client is
// built; a missing file or one without any certificate is an error.
func WithCAFile(path string) Option {
	return func(c *config) error {
		pem, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("client: WithCAFile: %w", err)
		}
		return addCAPEM(c, pem, "WithCAFile "+path)
	}
}

// WithCAPEM trusts the PEM-encoded CA certificates in pem in addition to the
// system roots, like WithCAFile. To trust a self-signed server certificate,
// pass that certificate.
func WithCAPEM(pem []byte) Option {
	return func(c *config) error {
		return addCAPEM(c, pem, "WithCAPEM")
	}
}

// addCAPEM checks that pem holds at least one certificate and records it.
func addCAPEM(c *config, pem []byte, what string) error {
	if !x509.NewCertPool().AppendCertsFromPEM(pem) {
		return fmt.Errorf("client: %s: no PEM certificate found", what)
	}
	c.caPEMs = append(c.caPEMs, pem)
	return nil
}

// WithInsecureSkipVerify disables the verification of the server's TLS
// certificate chain and host name. It exists for lab appliances with
// throw-away certificates; it makes the connection open to
// man-in-the-middle attacks, which can steal the session token. Prefer
// WithCAFile or WithCAPEM. Verification is never skipped by default.
func WithInsecureSkipVerify() Option {
	return func(c *config) error {
		c.insecure = true
		return nil
	}
}

// WithTimeout sets the timeout of each HTTP request, from sending it to
// reading the whole response body (default DefaultTimeout, 60 seconds). A
// zero duration disables the per-request timeout; the caller's context
// still applies. It does not bound WaitTask as a whole: see WaitTimeout.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("client: WithTimeout: negative duration %s", d)
		}
		c.timeout = d
		return nil
	}
}

// WithUserAgent sets the User-Agent header of every request (default
// "failoverkit-client").
func WithUserAgent(ua string) Option {
	return func(c *config) error {
		c.userAgent = ua
		return nil
	}
}

// WithOperationID makes the VCAV client send the optional operationID
// header, set to the value next() returns, on every request that does not
// already carry one, so that a call can be found in the appliance's logs.
// The vSphere client ignores it.
func WithOperationID(next func() string) Option {
	return func(c *config) error {
		c.operationID = next
		return nil
	}
}

// WithoutRelogin makes the client forget the credentials once a login
// succeeds. By default a client keeps them (in memory only, never printed,
// logged or put in an error) so that WaitTask can log in again when a poll
// is refused with 401 after the sessions were lost, as in a vCenter HA
// failover; with WithoutRelogin such a 401 ends the wait with the error.
func WithoutRelogin() Option {
	return func(c *config) error {
		c.noRelogin = true
		return nil
	}
}

// newConfig applies opts over the defaults and builds the HTTP client.
func newConfig(opts []Option) (*config, error) {
	c := &config{timeout: DefaultTimeout, userAgent: defaultUserAgent}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if c.httpClient != nil {
		if c.insecure || len(c.caPEMs) > 0 {
			return nil, errors.New("client: WithHTTPClient cannot be combined with WithCAFile, WithCAPEM or WithInsecureSkipVerify; configure the TLS settings of that *http.Client instead")
		}
		return c, nil
	}
	hc, err := c.buildHTTPClient()
	if err != nil {
		return nil, err
	}
	c.httpClient = hc
	return c, nil
}

// buildHTTPClient returns the default HTTP client: a clone of
// http.DefaultTransport (proxy from the environment, HTTP/2) with TLS 1.2 or
// later, verified certificates and no redirects followed.
func (c *config) buildHTTPClient() (*http.Client, error) {
	tlsCfg, err := tlsclient.Config(c.caPEMs, c.insecure) // addCAPEM checked every PEM
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	var tr *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		tr = dt.Clone()
	} else {
		tr = &http.Transport{Proxy: http.ProxyFromEnvironment}
	}
	tr.TLSClientConfig = tlsCfg
	return &http.Client{Transport: tr, CheckRedirect: noRedirect}, nil
}

// noRedirect stops the HTTP client from following redirects. Go forwards
// custom headers such as X-VCAV-Auth and vmware-api-session-id to the
// redirect target, even on another host, so following a redirect could leak
// the session token; neither API redirects, so a 3xx is reported as an
// *UnexpectedResponseError instead.
func noRedirect(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}

// httpDoer is the request interface of both generated clients.
type httpDoer interface {
	Do(req *http.Request) (*http.Response, error)
}

// timeoutDoer bounds each request, including the reading of its body, with
// a timeout.
type timeoutDoer struct {
	next    httpDoer
	timeout time.Duration
}

// Do sends req with a context that expires after d.timeout; the context is
// released when the response body is closed.
func (d timeoutDoer) Do(req *http.Request) (*http.Response, error) {
	if d.timeout <= 0 {
		return d.next.Do(req)
	}
	ctx, cancel := context.WithTimeout(req.Context(), d.timeout)
	resp, err := d.next.Do(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose releases a request context when the response body is
// closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

// Close closes the body and releases the context.
func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// callConfig is the result of applying every CallOption.
type callConfig struct {
	site string
}

// CallOption configures a single VCAV call.
type CallOption interface {
	applyCall(*callConfig)
}

// SiteOption selects the VCDA site an operation runs on. It is both a
// CallOption and a WaitOption, so the same value can be passed to Failover,
// Task and WaitTask. The vSphere client ignores it.
type SiteOption string

// Site runs the VCAV operation on the named site instead of the local one
// (the `site` query parameter). The session must have been extended to a
// remote site, otherwise the appliance answers 401
// RemoteAuthenticationFailure.
func Site(name string) SiteOption { return SiteOption(name) }

func (s SiteOption) applyCall(c *callConfig) { c.site = string(s) }

func (s SiteOption) applyWait(c *waitConfig) { c.site = string(s) }

// newCallConfig applies opts.
func newCallConfig(opts []CallOption) callConfig {
	var c callConfig
	for _, o := range opts {
		if o != nil {
			o.applyCall(&c)
		}
	}
	return c
}

// siteParam returns the site as the generated optional parameter.
func (c callConfig) siteParam() *string {
	if c.site == "" {
		return nil
	}
	s := c.site
	return &s
}
