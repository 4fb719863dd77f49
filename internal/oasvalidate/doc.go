// Package oasvalidate is failoverkit's one wrapper around kin-openapi's
// openapi3filter: it routes a request with spec.Router, validates requests
// and responses against a spec, and describes a validation failure as a field
// path and a short reason that never repeats the offending value (so a
// password in a bad login body cannot leak into an error message or a log).
//
// The mock uses it to validate every request before a handler runs, and the
// conformance suite and proxy use it to validate what a server sends back.
package oasvalidate
