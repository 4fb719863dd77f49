package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/failoverkit/failoverkit/spec"
)

// simulator is the state and handlers of one simulated API: what it plugs
// into the shared core (see apiDef).
type simulator interface {
	// api names the API.
	api() spec.API
	// writeProblem answers p in the API's error shape: every refusal of
	// the shared pipeline goes through it.
	writeProblem(c echo.Context, p *Problem) error
	// register adds the generated strict handlers to e.
	register(e *echo.Echo)
	// load replaces all state with the API's section of f (nil: empty).
	// f is a fresh copy that nothing else holds: the API may keep it.
	load(f *Fixture) error
	// snapshot returns the current state in fixture form, without passwords.
	snapshot(f *Fixture)
}

// controlExtender is a simulator with control-API endpoints of its own,
// served under ControlPrefix/<api> on every listener, behind the same guard.
type controlExtender interface {
	// registerControl adds the API's own control endpoints to g and
	// returns their "METHOD /path" lines (path relative to g) for the
	// control API's index.
	registerControl(g *echo.Group) []string
}

// statusOf is the HTTP status the shared pipeline uses for a problem kind.
// APIs may refine it.
func statusOf(p *Problem) int {
	if p.Status != 0 {
		return p.Status
	}
	switch p.Kind {
	case KindBadRequest, KindNonTask:
		return http.StatusBadRequest
	case KindUnauthenticated:
		return http.StatusUnauthorized
	case KindForbidden:
		return http.StatusForbidden
	case KindNotFound:
		return http.StatusNotFound
	case KindMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case KindHeadersTooLarge:
		return http.StatusRequestHeaderFieldsTooLarge
	case KindUnavailable:
		return http.StatusServiceUnavailable
	case KindNotAcceptable:
		return http.StatusNotAcceptable
	default:
		return http.StatusInternalServerError
	}
}
