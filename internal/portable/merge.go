package portable

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// VariantsExtension names, on a rewritten operation, the map from each
// original operationId to the fixed query it needs.
const VariantsExtension = "x-failoverkit-variants"

// mergeVariants turns the variants of one path and method into one
// operation. A single variant keeps its operation with the query declared.
func mergeVariants(vs []variant) *openapi3.Operation {
	variants := map[string]any{}
	for _, v := range vs {
		variants[v.op.OperationID] = v.raw
	}
	if len(vs) == 1 {
		op := vs[0].op
		op.Parameters = append(queryParams(vs), op.Parameters...)
		op.Description += "\n\n**Portable form.** The vendor URL's fixed query `?" + vs[0].raw +
			"` is declared here as required query parameters (one-value enums)."
		setExtension(op, variants)
		return op
	}
	op := &openapi3.Operation{
		OperationID: joinIDs(vs),
		Summary:     joinField(vs, " | ", func(o *openapi3.Operation) string { return o.Summary }),
		Description: mergedDescription(vs),
		Tags:        unionTags(vs),
		Parameters:  queryParams(vs),
		RequestBody: mergeBodies(vs),
		Responses:   mergeResponses(vs),
		Security:    vs[0].op.Security,
	}
	for _, v := range vs {
		op.Parameters = append(op.Parameters, v.op.Parameters...)
	}
	setExtension(op, variants)
	return op
}

func setExtension(op *openapi3.Operation, variants map[string]any) {
	if op.Extensions == nil {
		op.Extensions = map[string]any{}
	}
	op.Extensions[VariantsExtension] = variants
}

func joinIDs(vs []variant) string {
	id := vs[0].op.OperationID
	for _, v := range vs[1:] {
		id += "Or" + strings.ToUpper(v.op.OperationID[:1]) + v.op.OperationID[1:]
	}
	return id
}

func joinField(vs []variant, sep string, f func(*openapi3.Operation) string) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = f(v.op)
	}
	return strings.Join(parts, sep)
}

func mergedDescription(vs []variant) string {
	var b strings.Builder
	b.WriteString("**Portable form** of several vendor operations that share this path and method and differ by a fixed query string. " +
		"The query parameters below tell them apart; send exactly one of these combinations " +
		"(the vendor answers anything else with an error). The request body and each answer are the union " +
		"(anyOf) of the operations' own; mock tools that pick the lowest 2xx answer (Prism) need " +
		"`Prefer: code=NNN` to return another operation's answer.\n\n")
	for _, v := range vs {
		fmt.Fprintf(&b, "- `%s`: **%s** (`%s`)\n", v.label(), v.op.Summary, v.op.OperationID)
	}
	for _, v := range vs {
		fmt.Fprintf(&b, "\n## `%s`: %s\n\n%s", v.label(), v.op.Summary, v.op.Description)
	}
	return b.String()
}

func unionTags(vs []variant) []string {
	var tags []string
	for _, v := range vs {
		for _, t := range v.op.Tags {
			if !slices.Contains(tags, t) {
				tags = append(tags, t)
			}
		}
	}
	return tags
}

// sameJSON reports whether a and b marshal to the same JSON (a $ref
// marshals as the reference).
func sameJSON(a, b any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}
