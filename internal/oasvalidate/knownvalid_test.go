package oasvalidate

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/spec"
)

// knownValidCase is one request of the corpus: a target and headers, with
// or without a body.
type knownValidCase struct {
	method, target string
	header         http.Header
	body           string
}

var pathParam = regexp.MustCompile(`\{[^}]+\}`)

// knownValidCorpus builds, for every operation of doc, requests with the
// path parameters filled in (and empty), each query and header parameter
// sent alone with good, bad and empty values, and with a JSON body.
func knownValidCorpus(doc *openapi3.T) []knownValidCase {
	var out []knownValidCase
	for key, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			path, fixed, _ := strings.Cut(key, "?")
			targets := []string{pathParam.ReplaceAllString(path, "x1"), pathParam.ReplaceAllString(path, "")}
			var queries, headers []string
			for _, ref := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
				switch ref.Value.In {
				case openapi3.ParameterInQuery:
					queries = append(queries, ref.Value.Name)
				case openapi3.ParameterInHeader:
					headers = append(headers, ref.Value.Name)
				}
			}
			for _, t := range targets {
				base := knownValidCase{method: method, target: withQuery(t, fixed, ""), header: http.Header{}}
				out = append(out, base)
				withBody := base
				withBody.header = http.Header{"Content-Type": {"application/json"}}
				withBody.body = `{"unexpected":[[[]]]}`
				out = append(out, withBody)
				for _, q := range queries {
					for _, v := range []string{"true", "notabool", "", "500", "-1"} {
						c := base
						c.target = withQuery(t, fixed, url.QueryEscape(q)+"="+url.QueryEscape(v))
						out = append(out, c)
					}
				}
				for _, h := range headers {
					for _, v := range []string{"abc", ""} {
						c := base
						c.header = http.Header{}
						c.header.Set(h, v)
						out = append(out, c)
					}
				}
			}
		}
	}
	return out
}

func withQuery(path, fixed, extra string) string {
	q := strings.Trim(fixed+"&"+extra, "&")
	if q == "" {
		return path
	}
	return path + "?" + q
}

// TestKnownValid_NeverAcceptsWhatTheValidatorRefuses: for every operation
// of both specs and a corpus of good and bad requests, a request that
// knownValid lets through without validation is one the full validation
// accepts; and task polls (no query, no body) take the short way.
func TestKnownValid_NeverAcceptsWhatTheValidatorRefuses(t *testing.T) {
	for _, api := range spec.APIs() {
		v, err := New(api)
		require.NoError(t, err)
		full := *v
		full.plain = nil // the validator without the short way
		shortcuts := map[string]int{}
		for _, c := range knownValidCorpus(v.Doc) {
			req := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
			for k, vs := range c.header {
				req.Header[k] = vs
			}
			route, params, err := v.Route(req)
			if err != nil {
				continue // e.g. an empty path parameter that routes nowhere
			}
			if !v.knownValid(req, route, params) {
				continue
			}
			shortcuts[route.Operation.OperationID]++
			assert.NoError(t, full.ValidateRequest(context.Background(), req, route, params),
				"%s: %s %s %v body %q is refused by the validator but knownValid lets it through", api, c.method, c.target, c.header, c.body)
		}
		assert.NotZero(t, shortcuts["getTask"], "%s: a task poll should skip the validator", api)
		t.Logf("%s: operations that took the short way: %v", api, shortcuts)
	}
}

// TestValidateRequest_StillRefusesBadParametersOfPlainOperations: bad
// values of the optional parameters of an operation with a short way are
// still refused (the vSphere task read's boolean query parameters).
func TestValidateRequest_StillRefusesBadParametersOfPlainOperations(t *testing.T) {
	v, err := New(spec.VCHA)
	require.NoError(t, err)
	for _, target := range []string{
		"/api/cis/tasks/t1?return_all=notabool",
		"/api/cis/tasks/t1?exclude_result=2",
	} {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		route, params, err := v.Route(req)
		require.NoError(t, err)
		require.Contains(t, v.plain, route.Operation, "getTask has a short way")
		err = v.ValidateRequest(context.Background(), req, route, params)
		require.Error(t, err, target)
		assert.Equal(t, "query", Describe(err).In, target)
	}
}

// TestParamsKnownValid_NeverAcceptsWhatTheValidatorRefuses: for every
// operation that takes a body, of both specs, and the corpus's good and
// bad parameters, parameters that paramsKnownValid lets through (as for a
// remembered body) are ones the validator accepts when it leaves the body
// out; and a VCAV failover without a query or an operationID header takes
// the short way.
func TestParamsKnownValid_NeverAcceptsWhatTheValidatorRefuses(t *testing.T) {
	for _, api := range spec.APIs() {
		v, err := New(api)
		require.NoError(t, err)
		shortcuts := map[string]int{}
		for _, c := range knownValidCorpus(v.Doc) {
			req := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
			for k, vs := range c.header {
				req.Header[k] = vs
			}
			route, params, err := v.Route(req)
			if err != nil || route.Operation.RequestBody == nil {
				continue
			}
			r := *route
			r.Operation = v.unsecured[route.Operation] // as validateMemo sees it
			if !v.paramsKnownValid(req, &r, params) {
				continue
			}
			shortcuts[route.Operation.OperationID]++
			assert.NoError(t, v.validate(context.Background(), req, &r, params, v.paramOpts),
				"%s: %s %s %v: parameters refused by the validator but paramsKnownValid lets them through", api, c.method, c.target, c.header)
		}
		if api == spec.VCAV {
			assert.NotZero(t, shortcuts["failoverVmReplication"], "a VCAV failover's parameters should skip the validator")
		}
		t.Logf("%s: operations that took the short way: %v", api, shortcuts)
	}
}
