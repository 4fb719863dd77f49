package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

// Mock is a stateful simulation of every registered API (see apis.go).
// Serve it with Serve or Listen, or mount each API's Handler on a server of
// your own. All methods are safe for concurrent use.
type Mock struct {
	cfg      Config
	log      *slog.Logger
	requests *requestLog
	faults   faultSet

	mu       sync.Mutex    // guards baseline and startup
	baseline *fixtureImage // the last fixture loaded (ResetToLast)
	startup  *fixtureImage // the fixture the mock started with (Reset)

	// apis are the simulated APIs, in the order they are served.
	apis []*mountedAPI
	// apiControl are the APIs' own control endpoints ("METHOD api/path"),
	// gathered as the listeners' control APIs are built.
	apiControl []string
}

// mountedAPI is one simulated API of a mock: its declaration, its state
// and handlers, its environment and its request path.
type mountedAPI struct {
	def     *apiDef
	sim     simulator
	env     *env
	handler http.Handler
	v       *oasvalidate.Validator
}

// env is what the shared core hands each simulated API.
type env struct {
	clock         Clock
	sessions      *sessionStore
	outage        *outage
	taskDuration  time.Duration
	taskRetention retainPolicy
	log           *slog.Logger
	// settings are Config.Settings (read only).
	settings map[string]time.Duration
}

// setting returns the named API setting, if the configuration gives it.
func (e *env) setting(name string) (time.Duration, bool) {
	d, ok := e.settings[name]
	return d, ok
}

// New builds a mock from the options: the embedded default fixture, real
// time and five-second tasks unless told otherwise.
func New(opts ...Option) (*Mock, error) {
	var cfg Config
	var faults []Fault
	for _, o := range opts {
		o(&cfg, &faults)
	}
	cfg = cfg.withDefaults()
	m := &Mock{cfg: cfg, log: cfg.Logger, requests: newRequestLog(cfg.RequestLogSize)}
	defs := cfg.apis
	if defs == nil {
		defs = builtinAPIs()
	}
	for _, d := range defs {
		sessions := newSessionStore(cfg.Clock, cfg.SessionIdleTimeout, d.mintToken)
		sessions.limit(cfg.MaxSessions, cfg.MaxSessionsPerUser)
		e := &env{
			clock:         cfg.Clock,
			sessions:      sessions,
			outage:        &outage{},
			taskDuration:  cfg.TaskDuration,
			taskRetention: retainPolicy{total: cfg.TaskRetention, perUser: cfg.TaskRetentionPerUser},
			log:           cfg.Logger,
			settings:      cfg.Settings,
		}
		m.apis = append(m.apis, &mountedAPI{def: d, sim: d.newSim(e), env: e})
	}
	// Every simulation exists before any listener's handler is built: each
	// listener's control API serves every API's own control endpoints.
	for _, a := range m.apis {
		val, err := oasvalidate.New(a.def.api)
		if err != nil {
			return nil, err
		}
		if a.handler, err = m.newEcho(a.sim, val, a.env); err != nil {
			return nil, err
		}
		a.v = val
	}
	for _, f := range faults {
		if err := m.InjectFault(f); err != nil {
			return nil, err
		}
	}
	if err := m.LoadFixture(cfg.Fixture); err != nil {
		return nil, err
	}
	m.startup = m.baseline
	m.cfg.Fixture = nil // the mock keeps its own encoded copy (startup)
	return m, nil
}

// Handler serves api, or is nil when the mock does not simulate it.
func (m *Mock) Handler(api spec.API) http.Handler {
	if a := m.mounted(api); a != nil {
		return a.handler
	}
	return nil
}

// APIs lists the APIs the mock serves, in order.
func (m *Mock) APIs() []APIInfo {
	defs := make([]*apiDef, len(m.apis))
	for i, a := range m.apis {
		defs[i] = a.def
	}
	return apiInfos(defs)
}

// mounted returns the mock's api, or nil.
func (m *Mock) mounted(api spec.API) *mountedAPI {
	for _, a := range m.apis {
		if a.def.api == api {
			return a
		}
	}
	return nil
}

// Clock returns the clock the mock runs on.
func (m *Mock) Clock() Clock { return m.cfg.Clock }

