package server

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/spec"
)

// TestVCAVRoutes_UnknownRouteAndMethod: requests that are no operation are
// refused in the ApiError shape, as JSON.
func TestVCAVRoutes_UnknownRouteAndMethod(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	cases := []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"unknown route", "GET", "/vm-replications/" + vcavReadyID + "/instances", nil, 404, "NotFound"},
		{"method not allowed on a collection", "PUT", "/sessions", "{}", 405, "MethodNotAllowed"},
		{"method not allowed on an item", "DELETE", "/vm-replications/" + vcavReadyID, nil, 405, "MethodNotAllowed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body, hdr := do(t, tm.vcavHC, c.method, tm.vcavURL+c.path, c.body, "X-VCAV-Auth", token)
			vcavRequireError(t, c.status, c.code, status, body)
			assert.Contains(t, hdr.Get("Content-Type"), "application/json")
		})
	}
}

func TestVCAVRoutes_FaultsOnOtherOperations(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	require.NoError(t, tm.InjectFault(Fault{API: spec.VCAV, OperationID: "getVmReplication", Status: 500, Times: 1}))
	status, body, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+"/vm-replications/"+vcavReadyID, nil, "X-VCAV-Auth", token)
	e := vcavRequireError(t, http.StatusInternalServerError, "GeneralServerFailure", status, body)
	assert.Equal(t, "injected fault", e.Msg)

	custom := `{"code":"Custom","msg":"as given"}`
	require.NoError(t, tm.InjectFault(Fault{API: spec.VCAV, OperationID: "listVmReplications", Status: 500,
		Body: []byte(custom), Times: 1}))
	status, body, _ = do(t, tm.vcavHC, "GET", tm.vcavURL+"/vm-replications", nil, "X-VCAV-Auth", token)
	assert.Equal(t, http.StatusInternalServerError, status)
	assert.JSONEq(t, custom, string(body))
}
