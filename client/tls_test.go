package client_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/client"
)

// newTLSServer starts an HTTPS server that accepts any login and returns
// it with the PEM encoding of its self-signed certificate.
func newTLSServer(t *testing.T) (*httptest.Server, []byte) {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 201, vchaToken)
	}))
	t.Cleanup(srv.Close)
	return srv, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
}

func TestTLSVerifiedByDefault(t *testing.T) {
	srv, _ := newTLSServer(t)
	c, err := client.NewVCHA(srv.URL)
	require.NoError(t, err)

	err = c.Login(context.Background(), vchaUser, vchaPassword)
	var te *client.TransportError
	require.ErrorAs(t, err, &te)
	var cve *tls.CertificateVerificationError
	require.ErrorAs(t, err, &cve)
	var uae x509.UnknownAuthorityError
	require.ErrorAs(t, err, &uae)
	assert.False(t, c.LoggedIn())
	assert.NotContains(t, err.Error(), vchaPassword)
}

func TestTLSTrustedWithCAPEM(t *testing.T) {
	srv, certPEM := newTLSServer(t)
	c, err := client.NewVCHA(srv.URL, client.WithCAPEM(certPEM))
	require.NoError(t, err)
	require.NoError(t, c.Login(context.Background(), vchaUser, vchaPassword))
	assert.True(t, c.LoggedIn())
}

func TestTLSTrustedWithCAFile(t *testing.T) {
	srv, certPEM := newTLSServer(t)
	path := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(path, certPEM, 0o600))

	c, err := client.NewVCAV(srv.URL, client.WithCAFile(path))
	require.NoError(t, err)
	// The server answers 201 with a JSON string, which is not a VCAV task:
	// the TLS handshake succeeded and the answer reached the decoder.
	_, err = c.Task(context.Background(), vcavTaskID)
	var ue *client.UnexpectedResponseError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, 201, ue.Status)
}

func TestTLSInsecureSkipVerify(t *testing.T) {
	srv, _ := newTLSServer(t)
	c, err := client.NewVCHA(srv.URL, client.WithInsecureSkipVerify())
	require.NoError(t, err)
	require.NoError(t, c.Login(context.Background(), vchaUser, vchaPassword))
}

func TestOptionErrors(t *testing.T) {
	_, certPEM := newTLSServer(t)
	tests := []struct {
		name string
		url  string
		opts []client.Option
	}{
		{"http client with CA", "https://vcsa.example.com", []client.Option{client.WithHTTPClient(http.DefaultClient), client.WithCAPEM(certPEM)}},
		{"http client with insecure", "https://vcsa.example.com", []client.Option{client.WithInsecureSkipVerify(), client.WithHTTPClient(http.DefaultClient)}},
		{"nil http client", "https://vcsa.example.com", []client.Option{client.WithHTTPClient(nil)}},
		{"PEM without certificate", "https://vcsa.example.com", []client.Option{client.WithCAPEM([]byte("not a certificate"))}},
		{"missing CA file", "https://vcsa.example.com", []client.Option{client.WithCAFile(filepath.Join(t.TempDir(), "missing.pem"))}},
		{"negative timeout", "https://vcsa.example.com", []client.Option{client.WithTimeout(-1)}},
		{"relative URL", "/api", nil},
		{"other scheme", "ftp://vcsa.example.com", nil},
		{"credentials in URL", "https://root:" + vchaPassword + "@vcsa.example.com", nil},
		{"unparsable URL with credentials", "https://root:" + vchaPassword + "@vcsa.example.com/%zz", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := client.NewVCHA(tc.url, tc.opts...)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), vchaPassword)
			_, err = client.NewVCAV(tc.url, tc.opts...)
			require.Error(t, err)
		})
	}
}
