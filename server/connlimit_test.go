package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/spec"
)

// idleKeepAlive opens a connection, sends one request and reads the whole
// answer, leaving the connection idle in keep-alive.
func idleKeepAlive(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	_, err = fmt.Fprintf(c, "GET /openapi.yaml HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return c
}

// TestLimits_IdleKeepAlivesCannotStarveClients fills a listener capped at
// four connections with idle keep-alives: a new client is still served
// (an idle connection, the longest-idle, is closed to make room).
func TestLimits_IdleKeepAlivesCannotStarveClients(t *testing.T) {
	m, err := New(WithInstantTasks())
	require.NoError(t, err)
	srv, err := m.Listen(ServeConfig{AnyLoopbackPort: true, MaxConns: 4})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	addr := srv.URL(spec.VCAV)[len("http://"):]
	var idle []net.Conn
	for range 4 {
		idle = append(idle, idleKeepAlive(t, addr))
	}
	hc := &http.Client{Timeout: 5 * time.Second}
	resp, err := hc.Get(srv.URL(spec.VCAV) + "/openapi.yaml")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	closed := 0
	for _, c := range idle {
		_ = c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); err == io.EOF {
			closed++
		}
	}
	assert.Positive(t, closed, "an idle keep-alive made room")
}
