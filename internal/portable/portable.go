package portable

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// variant is one query-keyed operation.
type variant struct {
	query url.Values // the fixed query, one value per key
	raw   string     // the fixed query as written in the path key
	op    *openapi3.Operation
}

// label names the variant in merged descriptions, e.g.
// "?action=failover&vmw-task=true", or "no query" for the operation keyed on
// the bare path.
func (v variant) label() string {
	if v.raw == "" {
		return "no query"
	}
	return "?" + v.raw
}

// Convert rewrites doc in place (see the package doc). An operation keyed
// on the bare path and method of query-keyed ones (the legacy session create
// `POST /rest/com/vmware/cis/session` beside `?~action=get`) joins them as
// the variant without a query, so the query keys become optional there. It
// fails when a fixed query repeats a key.
func Convert(doc *openapi3.T) error {
	groups, order, err := collect(doc)
	if err != nil {
		return err
	}
	for _, key := range order {
		base, method, _ := strings.Cut(key, " ")
		item := doc.Paths.Value(base)
		if item == nil {
			item = &openapi3.PathItem{}
			doc.Paths.Set(base, item)
		}
		vs := groups[key]
		if bare := item.GetOperation(method); bare != nil {
			vs = append([]variant{{query: url.Values{}, op: bare}}, vs...)
		}
		item.SetOperation(method, mergeVariants(vs))
	}
	return nil
}

// collect removes every query-keyed path from doc and groups its
// operations by "base METHOD", in path order.
func collect(doc *openapi3.T) (map[string][]variant, []string, error) {
	groups := map[string][]variant{}
	var order []string
	for _, path := range doc.Paths.InMatchingOrder() {
		base, raw, ok := strings.Cut(path, "?")
		if !ok {
			continue
		}
		q, err := url.ParseQuery(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("path %q: %w", path, err)
		}
		for k, vs := range q {
			if len(vs) != 1 {
				return nil, nil, fmt.Errorf("path %q: query key %q repeats", path, k)
			}
		}
		item := doc.Paths.Value(path)
		methods := make([]string, 0, len(item.Operations()))
		for m := range item.Operations() {
			methods = append(methods, m)
		}
		slices.Sort(methods)
		for _, m := range methods {
			key := base + " " + m
			if _, seen := groups[key]; !seen {
				order = append(order, key)
			}
			groups[key] = append(groups[key], variant{query: q, raw: raw, op: item.GetOperation(m)})
		}
		doc.Paths.Delete(path)
	}
	slices.Sort(order)
	for _, vs := range groups {
		slices.SortFunc(vs, func(a, b variant) int { return strings.Compare(a.raw, b.raw) })
	}
	return groups, order, nil
}

// queryParams declares the fixed query keys of vs: the enum holds every
// value the variants use; a key is required when every variant uses it.
func queryParams(vs []variant) openapi3.Parameters {
	var keys []string
	for _, v := range vs {
		for k := range v.query {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	params := make(openapi3.Parameters, 0, len(keys))
	for _, k := range keys {
		var values []any
		var uses []string
		required := true
		for _, v := range vs {
			val, ok := v.query[k]
			if !ok {
				required = false
				continue
			}
			if !slices.Contains(values, any(val[0])) {
				values = append(values, val[0])
			}
			uses = append(uses, fmt.Sprintf("`%s` (%s)", val[0], v.op.OperationID))
		}
		p := openapi3.NewQueryParameter(k).WithRequired(required).WithSchema(openapi3.NewStringSchema().WithEnum(values...))
		p.Description = "Fixed query parameter of the vendor URL: " + strings.Join(uses, ", ") + "."
		if !required {
			p.Description += " Required by the operations that list it."
		}
		params = append(params, &openapi3.ParameterRef{Value: p})
	}
	return params
}
