package server

import (
	"log/slog"
	"time"
)

// Defaults of the mock's configuration.
const (
	DefaultTaskDuration       = 5 * time.Second
	DefaultSessionIdleTimeout = 30 * time.Minute
	DefaultTaskRetention      = 10000
	DefaultRequestLogSize     = 1000
	// DefaultBodyLimit is the largest request body the vendor APIs accept;
	// larger bodies get 413 in the vendor's error shape.
	DefaultBodyLimit = 1 << 20
	// DefaultHeaderLimit is the largest total size of a request's header
	// fields (names, values and separators) the mock accepts; larger ones
	// get 431 in the vendor's error shape. ServeConfig.MaxHeaderBytes stays
	// the hard cap, above it, where net/http answers in plain text.
	DefaultHeaderLimit = 16 << 10
	// controlBodyLimit bounds fixtures and faults sent to the control API.
	controlBodyLimit = 64 << 20
)

// Config is the mock's configuration. The zero value is valid: every zero
// field takes its default. Each field names the `failoverkit mock` flag that
// sets it.
type Config struct {
	// TaskDuration is how long a task runs from start to finish
	// (--task-duration). A vSphere forced failover takes half of it. Zero
	// takes the default; use a negative value for tasks that finish on the
	// first read after they start.
	TaskDuration time.Duration
	// SessionIdleTimeout ends a session unused for this long
	// (--session-idle-timeout).
	SessionIdleTimeout time.Duration
	// TaskRetention is how many finished tasks each API keeps; older ones are
	// forgotten and read as not found (--task-retention). Negative keeps all.
	TaskRetention int
	// MaxSessions caps each API's live sessions (--max-sessions, default
	// DefaultMaxSessions; negative: no cap). At the cap a login ends the
	// session unused the longest, which then answers 401 like an expired
	// one.
	MaxSessions int
	// MaxSessionsPerUser caps one user's live sessions per API
	// (--max-sessions-per-user, default DefaultMaxSessionsPerUser; negative:
	// no cap). At the cap a login ends that user's session unused the longest.
	MaxSessionsPerUser int
	// TaskRetentionPerUser is how many finished tasks of one user each API
	// keeps (--task-retention-per-user; negative: no per-user bound): a user
	// with more loses their own oldest first, so one busy user cannot evict
	// another's tasks. Zero takes DefaultTaskRetentionPerUser when
	// TaskRetention is left at its default too, and no per-user bound when
	// TaskRetention is set (WithTaskRetention keeps what it says).
	TaskRetentionPerUser int
	// RequestLogSize is how many requests the control API's request log
	// keeps (--request-log-size).
	RequestLogSize int
	// DisableControl turns the control API off (--control=false).
	DisableControl bool
	// ControlToken, when set, admits control requests from any peer that
	// presents it as "Authorization: Bearer TOKEN" (--control-token or
	// FAILOVERKIT_CONTROL_TOKEN). Without it, or without the header, only
	// loopback peers naming a loopback Host may use the control API.
	ControlToken string
	// Fixture is the state to start from (--fixture); nil takes the embedded
	// default. Sections it leaves out take the default too.
	Fixture *Fixture
	// Clock tells the time; nil uses the real clock.
	Clock Clock
	// Logger receives one structured record per request, never with a
	// credential; nil discards them.
	Logger *slog.Logger
	// Settings are the APIs' own duration settings by name (see Settings);
	// a missing name takes the API's default.
	Settings map[string]time.Duration

	// apis are the simulated APIs; nil: builtinAPIs (tests add others).
	apis []*apiDef
}

func (c Config) withDefaults() Config {
	if c.TaskDuration == 0 {
		c.TaskDuration = DefaultTaskDuration
	}
	if c.TaskDuration < 0 {
		c.TaskDuration = 0
	}
	if c.SessionIdleTimeout <= 0 {
		c.SessionIdleTimeout = DefaultSessionIdleTimeout
	}
	c.TaskRetentionPerUser = capOrDefault(c.TaskRetentionPerUser, defaultPerUserRetention(c.TaskRetention))
	if c.TaskRetention == 0 {
		c.TaskRetention = DefaultTaskRetention
	}
	if c.TaskRetention < 0 {
		c.TaskRetention = 0
	}
	c.MaxSessions = capOrDefault(c.MaxSessions, DefaultMaxSessions)
	c.MaxSessionsPerUser = capOrDefault(c.MaxSessionsPerUser, DefaultMaxSessionsPerUser)
	if c.RequestLogSize <= 0 {
		c.RequestLogSize = DefaultRequestLogSize
	}
	if c.Clock == nil {
		c.Clock = realClock{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Option adjusts the configuration New starts from.
type Option func(*Config, *[]Fault)

// WithConfig replaces the whole configuration (later options still apply).
func WithConfig(c Config) Option { return func(cfg *Config, _ *[]Fault) { *cfg = c } }

// WithClock injects the clock, typically a *ManualClock in tests.
func WithClock(c Clock) Option { return func(cfg *Config, _ *[]Fault) { cfg.Clock = c } }

// WithTaskDuration sets how long tasks run; see Config.TaskDuration.
func WithTaskDuration(d time.Duration) Option {
	return func(cfg *Config, _ *[]Fault) { cfg.TaskDuration = d }
}

// WithInstantTasks makes every task finish on the first read after it starts.
func WithInstantTasks() Option { return WithTaskDuration(-1) }

// WithSessionIdleTimeout sets the session idle timeout.
func WithSessionIdleTimeout(d time.Duration) Option {
	return func(cfg *Config, _ *[]Fault) { cfg.SessionIdleTimeout = d }
}

// WithTaskRetention sets how many finished tasks each API keeps.
func WithTaskRetention(n int) Option { return func(cfg *Config, _ *[]Fault) { cfg.TaskRetention = n } }

// WithFixture starts the mock from f instead of the embedded default.
func WithFixture(f *Fixture) Option { return func(cfg *Config, _ *[]Fault) { cfg.Fixture = f } }

// WithLogger sends request logs to l.
func WithLogger(l *slog.Logger) Option { return func(cfg *Config, _ *[]Fault) { cfg.Logger = l } }

// WithoutControlAPI turns the control API off.
func WithoutControlAPI() Option { return func(cfg *Config, _ *[]Fault) { cfg.DisableControl = true } }

// WithFault injects f from the start (see Mock.InjectFault).
func WithFault(f Fault) Option {
	return func(_ *Config, faults *[]Fault) { *faults = append(*faults, f) }
}

// capOrDefault is def for zero, no cap (0) for a negative n, else n.
func capOrDefault(n, def int) int {
	switch {
	case n == 0:
		return def
	case n < 0:
		return 0
	}
	return n
}

// defaultPerUserRetention is the per-user task bound when none is set:
// DefaultTaskRetentionPerUser under the default total, none (-1) when the
// total was chosen.
func defaultPerUserRetention(total int) int {
	if total == 0 {
		return DefaultTaskRetentionPerUser
	}
	return -1
}
