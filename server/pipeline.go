package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"

	"github.com/failoverkit/failoverkit/internal/ctxsleep"
	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

// ControlPrefix is the reserved path prefix of the control API. It is not part
// of either vendor spec.
const ControlPrefix = "/_failoverkit"

// stateKey is the context key of a request's *requestState.
type stateKey struct{}

// requestState is what the request path learns about one request: the
// spec operation, the authenticated session, the HTTP Basic credentials
// and the injected task fault. logRequests puts one, empty, in the request
// context (one allocation per request instead of one context per value);
// the pipeline fills it in; handlers read it through sessionFrom, faultFrom
// and basicFrom.
type requestState struct {
	op       string
	session  Session
	hasSess  bool
	basic    basicCredentials
	hasBasic bool
	fault    Fault
	hasFault bool
	// body is a mutating request's validated body, for the request log.
	body []byte
	// mediaType is the media type negotiated for the answer ("" for
	// application/json; see answerShaping).
	mediaType string
	// drop, when set, is a connection taken over to be reset: the request
	// log closes it after recording the request (connreset.go).
	drop io.Closer
}

// withRequestState returns req with a new, empty state in its context.
func withRequestState(req *http.Request) (*http.Request, *requestState) {
	st := &requestState{}
	return req.WithContext(context.WithValue(req.Context(), stateKey{}, st)), st
}

// stateFrom returns the request's state; a context without one (a handler
// called outside the mock's request path) gets an empty one.
func stateFrom(ctx context.Context) *requestState {
	if st, ok := ctx.Value(stateKey{}).(*requestState); ok {
		return st
	}
	return &requestState{}
}

// basicCredentials are the HTTP Basic credentials of a request to an
// operation secured with HTTP basic (vSphere POST /api/session).
type basicCredentials struct {
	user, password string
}

// basicFrom returns the request's HTTP Basic credentials, if it sent any to
// an operation that takes them.
func basicFrom(ctx context.Context) (basicCredentials, bool) {
	st := stateFrom(ctx)
	return st.basic, st.hasBasic
}

// sessionFrom returns the session the pipeline authenticated, if any.
func sessionFrom(ctx context.Context) (Session, bool) {
	st := stateFrom(ctx)
	return st.session, st.hasSess
}

// faultFrom returns the task fault injected for this request, if any.
func faultFrom(ctx context.Context) (Fault, bool) {
	st := stateFrom(ctx)
	return st.fault, st.hasFault
}

// pipeline is the vendor-independent request path: route with the spec,
// authenticate, validate, then apply faults, before echo dispatches to the
// generated strict handler. Every refusal is a *Problem, rendered by the
// vendor through echo's HTTPErrorHandler.
type pipeline struct {
	v        *oasvalidate.Validator
	sessions *sessionStore
	faults   *faultSet
	control  bool
	// auth is each operation's authentication, worked out once from its
	// security requirements.
	auth map[*openapi3.Operation]opAuth
	// down, when set, reports whether the API is in an outage, in which
	// phase and for how much longer (see outage.go).
	down func() outageNow
}

// downCheck brings sim to the env's now and reports its outage.
func downCheck(sim simulator, e *env) func() outageNow {
	return func() outageNow {
		now := e.clock.Now()
		if t, ok := sim.(ticker); ok {
			t.tick(now)
		}
		return e.outage.at(now)
	}
}

// opAuth is how an operation authenticates: with HTTP Basic credentials
// (passed to the handler), with a session token in a header (checked by the
// pipeline), or in its handler (login with a body).
type opAuth struct {
	basic         bool
	sessionHeader string
}

// newPipeline builds the request path of v's API.
func newPipeline(v *oasvalidate.Validator, sessions *sessionStore, faults *faultSet, control bool) *pipeline {
	p := &pipeline{v: v, sessions: sessions, faults: faults, control: control, auth: map[*openapi3.Operation]opAuth{}}
	for _, item := range v.Doc.Paths.Map() {
		for _, op := range item.Operations() {
			p.auth[op] = p.authOf(op)
		}
	}
	return p
}

func (p *pipeline) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if isPublicPath(req.URL.Path) || (p.control && isControlPath(req.URL.Path)) {
			return next(c)
		}
		if p.down != nil {
			if at := p.down(); at.active {
				if at.reset && resetConnection(c) {
					return nil
				}
				return newProblem(KindUnavailable, "Service not available: the server is restarting (simulated outage, %s left).", at.left.Round(time.Millisecond))
			}
		}
		route, params, err := p.v.Route(req)
		if err != nil {
			prob := routeProblem(req, err)
			if prob.Kind == KindMethodNotAllowed {
				prob.Header = http.Header{"Allow": {strings.Join(p.v.Router.AllowedMethods(req), ", ")}}
			}
			return prob
		}
		st := stateFrom(req.Context())
		st.op = route.Operation.OperationID
		if strings.Contains(route.Path, "?") {
			// Let echo's router match the key the generated code registered.
			req.URL.Path, req.URL.RawPath = route.Path, ""
		}
		if err := p.authenticate(req, p.auth[route.Operation], st); err != nil {
			return err
		}
		if err := p.v.ValidateRequest(req.Context(), req, route, params); err != nil {
			return validationProblem(err)
		}
		canonicalJSONType(req.Header)
		if isMutating(req.Method) {
			st.body = keepBody(req)
		}
		if f, ok := p.faults.take(p.v.API, st.op); ok {
			if f.Latency > 0 {
				if err := ctxsleep.Sleep(req.Context(), time.Duration(f.Latency)); err != nil {
					return err
				}
			}
			if f.Status != 0 {
				return &injected{fault: f}
			}
			st.fault, st.hasFault = f, true
		}
		return next(c)
	}
}

