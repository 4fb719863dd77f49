package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMockFlags_LimitsReachConfig: every limit flag of `failoverkit mock`
// sets its server.Config or server.ServeConfig field, and the control
// token comes from the environment when the flag is not given.
func TestMockFlags_LimitsReachConfig(t *testing.T) {
	t.Setenv("FAILOVERKIT_CONTROL_TOKEN", "from-env")
	f, err := parseMockFlags([]string{"--max-conns", "7", "--max-sessions", "50", "--max-sessions-per-user", "5",
		"--task-retention-per-user", "9", "--read-header-timeout", "1s", "--read-timeout", "2s",
		"--write-timeout", "3s", "--idle-timeout", "4s"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 7, f.serve.MaxConns)
	assert.Equal(t, 50, f.cfg.MaxSessions)
	assert.Equal(t, 5, f.cfg.MaxSessionsPerUser)
	assert.Equal(t, 9, f.cfg.TaskRetentionPerUser)
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 4 * time.Second},
		[]time.Duration{f.serve.ReadHeaderTimeout, f.serve.ReadTimeout, f.serve.WriteTimeout, f.serve.IdleTimeout})
	assert.Equal(t, "from-env", f.cfg.ControlToken)

	f, err = parseMockFlags([]string{"--control-token", "from-flag"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "from-flag", f.cfg.ControlToken)
}

// TestProxyFlags_UpstreamTimeout runs `failoverkit proxy --upstream-timeout
// 300ms` in front of a target that never answers: the client gets 504 and
// the proxy logs why.
func TestProxyFlags_UpstreamTimeout(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(target.Close)
	url, stop, stderr := startProxyCLI(t, "--api", "vcav", "--target", target.URL, "--listen", "127.0.0.1:0",
		"--upstream-timeout", "300ms", "--max-concurrent", "2", "--max-body", "4096")
	resp, err := http.Get(url + "/vm-replications")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusGatewayTimeout, resp.StatusCode)
	stop()
	assert.Contains(t, stderr.String(), "did not answer in time")
}
