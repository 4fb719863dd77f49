package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// legacyValue decodes a /rest success body {"value": …} into v.
func legacyValue(t testing.TB, body []byte, v any) {
	t.Helper()
	var w struct {
		Value json.RawMessage `json:"value"`
	}
	require.NoError(t, json.Unmarshal(body, &w), string(body))
	require.NotEmpty(t, w.Value, string(body))
	require.NoError(t, json.Unmarshal(w.Value, v))
}

// legacyErr decodes a /rest error body {"type", "value"}.
func legacyErr(t testing.TB, body []byte) vcha.LegacyError {
	t.Helper()
	var e vcha.LegacyError
	require.NoError(t, json.Unmarshal(body, &e), string(body))
	return e
}

// legacyLogin logs in through POST /rest/com/vmware/cis/session the way
// govmomi rest.Client.Login does (v0.52 to v0.56) (vapi/rest/client.go Login: Basic,
// Vmware-Use-Header-Authn: true, Content-Type: application/json, an empty
// body sent chunked) and returns the token.
func legacyLogin(t testing.TB, tm *testMock, user string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, vchaURL(tm, "/rest/com/vmware/cis/session"), io.MultiReader())
	require.NoError(t, err)
	req.SetBasicAuth(user, vchaPassword)
	req.Header.Set("Vmware-Use-Header-Authn", "true")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := tm.vchaHC.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"), "aiohttp's json() and the old Ansible module need exactly this")
	assert.Empty(t, resp.Header.Get("Set-Cookie"), "no session cookie")
	var token string
	legacyValue(t, body, &token)
	return token
}

// TestVCHALegacy_SessionLifecycle checks the /rest session calls on the
// store /api uses: login 200 {"value": token}, ?~action=get wrapped, the
// token valid on /api, logout 200 without a body, then 401 in the legacy
// error shape with the challenge.
func TestVCHALegacy_SessionLifecycle(t *testing.T) {
	tm := newTestMock(t)
	token := legacyLogin(t, tm, vchaAdmin)

	status, body, _ := do(t, tm.vchaHC, "POST", vchaURL(tm, "/rest/com/vmware/cis/session?~action=get"), nil, "vmware-api-session-id", token)
	require.Equal(t, http.StatusOK, status, string(body))
	var info vcha.CisSessionInfo
	legacyValue(t, body, &info)
	assert.Equal(t, vchaAdmin, info.User)

	assert.Equal(t, vcha.VchaClusterClusterModeENABLED, getMode(t, tm, token), "the /rest token works on /api")
	apiToken := vchaLogin(t, tm, vchaAdmin)
	status, _, _ = do(t, tm.vchaHC, "GET", vchaURL(tm, "/rest/vcenter/vcha/cluster/mode"), nil, "vmware-api-session-id", apiToken)
	assert.Equal(t, http.StatusOK, status, "and an /api token on /rest")

	status, body, _ = do(t, tm.vchaHC, "DELETE", vchaURL(tm, "/rest/com/vmware/cis/session"), nil, "vmware-api-session-id", token)
	assert.Equal(t, http.StatusOK, status)
	assert.Empty(t, body)

	status, body, h := do(t, tm.vchaHC, "POST", vchaURL(tm, "/rest/com/vmware/cis/session?~action=get"), nil, "vmware-api-session-id", token)
	require.Equal(t, http.StatusUnauthorized, status)
	e := legacyErr(t, body)
	assert.Equal(t, "com.vmware.vapi.std.errors.unauthenticated", e.Type)
	assert.Equal(t, "Authentication required.", e.Value.Messages[0].DefaultMessage)
	assert.Equal(t, `Basic realm="vCenter"`, h.Get("WWW-Authenticate"))

	status, body, _ = do(t, tm.vchaHC, "POST", vchaURL(tm, "/rest/com/vmware/cis/session"), nil, "Authorization", "Basic "+basicValue(vchaAdmin, "wrong"))
	require.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, "com.vmware.vapi.std.errors.unauthenticated", legacyErr(t, body).Type)
}

// basicValue is the Basic credentials of user and password.
func basicValue(user, password string) string {
	req := &http.Request{Header: http.Header{}}
	req.SetBasicAuth(user, password)
	return strings.TrimPrefix(req.Header.Get("Authorization"), "Basic ")
}

