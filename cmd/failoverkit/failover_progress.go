package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
)

// progress shows a task's progress: a bar redrawn in place on a terminal,
// a line per change otherwise (logs, CI, pipes).
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	bar   bool
	start time.Time
	last  string
	drawn bool
}

func newProgress(w io.Writer, bar bool) *progress {
	return &progress{w: w, bar: bar, start: time.Now()}
}

// barWidth is the number of cells of the bar.
const barWidth = 30

// update shows the task's state and percentage.
func (p *progress) update(state string, pct int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pct = min(max(pct, 0), 100)
	if !p.bar {
		line := fmt.Sprintf("progress: %s %d%%", state, pct)
		if line != p.last {
			fmt.Fprintln(p.w, line)
			p.last = line
		}
		return
	}
	filled := pct * barWidth / 100
	fmt.Fprintf(p.w, "\r\x1b[K[%s%s] %3d%%  %-9s %s", strings.Repeat("█", filled), strings.Repeat("░", barWidth-filled),
		pct, state, time.Since(p.start).Round(time.Second))
	p.drawn = true
}

// done ends the bar's line.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

// isTTY reports whether w is a terminal (and TERM is not "dumb"); a
// character device such as /dev/null is not.
func isTTY(w any) bool {
	f, ok := w.(*os.File)
	return ok && os.Getenv("TERM") != "dumb" && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
