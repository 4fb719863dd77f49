package server

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

// terraformClient sends requests the way vcda/client.go of
// vmware/terraform-provider-vcda does (32e096c; the same shape since its
// first commit 341aeef, lines 44–51 there): a new http.Client per request,
// the appliance certificate pinned, a login before every request.
type terraformClient struct {
	t testing.TB
	v *oasvalidate.Validator
	// host is the provider's vcda_ip: host, or host:port for the mock.
	host, user, password string
	// serviceCert is the data source's service_cert: base64 DER.
	serviceCert string
	// accept and userAgent are constants.go's values at the replayed
	// commit; userAgent "" (before 87267ae) leaves Go's default.
	accept, userAgent string

	mu     sync.Mutex
	trs    []*http.Transport
	logins []*http.Response
}

// httpClient is NewHTTPClientConfig (vcda/client.go lines 31–58): the
// service_cert base64-decoded, wrapped as a PEM CERTIFICATE block and
// added (its result unchecked) to an otherwise empty pool that is the only
// trust, host name checked by Go's default verification, 10 s timeout, a
// bare http.Transport (no proxy, no HTTP/2). The transport is wrapped only
// to validate each answer against the spec on its way back.
func (c *terraformClient) httpClient() (*http.Client, error) {
	if c.serviceCert == "" {
		return nil, fmt.Errorf("vcda service certificate is required")
	}
	data, err := base64.StdEncoding.DecodeString(c.serviceCert)
	if err != nil {
		return nil, fmt.Errorf("could not decode vcda service certificate: %w", err)
	}
	buf := new(bytes.Buffer)
	if err := pem.Encode(buf, &pem.Block{Type: "CERTIFICATE", Bytes: data}); err != nil {
		return nil, fmt.Errorf("could not encode vcda service certificate: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(buf.Bytes())
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}} //nolint:gosec // the provider's exact config
	c.mu.Lock()
	c.trs = append(c.trs, tr)
	c.mu.Unlock()
	return &http.Client{Timeout: 10 * time.Second, Transport: &validatingTransport{t: c.t, v: c.v, base: tr}}, nil
}

// url is BuildRequestURL (lines 103–119): https, vcda_ip as the host,
// the path as the caller spells it ("diagnostics/health" has no slash).
func (c *terraformClient) url(path string) string {
	u := url.URL{Scheme: "https", Host: c.host, Path: path}
	return u.String()
}

// setHeaders sets what every request carries (lines 67–70, 140–142).
func (c *terraformClient) setHeaders(req *http.Request) {
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", c.accept)
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
}

// authToken is GetAuthToken (lines 125–160): POST /sessions with
// AuthTokenData (models.go), the status never checked, the body never
// read nor closed (kept here and closed when the test ends), the token
// read from X-VCAV-Auth.
func (c *terraformClient) authToken() (string, *http.Response, error) {
	rb, err := json.Marshal(map[string]string{"type": "localUser", "localUser": c.user, "localPassword": c.password})
	if err != nil {
		return "", nil, fmt.Errorf("could not marshal request data: %w", err)
	}
	req, err := http.NewRequest(http.MethodPost, c.url("/sessions"), strings.NewReader(string(rb)))
	if err != nil {
		return "", nil, fmt.Errorf("new login request: %w", err)
	}
	c.setHeaders(req)
	hc, err := c.httpClient()
	if err != nil {
		return "", nil, err
	}
	r, err := hc.Do(req)
	if err != nil {
		return "", nil, fmt.Errorf("error executing request: %w", err)
	}
	c.mu.Lock()
	c.logins = append(c.logins, r)
	c.mu.Unlock()
	return r.Header.Get("X-VCAV-Auth"), r, nil
}

// do is DoRequest (lines 60–93): a login, then the request with the token
// and the common headers on a fresh client. Like the provider it fails on
// a status outside 2xx; the answer is returned in every case for the test
// to inspect.
func (c *terraformClient) do(method, path string) (*http.Response, []byte, error) {
	return c.doQuery(method, path, nil)
}

// doQuery is do with query set as the provider sets one: after building
// the URL, req.URL.RawQuery = q.Encode().
func (c *terraformClient) doQuery(method, path string, q url.Values) (*http.Response, []byte, error) {
	req, err := http.NewRequest(method, c.url(path), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("error creating new request: %w", err)
	}
	if q != nil {
		req.URL.RawQuery = q.Encode()
	}
	token, _, err := c.authToken()
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("X-VCAV-Auth", token)
	c.setHeaders(req)
	hc, err := c.httpClient()
	if err != nil {
		return nil, nil, err
	}
	r, err := hc.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("error executing request: %w", err)
	}
	defer r.Body.Close()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return r, nil, fmt.Errorf("error reading response body: %w", err)
	}
	if r.StatusCode < 200 || r.StatusCode >= 300 {
		return r, body, fmt.Errorf("request: %s finished with status: %d, body: %s", req.URL, r.StatusCode, body)
	}
	return r, body, nil
}

// close releases what the provider leaves open: the unread login bodies
// and the idle connections of every transport it made.
func (c *terraformClient) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.logins {
		_ = r.Body.Close()
	}
	for _, tr := range c.trs {
		tr.CloseIdleConnections()
	}
}

// newTerraformClient returns a provider-shaped client for vcda_ip host
// with service_cert serviceCert, closed when t ends.
func newTerraformClient(t testing.TB, host, serviceCert, accept, userAgent string) *terraformClient {
	t.Helper()
	v, err := oasvalidate.New(spec.VCAV)
	require.NoError(t, err)
	c := &terraformClient{t: t, v: v, host: host, user: "root", password: "vmware",
		serviceCert: serviceCert, accept: accept, userAgent: userAgent}
	t.Cleanup(c.close)
	return c
}

// tlsMock is a mock on a ManualClock served over HTTPS exactly as
// `failoverkit mock --tls --tls-cert-out FILE` serves it (Mock.Listen).
type tlsMock struct {
	*Mock
	clock *ManualClock
	// host is the VCAV listener's host:port, what a user gives as vcda_ip.
	host string
	// certPEM is the file --tls-cert-out wrote.
	certPEM []byte
}

func newTLSMock(t testing.TB, sc ServeConfig, opts ...Option) *tlsMock {
	t.Helper()
	clock := NewManualClock(testStart)
	m, err := New(append([]Option{WithClock(clock)}, opts...)...)
	require.NoError(t, err)
	sc.AnyLoopbackPort, sc.TLS = true, true
	if sc.CertOut == "" {
		sc.CertOut = filepath.Join(t.TempDir(), "mock.pem")
	}
	srv, err := m.Listen(sc)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	u, err := url.Parse(srv.URL(spec.VCAV))
	require.NoError(t, err)
	require.Equal(t, "https", u.Scheme)
	pemBytes, err := os.ReadFile(sc.CertOut)
	require.NoError(t, err)
	return &tlsMock{Mock: m, clock: clock, host: u.Host, certPEM: pemBytes}
}

// pemArmour matches a PEM armour line's text (BEGIN/END CERTIFICATE).
var pemArmour = regexp.MustCompile(`-----[^-]+-----`)

// serviceCertFromPEM is the README's Terraform expression
// replace(file("mock.pem"), "/-----[^-]+-----/", ""): the PEM without its
// armour, newlines left in (Go's base64 decoder skips them).
func serviceCertFromPEM(pemBytes []byte) string {
	return pemArmour.ReplaceAllString(string(pemBytes), "")
}