// canonicalJSONType rewrites a Content-Type whose media type is
// application/json in another case ("Application/JSON") to the canonical
// spelling, parameters kept. Media types are case-insensitive (RFC 9110,
// section 8.3.1) and the validator accepts any case, but echo's binder
// compares the media type exactly and would refuse the body.
func canonicalJSONType(h http.Header) {
	ct := h.Get(echo.HeaderContentType)
	base, params, hasParams := strings.Cut(ct, ";")
	trimmed := strings.TrimSpace(base)
	if trimmed == echo.MIMEApplicationJSON || !strings.EqualFold(trimmed, echo.MIMEApplicationJSON) {
		return
	}
	if hasParams {
		h.Set(echo.HeaderContentType, echo.MIMEApplicationJSON+";"+params)
		return
	}
	h.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
}

// authenticate records the request's HTTP Basic credentials for an
// operation that takes them, and checks the session token of one that
// needs a session.
func (p *pipeline) authenticate(req *http.Request, auth opAuth, st *requestState) error {
	if auth.basic {
		if user, pw, ok := req.BasicAuth(); ok {
			st.basic, st.hasBasic = basicCredentials{user: user, password: pw}, true
		}
	}
	if auth.sessionHeader == "" {
		return nil
	}
	sess, ok := p.sessions.lookup(req.Header.Get(auth.sessionHeader))
	if !ok {
		return newProblem(KindUnauthenticated, "authentication required: send a valid session token in the %s header", auth.sessionHeader)
	}
	st.session, st.hasSess = sess, true
	return nil
}

// authOf works out how op authenticates: HTTP Basic when a scheme it
// accepts is http basic; the header of the first API-key header scheme it
// accepts, if any. Operations secured otherwise (login with a body)
// authenticate in their handler.
func (p *pipeline) authOf(op *openapi3.Operation) opAuth {
	var a opAuth
	for _, s := range p.schemes(op) {
		switch {
		case s.Type == "http" && strings.EqualFold(s.Scheme, "basic"):
			a.basic = true
		case s.Type == "apiKey" && s.In == openapi3.ParameterInHeader && a.sessionHeader == "":
			a.sessionHeader = s.Name
		}
	}
	return a
}

// schemes lists the security schemes the operation accepts.
func (p *pipeline) schemes(op *openapi3.Operation) []*openapi3.SecurityScheme {
	reqs := p.v.Doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	var out []*openapi3.SecurityScheme
	for _, req := range reqs {
		for name := range req {
			if s := p.v.Doc.Components.SecuritySchemes[name]; s != nil && s.Value != nil {
				out = append(out, s.Value)
			}
		}
	}
	return out
}

func routeProblem(req *http.Request, err error) *Problem {
	var qm *spec.QueryMismatchError
	switch {
	case errors.As(err, &qm) && isNonTaskForm(req, qm):
		return newProblem(KindNonTask, "%s %s is a task-only operation: add vmw-task=true to the query", req.Method, req.URL.Path)
	case errors.Is(err, routers.ErrMethodNotAllowed):
		return newProblem(KindMethodNotAllowed, "method %s is not allowed on %s", req.Method, req.URL.Path)
	default:
		return newProblem(KindNotFound, "no operation at %s %s", req.Method, req.URL.Path)
	}
}

// isNonTaskForm reports whether the request would match a candidate if it
// also carried vmw-task=true: the synchronous form of a task-only operation.
func isNonTaskForm(req *http.Request, qm *spec.QueryMismatchError) bool {
	q := req.URL.Query()
	if q.Get("vmw-task") == "true" {
		return false
	}
	for _, c := range qm.Candidates {
		_, raw, _ := strings.Cut(c.Path, "?")
		fixed, err := url.ParseQuery(raw)
		if err != nil || fixed.Get("vmw-task") != "true" {
			continue
		}
		match := true
		for k := range fixed {
			if k != "vmw-task" && q.Get(k) != fixed.Get(k) {
				match = false
			}
		}
		if match {
			return true
		}
	}
	return false
}

func validationProblem(err error) error {
	var he *echo.HTTPError
	if errors.As(err, &he) { // the body limit tripped while the validator read the body
		return he
	}
	return &Problem{Kind: KindBadRequest, Message: "invalid request: " + oasvalidate.Describe(err).String()}
}

// injected is a fault answer: a status with a body or a vendor error.
type injected struct{ fault Fault }

func (e *injected) Error() string { return "injected fault" }
