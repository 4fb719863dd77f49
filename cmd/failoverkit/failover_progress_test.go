package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// syncBuffer is a bytes.Buffer safe for the display's goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestProgress_LinesSayWhenNothingAnswers(t *testing.T) {
	var out syncBuffer
	p := startProgress(&out, false, 5*time.Millisecond, 30*time.Millisecond)
	p.update("RUNNING", 40)
	p.update("RUNNING", 40) // no change, no line
	assert.Eventually(t, func() bool { return strings.Contains(out.String(), "no answer for") }, 5*time.Second, 5*time.Millisecond)
	p.update("SUCCEEDED", 100)
	p.done()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	assert.Equal(t, "progress: RUNNING 40%", lines[0])
	assert.Contains(t, lines[1], "still waiting (retries until --timeout)")
	assert.Equal(t, "progress: SUCCEEDED 100%", lines[len(lines)-1])
}

func TestProgress_BarRedrawsInPlaceAndEndsItsLine(t *testing.T) {
	var out syncBuffer
	p := startProgress(&out, true, 5*time.Millisecond, time.Hour)
	p.update("RUNNING", 50)
	assert.Eventually(t, func() bool { return strings.Count(out.String(), "\r\x1b[K") >= 3 }, 5*time.Second, 5*time.Millisecond,
		"the clock keeps the bar redrawn between answers")
	p.done()
	s := out.String()
	assert.Contains(t, s, "["+strings.Repeat("█", 15)+strings.Repeat("░", 15)+"]  50%  RUNNING")
	assert.True(t, strings.HasSuffix(s, "\n"), "done ends the bar's line")
	assert.NotContains(t, s, "progress: ")
}
