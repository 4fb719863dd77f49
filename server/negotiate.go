package server

import (
	"context"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/failoverkit/failoverkit/spec"
)

// mimeJSON is the media type every API answers when nothing else is
// negotiated.
const mimeJSON = "application/json"

// negotiatedFrom returns the media type negotiated for the request
// (without parameters): application/json unless the API's policy picked a
// vendor type.
func negotiatedFrom(ctx context.Context) string {
	if mt := stateFrom(ctx).mediaType; mt != "" {
		return mt
	}
	return mimeJSON
}

// negotiate picks the media type of the answer to a request with accept
// under policy: the vendor type of a served version when the Accept ranks
// it at least as high as anything else; application/json for anything else
// (no Accept, application/json, */*, other types); ok false when the Accept
// names only vendor types of versions not served.
func negotiate(policy *spec.MediaTypePolicy, accept string) (mediaType string, ok bool) {
	if strings.TrimSpace(accept) == "" {
		return mimeJSON, true
	}
	vendor, vendorQ, otherQ, unknown := "", -1.0, -1.0, false
	for _, r := range strings.Split(accept, ",") {
		base, params, err := mime.ParseMediaType(strings.TrimSpace(r))
		if err != nil {
			otherQ = max(otherQ, 0.001)
			continue
		}
		q := 1.0
		if v, err := strconv.ParseFloat(params["q"], 64); err == nil {
			q = v
		}
		if q <= 0 {
			continue
		}
		m := policy.Vendor.FindStringSubmatch(base)
		switch {
		case m == nil:
			otherQ = max(otherQ, q)
		case slices.Contains(policy.Versions, m[1]):
			if q > vendorQ {
				vendor, vendorQ = base, q
			}
		default:
			unknown = true
		}
	}
	switch {
	case vendor != "" && vendorQ >= otherQ:
		return vendor, true
	case otherQ < 0 && unknown:
		return mimeJSON, false
	default:
		return mimeJSON, true
	}
}

// answerShaping applies an API's media-type policy and header spellings
// to every answer of the vendor API (not to the spec or the control API):
// it negotiates the media type (406 in the API's error shape when none is
// acceptable), and just before the header is written it answers a JSON
// Content-Type in the negotiated type with the policy's charset and moves
// canonicalised header names to their declared spelling. Nil when the API
// declares neither.
func answerShaping(info spec.Info) echo.MiddlewareFunc {
	policy, spellings := info.MediaTypes, headerSpellings(info.HeaderSpellings)
	if policy == nil && len(spellings) == 0 {
		return nil
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if isOwnPath(req.URL.Path) {
				return next(c)
			}
			st := stateFrom(req.Context())
			resp := c.Response()
			resp.Before(func() { shapeHeader(resp.Header(), policy, st.mediaType, spellings) })
			if policy == nil {
				return next(c)
			}
			mt, ok := negotiate(policy, strings.Join(req.Header.Values(echo.HeaderAccept), ","))
			st.mediaType = mt
			if !ok {
				return newProblem(KindNotAcceptable, "none of the media types in Accept is served; ask for %s or %s",
					mimeJSON, strings.Replace(policy.Vendor.String(), `([0-9][0-9.]*)`, "<version>", 1))
			}
			return next(c)
		}
	}
}

// headerSpelling is a header name as an API spells it and as Go
// canonicalises it.
type headerSpelling struct{ name, canon string }

// headerSpellings pairs each declared spelling with its canonical key,
// worked out once.
func headerSpellings(names []string) []headerSpelling {
	out := make([]headerSpelling, 0, len(names))
	for _, n := range names {
		if c := http.CanonicalHeaderKey(n); c != n {
			out = append(out, headerSpelling{name: n, canon: c})
		}
	}
	return out
}

// shapeHeader rewrites a JSON Content-Type to mediaType (when a policy
// negotiated one) with the policy's charset, and moves each header in
// spellings from Go's canonical key to its declared spelling.
func shapeHeader(h http.Header, policy *spec.MediaTypePolicy, mediaType string, spellings []headerSpelling) {
	if policy != nil {
		if isJSONType(h.Get(echo.HeaderContentType)) {
			ct := cmpOr(mediaType, mimeJSON)
			if policy.Charset != "" {
				ct += ";charset=" + policy.Charset
			}
			h.Set(echo.HeaderContentType, ct)
		}
	}
	for _, sp := range spellings {
		if vs, ok := h[sp.canon]; ok {
			delete(h, sp.canon)
			h[sp.name] = vs
		}
	}
}

// isJSONType reports whether the Content-Type ct has the media type
// application/json. The mock's own answers spell it exactly so: they are
// told apart without parsing (mime.ParseMediaType allocates a map).
func isJSONType(ct string) bool {
	if ct == mimeJSON {
		return true
	}
	base, _, err := mime.ParseMediaType(ct)
	return err == nil && base == mimeJSON
}

// cmpOr is s, or def when s is empty.
func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
