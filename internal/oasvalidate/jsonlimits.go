package oasvalidate

import "fmt"

// JSON limits applied to every body before it is decoded for validation.
// A JSON body small in bytes can decode into far more memory (each "[]" or
// "{}" becomes a slice or map, and kin-openapi's errors used to copy the
// value per schema branch): these bounds keep the decoded size of a body a
// small multiple of its length, whatever it holds. The vendors' request and
// response bodies are a few hundred values at most.
const (
	// MaxJSONDepth is the deepest nesting of arrays and objects accepted.
	MaxJSONDepth = 64
	// MaxRequestJSONValues is the most values (scalars, arrays, objects
	// and object keys) a request body may hold. kin-openapi
	// deep-copies a body once per oneOf branch it tries, so this bound,
	// not the byte limit, is what caps a request's decoded cost.
	MaxRequestJSONValues = 4096
	// MaxResponseJSONValues is the same bound for response bodies, which
	// the proxy validates from a target the operator chose: large enough
	// for a long listing.
	MaxResponseJSONValues = 1 << 20
)

// LimitError is a JSON body refused by CheckJSON before it was decoded. It
// names the limit, never the body.
type LimitError struct{ Reason string }

func (e *LimitError) Error() string { return e.Reason }

// CheckJSON scans body without decoding or allocating and reports a
// *LimitError when it nests deeper than MaxJSONDepth or holds more than
// maxValues values. It does not check that body is valid JSON: the
// decoder does that afterwards, on a body known to be small once decoded.
func CheckJSON(body []byte, maxValues int) error {
	depth, values := 0, 0
	inString, escaped, inScalar := false, false, false
	for _, c := range body {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString, inScalar = true, false
			values++
		case '[', '{':
			depth++
			values++
			inScalar = false
			if depth > MaxJSONDepth {
				return &LimitError{Reason: fmt.Sprintf("JSON nested deeper than %d levels", MaxJSONDepth)}
			}
		case ']', '}':
			depth--
			inScalar = false
		case ',', ':', ' ', '\t', '\r', '\n':
			inScalar = false
		default:
			if !inScalar {
				values++
				inScalar = true
			}
		}
		if values > maxValues {
			return &LimitError{Reason: fmt.Sprintf("JSON holds more than %d values", maxValues)}
		}
	}
	return nil
}
