package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMock_BannerListsDocsControlAndLogins(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	out := &lineWriter{lines: make(chan string, 4)}
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"mock", "--vcav-addr", "127.0.0.1:0", "--vcha-addr", "127.0.0.1:0", "--quiet"}, out, io.Discard)
	}()
	require.Eventually(t, func() bool {
		out.mu.Lock()
		defer out.mu.Unlock()
		return strings.Contains(out.buf.String(), "vmware-api-session-id")
	}, 10*time.Second, 10*time.Millisecond)
	cancel()
	assert.Equal(t, exitOK, <-code)
	text := out.buf.String()
	assert.Regexp(t, `^failoverkit mock: VCAV http://127\.0\.0\.1:\d+  vSphere http://127\.0\.0\.1:\d+  \(Ctrl-C to stop\)\n`, text)
	assert.Regexp(t, `API reference:  VCAV http://127\.0\.0\.1:\d+/docs  vSphere http://127\.0\.0\.1:\d+/docs`, text)
	assert.Regexp(t, `Control API: +http://127\.0\.0\.1:\d+/_failoverkit`, text)
	assert.Contains(t, text, "Log in (the default fixture's users)")
	assert.Contains(t, text, `"localUser":"root","localPassword":"vmware"`)
	assert.Contains(t, text, "HTTP Basic administrator@vsphere.local:vmware")
}