// TestVCHALegacy_FailoverAndReads checks the legacy VCHA calls: the failover
// answers 200 {"value": task id} (the Ruby SDK's VchaClusterApi#failover_task
// expects that), the task reads wrapped with the spec.-prefixed options and
// a raw or %3A-encoded colon, and the cluster and mode reads are wrapped.
func TestVCHALegacy_FailoverAndReads(t *testing.T) {
	tm := newTestMock(t, WithVCHARejoin(0))
	token := legacyLogin(t, tm, vchaAdmin)
	hdr := []string{"vmware-api-session-id", token}

	status, body, _ := do(t, tm.vchaHC, "POST", vchaURL(tm, "/rest/vcenter/vcha/cluster?action=failover&vmw-task=true"), `{"planned":true}`, hdr...)
	require.Equal(t, http.StatusOK, status, string(body))
	var id string
	legacyValue(t, body, &id)
	assert.Regexp(t, `^task-[0-9]+:com\.vmware\.vcenter\.vcha\.cluster$`, id)

	tm.clock.Advance(DefaultTaskDuration)
	for _, path := range []string{"/rest/cis/tasks/" + id, "/rest/cis/tasks/" + url.PathEscape(id) + "?spec.exclude_result=true&spec.return_all=false"} {
		status, body, _ = do(t, tm.vchaHC, "GET", vchaURL(tm, path), nil, hdr...)
		require.Equal(t, http.StatusOK, status, path)
		var info vcha.TaskInfo
		legacyValue(t, body, &info)
		assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, info.Status, path)
	}

	status, body, _ = do(t, tm.vchaHC, "POST", vchaURL(tm, "/rest/vcenter/vcha/cluster?action=get"), `{"partial":true}`, hdr...)
	require.Equal(t, http.StatusOK, status)
	var c vcha.VchaClusterInfo
	legacyValue(t, body, &c)
	n1, _ := roles(c)
	assert.Equal(t, vcha.VchaClusterNodeRolePASSIVE, n1, "/rest and /api share one cluster")

	status, body, _ = do(t, tm.vchaHC, "PUT", vchaURL(tm, "/rest/vcenter/vcha/cluster/mode?vmw-task=true"), `{"mode":"MAINTENANCE"}`, hdr...)
	require.Equal(t, http.StatusOK, status, string(body))
	tm.clock.Advance(DefaultTaskDuration)
	status, body, _ = do(t, tm.vchaHC, "GET", vchaURL(tm, "/rest/vcenter/vcha/cluster/mode"), nil, hdr...)
	require.Equal(t, http.StatusOK, status)
	var mode vcha.VchaClusterModeInfo
	legacyValue(t, body, &mode)
	assert.Equal(t, vcha.VchaClusterClusterModeMAINTENANCE, mode.Mode)
}

// TestVCHALegacy_Refusals checks that every refusal on a /rest path has the
// legacy shape {type, value}: handler errors, pipeline refusals and the
// request of Ansible's removed VCHA module (vmware.vmware_rest
// plugins/modules/vcenter_vcha_cluster.py at 4cf760bc, _failover: POST
// /rest/vcenter/vcha/cluster, no action, body {"spec": {…}}), which is no
// vendor call and must not fail over.
func TestVCHALegacy_Refusals(t *testing.T) {
	tm := newTestMock(t)
	admin := legacyLogin(t, tm, vchaAdmin)
	readonly := legacyLogin(t, tm, vchaReadonly)
	tests := []struct {
		name, method, path, body, token string
		status                          int
		typ, msgID                      string
	}{
		{"ansible removed module", "POST", "/rest/vcenter/vcha/cluster", `{"spec":{"planned":true}}`, admin, 404,
			"com.vmware.vapi.std.errors.not_found", msgLegacyRouteNotFound},
		{"non-task form", "POST", "/rest/vcenter/vcha/cluster?action=failover", `{"planned":true}`, admin, 400,
			"com.vmware.vapi.std.errors.invalid_request", msgNonTask},
		{"malformed body", "POST", "/rest/vcenter/vcha/cluster?action=failover&vmw-task=true", `{"planned":`, admin, 400,
			"com.vmware.vapi.std.errors.invalid_argument", ""},
		{"no privilege", "POST", "/rest/vcenter/vcha/cluster?action=failover&vmw-task=true", `{"planned":true}`, readonly, 403,
			"com.vmware.vapi.std.errors.unauthorized", msgUnauthorized},
		{"unknown task", "GET", "/rest/cis/tasks/task-999999:com.vmware.vcenter.vcha.cluster", "", admin, 404,
			"com.vmware.vapi.std.errors.not_found", msgTaskNotFound},
		{"no token", "GET", "/rest/vcenter/vcha/cluster/mode", "", "", 401,
			"com.vmware.vapi.std.errors.unauthenticated", msgAuthRequired},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body any
			if tc.body != "" {
				body = tc.body
			}
			status, raw, _ := do(t, tm.vchaHC, tc.method, vchaURL(tm, tc.path), body, "vmware-api-session-id", tc.token)
			require.Equal(t, tc.status, status, string(raw))
			e := legacyErr(t, raw)
			assert.Equal(t, tc.typ, e.Type)
			require.NotNil(t, e.Value.ErrorType)
			assert.Equal(t, strings.ToUpper(strings.TrimPrefix(tc.typ, "com.vmware.vapi.std.errors.")), string(*e.Value.ErrorType))
			if tc.msgID != "" {
				assert.Equal(t, tc.msgID, e.Value.Messages[0].Id)
			}
		})
	}
	n1, _ := roles(getCluster(t, tm, admin))
	assert.Equal(t, vcha.VchaClusterNodeRoleACTIVE, n1, "nothing failed over")
}
