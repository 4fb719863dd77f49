package spec

import (
	"errors"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/routers"
)

// findRouteLinear is FindRoute as it was before routes were grouped by
// segment count: every route tried in order.
func findRouteLinear(r *Router, method, target string) (string, map[string]string, error) {
	req := httptest.NewRequest(method, target, nil)
	segs := splitPath(req.URL.EscapedPath())
	pathSeen, mismatched := false, 0
	for _, rt := range r.routes {
		if !rt.fits(segs) {
			continue
		}
		pathSeen = true
		if rt.method != method {
			continue
		}
		if !rt.matchQuery(req.URL.Query()) {
			mismatched++
			continue
		}
		return rt.kr.Operation.OperationID, rt.pathParams(segs), nil
	}
	switch {
	case mismatched > 0:
		return "", nil, routers.ErrPathNotFound
	case pathSeen:
		return "", nil, routers.ErrMethodNotAllowed
	}
	return "", nil, routers.ErrPathNotFound
}

// TestRouter_SegmentGroupsRouteAsLinearScan: for every path template of
// every API, filled in, shortened, lengthened and escaped, under every
// method, FindRoute (which tries only the templates of the path's length)
// finds what trying every template in order finds.
func TestRouter_SegmentGroupsRouteAsLinearScan(t *testing.T) {
	methods := []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}
	for _, api := range APIs() {
		doc, err := Load(api)
		if err != nil {
			t.Fatal(err)
		}
		r, err := NewRouter(doc)
		if err != nil {
			t.Fatal(err)
		}
		var targets []string
		for key := range doc.Paths.Map() {
			path, query, _ := strings.Cut(key, "?")
			filled := strings.NewReplacer("{", "x%2F", "}", "").Replace(path)
			targets = append(targets, filled, filled+"/extra", filled+"?"+query, filled[:strings.LastIndex(filled, "/")+1],
				strings.ReplaceAll(filled, "x%2F", "%25"), strings.ReplaceAll(filled, "x%2F", ""))
		}
		for _, target := range targets {
			for _, m := range methods {
				wantOp, wantParams, wantErr := findRouteLinear(r, m, target)
				route, params, err := r.FindRoute(httptest.NewRequest(m, target, nil))
				if !errors.Is(err, wantErr) || (err == nil) != (wantErr == nil) {
					t.Fatalf("%s %s %s: error %v, linear scan %v", api, m, target, err, wantErr)
				}
				if err != nil {
					continue
				}
				if route.Operation.OperationID != wantOp || !reflect.DeepEqual(params, wantParams) {
					t.Errorf("%s %s %s: %s %v, linear scan %s %v", api, m, target, route.Operation.OperationID, params, wantOp, wantParams)
				}
			}
		}
	}
}
