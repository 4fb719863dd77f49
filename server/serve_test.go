package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/spec"
)

// TestServe_TLSAndGracefulShutdown serves both APIs over HTTPS with a
// generated certificate, trusts it through CertOut, and stops on cancel.
func TestServe_TLSAndGracefulShutdown(t *testing.T) {
	m, err := New(WithInstantTasks())
	require.NoError(t, err)
	certOut := filepath.Join(t.TempDir(), "mock.pem")
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan [2]string, 1)
	done := make(chan error, 1)
	go func() {
		done <- m.Serve(ctx, ServeConfig{
			AnyLoopbackPort: true, TLS: true, CertOut: certOut,
			Ready: func(u []ServedURL) { urls <- [2]string{u[0].URL, u[1].URL} },
		})
	}()
	u := <-urls

	pemBytes, err := os.ReadFile(certOut)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pemBytes))
	trusted := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	for _, base := range u {
		require.Contains(t, base, "https://127.0.0.1:")
		resp, err := trusted.Get(base + SpecPath)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.GreaterOrEqual(t, resp.TLS.Version, uint16(tls.VersionTLS12))
	}
	_, err = http.Get(u[0] + SpecPath) // default client does not trust the mock
	assert.Error(t, err)

	cancel()
	require.NoError(t, <-done)
	_, err = trusted.Get(u[0] + SpecPath)
	assert.Error(t, err, "listener closed after shutdown")
}

func TestServe_ListenErrorIsReported(t *testing.T) {
	m, err := New()
	require.NoError(t, err)
	err = m.Serve(context.Background(), ServeConfig{Addrs: map[spec.API]string{spec.VCAV: "256.0.0.1:1", spec.VCHA: "127.0.0.1:0"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "listen vcav")
}
