package oasvalidate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/failoverkit/failoverkit/spec"
)

// Validator validates traffic of one API. Build it once (New loads and
// indexes the spec) and share it: it is safe for concurrent use.
type Validator struct {
	API    spec.API
	Doc    *openapi3.T
	Router *spec.Router

	reqOpts  *openapi3filter.Options
	respOpts *openapi3filter.Options
	// unsecured maps each operation of Doc to a shallow copy whose security
	// requirements are empty (see ValidateRequest).
	unsecured map[*openapi3.Operation]*openapi3.Operation
	// plain lists the operations whose requests may be known valid
	// without running the validator (knownvalid.go).
	plain map[*openapi3.Operation]*plainOperation
	// memo remembers the request bodies that validated (bodymemo.go);
	// paramOpts validates a request without its body.
	memo      *bodyMemo
	paramOpts *openapi3filter.Options
}

// New returns a Validator for api backed by the embedded spec.
func New(api spec.API) (*Validator, error) {
	doc, err := spec.Load(api)
	if err != nil {
		return nil, err
	}
	r, err := spec.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("build %s router: %w", api, err)
	}
	v := &Validator{
		API:       api,
		Doc:       doc,
		Router:    r,
		unsecured: unsecuredOperations(doc),
		plain:     plainOperations(doc),
		memo:      &bodyMemo{},
		// Authentication is the caller's job (the mock checks sessions
		// itself, in the vendor's error shape), so security is a no-op here.
		// Schema errors never render the offending value (nor the schema)
		// into their messages: values may be secrets, and rendering a large
		// one per schema branch cost hundreds of MiB per request.
		reqOpts: &openapi3filter.Options{
			AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
		},
		respOpts: &openapi3filter.Options{
			IncludeResponseStatus:   true,
			AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
		},
	}
	for op, u := range v.unsecured { // the memo sees the unsecured copies
		if p, ok := v.plain[op]; ok {
			v.plain[u] = p
		}
	}
	params := *v.reqOpts
	params.ExcludeRequestBody = true
	v.paramOpts = &params
	return v, nil
}

// Route finds the operation of req; see spec.Router.FindRoute.
func (v *Validator) Route(req *http.Request) (*routers.Route, map[string]string, error) {
	return v.Router.FindRoute(req)
}

// unsecuredOperations copies every operation of doc with an empty list of
// security requirements.
func unsecuredOperations(doc *openapi3.T) map[*openapi3.Operation]*openapi3.Operation {
	out := map[*openapi3.Operation]*openapi3.Operation{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			cp := *op
			cp.Security = &openapi3.SecurityRequirements{}
			out[op] = &cp
		}
	}
	return out
}

// ValidateRequest validates req's parameters and body against route.
// req.Body stays readable afterwards (with the spec's defaults filled in).
// A JSON body is first checked against MaxJSONDepth and MaxRequestJSONValues
// (CheckJSON), so no body decodes into more than a small multiple of its
// size; the error returned holds neither the request nor any value from it.
// Security is not checked: authentication is the caller's job. The
// operation is validated without its security requirements, which spares
// openapi3filter a copy of the body per requirement for an authentication
// function that would accept anything anyway. A request known to be valid
// from the spec alone (knownValid: no body, no optional parameter sent,
// path parameters that take any string) is not run through the validator.
func (v *Validator) ValidateRequest(ctx context.Context, req *http.Request, route *routers.Route, params map[string]string) error {
	if v.knownValid(req, route, params) {
		return nil
	}
	if op, ok := v.unsecured[route.Operation]; ok {
		r := *route
		r.Operation = op
		route = &r
	}
	if done, err := v.validateMemo(ctx, req, route, params); done {
		return err
	}
	return v.validate(ctx, req, route, params, v.reqOpts)
}

