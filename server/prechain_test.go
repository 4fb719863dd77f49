package server

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestPreChained_ServesAsEchoPre checks that an echo instance served
// through preChained answers every request as the same instance with the
// same middleware installed by echo's Pre: the middleware in order around
// routing, a found route, 404, 405, a refusal from middleware and an error
// from a handler, each through the HTTPErrorHandler.
func TestPreChained_ServesAsEchoPre(t *testing.T) {
	build := func(viaPre bool) http.Handler {
		e := echo.New()
		e.HTTPErrorHandler = func(err error, c echo.Context) {
			_ = c.String(599, "handled: "+err.Error())
		}
		trace := func(name string) echo.MiddlewareFunc {
			return func(next echo.HandlerFunc) echo.HandlerFunc {
				return func(c echo.Context) error {
					c.Response().Header().Add("X-Trace", name+"-in")
					if c.Request().Header.Get("X-Refuse") == name {
						return errors.New("refused by " + name)
					}
					err := next(c)
					c.Response().Header().Add("X-Trace", name+"-out")
					return err
				}
			}
		}
		pre := []echo.MiddlewareFunc{trace("a"), trace("b"), trace("c")}
		e.GET("/items/:id", func(c echo.Context) error { return c.String(http.StatusOK, "item "+c.Param("id")) })
		e.POST("/fail", func(echo.Context) error { return errors.New("handler failed") })
		if viaPre {
			e.Pre(pre...)
			return e
		}
		return newPreChained(e, pre...)
	}
	want, got := build(true), build(false)
	for _, tc := range []struct{ method, path, refuse string }{
		{http.MethodGet, "/items/42", ""}, {http.MethodGet, "/items/a%2Fb", ""},
		{http.MethodGet, "/nowhere", ""}, {http.MethodPut, "/items/42", ""},
		{http.MethodPost, "/fail", ""}, {http.MethodGet, "/items/42", "b"}, {http.MethodGet, "/items/42", "c"},
	} {
		answer := func(h http.Handler) string {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			if tc.refuse != "" {
				req.Header.Set("X-Refuse", tc.refuse)
			}
			rec := httptest.NewRecorder()
			for range 2 { // the second request reuses a pooled context
				rec = httptest.NewRecorder()
				h.ServeHTTP(rec, req)
			}
			return rec.Result().Status + " " + strings.Join(rec.Header().Values("X-Trace"), ",") + " " + rec.Body.String()
		}
		if w, g := answer(want), answer(got); w != g {
			t.Errorf("%s %s (refused by %q): got %q, echo's Pre answers %q", tc.method, tc.path, tc.refuse, g, w)
		}
	}
}
