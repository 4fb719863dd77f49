package server

import (
	"fmt"
	"sync"
	"time"

	"github.com/failoverkit/failoverkit/spec"
)

// An outage is a window of the clock during which an API answers every
// request (the control API and /openapi.yaml excepted) with 503 in its own
// error shape, and which ends every session that existed when it began: the
// API comes back as a restarted server would, and clients must log in
// again. Its first part may be a reset phase, in which every request's
// connection is reset (TCP RST, no HTTP answer) instead, as a client sees a
// server whose address has moved before anything listens on it; where the
// connection cannot be reset (HTTP/2, an in-process recorder) it gets the
// 503. An API opens one itself (the vSphere VCHA failover's switch-over)
// or the control API does (POST /_failoverkit/outage). Like tasks, it is
// computed from the clock on each request: no goroutine, no sleeping.

// outage is one API's current or last outage window. Safe for concurrent use.
type outage struct {
	mu          sync.Mutex
	from, until time.Time
	resetUntil  time.Time // end of the reset phase (<= until)
}

// outageNow is where now falls in an outage.
type outageNow struct {
	left   time.Duration // how much of the outage is left
	active bool          // inside the window
	reset  bool          // inside its reset phase
}

// open starts a window at from lasting d (d <= 0: none) whose first reset
// (at most d) resets connections, extending a window that overlaps it.
func (o *outage) open(from time.Time, d, reset time.Duration) {
	if d <= 0 {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	until, resetUntil := from.Add(d), from.Add(min(max(reset, 0), d))
	if !o.until.IsZero() && !from.Before(o.from) && from.Before(o.until) {
		if until.After(o.until) {
			o.until = until
		}
		if resetUntil.After(o.resetUntil) {
			o.resetUntil = resetUntil
		}
		return
	}
	o.from, o.until, o.resetUntil = from, until, resetUntil
}

// at reports where now falls in the window.
func (o *outage) at(now time.Time) outageNow {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.until.IsZero() || now.Before(o.from) || !now.Before(o.until) {
		return outageNow{}
	}
	return outageNow{left: o.until.Sub(now), active: true, reset: now.Before(o.resetUntil)}
}

// clear ends any window.
func (o *outage) clear() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.from, o.until, o.resetUntil = time.Time{}, time.Time{}, time.Time{}
}

// window returns the current or last window and the end of its reset
// phase (zero times when none).
func (o *outage) window() (from, until, resetUntil time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.from, o.until, o.resetUntil
}

// beginOutage ends every session of the API and makes it unavailable from
// from for d, resetting connections for the first reset of it.
func (e *env) beginOutage(from time.Time, d, reset time.Duration) {
	e.sessions.reset()
	e.outage.open(from, d, reset)
}

// ticker is a simulator whose state moves with the clock between requests
// (tasks finishing, an outage they open): tick brings it to now. The
// pipeline ticks before it checks for an outage.
type ticker interface {
	tick(now time.Time)
}

// Outage is an API's current or last outage, as the control API shows it.
type Outage struct {
	API spec.API `json:"api"`
	// Active is true while the API is unavailable.
	Active bool `json:"active"`
	// Resetting is true during the reset phase, while connections are
	// reset rather than answered 503.
	Resetting bool `json:"resetting"`
	// From and Until bound the current or last window (absent when none).
	From  *time.Time `json:"from,omitempty"`
	Until *time.Time `json:"until,omitempty"`
	// ResetUntil ends its reset phase (absent when it had none).
	ResetUntil *time.Time `json:"resetUntil,omitempty"`
	// Remaining is how long the API stays unavailable ("0s" when it is up).
	Remaining string `json:"remaining"`
}

// Outages reports every API's current or last outage, after bringing each
// API's state to now (so a switch-over that is due shows).
func (m *Mock) Outages() []Outage {
	out := make([]Outage, 0, len(m.apis))
	for _, a := range m.apis {
		now := a.env.clock.Now()
		if t, ok := a.sim.(ticker); ok {
			t.tick(now)
		}
		at := a.env.outage.at(now)
		o := Outage{API: a.def.api, Active: at.active, Resetting: at.reset, Remaining: at.left.String()}
		if from, until, resetUntil := a.env.outage.window(); !until.IsZero() {
			o.From, o.Until = &from, &until
			if resetUntil.After(from) {
				o.ResetUntil = &resetUntil
			}
		}
		out = append(out, o)
	}
	return out
}

// StartOutage makes api unavailable for d from now (503 to every request)
// and ends every session it has, as a server restart would. d must be
// positive.
func (m *Mock) StartOutage(api spec.API, d time.Duration) error {
	return m.StartOutageWithReset(api, d, 0)
}

// StartOutageWithReset is StartOutage whose first reset (at most d) resets
// every request's connection instead of answering it.
func (m *Mock) StartOutageWithReset(api spec.API, d, reset time.Duration) error {
	a := m.mounted(api)
	switch {
	case a == nil:
		return fmt.Errorf("outage: the mock does not serve API %q", api)
	case d <= 0:
		return fmt.Errorf("outage: duration must be positive, not %s", d)
	case reset < 0 || reset > d:
		return fmt.Errorf("outage: reset must be between 0 and the duration (%s), not %s", d, reset)
	}
	now := a.env.clock.Now()
	if t, ok := a.sim.(ticker); ok {
		t.tick(now)
	}
	a.env.beginOutage(now, d, reset)
	return nil
}

// EndOutage makes every API available again at once (sessions stay ended).
func (m *Mock) EndOutage() {
	for _, a := range m.apis {
		a.env.outage.clear()
	}
}
