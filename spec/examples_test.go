package spec_test

import (
	"encoding/json"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

type example struct {
	schema *openapi3.Schema
	value  any
}

// collectExamples returns every example in doc keyed by where it stands.
func collectExamples(doc *openapi3.T) map[string]example {
	w := &exampleWalker{out: map[string]example{}, seen: map[*openapi3.Schema]bool{}}
	for name, s := range doc.Components.Schemas {
		w.schema("schemas."+name, s)
	}
	for key, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			w.operation(method+" "+key, append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...), op)
		}
	}
	return w.out
}

// exampleWalker gathers examples, visiting each schema once.
type exampleWalker struct {
	out  map[string]example
	seen map[*openapi3.Schema]bool
}

func (w *exampleWalker) schema(where string, s *openapi3.SchemaRef) {
	if s == nil || s.Value == nil || w.seen[s.Value] {
		return
	}
	w.seen[s.Value] = true
	v := s.Value
	if v.Example != nil {
		w.out[where+"#example"] = example{v, v.Example}
	}
	for name, p := range v.Properties {
		w.schema(where+"."+name, p)
	}
	w.schema(where+"[]", v.Items)
	if v.AdditionalProperties.Schema != nil {
		w.schema(where+"{}", v.AdditionalProperties.Schema)
	}
	for i, group := range [][]*openapi3.SchemaRef{v.OneOf, v.AnyOf, v.AllOf} {
		for j, sub := range group {
			w.schema(fmt.Sprintf("%s/%d.%d", where, i, j), sub)
		}
	}
}

func (w *exampleWalker) operation(where string, params openapi3.Parameters, op *openapi3.Operation) {
	for _, p := range params {
		pw := where + " param " + p.Value.Name
		if p.Value.Example != nil {
			w.out[pw] = example{p.Value.Schema.Value, p.Value.Example}
		}
		for name, ex := range p.Value.Examples {
			w.out[pw+" "+name] = example{p.Value.Schema.Value, ex.Value.Value}
		}
	}
	if op.RequestBody != nil {
		w.content(where+" body", op.RequestBody.Value.Content)
	}
	for status, resp := range op.Responses.Map() {
		w.content(where+" "+status, resp.Value.Content)
		for hn, h := range resp.Value.Headers {
			if h.Value.Example != nil && h.Value.Schema != nil {
				w.out[where+" "+status+" header "+hn] = example{h.Value.Schema.Value, h.Value.Example}
			}
		}
	}
}

func (w *exampleWalker) content(where string, content openapi3.Content) {
	for ct, mt := range content {
		if mt.Schema == nil {
			continue
		}
		if mt.Example != nil {
			w.out[where+" "+ct] = example{mt.Schema.Value, mt.Example}
		}
		for name, ex := range mt.Examples {
			w.out[where+" "+ct+" "+name] = example{mt.Schema.Value, ex.Value.Value}
		}
		w.schema(where+" "+ct, mt.Schema)
	}
}

// validateExample validates v after a JSON round trip, so that YAML-decoded
// numbers and maps look exactly like decoded wire bodies.
func validateExample(s *openapi3.Schema, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("marshal example: %w", err)
	}
	var wire any
	if err := json.Unmarshal(b, &wire); err != nil {
		return fmt.Errorf("unmarshal example: %w", err)
	}
	return s.VisitJSON(wire)
}
