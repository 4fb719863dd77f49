package spec

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// Router finds the operation of a request in one OpenAPI document. It matches
// the path template, the method and the fixed query a path key may carry
// ("/api/vcenter/vcha/cluster?action=get"). Servers in the document are
// ignored: only the request path is routed, so the same Router serves a mock
// on any address and a vendor endpoint behind any host name.
//
// A Router is built once and is safe for concurrent use.
type Router struct {
	doc    *openapi3.T
	routes []*route
	// bySegments holds the routes with n path segments at index n, in the
	// order of routes: a path only ever fits templates of its own length,
	// so a request is matched against those alone.
	bySegments [][]*route
}

var _ routers.Router = (*Router)(nil)

type route struct {
	segments []string          // literal segments, or "" for a {param} segment
	params   []string          // param name per segment ("" for literals)
	query    map[string]string // fixed query parameters from the path key
	method   string
	kr       routers.Route
}

// QueryMismatchError reports a request whose path and method match one or
// more operations whose fixed query parameters the request does not carry,
// such as POST /api/vcenter/vcha/cluster?action=failover without
// vmw-task=true. It unwraps to routers.ErrPathNotFound.
type QueryMismatchError struct {
	Method string
	Path   string
	// Candidates are the operations that matched on path and method.
	Candidates []*routers.Route
}

func (e *QueryMismatchError) Error() string {
	keys := make([]string, 0, len(e.Candidates))
	for _, c := range e.Candidates {
		keys = append(keys, c.Path)
	}
	return fmt.Sprintf("%s %s: query does not match any of %s", e.Method, e.Path, strings.Join(keys, ", "))
}

// Unwrap makes errors.Is(err, routers.ErrPathNotFound) true.
func (e *QueryMismatchError) Unwrap() error { return routers.ErrPathNotFound }

// NewRouter builds a Router for doc. It fails on a path key whose query part
// cannot be parsed.
func NewRouter(doc *openapi3.T) (*Router, error) {
	r := &Router{doc: doc}
	for key, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			rt, err := newRoute(doc, key, item, method, op)
			if err != nil {
				return nil, err
			}
			r.routes = append(r.routes, rt)
		}
	}
	// Most specific first: more literal segments, then more fixed query.
	sort.SliceStable(r.routes, func(i, j int) bool {
		a, b := r.routes[i], r.routes[j]
		if la, lb := a.literals(), b.literals(); la != lb {
			return la > lb
		}
		if len(a.query) != len(b.query) {
			return len(a.query) > len(b.query)
		}
		return a.kr.Path < b.kr.Path
	})
	for _, rt := range r.routes {
		n := len(rt.segments)
		for len(r.bySegments) <= n {
			r.bySegments = append(r.bySegments, nil)
		}
		r.bySegments[n] = append(r.bySegments[n], rt)
	}
	return r, nil
}

// candidates are the routes whose template has as many segments as segs.
func (r *Router) candidates(segs []string) []*route {
	if len(segs) >= len(r.bySegments) {
		return nil
	}
	return r.bySegments[len(segs)]
}

func newRoute(doc *openapi3.T, key string, item *openapi3.PathItem, method string, op *openapi3.Operation) (*route, error) {
	path, rawQuery, _ := strings.Cut(key, "?")
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, fmt.Errorf("path key %q: bad query: %w", key, err)
	}
	rt := &route{
		query:  make(map[string]string, len(q)),
		method: method,
		kr:     routers.Route{Spec: doc, Path: key, PathItem: item, Method: method, Operation: op},
	}
	for k, v := range q {
		rt.query[k] = v[0]
	}
	for _, seg := range splitPath(path) {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			rt.segments = append(rt.segments, "")
			rt.params = append(rt.params, seg[1:len(seg)-1])
			continue
		}
		rt.segments = append(rt.segments, seg)
		rt.params = append(rt.params, "")
	}
	return rt, nil
}

func (rt *route) literals() int {
	n := 0
	for _, s := range rt.segments {
		if s != "" {
			n++
		}
	}
	return n
}

// fits reports whether segs fit the template: every literal segment
// equal, every parameter segment a non-empty, well-escaped value.
func (rt *route) fits(segs []string) bool {
	if len(segs) != len(rt.segments) {
		return false
	}
	for i, seg := range segs {
		if rt.params[i] == "" {
			if seg != rt.segments[i] {
				return false
			}
			continue
		}
		if v, err := url.PathUnescape(seg); err != nil || v == "" {
			return false
		}
	}
	return true
}

// pathParams returns the path parameters of segs, which fit the template
// (nil when it has none).
func (rt *route) pathParams(segs []string) map[string]string {
	var params map[string]string
	for i, seg := range segs {
		if rt.params[i] == "" {
			continue
		}
		if params == nil {
			params = make(map[string]string, 1)
		}
		params[rt.params[i]], _ = url.PathUnescape(seg)
	}
	return params
}

func (rt *route) matchQuery(q url.Values) bool {
	for k, want := range rt.query {
		if got, ok := q[k]; !ok || len(got) == 0 || got[0] != want {
			return false
		}
	}
	return true
}

// FindRoute implements routers.Router. It returns routers.ErrPathNotFound
// (possibly wrapped in a *QueryMismatchError) when no operation has the path,
// and routers.ErrMethodNotAllowed when the path exists under other methods.
func (r *Router) FindRoute(req *http.Request) (*routers.Route, map[string]string, error) {
	segs := splitPath(req.URL.EscapedPath())
	var q url.Values
	pathSeen := false
	var mismatched []*routers.Route
	for _, rt := range r.candidates(segs) {
		if !rt.fits(segs) {
			continue
		}
		pathSeen = true
		if rt.method != req.Method {
			continue
		}
		if q == nil && len(rt.query) > 0 {
			q = req.URL.Query()
		}
		if !rt.matchQuery(q) {
			mismatched = append(mismatched, &rt.kr)
			continue
		}
		kr := rt.kr
		return &kr, rt.pathParams(segs), nil
	}
	switch {
	case len(mismatched) > 0:
		return nil, nil, &QueryMismatchError{Method: req.Method, Path: req.URL.Path, Candidates: mismatched}
	case pathSeen:
		return nil, nil, routers.ErrMethodNotAllowed
	default:
		return nil, nil, routers.ErrPathNotFound
	}
}

// AllowedMethods lists, sorted and without repeats, the methods of the
// operations whose path template matches the request path (what an Allow
// header on a 405 answer says).
func (r *Router) AllowedMethods(req *http.Request) []string {
	segs := splitPath(req.URL.EscapedPath())
	var out []string
	for _, rt := range r.candidates(segs) {
		if rt.fits(segs) && !slices.Contains(out, rt.method) {
			out = append(out, rt.method)
		}
	}
	slices.Sort(out)
	return out
}

// IsNotFound reports whether err is a routing miss of any kind (no path, or a
// path whose fixed query did not match).
func IsNotFound(err error) bool { return errors.Is(err, routers.ErrPathNotFound) }

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}
