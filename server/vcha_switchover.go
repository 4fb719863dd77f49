package server

import (
	"time"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// What a VCHA failover does to clients at its switch-over point (failoverkit
// choice, see the spec's "The failover outage"): the vSphere API is
// unavailable for the outage length while the passive node takes over
// (connections reset for its first part, the reset length, as while the
// address moves; then 503 SERVICE_UNAVAILABLE, as while the new active
// node's services start), every session ends, and the former active node, now PASSIVE, stays
// DOWN (cluster DEGRADED, failover not allowed) until it has rejoined, the
// rejoin time after the outage.

// The vSphere API's settings (Config.Settings, `failoverkit mock` flags).
const (
	settingVCHAOutage      = "vcha-outage"
	settingVCHAOutageReset = "vcha-outage-reset"
	settingVCHARejoin      = "vcha-rejoin"
)

// vchaSettings declares them.
var vchaSettings = []Setting{
	{
		Name: settingVCHAOutage,
		Help: "after a VCHA failover's switch-over, make the vSphere API unavailable for this long (connections reset, then 503; see -vcha-outage-reset) and end every session " +
			"(0: off, the failover keeps sessions; default: the task duration; library default: off)",
		CommandDefault: func(taskDuration time.Duration) time.Duration { return taskDuration },
	},
	{
		Name: settingVCHAOutageReset,
		Help: "reset every vSphere connection (TCP RST, no answer) for this first part of the VCHA failover outage instead of answering 503 " +
			"(at most the outage; default: half the task duration; library default: 0, 503 only)",
		CommandDefault: func(taskDuration time.Duration) time.Duration { return taskDuration / 2 },
	},
	{
		Name: settingVCHARejoin,
		Help: "after a VCHA failover (and its outage), keep the former active node DOWN, the cluster DEGRADED, for this long " +
			"(default: the task duration)",
		CommandDefault: func(taskDuration time.Duration) time.Duration { return taskDuration },
	},
}

// WithVCHAOutage turns the VCHA failover outage on for d (0: off, the
// default of New and Test): see the spec's "The failover outage".
func WithVCHAOutage(d time.Duration) Option { return withSetting(settingVCHAOutage, d) }

// WithVCHAOutageReset resets connections, instead of answering 503, for
// the first d of the VCHA failover outage (0: 503 only, the default of New
// and Test; capped at the outage).
func WithVCHAOutageReset(d time.Duration) Option { return withSetting(settingVCHAOutageReset, d) }

// WithVCHARejoin sets how long the former active node stays DOWN after a
// VCHA failover and its outage (default: the task duration).
func WithVCHARejoin(d time.Duration) Option { return withSetting(settingVCHARejoin, d) }

// withSetting sets one API setting, leaving the caller's map untouched.
func withSetting(name string, d time.Duration) Option {
	return func(cfg *Config, _ *[]Fault) {
		s := make(map[string]time.Duration, len(cfg.Settings)+1)
		for k, v := range cfg.Settings {
			s[k] = v
		}
		s[name] = d
		cfg.Settings = s
	}
}

// vchaRejoin is the former active node on its way back.
type vchaRejoin struct {
	runtime *vcha.VchaClusterNodeRuntimeInfo
	at      time.Time
}

// outageLength is the configured outage (0: off).
func (m *vchaMock) outageLength() time.Duration {
	d, _ := m.env.setting(settingVCHAOutage)
	return max(d, 0)
}

// outageResetLength is the configured reset phase of the outage (0: none).
func (m *vchaMock) outageResetLength() time.Duration {
	d, _ := m.env.setting(settingVCHAOutageReset)
	return max(d, 0)
}

// rejoinLength is the configured rejoin time (default: the task duration).
func (m *vchaMock) rejoinLength() time.Duration {
	d, ok := m.env.setting(settingVCHARejoin)
	if !ok {
		d = m.env.taskDuration
	}
	return max(d, 0)
}

// switchOver plays out a failover's switch-over at end, after the roles
// swapped. The caller holds m.mu.
func (m *vchaMock) switchOver(end time.Time) {
	outage := m.outageLength()
	if outage > 0 {
		m.env.beginOutage(end, outage, m.outageResetLength())
	}
	down := outage + m.rejoinLength()
	if down <= 0 {
		return
	}
	for _, n := range []*vcha.VchaClusterNodeInfo{m.cluster.Node1, m.cluster.Node2} {
		if rt := runtimeOf(n); rt != nil && rt.Role != nil && *rt.Role == vcha.VchaClusterNodeRolePASSIVE {
			rt.State = new(vcha.VchaClusterNodeStateDOWN)
			m.rejoin = &vchaRejoin{runtime: rt, at: end.Add(down)}
		}
	}
}

// rejoinDue brings the former active node back UP once its rejoin time has
// come. The caller holds m.mu.
func (m *vchaMock) rejoinDue(now time.Time) {
	if m.rejoin != nil && !now.Before(m.rejoin.at) {
		m.rejoin.runtime.State = new(vcha.VchaClusterNodeStateUP)
		m.rejoin = nil
	}
}

// tick brings the mock to now: tasks due finish (a failover's switch-over
// may open the outage), a rejoin due completes.
func (m *vchaMock) tick(now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.advance(now)
}