// LoadFixture replaces all state (sessions included) with f, which also
// becomes what ResetToLast returns to. Sections f leaves out, or a nil f, take the
// embedded default.
func (m *Mock) LoadFixture(f *Fixture) error {
	full, err := withDefaultSections(f)
	if err != nil {
		return err
	}
	img, err := newFixtureImage(full)
	if err != nil {
		return err
	}
	return m.loadImage(img)
}

// loadImage replaces all state with a fresh decoding of img, which becomes
// the baseline.
func (m *Mock) loadImage(img *fixtureImage) error {
	live, err := img.fixture()
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, a := range m.apis {
		if err := a.sim.load(live); err != nil {
			return fmt.Errorf("load %s fixture: %w", a.def.api, err)
		}
	}
	for _, a := range m.apis {
		a.env.sessions.reset()
		a.env.outage.clear()
	}
	m.baseline = img
	return nil
}

// Reset returns to the fixture the mock started with, ends every session
// and clears faults and the request log.
func (m *Mock) Reset() error {
	m.mu.Lock()
	start := m.startup
	m.mu.Unlock()
	return m.resetTo(start)
}

// ResetToLast is Reset, back to the last fixture loaded instead.
func (m *Mock) ResetToLast() error {
	m.mu.Lock()
	last := m.baseline
	m.mu.Unlock()
	return m.resetTo(last)
}

func (m *Mock) resetTo(img *fixtureImage) error {
	m.faults.clear()
	m.requests.clear()
	return m.loadImage(img)
}

// baselineFixture decodes the last fixture loaded without its VCAV
// replications (users, sites, the cluster).
func (m *Mock) baselineFixture() (*Fixture, error) {
	m.mu.Lock()
	base := m.baseline
	m.mu.Unlock()
	return base.headFixture()
}

// State returns the current state in fixture form, passwords left out.
func (m *Mock) State() *Fixture {
	var f Fixture
	for _, a := range m.apis {
		a.sim.snapshot(&f)
	}
	return &f
}

// InjectFault adds a fault; see Fault and AddFault.
func (m *Mock) InjectFault(f Fault) error {
	_, err := m.AddFault(f)
	return err
}

// AddFault checks f against its API's spec (see Fault), adds it and
// returns its id, by which RemoveFault removes it.
func (m *Mock) AddFault(f Fault) (string, error) {
	if err := m.checkFault(f); err != nil {
		return "", err
	}
	return m.faults.insert(f)
}

// RemoveFault removes the fault with this id; it reports whether there
// was one.
func (m *Mock) RemoveFault(id string) bool { return m.faults.remove(id) }

// Faults lists the active faults.
func (m *Mock) Faults() []Fault { return m.faults.list() }

// ClearFaults removes every fault.
func (m *Mock) ClearFaults() { m.faults.clear() }

// Requests returns the request log, oldest first.
func (m *Mock) Requests() []RequestRecord { return m.requests.records() }

// RequestsMatching returns the requests of the log f selects, oldest first,
// e.g. every failover the automation sent, with its settings in Body.
func (m *Mock) RequestsMatching(f RequestFilter) []RequestRecord { return m.requests.matching(f) }

func (m *Mock) newEcho(v simulator, val *oasvalidate.Validator, e0 *env) (http.Handler, error) {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = m.errorHandler(v)
	e.JSONSerializer = bodyJSON{}
	pre := []echo.MiddlewareFunc{
		m.logRequests(v.api(), val.QueryNames()),
		middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true}),
	}
	info, _ := spec.Lookup(v.api())
	if shape := answerShaping(info); shape != nil {
		pre = append(pre, shape)
	}
	pre = append(pre, limitHeaders(DefaultHeaderLimit), middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit:   fmt.Sprint(DefaultBodyLimit) + "B",
		Skipper: func(c echo.Context) bool { return isOwnPath(c.Request().URL.Path) },
	}))
	p := newPipeline(val, e0.sessions, &m.faults, !m.cfg.DisableControl)
	p.down = downCheck(v, e0)
	pre = append(pre, p.middleware)
	raw, err := spec.YAML(v.api())
	if err != nil {
		return nil, err
	}
	e.GET(SpecPath, func(c echo.Context) error { return c.Blob(http.StatusOK, "application/yaml", raw) })
	registerDocs(e)
	if !m.cfg.DisableControl {
		m.registerControl(e)
	}
	v.register(e)
	return newPreChained(e, pre...), nil
}

