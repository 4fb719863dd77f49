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
// a line per change otherwise (logs, CI, pipes). While the server does not
// answer (the vCenter HA outage lasts minutes) it keeps showing that the
// command is alive: the bar's clock runs and says for how long nothing
// answered; in line mode a line says so every silence interval.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	bar     bool
	start   time.Time
	heard   time.Time // the last update
	state   string
	pct     int
	last    string
	drawn   bool
	silence time.Duration // how long without an update before saying so
	stop    chan struct{}
	stopped sync.WaitGroup
}

// Defaults of the liveness display.
const (
	barWidth       = 30
	barTick        = time.Second
	defaultSilence = 30 * time.Second
)

func newProgress(w io.Writer, bar bool) *progress {
	return startProgress(w, bar, barTick, defaultSilence)
}

// startProgress starts the display, redrawing every tick.
func startProgress(w io.Writer, bar bool, tick, silence time.Duration) *progress {
	now := time.Now()
	p := &progress{w: w, bar: bar, start: now, heard: now, silence: silence, stop: make(chan struct{})}
	p.stopped.Add(1)
	go p.tickLoop(tick)
	return p
}

func (p *progress) tickLoop(tick time.Duration) {
	defer p.stopped.Done()
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.tick()
			p.mu.Unlock()
		}
	}
}

// tick redraws the bar, or in line mode reports a silence once per
// silence interval. p.mu is held.
func (p *progress) tick() {
	quiet := time.Since(p.heard)
	switch {
	case p.state == "":
	case p.bar:
		p.draw()
	case quiet >= p.silence:
		fmt.Fprintf(p.w, "progress: no answer for %s; still waiting (retries until --timeout)\n", quiet.Round(time.Second))
		p.heard = time.Now()
	}
}

// update shows the task's state and percentage.
func (p *progress) update(state string, pct int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state, p.pct, p.heard = state, min(max(pct, 0), 100), time.Now()
	if p.bar {
		p.draw()
		return
	}
	if line := fmt.Sprintf("progress: %s %d%%", p.state, p.pct); line != p.last {
		fmt.Fprintln(p.w, line)
		p.last = line
	}
}

// draw redraws the bar line. p.mu is held.
func (p *progress) draw() {
	filled := p.pct * barWidth / 100
	note := ""
	if quiet := time.Since(p.heard); quiet >= 5*time.Second {
		note = fmt.Sprintf("  no answer for %s, retrying", quiet.Round(time.Second))
	}
	fmt.Fprintf(p.w, "\r\x1b[K[%s%s] %3d%%  %-9s %s%s", strings.Repeat("█", filled), strings.Repeat("░", barWidth-filled),
		p.pct, p.state, time.Since(p.start).Round(time.Second), note)
	p.drawn = true
}

// done stops the display and ends the bar's line.
func (p *progress) done() {
	close(p.stop)
	p.stopped.Wait()
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
