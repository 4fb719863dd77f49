package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/server"
	"github.com/failoverkit/failoverkit/spec"
)

// lineWriter hands each written chunk to a channel (the Ready line).
type lineWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	lines chan string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	select {
	case w.lines <- string(p):
	default:
	}
	return len(p), nil
}

func TestMock_ServesBothAPIsUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &lineWriter{lines: make(chan string, 1)}
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"mock", "--vcav-addr", "127.0.0.1:0", "--vcha-addr", "127.0.0.1:0", "--quiet"}, out, io.Discard)
	}()
	urls := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindAllString(<-out.lines, -1)
	require.Len(t, urls, 2)
	for _, u := range urls {
		resp, err := http.Get(u + server.SpecPath)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	}
	cancel()
	assert.Equal(t, exitOK, <-code)
}

func TestMock_PrintFixtureRoundTrips(t *testing.T) {
	var out bytes.Buffer
	require.Equal(t, exitOK, run(context.Background(), []string{"mock", "--print-fixture"}, &out, io.Discard))
	f, err := server.ParseFixture(out.Bytes())
	require.NoError(t, err)
	assert.NotNil(t, f.VCAV)
	assert.NotNil(t, f.VCHA)

	// The printed fixture, edited, is what --fixture takes.
	path := filepath.Join(t.TempDir(), "f.yaml")
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(out.String(), "mode: ENABLED", "mode: SIDEWAYS", 1)), 0o600))
	var stderr bytes.Buffer
	assert.Equal(t, exitUsage, run(context.Background(), []string{"mock", "--fixture", path}, io.Discard, &stderr))
	assert.Contains(t, stderr.String(), "mode")
}

func TestMock_UsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"mock", "--no-such-flag"},
		{"mock", "extra-arg"},
		{"mock", "--fixture", "/nonexistent/fixture.yaml"},
		{"nope"},
		{},
	} {
		var stderr bytes.Buffer
		assert.Equal(t, exitUsage, run(context.Background(), args, io.Discard, &stderr), "%v", args)
		assert.NotEmpty(t, stderr.String())
	}
	assert.Equal(t, exitOK, run(context.Background(), []string{"mock", "-h"}, io.Discard, io.Discard))
}

// TestMock_VCAVQueueFlag checks --vcav-queue: off by default, a duration
// sets the VCAV tasks' queue, a negative one is a usage error.
func TestMock_VCAVQueueFlag(t *testing.T) {
	f, err := parseMockFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Empty(t, f.cfg.TaskQueue, "off by default")
	f, err = parseMockFlags([]string{"--vcav-queue", "2s"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, map[spec.API]time.Duration{spec.VCAV: 2 * time.Second}, f.cfg.TaskQueue)
	_, err = parseMockFlags([]string{"--vcav-queue", "-1s"}, io.Discard)
	require.Error(t, err)
	_, err = parseMockFlags([]string{"--vcha-queue", "1s"}, io.Discard)
	require.Error(t, err, "vSphere tasks have no queued state")
}
