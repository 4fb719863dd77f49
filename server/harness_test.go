package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

// testStart is where every test's ManualClock starts.
var testStart = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// testMock starts a mock on a ManualClock with httptest servers for both
// APIs. Every response either server sends is validated against its spec
// (see validatingTransport); use the returned *http.Client for requests.
type testMock struct {
	*Mock
	clock   *ManualClock
	vcavURL string
	vchaURL string
	vcavHC  *http.Client
	vchaHC  *http.Client
}

func newTestMock(t testing.TB, opts ...Option) *testMock {
	t.Helper()
	clock := NewManualClock(testStart)
	m, err := New(append([]Option{WithClock(clock)}, opts...)...)
	require.NoError(t, err)
	tm := &testMock{Mock: m, clock: clock}
	for _, info := range m.APIs() {
		api := info.API
		srv := httptest.NewServer(m.Handler(api))
		t.Cleanup(srv.Close)
		v, err := oasvalidate.New(api)
		require.NoError(t, err)
		hc := &http.Client{Transport: &validatingTransport{t: t, v: v, base: srv.Client().Transport}}
		if api == spec.VCAV {
			tm.vcavURL, tm.vcavHC = srv.URL, hc
		} else {
			tm.vchaURL, tm.vchaHC = srv.URL, hc
		}
	}
	return tm
}

// validatingTransport fails the test when a response does not conform:
// responses to spec operations are validated with their operation
// (undocumented statuses included); error responses anywhere else (unknown
// routes, wrong methods, the non-task form) must still have the vendor's
// error shape.
type validatingTransport struct {
	t    testing.TB
	v    *oasvalidate.Validator
	base http.RoundTripper
}

func (vt *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := vt.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := validateExchange(vt.v, req, resp.StatusCode, resp.Header, body); err != nil {
		vt.t.Errorf("%s %s: %v\nbody: %s", req.Method, req.URL.RequestURI(), err, excerpt(body))
	}
	return resp, nil
}

// validateExchange checks one answer of the mock with
// oasvalidate.ValidateAnswer: a response to a spec operation must validate
// with its operation (undocumented statuses included); an answer anywhere
// else (unknown routes, wrong methods, the non-task form) must be an error
// in the vendor's shape. Control API and spec document answers are not
// checked.
func validateExchange(v *oasvalidate.Validator, req *http.Request, status int, header http.Header, body []byte) error {
	if isControlPath(req.URL.Path) || isPublicPath(req.URL.Path) {
		return nil
	}
	route, params, rerr := v.Route(req)
	if rerr != nil {
		route, params = nil, nil
	}
	if err := v.ValidateAnswer(req.Context(), req, route, params, status, header, body); err != nil {
		return fmt.Errorf("answer %d does not conform: %s", status, oasvalidate.Describe(err))
	}
	return nil
}

// checkErrorShape requires a JSON body that is the vendor's error object:
// ApiError for VCAV, Std_Errors_Error for vSphere.
func checkErrorShape(v *oasvalidate.Validator, header http.Header, body []byte) error {
	if err := v.ValidateErrorShape(header, body); err != nil {
		return fmt.Errorf("error body is not a %s: %s", v.ErrorSchema(), oasvalidate.Describe(err))
	}
	return nil
}

func excerpt(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// do sends a request with an optional JSON body and headers (name, value
// pairs) and returns the status and body.
func do(t testing.TB, hc *http.Client, method, url string, body any, headers ...string) (int, []byte, http.Header) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	case io.Reader: // sent chunked when its length is unknown
		r = b
	default:
		raw, err := json.Marshal(b)
		require.NoError(t, err)
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, r)
	require.NoError(t, err)
	if r != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, out, resp.Header
}

// builtinAPINames lists the built-in APIs (spec.APIs may also hold the
// test-only example API; see exampleapi_api_test.go).
func builtinAPINames() []spec.API {
	var out []spec.API
	for _, d := range builtinAPIs() {
		out = append(out, d.api)
	}
	return out
}
