package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/failoverkit/failoverkit/spec"
)

// apiFacts is what the suite knows of one API beyond its OpenAPI document:
// the error codes the vendor is known to send, the generated models its
// answers must decode into, the behaviour every answer must show, and how
// preflight recognises the API and logs in.
type apiFacts struct {
	// envPrefix names the shell variables of reproducible curl commands
	// (FAILOVERKIT_VCAV_URL, FAILOVERKIT_VCAV_TOKEN, ...).
	envPrefix string
	// tokenHeader carries the session token.
	tokenHeader string
	// decoders parse an answer of an operation into the generated models
	// (the generated client's Parse<Operation>Response).
	decoders map[string]func(*http.Response) error
	// check holds every answer of the API to what the spec promises beyond
	// its schema (ids, times, counts).
	check func(r *caseRun, ex *exchange) error
	// probe tells whether a URL answers as this API (preflight).
	probe func(ctx context.Context, c *apiClient) error
	// login logs in with the target's credentials (preflight); it returns
	// the token and a clean-up.
	login func(ctx context.Context, c *apiClient, t Target, red *redactor) (string, func(), error)
	// objects checks that the objects the target names exist (preflight).
	objects func(ctx context.Context, c *apiClient, t Target, token string) error
	// credentialsMissing says which credentials to set, or "".
	credentialsMissing func(Credentials) string
}

// facts returns the facts of api.
func facts(api spec.API) apiFacts {
	if api == spec.VCAV {
		return vcavFacts
	}
	return vchaFacts
}

// decodeWith adapts a generated Parse<Operation>Response function.
func decodeWith[T any](parse func(*http.Response) (T, error)) func(*http.Response) error {
	return func(r *http.Response) error {
		_, err := parse(r)
		return err
	}
}

// answerChecks runs on every answer that fits its schema: it must decode
// into the generated model (kin-openapi accepts 40.0 for an integer, Go
// clients do not), then show the API's promised behaviour.
func (r *caseRun) answerChecks(ex *exchange) error {
	f := facts(r.c.API)
	var fs []error
	if dec := f.decoders[ex.req.op]; dec != nil && len(ex.body) > 0 {
		resp := &http.Response{StatusCode: ex.status, Header: ex.header, Body: io.NopCloser(bytes.NewReader(ex.body))}
		if err := dec(resp); err != nil {
			fs = append(fs, r.modelFinding(ex, err))
		}
	}
	if f.check != nil && ex.doc != nil {
		fs = append(fs, f.check(r, ex))
	}
	return errors.Join(fs...)
}

// modelFinding turns a decoding error of the generated model into a finding.
func (r *caseRun) modelFinding(ex *exchange, err error) *Finding {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		what := te.Value
		if strings.HasPrefix(what, "number ") {
			what = "a number with a fraction or an exponent"
		}
		return r.finding(ex, InBody, te.Field, fmt.Sprintf("is %s: the generated model (%s) cannot decode it, as any typed client would fail", what, te.Type), err)
	}
	return r.finding(ex, InBody, "", "the body does not decode into the generated model: "+err.Error(), err)
}

// codeFinding reports an error code other than the one expected: a finding
// when the vendor documents the expected code (spec.Info.DocumentedCodes)
// and got is not interchangeable with it, a failoverkit choice otherwise (a
// note against a real appliance, a finding against the mock).
func (r *caseRun) codeFinding(ex *exchange, field, want string) error {
	got, _ := lookupString(ex.doc, field)
	f := r.finding(ex, InBody, field, fmt.Sprintf("got %s, want %q", describeValue(ex.doc, field), want), nil)
	info, _ := spec.Lookup(r.c.API)
	if bindingCode(info, want, got) {
		return f
	}
	f.Reason += " (a failoverkit choice or an interchangeable vendor code)"
	return r.choice(f)
}

// Bounds of a plausible timestamp: 1980-01-01 and 2200-01-01 in epoch
// milliseconds. Seconds (1.7e9) and microseconds (1.7e15) fall outside.
const (
	minPlausibleMillis = 315532800000
	maxPlausibleMillis = 7258118400000
)

// plausibleMillis returns a reason when v is not a plausible epoch
// millisecond timestamp, or "".
func plausibleMillis(v float64) string {
	switch {
	case v < minPlausibleMillis:
		return fmt.Sprintf("%.0f is before 1980 as epoch milliseconds (seconds instead of milliseconds?)", v)
	case v > maxPlausibleMillis:
		return fmt.Sprintf("%.0f is after 2200 as epoch milliseconds (microseconds instead of milliseconds?)", v)
	}
	return ""
}

// number returns the number at a dotted path.
func number(doc any, path string) (float64, bool) {
	v, ok := lookup(doc, strings.Split(path, ".")...)
	n, isNum := v.(float64)
	return n, ok && isNum
}
