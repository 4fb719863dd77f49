package oasvalidate

import (
	"net/url"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// QueryNames returns the names of every query parameter the spec declares,
// on paths and operations, and the keys of queries written into path keys
// (vSphere's "?action=failover&vmw-task=true"): the parameters a log may
// show in clear. Anything else in a query is unknown and may be a secret.
func (v *Validator) QueryNames() map[string]bool {
	names := map[string]bool{}
	addParams := func(ps openapi3.Parameters) {
		for _, p := range ps {
			if p != nil && p.Value != nil && p.Value.In == openapi3.ParameterInQuery {
				names[p.Value.Name] = true
			}
		}
	}
	for key, item := range v.Doc.Paths.Map() {
		if _, raw, ok := strings.Cut(key, "?"); ok {
			if q, err := url.ParseQuery(raw); err == nil {
				for k := range q {
					names[k] = true
				}
			}
		}
		addParams(item.Parameters)
		for _, op := range item.Operations() {
			addParams(op.Parameters)
		}
	}
	return names
}
