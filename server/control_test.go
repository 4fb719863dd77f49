package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/spec"
)

func TestControl_FaultsRequestsAndReset(t *testing.T) {
	tm := newTestMock(t)
	ctl := tm.vcavURL + ControlPrefix

	status, body, _ := do(t, tm.vcavHC, "GET", ctl+"/", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), "/faults")

	// A fault for one operation answers it with the status, in vendor shape.
	status, _, _ = do(t, tm.vcavHC, "POST", ctl+"/faults",
		`{"api":"vcav","operationId":"login","status":500,"times":1}`)
	require.Equal(t, http.StatusCreated, status)
	login := `{"type":"localUser","localUser":"root","localPassword":"vmware"}`
	status, body, _ = do(t, tm.vcavHC, "POST", tm.vcavURL+"/sessions", login)
	assert.Equal(t, http.StatusInternalServerError, status)
	assert.Contains(t, string(body), `"code"`)
	status, _, hdr := do(t, tm.vcavHC, "POST", tm.vcavURL+"/sessions", login)
	require.Equal(t, http.StatusOK, status, "times:1 fault is used up")
	require.NotEmpty(t, hdr.Get("X-VCAV-Auth"))

	// Bad faults are refused with a message naming the problem.
	status, body, _ = do(t, tm.vcavHC, "POST", ctl+"/faults", `{"api":"vcav","operationId":"login","bogus":1}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, string(body), "bogus")

	// The request log names operation, user and status, and no secret.
	status, body, _ = do(t, tm.vcavHC, "GET", ctl+"/requests", nil)
	require.Equal(t, http.StatusOK, status)
	var recs []RequestRecord
	require.NoError(t, json.Unmarshal(body, &recs))
	var logins []int
	for _, r := range recs {
		if r.OperationID == "login" {
			logins = append(logins, r.Status)
		}
	}
	assert.Equal(t, []int{500, 200}, logins)
	assert.NotContains(t, string(body), "vmware")
	assert.NotContains(t, string(body), hdr.Get("X-VCAV-Auth"))

	// Reset ends sessions and clears faults and the log.
	require.NoError(t, tm.InjectFault(Fault{API: spec.VCAV, OperationID: "getSession", Status: 500}))
	status, _, _ = do(t, tm.vcavHC, "POST", ctl+"/reset", nil)
	require.Equal(t, http.StatusNoContent, status)
	assert.Empty(t, tm.Faults())
	status, _, _ = do(t, tm.vcavHC, "GET", tm.vcavURL+"/sessions", nil, "X-VCAV-Auth", hdr.Get("X-VCAV-Auth"))
	assert.Equal(t, http.StatusUnauthorized, status, "sessions die on reset")
}

func TestControl_StateAndFixture(t *testing.T) {
	tm := newTestMock(t)
	ctl := tm.vchaURL + ControlPrefix

	status, body, _ := do(t, tm.vchaHC, "GET", ctl+"/state", nil)
	require.Equal(t, http.StatusOK, status)
	assert.NotContains(t, string(body), `"password":"vmware"`, "no passwords in the state dump")
	var st Fixture
	require.NoError(t, json.Unmarshal(body, &st))
	require.NotNil(t, st.VCAV)
	require.NotNil(t, st.VCHA)

	// An invalid fixture is refused with the field named, and state is kept.
	status, body, _ = do(t, tm.vchaHC, "PUT", ctl+"/fixture", "vcha:\n  cluster:\n    mode: SIDEWAYS\n")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, string(body), "mode")
	status, after, _ := do(t, tm.vchaHC, "GET", ctl+"/state", nil)
	require.Equal(t, http.StatusOK, status)
	var kept Fixture
	require.NoError(t, json.Unmarshal(after, &kept))
	assert.Equal(t, st.VCHA.Cluster.Mode, kept.VCHA.Cluster.Mode)

	status, body, _ = do(t, tm.vchaHC, "PUT", ctl+"/fixture", "vcav: {unknownField: 1}\n")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, string(body), "unknownField")
}

func TestControl_CanBeSwitchedOff(t *testing.T) {
	tm := newTestMock(t, WithoutControlAPI())
	status, body, _ := do(t, tm.vcavHC, "POST", tm.vcavURL+ControlPrefix+"/reset", nil)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, string(body), `"code"`, "vendor shape, validated by the harness")
}

func TestMock_ServesOwnSpec(t *testing.T) {
	tm := newTestMock(t)
	for api, url := range map[spec.API]string{spec.VCAV: tm.vcavURL, spec.VCHA: tm.vchaURL} {
		status, body, hdr := do(t, tm.vcavHC, "GET", url+SpecPath, nil)
		require.Equal(t, http.StatusOK, status)
		want, err := spec.YAML(api)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(body))
		assert.True(t, strings.HasPrefix(hdr.Get("Content-Type"), "application/yaml"))
	}
}

func TestPipeline_UnknownRoutesAndMethodsInVendorShape(t *testing.T) {
	tm := newTestMock(t)
	// The harness transport checks each error body against the vendor's
	// error schema; here we pin the statuses.
	cases := []struct {
		hc         *http.Client
		method, u  string
		wantStatus int
	}{
		{tm.vcavHC, "GET", tm.vcavURL + "/no/such/thing", http.StatusNotFound},
		{tm.vcavHC, "PATCH", tm.vcavURL + "/sessions", http.StatusMethodNotAllowed},
		{tm.vchaHC, "GET", tm.vchaURL + "/api/no/such", http.StatusNotFound},
		{tm.vchaHC, "DELETE", tm.vchaURL + "/api/vcenter/vcha/cluster/mode", http.StatusMethodNotAllowed},
		{tm.vchaHC, "POST", tm.vchaURL + "/api/vcenter/vcha/cluster?action=failover", http.StatusBadRequest},
	}
	for _, c := range cases {
		status, _, _ := do(t, c.hc, c.method, c.u, nil)
		assert.Equal(t, c.wantStatus, status, "%s %s", c.method, c.u)
	}
}
