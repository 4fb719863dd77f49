package server

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/spec"
)

func TestVCAVRoutes_UnknownRouteAndMethod(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	status, body, hdr := do(t, tm.vcavHC, "GET", tm.vcavURL+"/vm-replications/"+vcavReadyID+"/instances", nil, "X-VCAV-Auth", token)
	vcavRequireError(t, http.StatusNotFound, "NotFound", status, body)
	assert.Contains(t, hdr.Get("Content-Type"), "application/json")

	status, body, _ = do(t, tm.vcavHC, "PUT", tm.vcavURL+"/sessions", "{}", "X-VCAV-Auth", token)
	vcavRequireError(t, http.StatusMethodNotAllowed, "MethodNotAllowed", status, body)
	status, body, _ = do(t, tm.vcavHC, "DELETE", tm.vcavURL+"/vm-replications/"+vcavReadyID, nil, "X-VCAV-Auth", token)
	vcavRequireError(t, http.StatusMethodNotAllowed, "MethodNotAllowed", status, body)
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
