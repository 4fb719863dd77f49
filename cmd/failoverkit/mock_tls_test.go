package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/server"
)

// writeCertPair writes a self-signed certificate for 127.0.0.1 and its key.
func writeCertPair(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "failoverkit test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600))
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// failoverkit choice: --tls-cert/--tls-key imply --tls; a certificate given
// on the command line never results in plain HTTP.
func TestMock_TLSCertAndKeyImplyTLS(t *testing.T) {
	certFile, keyFile, pool := writeCertPair(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := &lineWriter{lines: make(chan string, 1)}
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"mock", "--vcav-addr", "127.0.0.1:0", "--vcha-addr", "127.0.0.1:0", "--quiet",
			"--tls-cert", certFile, "--tls-key", keyFile}, out, io.Discard)
	}()
	line := <-out.lines
	urls := regexp.MustCompile(`https://127\.0\.0\.1:\d+`).FindAllString(line, -1)
	require.Len(t, urls, 2, line)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	for _, u := range urls {
		resp, err := hc.Get(u + server.SpecPath)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	}
	cancel()
	assert.Equal(t, exitOK, <-code)
}

func TestMock_TLSCertWithoutKeyIsAUsageError(t *testing.T) {
	certFile, keyFile, _ := writeCertPair(t)
	for _, args := range [][]string{{"--tls-cert", certFile}, {"--tls-key", keyFile}, {"--tls", "--tls-key", keyFile}} {
		var stderr bytes.Buffer
		code := run(context.Background(), append([]string{"mock", "--quiet"}, args...), io.Discard, &stderr)
		assert.Equal(t, exitUsage, code, args)
		assert.Contains(t, stderr.String(), "--tls-cert and --tls-key must be given together", args)
	}
}
