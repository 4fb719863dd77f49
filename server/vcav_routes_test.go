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
		{"unknown route (/inventory/vdcs is not simulated)", "GET", "/inventory/vdcs", nil, 404, "NotFound"},
		{"method not allowed on a collection", "PUT", "/sessions", "{}", 405, "MethodNotAllowed"},
		{"method not allowed on an item", "PUT", "/vm-replications/" + vcavReadyID, "{}", 405, "MethodNotAllowed"},
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

// TestRoutes_405CarriesAllow checks that a method the path does not serve
// is answered 405 with an Allow header listing the methods it serves
// (RFC 9110, section 15.5.6), on both APIs.
func TestRoutes_405CarriesAllow(t *testing.T) {
	tm := newTestMock(t)
	cases := []struct {
		hc          *http.Client
		method, url string
		allow       string
	}{
		{tm.vcavHC, "PUT", tm.vcavURL + "/sessions", "DELETE, GET, POST"},
		{tm.vcavHC, "PUT", tm.vcavURL + "/vm-replications/" + vcavReadyID, "DELETE, GET"},
		{tm.vcavHC, "GET", tm.vcavURL + "/vm-replications/" + vcavReadyID + "/failover-test", "DELETE, POST"},
		{tm.vcavHC, "PUT", tm.vcavURL + "/diagnostics/health", "GET, POST"},
		{tm.vchaHC, "DELETE", tm.vchaURL + "/api/vcenter/vcha/cluster/mode", "GET, PUT"},
	}
	for _, c := range cases {
		status, body, hdr := do(t, c.hc, c.method, c.url, nil)
		require.Equal(t, http.StatusMethodNotAllowed, status, "%s %s: %s", c.method, c.url, body)
		assert.Equal(t, c.allow, hdr.Get("Allow"), "%s %s", c.method, c.url)
	}
}
