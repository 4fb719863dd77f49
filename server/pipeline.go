package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"

	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

// ControlPrefix is the reserved path prefix of the control API. It is not part
// of either vendor spec.
const ControlPrefix = "/_failoverkit"

type ctxKey int

const (
	sessionKey ctxKey = iota
	faultKey
	basicKey
)

// basicCredentials are the HTTP Basic credentials of a request to an
// operation secured with HTTP basic (vSphere POST /api/session).
type basicCredentials struct {
	user, password string
}

// basicFrom returns the request's HTTP Basic credentials, if it sent any to
// an operation that takes them.
func basicFrom(ctx context.Context) (basicCredentials, bool) {
	b, ok := ctx.Value(basicKey).(basicCredentials)
	return b, ok
}

// sessionFrom returns the session the pipeline authenticated, if any.
func sessionFrom(ctx context.Context) (Session, bool) {
	s, ok := ctx.Value(sessionKey).(Session)
	return s, ok
}

// faultFrom returns the task fault injected for this request, if any.
func faultFrom(ctx context.Context) (Fault, bool) {
	f, ok := ctx.Value(faultKey).(Fault)
	return f, ok
}

// echo context keys for the request log.
const (
	logOpKey   = "failoverkit.op"
	logUserKey = "failoverkit.user"
)

// pipeline is the vendor-independent request path: route with the spec,
// authenticate, validate, then apply faults, before echo dispatches to the
// generated strict handler. Every refusal is a *Problem, rendered by the
// vendor through echo's HTTPErrorHandler.
type pipeline struct {
	v        *oasvalidate.Validator
	sessions *sessionStore
	faults   *faultSet
	control  bool
}

func (p *pipeline) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.URL.Path == SpecPath || (p.control && isControlPath(req.URL.Path)) {
			return next(c)
		}
		route, params, err := p.v.Route(req)
		if err != nil {
			return routeProblem(req, err)
		}
		op := route.Operation
		c.Set(logOpKey, op.OperationID)
		if strings.Contains(route.Path, "?") {
			// Let echo's router match the key the generated code registered.
			req.URL.Path, req.URL.RawPath = route.Path, ""
		}
		ctx := req.Context()
		if p.takesBasic(route) {
			if user, pw, ok := req.BasicAuth(); ok {
				ctx = context.WithValue(ctx, basicKey, basicCredentials{user: user, password: pw})
			}
		}
		if header, ok := p.sessionHeader(route); ok {
			sess, ok := p.sessions.lookup(req.Header.Get(header))
			if !ok {
				return newProblem(KindUnauthenticated, "authentication required: send a valid session token in the %s header", header)
			}
			c.Set(logUserKey, sess.User.Name)
			ctx = context.WithValue(ctx, sessionKey, sess)
		}
		if err := p.v.ValidateRequest(ctx, req, route, params); err != nil {
			return validationProblem(err)
		}
		if f, ok := p.faults.take(p.v.API, op.OperationID); ok {
			if err := sleepCtx(ctx, time.Duration(f.Latency)); err != nil {
				return err
			}
			if f.Status != 0 {
				return &injected{fault: f}
			}
			ctx = context.WithValue(ctx, faultKey, f)
		}
		c.SetRequest(req.WithContext(ctx))
		return next(c)
	}
}

// takesBasic reports whether the operation is secured with HTTP basic.
func (p *pipeline) takesBasic(route *routers.Route) bool {
	for _, s := range p.schemes(route) {
		if s.Type == "http" && strings.EqualFold(s.Scheme, "basic") {
			return true
		}
	}
	return false
}

// schemes lists the security schemes the operation accepts.
func (p *pipeline) schemes(route *routers.Route) []*openapi3.SecurityScheme {
	reqs := p.v.Doc.Security
	if route.Operation.Security != nil {
		reqs = *route.Operation.Security
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

// sessionHeader returns the API-key header the operation's security needs,
// if it needs one. Operations secured otherwise (login with HTTP basic or
// with a body) authenticate in their handler.
func (p *pipeline) sessionHeader(route *routers.Route) (string, bool) {
	for _, s := range p.schemes(route) {
		if s.Type == "apiKey" && s.In == openapi3.ParameterInHeader {
			return s.Name, true
		}
	}
	return "", false
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

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
