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

	mu       sync.Mutex // guards baseline
	baseline *Fixture   // what Reset returns to

	// apis are the simulated APIs, in the order they are served.
	apis []*mountedAPI
}

// mountedAPI is one simulated API of a mock: its declaration, its state
// and handlers, its environment and its request path.
type mountedAPI struct {
	def     *apiDef
	sim     simulator
	env     *env
	handler *echo.Echo
}

// env is what the shared core hands each simulated API.
type env struct {
	clock         Clock
	sessions      *sessionStore
	outage        *outage
	taskDuration  time.Duration
	taskRetention int
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
	for _, f := range faults {
		if err := m.faults.add(f); err != nil {
			return nil, err
		}
	}
	defs := cfg.apis
	if defs == nil {
		defs = builtinAPIs()
	}
	for _, d := range defs {
		e := &env{
			clock:         cfg.Clock,
			sessions:      newSessionStore(cfg.Clock, cfg.SessionIdleTimeout, d.mintToken),
			outage:        &outage{},
			taskDuration:  cfg.TaskDuration,
			taskRetention: cfg.TaskRetention,
			log:           cfg.Logger,
			settings:      cfg.Settings,
		}
		a := &mountedAPI{def: d, sim: d.newSim(e), env: e}
		h, err := m.newEcho(a.sim, e)
		if err != nil {
			return nil, err
		}
		a.handler = h
		m.apis = append(m.apis, a)
	}
	if err := m.LoadFixture(cfg.Fixture); err != nil {
		return nil, err
	}
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
// becomes what Reset returns to. Sections f leaves out, or a nil f, take the
// embedded default.
func (m *Mock) LoadFixture(f *Fixture) error {
	full, err := withDefaultSections(f)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, a := range m.apis {
		if err := a.sim.load(full); err != nil {
			return fmt.Errorf("load %s fixture: %w", a.def.api, err)
		}
	}
	for _, a := range m.apis {
		a.env.sessions.reset()
		a.env.outage.clear()
	}
	m.baseline = full
	return nil
}

// Reset returns to the last loaded fixture, ends every session and clears
// faults and the request log.
func (m *Mock) Reset() error {
	m.mu.Lock()
	base := m.baseline
	m.mu.Unlock()
	m.faults.clear()
	m.requests.clear()
	return m.LoadFixture(base)
}

// State returns the current state in fixture form, passwords left out.
func (m *Mock) State() *Fixture {
	var f Fixture
	for _, a := range m.apis {
		a.sim.snapshot(&f)
	}
	return &f
}

// InjectFault adds a fault; see Fault.
func (m *Mock) InjectFault(f Fault) error { return m.faults.add(f) }

// Faults lists the active faults.
func (m *Mock) Faults() []Fault { return m.faults.list() }

// ClearFaults removes every fault.
func (m *Mock) ClearFaults() { m.faults.clear() }

// Requests returns the request log, oldest first.
func (m *Mock) Requests() []RequestRecord { return m.requests.records() }

func (m *Mock) newEcho(v simulator, e0 *env) (*echo.Echo, error) {
	val, err := oasvalidate.New(v.api())
	if err != nil {
		return nil, err
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = m.errorHandler(v)
	e.Pre(m.logRequests(v.api()))
	e.Pre(middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true}))
	info, _ := spec.Lookup(v.api())
	if shape := answerShaping(info); shape != nil {
		e.Pre(shape)
	}
	e.Pre(limitHeaders(DefaultHeaderLimit))
	e.Pre(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit:   fmt.Sprint(DefaultBodyLimit) + "B",
		Skipper: func(c echo.Context) bool { return isOwnPath(c.Request().URL.Path) },
	}))
	p := newPipeline(val, e0.sessions, &m.faults, !m.cfg.DisableControl)
	p.down = downCheck(v, e0)
	e.Pre(p.middleware)
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
	return e, nil
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
// method, path, query (with secret-looking parameters redacted), operation,
// user name, status and latency. Never headers, never bodies.
func (m *Mock) logRequests(api spec.API) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			req, st := withRequestState(c.Request())
			c.SetRequest(req)
			path, query := req.URL.Path, redactQuery(req.URL.RawQuery)
			if err := next(c); err != nil {
				c.Error(err)
			}
			rec := RequestRecord{
				Time: m.cfg.Clock.Now().UTC(), API: string(api), Method: req.Method, Path: path, Query: query,
				OperationID: st.op, User: st.session.User.Name, Status: c.Response().Status, Latency: Duration(time.Since(start)),
			}
			m.requests.add(rec)
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

// redactQuery blanks the values of query parameters whose names suggest a
// secret, in case a client puts one in a URL.
func redactQuery(raw string) string {
	if raw == "" {
		return ""
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "(unparsable query)"
	}
	for k := range q {
		lk := strings.ToLower(k)
		for _, s := range []string{"pass", "token", "secret", "auth", "session", "cookie", "key"} {
			if strings.Contains(lk, s) {
				q[k] = []string{"REDACTED"}
			}
		}
	}
	return q.Encode()
}
