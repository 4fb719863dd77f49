package main

import (
	"bytes"
	"context"
	"encoding/json"
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
		{"mock", "--vcav-generate-replications", "-1"},
		{"mock", "--vcav-generate-replications", "10", "--fixture", "f.yaml"},
		{"nope"},
		{},
	} {
		var stderr bytes.Buffer
		assert.Equal(t, exitUsage, run(context.Background(), args, io.Discard, &stderr), "%v", args)
		assert.NotEmpty(t, stderr.String())
	}
	assert.Equal(t, exitOK, run(context.Background(), []string{"mock", "-h"}, io.Discard, io.Discard))
}

// TestMock_GeneratedReplicationsAreListed: --vcav-generate-replications
// serves the default fixture plus that many replications.
func TestMock_GeneratedReplicationsAreListed(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &lineWriter{lines: make(chan string, 1)}
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"mock", "--vcav-addr", "127.0.0.1:0", "--vcha-addr", "127.0.0.1:0", "--quiet",
			"--vcav-generate-replications", "250"}, out, io.Discard)
	}()
	urls := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindAllString(<-out.lines, -1)
	require.NotEmpty(t, urls)
	def, err := server.DefaultFixture()
	require.NoError(t, err)
	login, err := http.Post(urls[0]+"/sessions", "application/json",
		strings.NewReader(`{"type":"localUser","localUser":"root","localPassword":"vmware"}`))
	require.NoError(t, err)
	login.Body.Close()
	req, err := http.NewRequest(http.MethodGet, urls[0]+"/vm-replications?limit=1&vmName=gen-vm-00024", nil)
	require.NoError(t, err)
	req.Header.Set("X-VCAV-Auth", login.Header.Get("X-VCAV-Auth"))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var page struct{ Total int }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
	assert.Equal(t, 10, page.Total, "gen-vm-000240 to gen-vm-000249")
	req.URL.RawQuery = "limit=1"
	resp2, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp2.Body.Close()
	require.NoError(t, json.NewDecoder(resp2.Body).Decode(&page))
	assert.Equal(t, len(def.VCAV.Replications)+250, page.Total)
	cancel()
	assert.Equal(t, exitOK, <-code)
}

// TestMock_APISettingFlags checks the per-API duration flags: by default
// the VCHA failover outage and rejoin follow --task-duration (on for the
// command, unlike the library), an explicit value wins, and 0 turns the
// outage off (so does --task-duration 0).
func TestMock_APISettingFlags(t *testing.T) {
	tests := []struct {
		args           []string
		outage, rejoin string
	}{
		{nil, "5s", "5s"},
		{[]string{"--task-duration", "20s"}, "20s", "20s"},
		{[]string{"--vcha-outage", "2m", "--vcha-rejoin", "3m"}, "2m0s", "3m0s"},
		{[]string{"--vcha-outage", "0"}, "0s", "5s"},
		{[]string{"--task-duration", "0"}, "0s", "0s"},
	}
	for _, tc := range tests {
		f, err := parseMockFlags(tc.args, io.Discard)
		require.NoError(t, err, tc.args)
		assert.Equal(t, tc.outage, f.cfg.Settings["vcha-outage"].String(), tc.args)
		assert.Equal(t, tc.rejoin, f.cfg.Settings["vcha-rejoin"].String(), tc.args)
	}
}

// TestMock_VCAVQueueFlag checks --vcav-queue: off by default (also with a
// task duration), a duration sets how long VCAV tasks wait QUEUED.
func TestMock_VCAVQueueFlag(t *testing.T) {
	for _, args := range [][]string{nil, {"--task-duration", "20s"}} {
		f, err := parseMockFlags(args, io.Discard)
		require.NoError(t, err)
		assert.Zero(t, f.cfg.Settings["vcav-queue"], "off by default: %v", args)
	}
	f, err := parseMockFlags([]string{"--vcav-queue", "2s"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 2*time.Second, f.cfg.Settings["vcav-queue"])
}
