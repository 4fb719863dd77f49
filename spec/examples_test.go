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
	out := map[string]example{}
	seen := map[*openapi3.Schema]bool{}
	var walkSchema func(where string, s *openapi3.SchemaRef)
	walkSchema = func(where string, s *openapi3.SchemaRef) {
		if s == nil || s.Value == nil || seen[s.Value] {
			return
		}
		seen[s.Value] = true
		v := s.Value
		if v.Example != nil {
			out[where+"#example"] = example{v, v.Example}
		}
		for name, p := range v.Properties {
			walkSchema(where+"."+name, p)
		}
		walkSchema(where+"[]", v.Items)
		if v.AdditionalProperties.Schema != nil {
			walkSchema(where+"{}", v.AdditionalProperties.Schema)
		}
		for i, group := range [][]*openapi3.SchemaRef{v.OneOf, v.AnyOf, v.AllOf} {
			for j, sub := range group {
				walkSchema(fmt.Sprintf("%s/%d.%d", where, i, j), sub)
			}
		}
	}
	media := func(where string, content openapi3.Content) {
		for ct, mt := range content {
			if mt.Schema == nil {
				continue
			}
			if mt.Example != nil {
				out[where+" "+ct] = example{mt.Schema.Value, mt.Example}
			}
			for name, ex := range mt.Examples {
				out[where+" "+ct+" "+name] = example{mt.Schema.Value, ex.Value.Value}
			}
			walkSchema(where+" "+ct, mt.Schema)
		}
	}
	for name, s := range doc.Components.Schemas {
		walkSchema("schemas."+name, s)
	}
	for key, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			where := method + " " + key
			params := append(openapi3.Parameters{}, item.Parameters...)
			params = append(params, op.Parameters...)
			for _, p := range params {
				pw := where + " param " + p.Value.Name
				if p.Value.Example != nil {
					out[pw] = example{p.Value.Schema.Value, p.Value.Example}
				}
				for name, ex := range p.Value.Examples {
					out[pw+" "+name] = example{p.Value.Schema.Value, ex.Value.Value}
				}
			}
			if op.RequestBody != nil {
				media(where+" body", op.RequestBody.Value.Content)
			}
			for status, resp := range op.Responses.Map() {
				media(where+" "+status, resp.Value.Content)
				for hn, h := range resp.Value.Headers {
					if h.Value.Example != nil && h.Value.Schema != nil {
						out[where+" "+status+" header "+hn] = example{h.Value.Schema.Value, h.Value.Example}
					}
				}
			}
		}
	}
	return out
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
