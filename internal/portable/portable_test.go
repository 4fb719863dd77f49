package portable

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const src = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /c?action=failover&vmw-task=true:
    post:
      operationId: failover
      summary: Failover
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [planned], properties: {planned: {type: boolean}}}
      responses:
        "202": {description: task, content: {application/json: {schema: {type: string}}}}
        "400": {$ref: "#/components/responses/Err"}
  /c?action=get:
    post:
      operationId: get
      summary: Get
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {partial: {type: boolean}}}
      responses:
        "200": {description: info, content: {application/json: {schema: {type: object}}}}
        "400": {$ref: "#/components/responses/Err"}
  /m:
    get:
      operationId: getMode
      responses: {"200": {description: ok}}
  /m?vmw-task=true:
    put:
      operationId: setMode
      responses: {"202": {description: ok}}
components:
  responses:
    Err: {description: error}
  schemas:
    Any: {nullable: true, description: any JSON value}
`

func load(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(src))
	require.NoError(t, err)
	return doc
}

func enumOf(p *openapi3.Parameter) []any { return p.Schema.Value.Enum }

func TestConvert_MergesSharedPathAndDeclaresQueries(t *testing.T) {
	doc := load(t)
	require.NoError(t, Convert(doc))
	require.NoError(t, doc.Validate(context.Background()))
	assert.ElementsMatch(t, []string{"/c", "/m"}, keys(doc))

	op := doc.Paths.Value("/c").Post
	require.NotNil(t, op)
	assert.Equal(t, "failoverOrGet", op.OperationID)
	action := op.Parameters.GetByInAndName("query", "action")
	require.NotNil(t, action)
	assert.True(t, action.Required)
	assert.Equal(t, []any{"failover", "get"}, enumOf(action))
	task := op.Parameters.GetByInAndName("query", "vmw-task")
	require.NotNil(t, task)
	assert.False(t, task.Required, "the get variant sends no vmw-task")
	assert.Equal(t, []any{"true"}, enumOf(task))

	body := op.RequestBody.Value
	assert.False(t, body.Required, "the get body is optional")
	assert.Len(t, body.Content["application/json"].Schema.Value.AnyOf, 2)
	assert.NotNil(t, op.Responses.Value("202"))
	assert.NotNil(t, op.Responses.Value("200"))
	assert.Equal(t, "#/components/responses/Err", op.Responses.Value("400").Ref, "identical answers are kept once, by reference")
	assert.Equal(t, map[string]any{"failover": "action=failover&vmw-task=true", "get": "action=get"}, op.Extensions[VariantsExtension])

	// A lone variant keeps its operation, beside the bare path's own.
	m := doc.Paths.Value("/m")
	assert.Equal(t, "getMode", m.Get.OperationID)
	assert.Equal(t, "setMode", m.Put.OperationID)
	p := m.Put.Parameters.GetByInAndName("query", "vmw-task")
	require.NotNil(t, p)
	assert.True(t, p.Required)
}

// The legacy session create is keyed on the bare path beside its
// ?~action=get variant: both join, the query key optional.
func TestConvert_MergesTheBarePathAsTheVariantWithoutQuery(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData([]byte(`openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /s:
    post: {operationId: create, summary: Create, responses: {"200": {description: token}}}
  /s?~action=get:
    post: {operationId: get, summary: Get, responses: {"200": {description: info}}}
`))
	require.NoError(t, err)
	require.NoError(t, Convert(doc))
	require.NoError(t, doc.Validate(context.Background()))
	op := doc.Paths.Value("/s").Post
	assert.Equal(t, "createOrGet", op.OperationID)
	p := op.Parameters.GetByInAndName("query", "~action")
	require.NotNil(t, p)
	assert.False(t, p.Required, "the create sends no ~action")
	assert.Equal(t, []any{"get"}, enumOf(p))
	assert.Equal(t, map[string]any{"create": "", "get": "~action=get"}, op.Extensions[VariantsExtension])
	assert.Contains(t, op.Description, "`no query`: **Create**")
}

func TestDropTypelessNullable(t *testing.T) {
	doc := load(t)
	DropTypelessNullable(doc)
	assert.False(t, doc.Components.Schemas["Any"].Value.Nullable)
}

func keys(doc *openapi3.T) []string {
	var ks []string
	for k := range doc.Paths.Map() {
		ks = append(ks, k)
	}
	return ks
}
