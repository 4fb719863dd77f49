package server

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"testing"
)

// TestTLS is Test with both APIs served over HTTPS, with a self-signed
// certificate made at start for localhost, 127.0.0.1 and ::1 (the one
// `failoverkit mock --tls` makes), for automation that only speaks HTTPS or
// checks certificates. env.CertPEM is that certificate; env.VCAV, env.VCHA
// and env.HTTPClient trust it and nothing else.
func TestTLS(t testing.TB, opts ...Option) *TestEnv {
	t.Helper()
	env, err := StartTLS(opts...)
	if err != nil {
		t.Fatalf("failoverkit mock: %v", err)
	}
	t.Cleanup(env.Close)
	return env
}

// StartTLS is Start with both APIs served over HTTPS (see TestTLS).
func StartTLS(opts ...Option) (*TestEnv, error) {
	return startEnv(ServeConfig{AnyLoopbackPort: true, TLS: true}, opts)
}

// HTTPClient returns a new http.Client for the test server: under TLS it
// trusts only the test certificate (TLS 1.2 or later), otherwise it is a
// plain client. It is for automation under test that takes an
// *http.Client.
func (e *TestEnv) HTTPClient() (*http.Client, error) {
	if e.CertPEM == nil {
		return &http.Client{}, nil
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(e.CertPEM) {
		return nil, fmt.Errorf("test certificate: no PEM certificate to trust")
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr}, nil
}
