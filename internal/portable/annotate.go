package portable

import (
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// Annotate says in info.description that doc is the portable variant of
// source, and how it differs.
func Annotate(doc *openapi3.T, source string) {
	doc.Info.Description = fmt.Sprintf(`**Portable variant, generated from %s by tools/portable: do not edit.**
Every path key that carried a fixed query string (VMware's style) is
expressed here as a standard path with declared, required query parameters
(one-value enums); operations sharing a path and method are merged into one
whose `+"`action`"+` parameter tells them apart (see each operation's
description and its x-failoverkit-variants map). The wire requests are the
same; the routing notes below describe the source document.

`, source) + doc.Info.Description
}

// DropTypelessNullable removes `nullable: true` from component schemas that
// have no type ("any JSON value"). OpenAPI 3.0 ties nullable to type, and
// JSON-Schema-based tools (Prism, Redocly's example validation) refuse it
// there; without a type such a schema already accepts null in JSON Schema.
// The source keeps it because kin-openapi, which the mock validates with,
// rejects null otherwise.
func DropTypelessNullable(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	for _, ref := range doc.Components.Schemas {
		dropNullable(ref, seen)
	}
}

func dropNullable(ref *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) {
	if ref == nil || ref.Value == nil || seen[ref.Value] {
		return
	}
	s := ref.Value
	seen[s] = true
	if s.Nullable && (s.Type == nil || len(*s.Type) == 0) {
		s.Nullable = false
	}
	for _, p := range s.Properties {
		dropNullable(p, seen)
	}
	dropNullable(s.Items, seen)
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, r := range list {
			dropNullable(r, seen)
		}
	}
	if s.AdditionalProperties.Schema != nil {
		dropNullable(s.AdditionalProperties.Schema, seen)
	}
}
