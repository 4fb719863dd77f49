package oasvalidate

import (
	"errors"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// forget removes from a validation error everything that points at the
// validated traffic: the offending values of schema and parse errors and
// the request or response the error was about. What is left (reasons,
// field paths, the schema and parameter) is small and holds no value, so
// an error kept for a report neither keeps a body alive nor can leak one.
// It returns err.
func forget(err error) error {
	walk(err, 0)
	return err
}

// maxErrorWalk bounds how deep forget follows wrapped errors.
const maxErrorWalk = 256

func walk(err error, depth int) {
	if err == nil || depth > maxErrorWalk {
		return
	}
	switch e := err.(type) {
	case *openapi3.SchemaError:
		e.Value = nil
		walk(e.Origin, depth+1)
		return
	case *openapi3filter.ParseError:
		e.Value = nil
		walk(e.Cause, depth+1)
		return
	case *openapi3filter.RequestError:
		e.Input = nil
		walk(e.Err, depth+1)
		return
	case *openapi3filter.ResponseError:
		e.Input = nil
		walk(e.Err, depth+1)
		return
	case openapi3.MultiError:
		for _, inner := range e {
			walk(inner, depth+1)
		}
		return
	}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		for _, inner := range u.Unwrap() {
			walk(inner, depth+1)
		}
	default:
		walk(errors.Unwrap(err), depth+1)
	}
}
