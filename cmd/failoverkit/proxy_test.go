package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/server"
)

// startProxyCLI runs `failoverkit proxy args...` until the returned stop is
// called; it returns the proxy's URL, stop (which returns the exit code and
// what was written to stdout after the first line) and stderr.
func startProxyCLI(t *testing.T, args ...string) (string, func() (int, string), *lockedBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	stderr := &lockedBuffer{}
	codec := make(chan int, 1)
	go func() {
		codec <- run(ctx, append([]string{"proxy"}, args...), pw, stderr)
		_ = pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	require.True(t, sc.Scan(), "the proxy prints its address: %s", stderr.String())
	m := regexp.MustCompile(`on (http://\S+)`).FindStringSubmatch(sc.Text())
	require.NotNil(t, m, sc.Text())
	rest := make(chan string, 1)
	go func() {
		var b strings.Builder
		for sc.Scan() {
			b.WriteString(sc.Text() + "\n")
		}
		rest <- b.String()
	}()
	return m[1], func() (int, string) {
		cancel()
		code := <-codec
		return code, <-rest
	}, stderr
}

// lockedBuffer is a goroutine-safe buffer for stderr.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestProxy_CLI(t *testing.T) {
	m, err := server.New(server.WithInstantTasks())
	require.NoError(t, err)
	up := httptest.NewServer(m.VCAVHandler())
	defer up.Close()
	url, stop, stderr := startProxyCLI(t, "--api", "vcav", "--target", up.URL, "--listen", "127.0.0.1:0")

	// Conforming: no credentials, 401 in the vendor shape.
	resp, err := http.Get(url + "/sessions")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, string(body), "NotAuthenticated")

	// Non-conforming request: the password must not reach the log.
	resp, err = http.Post(url+"/sessions", "application/json", strings.NewReader(`{"type":"localUser","localPassword":"Pr0xy-Secret!"}`))
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)

	code, summary := stop()
	assert.Equal(t, exitFindings, code, stderr.String())
	assert.Contains(t, summary, "2 requests, 1 violations")
	assert.Contains(t, summary, "request login")
	assert.Contains(t, stderr.String(), "spec violation")
	assert.NotContains(t, stderr.String()+summary, "Pr0xy-Secret!")
}

func TestProxy_CLINoViolation(t *testing.T) {
	m, err := server.New(server.WithInstantTasks())
	require.NoError(t, err)
	up := httptest.NewServer(m.VCHAHandler())
	defer up.Close()
	url, stop, stderr := startProxyCLI(t, "--api", "vcha", "--target", up.URL, "--listen", "127.0.0.1:0", "--log-json")
	resp, err := http.Post(url+"/api/session", "application/json", nil)
	require.NoError(t, err)
	_ = resp.Body.Close()
	code, summary := stop()
	assert.Equal(t, exitOK, code, stderr.String())
	assert.Contains(t, summary, "1 requests, 0 violations")
}

func TestProxy_CLIUsage(t *testing.T) {
	for _, args := range [][]string{
		{"proxy"},
		{"proxy", "--api", "vcav"},
		{"proxy", "--api", "nope", "--target", "http://example.com"},
		{"proxy", "--api", "vcav", "--target", "not a url"},
		{"proxy", "--api", "vcav", "--target", "http://example.com", "--listen", "256.0.0.1:99999"},
		{"proxy", "--api", "vcav", "--target", "https://example.com", "--ca-file", "/nonexistent.pem"},
		{"proxy", "--bogus"},
	} {
		code, _, errOut := runCLI(t, args...)
		assert.Equal(t, exitUsage, code, "%v: %s", args, errOut)
	}
}
