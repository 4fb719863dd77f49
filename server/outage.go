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
// again. An API opens one itself (the vSphere VCHA failover's switch-over)
// or the control API does (POST /_failoverkit/outage). Like tasks, it is
// computed from the clock on each request: no goroutine, no sleeping.

// outage is one API's current or last outage window. Safe for concurrent use.
type outage struct {
	mu          sync.Mutex
	from, until time.Time
}

// open starts a window at from lasting d (d <= 0: none), extending a window
// that overlaps it.
func (o *outage) open(from time.Time, d time.Duration) {
	if d <= 0 {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	until := from.Add(d)
	if !o.until.IsZero() && !from.Before(o.from) && from.Before(o.until) {
		if until.After(o.until) {
			o.until = until
		}
		return
	}
	o.from, o.until = from, until
}

// at reports whether now is inside the window, and how much of it is left.
func (o *outage) at(now time.Time) (time.Duration, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.until.IsZero() || now.Before(o.from) || !now.Before(o.until) {
		return 0, false
	}
	return o.until.Sub(now), true
}

// clear ends any window.
func (o *outage) clear() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.from, o.until = time.Time{}, time.Time{}
}

// window returns the current or last window (zero times when none).
func (o *outage) window() (time.Time, time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.from, o.until
}

// beginOutage ends every session of the API and makes it unavailable from
// from for d.
func (e *env) beginOutage(from time.Time, d time.Duration) {
	e.sessions.reset()
	e.outage.open(from, d)
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
	// Active is true while the API answers 503.
	Active bool `json:"active"`
	// From and Until bound the current or last window (absent when none).
	From  *time.Time `json:"from,omitempty"`
	Until *time.Time `json:"until,omitempty"`
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
		left, active := a.env.outage.at(now)
		o := Outage{API: a.def.api, Active: active, Remaining: left.String()}
		if from, until := a.env.outage.window(); !until.IsZero() {
			o.From, o.Until = &from, &until
		}
		out = append(out, o)
	}
	return out
}

// StartOutage makes api unavailable for d from now (503 to every request)
// and ends every session it has, as a server restart would. d must be
// positive.
func (m *Mock) StartOutage(api spec.API, d time.Duration) error {
	a := m.mounted(api)
	switch {
	case a == nil:
		return fmt.Errorf("outage: the mock does not serve API %q", api)
	case d <= 0:
		return fmt.Errorf("outage: duration must be positive, not %s", d)
	}
	now := a.env.clock.Now()
	if t, ok := a.sim.(ticker); ok {
		t.tick(now)
	}
	a.env.beginOutage(now, d)
	return nil
}

// EndOutage makes every API available again at once (sessions stay ended).
func (m *Mock) EndOutage() {
	for _, a := range m.apis {
		a.env.outage.clear()
	}
}