// validate checks a JSON body against the JSON limits (checkRequestJSON),
// then runs openapi3filter's request validation with opts. The error
// holds no value from the request (forget).
func (v *Validator) validate(ctx context.Context, req *http.Request, route *routers.Route, params map[string]string, opts *openapi3filter.Options) error {
	if err := checkRequestJSON(req, route); err != nil {
		return err
	}
	return forget(openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options:    opts,
	}))
}

// checkRequestJSON reads a JSON request body, refuses it when it is over
// the JSON limits, and puts it back for the validator. An error reading the
// body (such as a body limit tripping) is returned as it is.
func checkRequestJSON(req *http.Request, route *routers.Route) error {
	if req.Body == nil || req.Body == http.NoBody || !isJSON(req.Header) {
		return nil
	}
	body, err := readBody(req.Body, req.ContentLength)
	_ = req.Body.Close()
	if err != nil {
		return err
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	var le *LimitError
	if err := CheckJSON(body, MaxRequestJSONValues); errors.As(err, &le) {
		re := &openapi3filter.RequestError{Reason: le.Reason, Err: le}
		if route.Operation.RequestBody != nil {
			re.RequestBody = route.Operation.RequestBody.Value
		}
		return re
	}
	return nil
}

// readBody reads r whole. With a declared length (up to 16 MiB) it reads
// into a buffer of exactly that size, so a body costs its size once rather
// than the doublings of io.ReadAll; a body longer than declared is read on.
func readBody(r io.Reader, contentLength int64) ([]byte, error) {
	if contentLength <= 0 || contentLength > 16<<20 {
		return io.ReadAll(r)
	}
	b := make([]byte, contentLength)
	n, err := io.ReadFull(r, b)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return b[:n], nil
	case err != nil:
		return nil, err
	}
	rest, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return append(b, rest...), nil
}

// isJSON reports whether h declares a JSON body (application/json or any
// +json type, in any case).
func isJSON(h http.Header) bool {
	return strings.Contains(strings.ToLower(h.Get("Content-Type")), "json")
}

// ValidateResponse validates a response to req on route. An undocumented
// status is an error. A JSON media type the operation does not list for
// the status (application/vnd.vmware.h4-v4.7+json) is validated as
// application/json when the operation documents that: vendors answer the
// same JSON under versioned +json types.
func (v *Validator) ValidateResponse(ctx context.Context, req *http.Request, route *routers.Route, params map[string]string,
	status int, header http.Header, body []byte) error {
	if isJSON(header) {
		var le *LimitError
		if err := CheckJSON(body, MaxResponseJSONValues); errors.As(err, &le) {
			return &openapi3filter.ResponseError{Reason: "response body: " + le.Reason, Err: le}
		}
	}
	header = normalizeJSONType(route.Operation, status, header)
	return forget(openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route, Options: v.respOpts,
		},
		Status:  status,
		Header:  header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: v.respOpts,
	}))
}

// ValidateSchema validates a decoded JSON value against the named component
// schema (for bodies outside any operation, such as an error answered to an
// unknown route).
func (v *Validator) ValidateSchema(name string, value any) error {
	ref, ok := v.Doc.Components.Schemas[name]
	if !ok || ref.Value == nil {
		return fmt.Errorf("%s spec has no schema %q", v.API, name)
	}
	return ref.Value.VisitJSON(value)
}

// normalizeJSONType returns header with an application/<x>+json
// Content-Type replaced by application/json (parameters kept) when op's
// answer for status documents application/json and not that type; else
// header itself.
func normalizeJSONType(op *openapi3.Operation, status int, header http.Header) http.Header {
	ct := header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || !strings.HasPrefix(mt, "application/") || !strings.HasSuffix(mt, "+json") || op == nil || op.Responses == nil {
		return header
	}
	resp := op.Responses.Status(status)
	if resp == nil {
		resp = op.Responses.Default()
	}
	if resp == nil || resp.Value == nil || resp.Value.Content[mt] != nil || resp.Value.Content["application/json"] == nil {
		return header
	}
	out := header.Clone()
	out.Set("Content-Type", mime.FormatMediaType("application/json", params))
	return out
}
