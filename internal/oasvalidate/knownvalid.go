package oasvalidate

import (
	"net/http"
	"net/textproto"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// plainOperation is what is known, from the spec alone, about an operation
// whose requests kin-openapi's validation can only refuse for what they
// send: it takes no request body, each of its path parameters accepts any
// non-empty string, and each of its other parameters is optional and has
// no default. A request that sends none of those other parameters, no
// body, and a non-empty value for each path parameter is valid:
// ValidateRequest would return nil and change nothing in the request (no
// default to fill in). Such requests (polling a task, reading a session)
// are most of a client's traffic, and validating one cost about a dozen
// allocations; knownValid answers for them in a few map lookups.
//
// The parameters alone decide for an operation that takes a body (body
// set): such an operation's requests are never known valid, but once its
// body is (a remembered body, bodymemo.go) the same request parameters
// are known valid without running the validator.
type plainOperation struct {
	body       bool
	pathParams []string
	// query is whether the operation declares query parameters: a request
	// with a query string is then validated in full.
	query bool
	// headers are the canonical names of its header parameters: a request
	// that sends one is validated in full.
	headers []string
}

// plainOperations finds the plain operations of doc (see plainOperation).
func plainOperations(doc *openapi3.T) map[*openapi3.Operation]*plainOperation {
	out := map[*openapi3.Operation]*plainOperation{}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if p, ok := plainOf(item.Parameters, op); ok {
				out[op] = p
			}
		}
	}
	return out
}

// plainOf works out whether op (with its path item's parameters) is plain.
func plainOf(itemParams openapi3.Parameters, op *openapi3.Operation) (*plainOperation, bool) {
	p := &plainOperation{body: op.RequestBody != nil}
	for _, ref := range append(append(openapi3.Parameters{}, itemParams...), op.Parameters...) {
		if ref == nil || ref.Value == nil {
			return nil, false
		}
		param := ref.Value
		switch {
		case param.In == openapi3.ParameterInPath && acceptsNonEmptyString(param):
			p.pathParams = append(p.pathParams, param.Name)
		case param.In == openapi3.ParameterInPath || param.Required || !withoutDefault(param):
			return nil, false
		case param.In == openapi3.ParameterInQuery:
			p.query = true
		case param.In == openapi3.ParameterInHeader:
			p.headers = append(p.headers, textproto.CanonicalMIMEHeaderKey(param.Name))
		default: // cookies: always validate in full
			return nil, false
		}
	}
	return p, true
}

// acceptsNonEmptyString reports whether a parameter's schema accepts every
// non-empty string: type string (or none), at most minLength 1, and no
// other keyword that constrains a string.
func acceptsNonEmptyString(p *openapi3.Parameter) bool {
	if p.Content != nil || p.Schema == nil || p.Schema.Value == nil {
		return false
	}
	s := p.Schema.Value
	if s.Type != nil && !(len(*s.Type) == 1 && s.Type.Is(openapi3.TypeString)) {
		return false
	}
	return withoutDefault(p) && s.Format == "" && s.Pattern == "" && len(s.Enum) == 0 &&
		s.MinLength <= 1 && s.MaxLength == nil && s.Not == nil && len(s.OneOf) == 0 &&
		len(s.AnyOf) == 0 && !s.Nullable && s.Const == nil
}

// withoutDefault reports whether a parameter has a plain schema without a
// default value (kin-openapi fills a default in, also one from allOf).
func withoutDefault(p *openapi3.Parameter) bool {
	return p.Content == nil && p.Schema != nil && p.Schema.Value != nil &&
		p.Schema.Value.Default == nil && len(p.Schema.Value.AllOf) == 0
}

// knownValid reports whether req to route is known to be valid without
// running the validator (see plainOperation). false means "validate in
// full", not "invalid".
func (v *Validator) knownValid(req *http.Request, route *routers.Route, params map[string]string) bool {
	p, ok := v.plain[route.Operation]
	return ok && !p.body && !hasBody(req) && p.paramsKnownValid(req, params)
}

// paramsKnownValid reports whether the parameters of req to route are
// known to be valid without running the validator: its operation's
// parameters are plain and req sends none but its path parameters, each
// non-empty. Its body is the caller's to judge.
func (v *Validator) paramsKnownValid(req *http.Request, route *routers.Route, params map[string]string) bool {
	p, ok := v.plain[route.Operation]
	return ok && p.paramsKnownValid(req, params)
}

func (p *plainOperation) paramsKnownValid(req *http.Request, params map[string]string) bool {
	if p.query && req.URL.RawQuery != "" {
		return false
	}
	for _, name := range p.pathParams {
		if params[name] == "" {
			return false
		}
	}
	for _, h := range p.headers {
		if _, sent := req.Header[h]; sent {
			return false
		}
	}
	return true
}

// hasBody reports whether req may carry a body: a server request without
// one has a ContentLength of 0 (a chunked one has -1).
func hasBody(req *http.Request) bool {
	return req.Body != nil && req.Body != http.NoBody && req.ContentLength != 0
}
