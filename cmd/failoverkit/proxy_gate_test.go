package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/conformance"
	"github.com/failoverkit/failoverkit/server"
)

// TestProxy_GateUnreachableTarget: a proxy whose target never answered
// must not let a CI job pass: exit 2, the forwarding errors counted in the
// JSON summary.
func TestProxy_GateUnreachableTarget(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	target := dead.URL
	dead.Close()
	sumFile := filepath.Join(t.TempDir(), "summary.json")
	url, stop, stderr := startProxyCLI(t, "--api", "vcav", "--target", target, "--listen", "127.0.0.1:0", "--summary-json", sumFile)
	resp, err := http.Get(url + "/sessions")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
	code, summary := stop()
	assert.Equal(t, exitUsage, code, stderr.String())
	assert.Contains(t, summary, "1 forwarding errors")
	assert.Contains(t, stderr.String(), "for 1 of 1 request")

	var sum conformance.ProxySummary
	raw, err := os.ReadFile(sumFile)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &sum))
	assert.Equal(t, int64(1), sum.Requests)
	assert.Equal(t, int64(1), sum.ForwardErrors)
	assert.Zero(t, sum.Validated)
}

// TestProxy_GateNothingValidated: traffic that never reached an operation
// of the spec (no request at all here) validated nothing: exit 2.
func TestProxy_GateNothingValidated(t *testing.T) {
	m, err := server.New(server.WithInstantTasks())
	require.NoError(t, err)
	up := httptest.NewServer(m.VCAVHandler())
	defer up.Close()
	_, stop, stderr := startProxyCLI(t, "--api", "vcav", "--target", up.URL, "--listen", "127.0.0.1:0")
	code, summary := stop()
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, summary, "0 answers validated")
	assert.Contains(t, stderr.String(), "nothing was validated")
}
