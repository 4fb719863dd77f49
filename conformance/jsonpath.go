package conformance

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// excerptOf shows the part of a body a finding is about: the value at the
// field path (or, for a scalar, the object holding it), or the whole body;
// secret-named fields blanked, known secrets redacted, then truncated.
// withheld replaces a body that carries a session token.
func excerptOf(red *redactor, body []byte, doc any, in Location, field string, withheld bool) string {
	switch {
	case len(body) == 0:
		return ""
	case withheld:
		return "(login or session body withheld: it carries a credential or token)"
	}
	text := scrubPairs(string(body[:min(len(body), excerptWindow)]))
	if doc != nil {
		v := doc
		if (in == InBody || in == InRequest) && field != "" {
			v = focus(doc, strings.Split(field, "."))
		}
		if b, err := json.Marshal(redactFields(v)); err == nil {
			text = string(b)
		}
	} else if !utf8.Valid(body) {
		return fmt.Sprintf("(%d bytes, not text)", len(body))
	}
	return truncate(red.redact(truncate(text, excerptWindow)), excerptLimit)
}

// excerptWindow is how much of a body is redacted before it is cut to
// excerptLimit: enough to hold a whole long token that straddles the cut.
const excerptWindow = excerptLimit + 8<<10

// focus returns the value at path, or the object or array holding it when
// that value is a scalar or missing, or doc when nothing on path exists.
func focus(doc any, path []string) any {
	parent, cur := doc, doc
	for _, seg := range path {
		next, ok := child(cur, seg)
		if !ok {
			return cur
		}
		parent, cur = cur, next
	}
	switch cur.(type) {
	case map[string]any, []any:
		return cur
	default:
		return parent
	}
}

// child returns the member seg of an object or the element seg of an array.
func child(v any, seg string) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		c, ok := x[seg]
		return c, ok
	case []any:
		i, err := strconv.Atoi(seg)
		if err != nil || i < 0 || i >= len(x) {
			return nil, false
		}
		return x[i], true
	}
	return nil, false
}

// lookup returns the value at path in a decoded JSON document.
func lookup(doc any, path ...string) (any, bool) {
	cur := doc
	for _, p := range path {
		var ok bool
		if cur, ok = child(cur, p); !ok {
			return nil, false
		}
	}
	return cur, true
}

// lookupString returns the string at a dotted path, and whether there is one.
func lookupString(doc any, path string) (string, bool) {
	v, ok := lookup(doc, strings.Split(path, ".")...)
	s, isStr := v.(string)
	return s, ok && isStr
}

// describeValue renders the value at path for a reason: quoted, or "nothing".
func describeValue(doc any, path string) string {
	v, ok := lookup(doc, strings.Split(path, ".")...)
	if !ok {
		return "nothing"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "an unprintable value"
	}
	return truncate(string(b), 80)
}
