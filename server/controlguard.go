package server

import (
	"crypto/subtle"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// guardControl admits a control request only from where it is safe, since
// the control API can replace every password and fault every operation:
//
//   - with Config.ControlToken set, a request presenting it
//     (Authorization: Bearer TOKEN) is admitted from anywhere;
//   - otherwise the peer must be on loopback and the Host must name
//     loopback (localhost, 127.0.0.0/8, ::1), whatever address the vendor
//     listeners are bound to, so a DNS-rebinding page cannot reach it;
//   - a request a browser sends from a page (an Origin or Sec-Fetch-Site
//     header that is not same-origin loopback) is refused;
//   - a body must be JSON (fixtures: JSON or YAML); no type or curl's
//     default form type is accepted only from a client that is not a
//     browser (no Origin, no Sec-Fetch-Site), and text/plain never, so no page can post to it without a CORS preflight,
//     which the control API never grants.
func (m *Mock) guardControl(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !m.hasControlToken(req) {
			if m.cfg.ControlToken != "" && req.Header.Get("Authorization") != "" {
				return newProblem(KindUnauthenticated, "control API: the token presented is not the --control-token")
			}
			if !isLoopbackPeer(req.RemoteAddr) {
				return newProblem(KindForbidden, "control API: only loopback clients may use it unless the mock is started with --control-token and the request presents it (Authorization: Bearer TOKEN)")
			}
			if !isLoopbackHost(req.Host) {
				return newProblem(KindForbidden, "control API: the Host header must name loopback (localhost, 127.0.0.1 or [::1])")
			}
		}
		if fromBrowserPage(req) {
			return newProblem(KindForbidden, "control API: requests from web pages are refused")
		}
		if err := checkControlBodyType(req); err != nil {
			return err
		}
		return next(c)
	}
}

func (m *Mock) hasControlToken(req *http.Request) bool {
	want := m.cfg.ControlToken
	scheme, got, ok := strings.Cut(req.Header.Get("Authorization"), " ")
	return want != "" && ok && strings.EqualFold(scheme, "Bearer") &&
		subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(want)) == 1
}

func isLoopbackPeer(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

func isLoopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// fromBrowserPage reports a request a browser made on behalf of a page of
// another origin: Sec-Fetch-Site other than same-origin or none, or an
// Origin whose host is not loopback.
func fromBrowserPage(req *http.Request) bool {
	switch req.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return true
	}
	origin := req.Header.Get("Origin")
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	return err != nil || u.Host == "" || !isLoopbackHost(u.Host)
}

// checkControlBodyType refuses a request body of a type a web page can
// send without a CORS preflight (text/plain, multipart), and curl's default
// form type from a browser.
func checkControlBodyType(req *http.Request) error {
	if req.ContentLength == 0 || req.Method == http.MethodGet || req.Method == http.MethodDelete {
		return nil
	}
	mt, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	switch {
	case mt == "application/json", strings.HasSuffix(mt, "+json"), strings.Contains(mt, "yaml"):
		return nil
	case (mt == "" || mt == "application/x-www-form-urlencoded") && req.Header.Get("Origin") == "" && req.Header.Get("Sec-Fetch-Site") == "":
		return nil // not a browser (curl -d / --data-binary without -H, Go's client): the body is the document
	}
	return &Problem{Kind: KindBadRequest, Status: http.StatusUnsupportedMediaType, Message: "control API: send the body as application/json (fixtures also application/yaml), e.g. curl -H 'Content-Type: application/json'"}
}
