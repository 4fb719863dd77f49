package portable

import (
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// mergeBodies joins the variants' request bodies: per media type the anyOf
// of the schemas (anyOf, not oneOf: an optional-fields body such as the
// cluster get's accepts a failover body too, so oneOf would reject it) and
// every example, prefixed by the operationId. The body is required only
// when every variant requires it.
func mergeBodies(vs []variant) *openapi3.RequestBodyRef {
	var parts []labelled[openapi3.Content]
	required := true
	for _, v := range vs {
		if v.op.RequestBody == nil || v.op.RequestBody.Value == nil {
			required = false
			continue
		}
		rb := v.op.RequestBody.Value
		required = required && rb.Required
		parts = append(parts, labelled[openapi3.Content]{v, rb.Content})
	}
	if len(parts) == 0 {
		return nil
	}
	body := &openapi3.RequestBody{Required: required, Content: mergeContent(parts)}
	body.Description = "One of: " + joinLabels(parts) + "."
	return &openapi3.RequestBodyRef{Value: body}
}

// labelled is a value with the variant it came from.
type labelled[T any] struct {
	v   variant
	val T
}

func joinLabels[T any](parts []labelled[T]) string {
	var s []string
	for _, p := range parts {
		s = append(s, "`"+p.v.label()+"` ("+p.v.op.OperationID+")")
	}
	return strings.Join(s, ", ")
}

// mergeContent builds, per media type, a schema that is the anyOf of the
// distinct schemas and the union of the examples (named
// "<operationId>_<name>"; a lone example becomes "<operationId>").
func mergeContent(parts []labelled[openapi3.Content]) openapi3.Content {
	out := openapi3.Content{}
	var types []string
	for _, p := range parts {
		for mt := range p.val {
			if !slices.Contains(types, mt) {
				types = append(types, mt)
			}
		}
	}
	slices.Sort(types)
	for _, mt := range types {
		merged := &openapi3.MediaType{Examples: openapi3.Examples{}}
		var schemas openapi3.SchemaRefs
		for _, p := range parts {
			m := p.val[mt]
			if m == nil {
				continue
			}
			if m.Schema != nil && !slices.ContainsFunc(schemas, func(s *openapi3.SchemaRef) bool { return sameJSON(s, m.Schema) }) {
				schemas = append(schemas, m.Schema)
			}
			addExamples(merged.Examples, p.v.op.OperationID, m)
		}
		merged.Schema = schemas[0]
		if len(schemas) > 1 {
			merged.Schema = &openapi3.SchemaRef{Value: &openapi3.Schema{AnyOf: schemas}}
		}
		if len(merged.Examples) == 0 {
			merged.Examples = nil
		}
		out[mt] = merged
	}
	return out
}

func addExamples(into openapi3.Examples, id string, m *openapi3.MediaType) {
	for name, ex := range m.Examples {
		into[id+"_"+name] = ex
	}
	if m.Example != nil {
		into[id] = &openapi3.ExampleRef{Value: openapi3.NewExample(m.Example)}
	}
}

// mergeResponses merges the variants' answers per status code: an answer
// only one variant gives is kept with its description labelled; identical
// answers are kept once; differing answers are joined like bodies.
func mergeResponses(vs []variant) *openapi3.Responses {
	codes := map[string][]labelled[*openapi3.ResponseRef]{}
	for _, v := range vs {
		for code, r := range v.op.Responses.Map() {
			codes[code] = append(codes[code], labelled[*openapi3.ResponseRef]{v, r})
		}
	}
	out := openapi3.NewResponses()
	out.Delete("default")
	for code, parts := range codes {
		out.Set(code, mergeResponse(parts))
	}
	return out
}

func mergeResponse(parts []labelled[*openapi3.ResponseRef]) *openapi3.ResponseRef {
	same := true
	for _, p := range parts[1:] {
		same = same && sameJSON(p.val, parts[0].val)
	}
	if same && len(parts) > 1 {
		return parts[0].val
	}
	var descs []string
	var contents []labelled[openapi3.Content]
	headers := openapi3.Headers{}
	for _, p := range parts {
		r := p.val.Value
		descs = append(descs, "`"+p.v.label()+"` ("+p.v.op.OperationID+"): "+deref(r.Description))
		if r.Content != nil {
			contents = append(contents, labelled[openapi3.Content]{p.v, r.Content})
		}
		for name, h := range r.Headers {
			headers[name] = h
		}
	}
	resp := openapi3.NewResponse().WithDescription(strings.Join(descs, "\n\n"))
	if len(contents) > 0 {
		resp.Content = mergeContent(contents)
	}
	if len(headers) > 0 {
		resp.Headers = headers
	}
	return &openapi3.ResponseRef{Value: resp}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return strings.TrimSpace(*s)
}
