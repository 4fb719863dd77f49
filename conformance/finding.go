package conformance

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

// Location says which part of an exchange a Finding is about.
type Location string

// Locations of findings.
const (
	// InStatus: the HTTP status is not the documented answer, or not
	// documented at all.
	InStatus Location = "status"
	// InHeader: a response header (Content-Type, X-VCAV-Auth) is missing or
	// wrong; Field names it.
	InHeader Location = "header"
	// InBody: the response body does not fit its schema or does not hold the
	// documented value; Field is the JSON path ("" for the whole body).
	InBody Location = "body"
	// InTask: a task did not reach the documented terminal state within the
	// poll budget, or reached another one.
	InTask Location = "task"
	// InRequest: the request does not fit the spec (reported by the proxy);
	// Field is the parameter name or the JSON path in the request body.
	InRequest Location = "request"
	// InState: an object read back is not in the state the operation should
	// have left it in.
	InState Location = "state"
)

// Level says how much a finding weighs.
type Level string

// Levels of a finding.
const (
	// LevelFailure (the zero value): the target departs from what the
	// vendor documents, or the mock from a failoverkit choice; the case
	// fails.
	LevelFailure Level = ""
	// LevelNote: the answer departs from a failoverkit choice (an error code
	// the vendor does not document, a refusal style) while keeping the
	// documented status class and shape. A real appliance may do that; the
	// note is reported and never fails a run.
	LevelNote Level = "note"
)

// Finding is one way a target's answer departs from the spec. It is an
// error; for a schema, status or header violation it unwraps to the
// kin-openapi error behind it (an *openapi3filter.ResponseError wrapping an
// *openapi3.SchemaError, or a bare *openapi3.SchemaError for an error body
// outside any operation). Its text never includes kin-openapi's own message,
// which can quote the offending value; Reason says what is wrong without it.
type Finding struct {
	// Case is the name of the case that found it.
	Case string `json:"case"`
	// API and Operation (operationId) identify what was called; Operation is
	// empty for a request that is deliberately no operation (the vSphere
	// non-task form).
	API       spec.API `json:"api"`
	Operation string   `json:"operation,omitempty"`
	// Method and Path are the request line (path relative to the target's
	// base URL, with its query).
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"`
	// Status is the response status (0 when no response is involved).
	Status int `json:"status,omitempty"`
	// In and Field locate the problem: a header name, or the JSON path in
	// the body with dots between segments ("destinationState.recoveryInfo.recoveryState").
	In    Location `json:"in"`
	Field string   `json:"field,omitempty"`
	// Reason says what is wrong.
	Reason string `json:"reason"`
	// Excerpt is the offending part of the response body, secrets redacted.
	Excerpt string `json:"excerpt,omitempty"`
	// Level is LevelFailure (the default) or LevelNote.
	Level Level `json:"level,omitempty"`
	// Curl reproduces the request with curl; secrets and the base URL are
	// shell variables (FAILOVERKIT_VCAV_URL, FAILOVERKIT_VCAV_TOKEN, ...).
	Curl string `json:"curl,omitempty"`
	// Err is the validation error behind the finding, if any.
	Err error `json:"-"`
}

// IsNote reports whether the finding is a note, which never fails a case.
func (f *Finding) IsNote() bool { return f.Level == LevelNote }

var _ error = (*Finding)(nil)

// Error renders the finding on one line, without the excerpt.
func (f *Finding) Error() string {
	var b strings.Builder
	if f.Case != "" {
		b.WriteString(f.Case + ": ")
	}
	if f.Operation != "" {
		b.WriteString(f.Operation + " ")
	}
	if f.Method != "" {
		fmt.Fprintf(&b, "(%s %s) ", f.Method, f.Path)
	}
	if f.Status != 0 {
		fmt.Fprintf(&b, "→ %d ", f.Status)
	}
	b.WriteString(f.Where() + ": " + f.Reason)
	return b.String()
}

// Unwrap returns the kin-openapi error behind the finding, if any.
func (f *Finding) Unwrap() error { return f.Err }

// Where renders In and Field, e.g. `body field "task.state"`.
func (f *Finding) Where() string {
	switch {
	case f.In == InBody && f.Field != "":
		return `body field "` + f.Field + `"`
	case f.In == InRequest && f.Field != "":
		return `request field "` + f.Field + `"`
	case f.In == InHeader:
		return `header "` + f.Field + `"`
	case f.Field != "":
		return string(f.In) + ` "` + f.Field + `"`
	default:
		return string(f.In)
	}
}

// responseHeaderReason matches kin-openapi's reasons about response headers.
var responseHeaderReason = regexp.MustCompile(`^response header "?([A-Za-z0-9-]+)"?`)

// missingProperty matches kin-openapi's reason for a missing required field.
var missingProperty = regexp.MustCompile(`^property "([^"]+)" is missing$`)

// locate turns a kin-openapi validation error into a finding's location and
// reason, naming the missing field itself when a required one is missing.
func locate(err error) (Location, string, string) {
	d := oasvalidate.Describe(err)
	var respErr *openapi3filter.ResponseError
	if errors.As(err, &respErr) {
		m := responseHeaderReason.FindStringSubmatch(respErr.Reason)
		switch {
		case respErr.Reason == "status is not supported":
			return InStatus, "", "status is not documented for this operation"
		case m != nil && respErr.Err != nil:
			return InHeader, m[1], d.Reason
		case m != nil:
			return InHeader, m[1], strings.TrimSpace(strings.TrimPrefix(respErr.Reason, m[0]))
		}
	}
	field := d.Field
	if m := missingProperty.FindStringSubmatch(d.Reason); m != nil && field != m[1] && !strings.HasSuffix(field, "."+m[1]) {
		field = joinPath(field, m[1]) // older kin-openapi points at the object, not the missing key
	}
	return InBody, field, d.Reason
}

// joinPath appends a segment to a dotted JSON path.
func joinPath(path, seg string) string {
	if path == "" {
		return seg
	}
	return path + "." + seg
}
