package server

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// TestVCHAOutage_Timeline walks a planned failover with the outage on
// through its timeline on the manual clock: RUNNING with the old session;
// at the switch-over point 503 SERVICE_UNAVAILABLE to every vSphere request
// (/api and /rest, logins and unknown routes included) but not to the
// control API; after the outage the old session is gone (401), a new login
// works, the task reads SUCCEEDED, the roles are swapped and the former
// active is DOWN (DEGRADED, no failback) until it has rejoined.
func TestVCHAOutage_Timeline(t *testing.T) {
	const run, outage, rejoin = 10 * time.Second, 30 * time.Second, time.Minute
	tm := newTestMock(t, WithTaskDuration(run), WithVCHAOutage(outage), WithVCHARejoin(rejoin))
	old := vchaLogin(t, tm, vchaAdmin)
	id := startFailover(t, tm, old, true)

	tm.clock.Advance(run - time.Millisecond)
	assert.Equal(t, vcha.CisTaskStatusRUNNING, taskStatus(t, tm, old, id), "before the switch-over the session works")

	tm.clock.Advance(time.Millisecond)
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/cis/tasks/" + id},
		{"POST", "/api/session"},
		{"POST", "/rest/com/vmware/cis/session"},
		{"GET", "/rest/vcenter/vcha/cluster/mode"},
		{"GET", "/api/no/such/route"},
	} {
		status, body, _ := do(t, tm.vchaHC, r.method, vchaURL(tm, r.path), nil, "vmware-api-session-id", old)
		require.Equal(t, http.StatusServiceUnavailable, status, r.path)
		var e vcha.StdErrorsError
		if isLegacyPath(r.path) {
			le := legacyErr(t, body)
			assert.Equal(t, "com.vmware.vapi.std.errors.service_unavailable", le.Type, r.path)
			e = le.Value
		} else {
			e = vchaError(t, body)
		}
		assert.Equal(t, vcha.StdErrorsErrorTypeSERVICEUNAVAILABLE, *e.ErrorType, r.path)
		assert.Equal(t, msgUnavailable, e.Messages[0].Id)
	}
	status, body, _ := do(t, tm.vchaHC, "GET", vchaURL(tm, ControlPrefix+"/outage"), nil)
	require.Equal(t, http.StatusOK, status, "the control API stays up")
	var outs []Outage
	require.NoError(t, json.Unmarshal(body, &outs))
	assert.Contains(t, outs, Outage{API: "vcha", Active: true, From: new(testStart.Add(run)), Until: new(testStart.Add(run + outage)), Remaining: "30s"})

	tm.clock.Advance(outage - time.Millisecond)
	status, _, _ = do(t, tm.vchaHC, "GET", vchaURL(tm, "/api/session"), nil, "vmware-api-session-id", old)
	require.Equal(t, http.StatusServiceUnavailable, status, "still in the outage")
	tm.clock.Advance(time.Millisecond)
	status, body, h := do(t, tm.vchaHC, "GET", vchaURL(tm, "/api/session"), nil, "vmware-api-session-id", old)
	require.Equal(t, http.StatusUnauthorized, status, "the old session is gone")
	assert.Equal(t, "Authentication required.", vchaError(t, body).Messages[0].DefaultMessage)
	assert.Equal(t, `Basic realm="vCenter"`, h.Get("WWW-Authenticate"))

	fresh := vchaLogin(t, tm, vchaAdmin)
	info := getTask(t, tm, fresh, id)
	assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, info.Status, "the task survives the switch-over (failoverkit choice)")
	assert.Equal(t, vapiTime(testStart.Add(run)), *info.EndTime, "it ended at the switch-over point")
	c := getCluster(t, tm, fresh)
	n1, n2 := roles(c)
	assert.Equal(t, vcha.VchaClusterNodeRolePASSIVE, n1)
	assert.Equal(t, vcha.VchaClusterNodeRoleACTIVE, n2)
	assert.Equal(t, vcha.VchaClusterNodeStateDOWN, *c.Node1.Runtime.State, "the former active is rejoining")
	assert.Equal(t, vcha.VchaClusterClusterStateDEGRADED, *c.HealthState)
	assert.False(t, *c.ManualFailoverAllowed)

	tm.clock.Advance(rejoin)
	c = getCluster(t, tm, fresh)
	assert.Equal(t, vcha.VchaClusterNodeStateUP, *c.Node1.Runtime.State)
	assert.Equal(t, vcha.VchaClusterClusterStateHEALTHY, *c.HealthState)
	assert.True(t, *c.ManualFailoverAllowed, "failback allowed once rejoined")
}

