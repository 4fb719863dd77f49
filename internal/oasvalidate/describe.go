package oasvalidate

import (
	"errors"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Detail is a validation failure reduced to what a person needs: where the
// problem is and why, without the offending value.
type Detail struct {
	// In is "body", "query", "path", "header" or "" when unknown.
	In string
	// Field is the parameter name, or the JSON path in the body
	// ("vmNetworkSettings.nics.0.nicIndex"); empty for the whole body.
	Field string
	// Reason says what is wrong ("value must be a boolean").
	Reason string
}

// String renders d as one sentence fragment, e.g.
// `request body field "powerOn": value must be a boolean`.
func (d Detail) String() string {
	switch {
	case d.In == "body" && d.Field != "":
		return `request body field "` + d.Field + `": ` + d.Reason
	case d.In == "body":
		return "request body: " + d.Reason
	case d.In == "response" && d.Field != "":
		return `response body field "` + d.Field + `": ` + d.Reason
	case d.In == "response":
		return "response: " + d.Reason
	case d.Field != "":
		return d.In + ` parameter "` + d.Field + `": ` + d.Reason
	default:
		return d.Reason
	}
}

// Describe reduces a kin-openapi validation error to a Detail.
func Describe(err error) Detail {
	var d Detail
	var reqErr *openapi3filter.RequestError
	var respErr *openapi3filter.ResponseError
	switch {
	case errors.As(err, &reqErr):
		d.Reason = reqErr.Reason
		if p := reqErr.Parameter; p != nil {
			d.In, d.Field = p.In, p.Name
		} else if reqErr.RequestBody != nil {
			d.In = "body"
		}
	case errors.As(err, &respErr):
		d.In, d.Reason = "response", respErr.Reason
	}
	var parseErr *openapi3filter.ParseError
	var schemaErr *openapi3.SchemaError
	switch {
	case errors.As(err, &schemaErr):
		leaf := deepest(schemaErr)
		if d.In != "query" && d.In != "path" && d.In != "header" && d.In != "cookie" {
			d.Field = strings.Join(leaf.JSONPointer(), ".")
		}
		d.Reason = leaf.Reason
	case errors.As(err, &parseErr):
		d.Reason = parseReason(parseErr)
	case d.Reason == "":
		d.Reason = err.Error()
	}
	return d
}

// deepest follows a oneOf/anyOf failure into its branch when exactly one
// branch was tried (as with a discriminator), for a precise field path.
func deepest(e *openapi3.SchemaError) *openapi3.SchemaError {
	if e.Origin == nil {
		return e
	}
	var me openapi3.MultiError
	if errors.As(e.Origin, &me) {
		if len(me) != 1 {
			return e // several branches failed: the union itself is the problem
		}
		var inner *openapi3.SchemaError
		if errors.As(me[0], &inner) {
			return deepest(inner)
		}
		return e
	}
	var inner *openapi3.SchemaError
	if errors.As(e.Origin, &inner) && inner != e {
		return deepest(inner)
	}
	return e
}

func parseReason(e *openapi3filter.ParseError) string {
	if e.Kind == openapi3filter.KindInvalidFormat && e.Cause != nil {
		return "malformed JSON: " + e.Cause.Error()
	}
	if e.Reason != "" {
		return e.Reason
	}
	if e.Cause != nil {
		return e.Cause.Error()
	}
	return "cannot parse"
}
