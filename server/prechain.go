package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// preChained serves an echo instance through middleware that runs before
// routing (what echo's Pre does), with the chain composed once when the
// handler is built. echo v4's ServeHTTP composes its Pre chain again for
// every request (one closure per middleware and one for routing: seven
// allocations per request for the mock's six); this does the same work in
// the same order without them. The middleware may not keep per-chain
// state in its outer function (none of the mock's does: each keeps its
// per-request state inside the handler it returns).
type preChained struct {
	e *echo.Echo
	h echo.HandlerFunc
}

// newPreChained returns e served with pre (outermost first) before
// echo's router. e must have no Pre or Use middleware of its own.
func newPreChained(e *echo.Echo, pre ...echo.MiddlewareFunc) *preChained {
	h := routeAndServe(e)
	for i := len(pre) - 1; i >= 0; i-- {
		h = pre[i](h)
	}
	return &preChained{e: e, h: h}
}

// routeAndServe finds the request's route in e's router, as echo's
// ServeHTTP does after its Pre middleware (with the request as the
// middleware left it: same method and path), and runs its handler.
func routeAndServe(e *echo.Echo) echo.HandlerFunc {
	router := e.Router()
	return func(c echo.Context) error {
		req := c.Request()
		router.Find(req.Method, echo.GetPath(req), c)
		return c.Handler()(c)
	}
}

// ServeHTTP implements http.Handler as echo's ServeHTTP does: a pooled
// context, the chain, errors to the HTTPErrorHandler.
func (p *preChained) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := p.e.AcquireContext()
	c.Reset(r, w)
	if err := p.h(c); err != nil {
		p.e.HTTPErrorHandler(err, c)
	}
	p.e.ReleaseContext(c)
}