// TestVCHAOutage_ForcedSwitchesOverAtHalf checks that a forced failover
// (planned: false) reaches its switch-over at half the task duration, since
// it does not wait for the active node to flush its state.
func TestVCHAOutage_ForcedSwitchesOverAtHalf(t *testing.T) {
	tm := newTestMock(t, WithTaskDuration(10*time.Second), WithVCHAOutage(time.Second))
	token := vchaLogin(t, tm, vchaAdmin)
	startFailover(t, tm, token, false)
	tm.clock.Advance(5 * time.Second)
	status, _, _ := do(t, tm.vchaHC, "GET", vchaURL(tm, "/api/session"), nil, "vmware-api-session-id", token)
	assert.Equal(t, http.StatusServiceUnavailable, status)
}

// TestVCHAOutage_OffKeepsSessions checks the default of New and Test: no
// outage, and sessions survive the failover (what govmomi v0.52's task
// waiter needs: it panics on any non-2xx answer; v0.53+ returns errors).
func TestVCHAOutage_OffKeepsSessions(t *testing.T) {
	tm := newTestMock(t, WithTaskDuration(10*time.Second))
	token := vchaLogin(t, tm, vchaAdmin)
	id := startFailover(t, tm, token, true)
	tm.clock.Advance(10 * time.Second)
	assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, taskStatus(t, tm, token, id))
}

// TestControl_Outage checks the control API's outage: started for any API
// from the control API, 503 meanwhile, sessions ended, ended early by
// DELETE; bad requests refused.
func TestControl_Outage(t *testing.T) {
	tm := newTestMock(t)
	token := vchaLogin(t, tm, vchaAdmin)
	ctl := vchaURL(tm, ControlPrefix+"/outage")

	status, body, _ := do(t, tm.vchaHC, "POST", ctl, `{"api":"vcha","duration":"5s"}`)
	require.Equal(t, http.StatusCreated, status, string(body))
	status, _, _ = do(t, tm.vchaHC, "GET", vchaURL(tm, "/api/vcenter/vcha/cluster/mode"), nil, "vmware-api-session-id", token)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	status, _, _ = do(t, tm.vcavHC, "GET", tm.vcavURL+"/diagnostics/about", nil)
	assert.NotEqual(t, http.StatusServiceUnavailable, status, "only the named API is down")

	status, _, _ = do(t, tm.vchaHC, "DELETE", ctl, nil)
	require.Equal(t, http.StatusNoContent, status)
	status, _, _ = do(t, tm.vchaHC, "GET", vchaURL(tm, "/api/vcenter/vcha/cluster/mode"), nil, "vmware-api-session-id", token)
	assert.Equal(t, http.StatusUnauthorized, status, "up again, the session ended with the outage")

	for _, bad := range []string{`{"api":"nope","duration":"5s"}`, `{"api":"vcha","duration":"0s"}`, `{"api":"vcha","extra":1}`} {
		status, _, _ = do(t, tm.vchaHC, "POST", ctl, bad)
		assert.Equal(t, http.StatusBadRequest, status, bad)
	}
}

// TestControl_OutageIsVendorNeutral checks an outage of the VCAV API
// started from the control API: 503 in VCAV's ApiError shape, then the
// session is gone. The VCAV spec documents no 503, so the request goes
// around the validating transport (the README says so too).
func TestControl_OutageIsVendorNeutral(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	require.NoError(t, tm.StartOutage("vcav", time.Minute))
	status, body, _ := do(t, http.DefaultClient, "GET", tm.vcavURL+"/sessions", nil, "X-VCAV-Auth", token)
	require.Equal(t, http.StatusServiceUnavailable, status)
	var e struct{ Code string }
	require.NoError(t, json.Unmarshal(body, &e))
	assert.Equal(t, "ServiceUnavailable", e.Code)
	tm.clock.Advance(time.Minute)
	status, _, _ = do(t, tm.vcavHC, "GET", tm.vcavURL+"/sessions", nil, "X-VCAV-Auth", token)
	assert.Equal(t, http.StatusUnauthorized, status)
}
