package server_test

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/server"
)

// TestTestTLS_ServesHTTPSTheClientsTrust: TestTLS serves both APIs over
// HTTPS with a certificate for the loopback names; the environment's
// clients trust it (a failover on each API works end to end), its
// HTTPClient does too, and a client with only the system's roots refuses
// it, as automation that checks certificates would.
func TestTestTLS_ServesHTTPSTheClientsTrust(t *testing.T) {
	env := server.TestTLS(t)
	ctx := t.Context()
	require.True(t, strings.HasPrefix(env.VCAVURL, "https://127.0.0.1:"), env.VCAVURL)
	require.True(t, strings.HasPrefix(env.VCHAURL, "https://127.0.0.1:"), env.VCHAURL)

	block, _ := pem.Decode(env.CertPEM)
	require.NotNil(t, block)
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	assert.Contains(t, cert.DNSNames, "localhost")
	assert.NoError(t, cert.VerifyHostname("127.0.0.1"))

	task, err := env.VCAV.FailoverToCloud(ctx, "C4-09b2917c-bbe9-4693-ae3f-95b43a94b244", vcav.VmFailoverSettings{})
	require.NoError(t, err)
	done, err := env.VCAV.WaitTask(ctx, task.Id)
	require.NoError(t, err)
	assert.Equal(t, vcav.TaskStateSUCCEEDED, done.State)
	taskID, err := env.VCHA.Failover(ctx, true)
	require.NoError(t, err)
	_, err = env.VCHA.WaitTask(ctx, taskID)
	require.NoError(t, err)

	hc, err := env.HTTPClient()
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, env.VCHAURL+"/api/session", nil)
	require.NoError(t, err)
	req.SetBasicAuth("administrator@vsphere.local", "vmware")
	resp, err := hc.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	require.NotNil(t, resp.TLS)

	_, err = http.Get(env.VCAVURL + "/diagnostics/about")
	var unknown x509.UnknownAuthorityError
	assert.True(t, errors.As(err, &unknown), "the system's roots do not trust the test certificate: %v", err)
}

// TestTestEnv_HTTPClientWithoutTLS: Test serves plain HTTP; its
// HTTPClient is a plain client and CertPEM is nil.
func TestTestEnv_HTTPClientWithoutTLS(t *testing.T) {
	env := server.Test(t)
	assert.Nil(t, env.CertPEM)
	hc, err := env.HTTPClient()
	require.NoError(t, err)
	resp, err := hc.Get(env.VCAVURL + "/diagnostics/about")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "answered, over plain HTTP")
}
