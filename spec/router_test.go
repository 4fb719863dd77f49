package spec_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/spec"
)

const routerSpec = `
openapi: 3.0.3
info: {title: router test, version: "1"}
paths:
  /api/vcenter/vcha/cluster?action=failover&vmw-task=true:
    post: {operationId: failover, responses: {"202": {description: ok}}}
  /api/vcenter/vcha/cluster?action=get:
    post: {operationId: get, responses: {"200": {description: ok}}}
  /api/vcenter/vcha/cluster/mode:
    get: {operationId: modeGet, responses: {"200": {description: ok}}}
  /api/vcenter/vcha/cluster/mode?vmw-task=true:
    put: {operationId: modeSet, responses: {"202": {description: ok}}}
  /api/cis/tasks/{task}:
    parameters: [{name: task, in: path, required: true, schema: {type: string}}]
    get: {operationId: task, responses: {"200": {description: ok}}}
  /tasks/all:
    get: {operationId: literalWins, responses: {"200": {description: ok}}}
  /tasks/{id}:
    get:
      operationId: taskByID
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
`

func newTestRouter(t *testing.T) *spec.Router {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(routerSpec))
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()))
	r, err := spec.NewRouter(doc)
	require.NoError(t, err)
	return r
}

func TestRouter_FindRoute(t *testing.T) {
	r := newTestRouter(t)
	tests := []struct {
		name, method, url string
		wantOp            string
		wantParams        map[string]string
	}{
		{"failover literal vendor URL", "POST", "/api/vcenter/vcha/cluster?action=failover&vmw-task=true", "failover", nil},
		{"query order does not matter", "POST", "/api/vcenter/vcha/cluster?vmw-task=true&action=failover", "failover", nil},
		{"cluster get", "POST", "/api/vcenter/vcha/cluster?action=get", "get", nil},
		{"extra query is allowed", "POST", "/api/vcenter/vcha/cluster?action=get&x=1", "get", nil},
		{"mode get", "GET", "/api/vcenter/vcha/cluster/mode", "modeGet", nil},
		{"mode set", "PUT", "/api/vcenter/vcha/cluster/mode?vmw-task=true", "modeSet", nil},
		{"task id with colon", "GET", "/api/cis/tasks/52b0c3d4-1e2f:com.vmware.vcenter.vcha.cluster", "task",
			map[string]string{"task": "52b0c3d4-1e2f:com.vmware.vcenter.vcha.cluster"}},
		{"escaped task id", "GET", "/api/cis/tasks/a%3Ab", "task", map[string]string{"task": "a:b"}},
		{"literal beats template", "GET", "/tasks/all", "literalWins", nil},
		{"template", "GET", "/tasks/f61d60d2", "taskByID", map[string]string{"id": "f61d60d2"}},
		{"trailing slash", "GET", "/tasks/f61d60d2/", "taskByID", map[string]string{"id": "f61d60d2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			route, params, err := r.FindRoute(httptest.NewRequest(tc.method, tc.url, nil))
			require.NoError(t, err)
			assert.Equal(t, tc.wantOp, route.Operation.OperationID)
			assert.Equal(t, tc.wantParams, params)
		})
	}
}

func TestRouter_Misses(t *testing.T) {
	r := newTestRouter(t)

	_, _, err := r.FindRoute(httptest.NewRequest("POST", "/api/vcenter/vcha/cluster?action=failover", nil))
	var qm *spec.QueryMismatchError
	require.ErrorAs(t, err, &qm, "non-task form must be a query mismatch")
	assert.True(t, errors.Is(err, routers.ErrPathNotFound))
	require.Len(t, qm.Candidates, 2)

	_, _, err = r.FindRoute(httptest.NewRequest("PUT", "/api/vcenter/vcha/cluster/mode", nil))
	require.ErrorAs(t, err, &qm)
	assert.Equal(t, "modeSet", qm.Candidates[0].Operation.OperationID)

	_, _, err = r.FindRoute(httptest.NewRequest("DELETE", "/api/vcenter/vcha/cluster/mode", nil))
	assert.ErrorIs(t, err, routers.ErrMethodNotAllowed)

	for _, u := range []string{"/nope", "/api/cis/tasks", "/api/cis/tasks/", "/api/cis/tasks/a/b"} {
		_, _, err = r.FindRoute(httptest.NewRequest("GET", u, nil))
		assert.ErrorIs(t, err, routers.ErrPathNotFound, u)
		assert.True(t, spec.IsNotFound(err), u)
	}
}