// limitHeaders refuses a request whose header fields total more than
// limit bytes with 431 in the vendor's error shape. net/http's own cap
// (ServeConfig.MaxHeaderBytes, higher) answers in plain text.
func limitHeaders(limit int) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if headerSize(c.Request().Header) > limit {
				return &Problem{Kind: KindHeadersTooLarge,
					Message: fmt.Sprintf("request header fields are larger than %d bytes", limit)}
			}
			return next(c)
		}
	}
}

// headerSize is the size of h as sent in HTTP/1.1: "Name: value\r\n" for
// each value.
func headerSize(h http.Header) int {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

// SpecPath is where each API serves its own OpenAPI document.
const SpecPath = "/openapi.yaml"

// isOwnPath reports paths the mock serves outside the vendor spec.
func isOwnPath(p string) bool { return isPublicPath(p) || isControlPath(p) }

func isControlPath(p string) bool {
	return p == ControlPrefix || strings.HasPrefix(p, ControlPrefix+"/")
}

func (m *Mock) errorHandler(v simulator) func(error, echo.Context) {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		var inj *injected
		if errors.As(err, &inj) && len(inj.fault.Body) > 0 {
			_ = c.JSONBlob(inj.fault.Status, inj.fault.Body)
			return
		}
		var p *Problem
		if inj != nil {
			p = &Problem{Kind: kindOfStatus(inj.fault.Status), Status: inj.fault.Status, Message: "injected fault"}
		} else {
			var internal bool
			if p, internal = asProblem(err); internal {
				m.log.Error("request failed", "api", v.api(), "operation", stateFrom(c.Request().Context()).op, "error", err)
			}
		}
		for k, vs := range p.Header {
			c.Response().Header()[k] = vs
		}
		if werr := v.writeProblem(c, p); werr != nil {
			m.log.Error("write error response", "api", v.api(), "error", werr)
		}
	}
}

// kindOfStatus picks the problem kind an injected status stands for.
func kindOfStatus(status int) ProblemKind {
	switch status {
	case http.StatusBadRequest:
		return KindBadRequest
	case http.StatusUnauthorized:
		return KindUnauthenticated
	case http.StatusForbidden:
		return KindForbidden
	case http.StatusNotFound:
		return KindNotFound
	case http.StatusRequestEntityTooLarge:
		return KindTooLarge
	case http.StatusServiceUnavailable:
		return KindUnavailable
	default:
		return KindInternal
	}
}

// logRequests records every request in the request log and the slog logger:
// method, path, query (only the spec's parameters in clear), operation,
// user name, status and latency. Never headers, never bodies.
func (m *Mock) logRequests(api spec.API, known map[string]bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			req, st := withRequestState(c.Request())
			c.SetRequest(req)
			path, query := req.URL.Path, redactQuery(req.URL.RawQuery, known)
			if err := next(c); err != nil {
				c.Error(err)
			}
			rec := RequestRecord{
				Time: m.cfg.Clock.Now().UTC(), API: string(api), Method: req.Method, Path: path, Query: query,
				OperationID: st.op, User: st.session.User.Name, Status: c.Response().Status, Latency: Duration(time.Since(start)),
				Body: loggedBody(st.body), BodyBytes: len(st.body),
			}
			m.requests.add(rec)
			if st.drop != nil {
				_ = st.drop.Close() // reset only now: the log already shows it
			}
			if !m.log.Enabled(req.Context(), slog.LevelInfo) {
				return nil
			}
			m.log.LogAttrs(req.Context(), slog.LevelInfo, "request",
				slog.String("api", rec.API), slog.String("method", rec.Method), slog.String("path", rec.Path),
				slog.String("query", rec.Query), slog.String("operation", rec.OperationID),
				slog.String("user", rec.User), slog.Int("status", rec.Status),
				slog.Duration("latency", time.Duration(rec.Latency)))
			return nil
		}
	}
}

// redactQuery keeps in clear only the values of the parameters the spec
// declares (known); every other value reads REDACTED, so a secret a client
// puts in a URL under any name (pwd, sid, jwt, sig, ...) never reaches a
// log. An unparsable query is left out whole.
func redactQuery(raw string, known map[string]bool) string {
	if raw == "" {
		return ""
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "(unparsable query)"
	}
	for k := range q {
		if !known[k] {
			q[k] = []string{"REDACTED"}
		}
	}
	return q.Encode()
}
