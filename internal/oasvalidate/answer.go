package oasvalidate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/routers"

	"github.com/failoverkit/failoverkit/spec"
)

// ValidateAnswer is failoverkit's one definition of a conforming answer,
// used by the mock's tests, the conformance suite and the proxy. An answer
// to an operation (route set) must validate with that operation: status,
// headers, content type and schema, an undocumented status being an error.
// An error answered to a request that is no operation (route nil: unknown
// routes, wrong methods, the vSphere non-task form) must still be JSON in
// the API's error shape (ValidateErrorShape). A success answered to such a
// request is a *NoOperationError.
func (v *Validator) ValidateAnswer(ctx context.Context, req *http.Request, route *routers.Route, params map[string]string,
	status int, header http.Header, body []byte) error {
	switch {
	case route != nil:
		return v.ValidateResponse(ctx, req, route, params, status, header, body)
	case status < 400:
		return &NoOperationError{Status: status}
	default:
		return v.validateErrorShape(v.errorSchemaFor(req.URL.Path), header, body)
	}
}

// NoOperationError reports a success answered to a request that matches no
// operation of the spec.
type NoOperationError struct{ Status int }

// Error says what was answered.
func (e *NoOperationError) Error() string {
	return fmt.Sprintf("no spec operation, yet answered %d", e.Status)
}

// ContentTypeError reports a body that should be JSON and is not.
type ContentTypeError struct{ Got string }

// Error says what the Content-Type was and what it should be.
func (e *ContentTypeError) Error() string {
	return fmt.Sprintf("has unexpected value %q, want application/json", e.Got)
}

// ErrMalformedJSON reports an error body that is not JSON.
var ErrMalformedJSON = errors.New("malformed JSON")

// ValidateErrorShape requires a JSON body (a *ContentTypeError otherwise)
// that decodes (ErrMalformedJSON otherwise) to the API's error object, the
// schema its spec.Info names (a schema error otherwise).
func (v *Validator) ValidateErrorShape(header http.Header, body []byte) error {
	return v.validateErrorShape(v.ErrorSchema(), header, body)
}

func (v *Validator) validateErrorShape(schema string, header http.Header, body []byte) error {
	if ct := header.Get("Content-Type"); !IsJSON(ct) {
		return &ContentTypeError{Got: ct}
	}
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return ErrMalformedJSON
	}
	return v.ValidateSchema(schema, doc)
}

// errorSchemaFor is the error schema of requests to path.
func (v *Validator) errorSchemaFor(path string) string {
	info, _ := spec.Lookup(v.API)
	return info.ErrorSchemaFor(path)
}

// ErrorSchema is the component schema of the API's error bodies.
func (v *Validator) ErrorSchema() string {
	info, _ := spec.Lookup(v.API)
	return info.ErrorSchema
}

// IsJSON reports whether a Content-Type is application/json or a +json type.
func IsJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// TokenHeaders lists the request headers that carry a session token in
// any registered API: the header of each apiKey security scheme declared
// in header, in API order, without repeats. A response that hands out a
// session token (a login) sends it in the same header.
func TokenHeaders() ([]string, error) {
	var out []string
	for _, api := range spec.APIs() {
		doc, err := spec.Load(api)
		if err != nil {
			return nil, err
		}
		names := make([]string, 0, len(doc.Components.SecuritySchemes))
		for name := range doc.Components.SecuritySchemes {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			s := doc.Components.SecuritySchemes[name].Value
			if s != nil && s.Type == "apiKey" && s.In == "header" && !slices.Contains(out, s.Name) {
				out = append(out, s.Name)
			}
		}
	}
	return out, nil
}
