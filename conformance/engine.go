package conformance

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/routers"

	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

// maxResponseBody bounds how much of a response the suite reads.
const maxResponseBody = 8 << 20

// ConnectionError reports that a target could not be reached at all (no
// listener, DNS, TLS handshake); the CLI exits 2 on it.
type ConnectionError struct {
	API spec.API
	URL string
	Err error
}

// Error says which target could not be reached and why.
func (e *ConnectionError) Error() string {
	return fmt.Sprintf("cannot reach the %s target %s: %v", e.API, e.URL, e.Err)
}

// Unwrap returns the transport error.
func (e *ConnectionError) Unwrap() error { return e.Err }

// CaseError reports a case that could not run to its verdict for a reason
// other than the target's conformance: a request the case itself got wrong,
// or a control API call that failed. It makes the result an error.
type CaseError struct {
	Case string
	Err  error
}

// Error names the case and the cause.
func (e *CaseError) Error() string { return e.Case + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *CaseError) Unwrap() error { return e.Err }

// apiClient sends one API's requests and validates every answer.
type apiClient struct {
	api  spec.API
	base *url.URL
	hc   *http.Client
	v    *oasvalidate.Validator
}

func newAPIClient(api spec.API, rawURL string, hc *http.Client) (*apiClient, error) {
	base, err := parseBaseURL(rawURL)
	if err != nil {
		return nil, err
	}
	base.Path = strings.TrimSuffix(base.Path, "/")
	v, err := oasvalidate.New(api)
	if err != nil {
		return nil, err
	}
	return &apiClient{api: api, base: base, hc: hc, v: v}, nil
}

// request is what a case sends.
type request struct {
	// op is the operationId the request is meant for, or "" for a request
	// that deliberately matches no operation (the vSphere non-task form).
	op     string
	method string
	// path is relative to the base URL and may carry a query.
	path   string
	header http.Header
	body   []byte
	// invalid marks a request the case means to violate the spec (a
	// negative case): validation must reject it.
	invalid bool
	// accept is the Accept header sent ("" sends application/json).
	accept string
}

// exchange is a request sent and its response.
type exchange struct {
	req    request
	route  *routers.Route
	params map[string]string
	status int
	header http.Header
	body   []byte
	// doc is the decoded JSON body, nil when the body is empty or not JSON.
	doc any
}

// specRequest builds the request kin-openapi routes and validates: the
// request path relative to the base URL on a placeholder host, so routing
// ignores where the target is mounted.
func specRequest(ctx context.Context, r request) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, r.method, "http://target.invalid"+r.path, bytes.NewReader(r.body))
	if err != nil {
		return nil, err
	}
	req.Header = r.header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if r.body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// check routes r and validates it the way the case means it: a valid
// request must pass, a deliberately invalid one must fail. A mismatch is a
// bug in the case.
func (c *apiClient) check(ctx context.Context, r request) (*routers.Route, map[string]string, error) {
	vr, err := specRequest(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	route, params, rerr := c.v.Route(vr)
	switch {
	case r.op == "" && rerr == nil:
		return nil, nil, fmt.Errorf("%s %s routes to %s, but the case means it to match no operation", r.method, r.path, route.Operation.OperationID)
	case r.op == "":
		return nil, nil, nil
	case rerr != nil:
		return nil, nil, fmt.Errorf("%s %s does not route to %s: %w", r.method, r.path, r.op, rerr)
	case route.Operation.OperationID != r.op:
		return nil, nil, fmt.Errorf("%s %s routes to %s, not %s", r.method, r.path, route.Operation.OperationID, r.op)
	}
	verr := c.v.ValidateRequest(ctx, vr, route, params)
	switch {
	case r.invalid && verr == nil:
		return nil, nil, fmt.Errorf("the negative request to %s passes validation", r.op)
	case !r.invalid && verr != nil:
		return nil, nil, fmt.Errorf("the request to %s is invalid: %s", r.op, oasvalidate.Describe(verr))
	}
	return route, params, nil
}

// send checks r, sends it and reads the response. A transport failure is
// returned as is; a case bug as a *CaseError (by the caller).
func (c *apiClient) send(ctx context.Context, r request) (*exchange, error) {
	route, params, err := c.check(ctx, r)
	if err != nil {
		return nil, &CaseError{Err: err}
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, c.base.String()+r.path, body)
	if err != nil {
		return nil, &CaseError{Err: err}
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	req.Header.Set("Accept", cmp.Or(r.accept, "application/json"))
	if r.body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return nil, fmt.Errorf("read %s response: %w", r.method+" "+r.path, err)
	}
	ex := &exchange{req: r, route: route, params: params, status: resp.StatusCode, header: resp.Header, body: raw}
	if len(raw) > 0 && oasvalidate.IsJSON(resp.Header.Get("Content-Type")) {
		_ = json.Unmarshal(raw, &ex.doc)
	}
	return ex, nil
}

// validate checks the response of ex against the spec. Responses to an
// operation are validated with kin-openapi (status, headers, content type,
// schema); an error answered to a request that is no operation must still
// be JSON in the API's error shape.
func (c *apiClient) validate(ctx context.Context, ex *exchange) error {
	if ex.route == nil && ex.status < 400 {
		return nil // the case's own status check reports it
	}
	vr, err := specRequest(ctx, ex.req)
	if err != nil {
		return err
	}
	return c.v.ValidateAnswer(ctx, vr, ex.route, ex.params, ex.status, ex.header, ex.body)
}
