package server

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/spec"
)

// TestLimits_RefusalsNetHTTPAnswersItself pins the refusals net/http sends
// before the mock sees a request, in plain text (the README's refusal
// table lists them): the mock cannot answer these in the vendor's shape.
func TestLimits_RefusalsNetHTTPAnswersItself(t *testing.T) {
	m, err := New(WithInstantTasks())
	require.NoError(t, err)
	srv, err := m.Listen(ServeConfig{AnyLoopbackPort: true, MaxHeaderBytes: 4096})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	addr := strings.TrimPrefix(srv.URL(spec.VCAV), "http://")
	cases := []struct {
		name, raw string
		want      int
	}{
		{"unsupported HTTP version", "GET /sessions HTTP/2.5\r\nHost: x\r\n\r\n", http.StatusHTTPVersionNotSupported},
		{"unsupported transfer coding", "POST /sessions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", http.StatusNotImplemented},
		{"malformed request line", "GET\r\nHost: x\r\n\r\n", http.StatusBadRequest},
		{"missing Host", "GET /sessions HTTP/1.1\r\n\r\n", http.StatusBadRequest},
		{"malformed header", "GET /sessions HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", http.StatusBadRequest},
		{"two Content-Lengths", "POST /sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx", http.StatusBadRequest},
		{"headers over MaxHeaderBytes", "GET /sessions HTTP/1.1\r\nHost: x\r\nX-Pad: " + strings.Repeat("a", 8192) + "\r\n\r\n", http.StatusRequestHeaderFieldsTooLarge},
		{"unknown Expect", "POST /sessions HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 2\r\n\r\n{}", http.StatusExpectationFailed},
	}
	for _, c := range cases {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		require.NoError(t, err)
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		_, err = fmt.Fprint(conn, c.raw)
		require.NoError(t, err)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		require.NoError(t, err, c.name)
		assert.Equal(t, c.want, resp.StatusCode, c.name)
		assert.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") || resp.Header.Get("Content-Type") == "",
			"%s: net/http's own answer, in plain text (%q)", c.name, resp.Header.Get("Content-Type"))
		_ = resp.Body.Close()
		_ = conn.Close()
	}
}
