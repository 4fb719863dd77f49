package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// controlSend sends a control request with a content type, as curl would.
func controlSend(t *testing.T, tm *testMock, method, path, contentType, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, tm.vcavURL+ControlPrefix+path, strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, b := plainDo(t, req)
	return resp.StatusCode, b
}

// TestControl_RequestLogRecordsWhatTheAutomationSent replays an automation
// that logs in and fails over with powerOn false: the request log has the
// failover's settings (filterable by operation, user and status, with
// counts) and the login's body with the password REDACTED.
func TestControl_RequestLogRecordsWhatTheAutomationSent(t *testing.T) {
	tm := newTestMock(t, WithInstantTasks())
	token := vcavLogin(t, tm, vcavRootLogin)
	status, body := vcavFailover(t, tm, token, vcavReadyID, `{"type":"vcloud","powerOn":false,"consolidate":true}`)
	require.Equal(t, http.StatusAccepted, status, "%s", body)

	status, raw := controlSend(t, tm, "GET", "/requests?operationId=failoverVmReplication&user=root&status=202", "", "")
	require.Equal(t, http.StatusOK, status)
	var recs []RequestRecord
	require.NoError(t, json.Unmarshal(raw, &recs))
	require.Len(t, recs, 1)
	var settings vcav.VmFailoverSettings
	require.NoError(t, json.Unmarshal(recs[0].Body, &settings))
	require.NotNil(t, settings.PowerOn)
	assert.False(t, *settings.PowerOn, "a test can assert what the automation sent")

	logins := tm.RequestsMatching(RequestFilter{OperationID: "login"})
	require.Len(t, logins, 1)
	assert.JSONEq(t, `{"type":"localUser","localUser":"root","localPassword":"REDACTED"}`, string(logins[0].Body))

	status, raw = controlSend(t, tm, "GET", "/requests/summary?method=POST", "", "")
	require.Equal(t, http.StatusOK, status)
	var sum RequestSummary
	require.NoError(t, json.Unmarshal(raw, &sum))
	assert.Equal(t, 2, sum.Count)
	assert.Equal(t, map[string]int{"login": 1, "failoverVmReplication": 1}, sum.ByOperation)
	assert.Equal(t, map[string]int{"200": 1, "202": 1}, sum.ByStatus)
}

// TestControl_FixtureFromCurl loads a YAML fixture as curl --data-binary
// @file sends it (curl's default form type, newlines kept), then as curl -d
// @file sends it (newlines stripped): refused, and the error says why.
func TestControl_FixtureFromCurl(t *testing.T) {
	tm := newTestMock(t)
	fixture := "vcav:\n  localSite: s\n  sites:\n    - name: s\n  users:\n    - name: ops\n      password: pw-1\n      type: localUser\n"
	status, body := controlSend(t, tm, "PUT", "/fixture", "application/x-www-form-urlencoded", fixture)
	require.Equal(t, http.StatusNoContent, status, "%s", body)
	require.Equal(t, "ops", tm.State().VCAV.Users[0].Name)

	stripped := strings.ReplaceAll(fixture, "\n", "")
	status, body = controlSend(t, tm, "PUT", "/fixture", "application/x-www-form-urlencoded", stripped)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, string(body), "--data-binary @file")
}

// TestControl_ResetAndStateDumpRoundTrip: reset goes back to the startup
// fixture and reset?to=last to the last loaded one; the state dump, whose
// passwords are left out, loads back and the users keep their passwords.
func TestControl_ResetAndStateDumpRoundTrip(t *testing.T) {
	tm := newTestMock(t, WithInstantTasks())
	status, body := controlSend(t, tm, "PUT", "/fixture", "application/yaml", "vcav:\n  localSite: s\n  sites: [{name: s}]\n  users: [{name: root, password: pw2, type: localUser}]\n")
	require.Equal(t, http.StatusNoContent, status, "%s", body)
	require.Empty(t, tm.State().VCAV.Replications)

	status, _ = controlSend(t, tm, "POST", "/reset?to=last", "", "")
	require.Equal(t, http.StatusNoContent, status)
	assert.Empty(t, tm.State().VCAV.Replications, "to=last: the uploaded fixture")
	status, _ = controlSend(t, tm, "POST", "/reset", "", "")
	require.Equal(t, http.StatusNoContent, status)
	assert.NotEmpty(t, tm.State().VCAV.Replications, "the startup fixture")

	token := vcavLogin(t, tm, vcavRootLogin)
	vcavStartFailover(t, tm, token, vcavReadyID)
	status, dump := controlSend(t, tm, "GET", "/state", "", "")
	require.Equal(t, http.StatusOK, status)
	assert.NotContains(t, string(dump), `"vmware"`)
	status, body = controlSend(t, tm, "PUT", "/fixture", "application/json", string(dump))
	require.Equal(t, http.StatusNoContent, status, "%s", body)
	token = vcavLogin(t, tm, vcavRootLogin) // the password was kept
	assert.Equal(t, vcav.RecoveryStateCOMPLETE, vcavRecovery(vcavGetReplication(t, tm, token, vcavReadyID)), "the dumped state")
}

// TestControl_FixtureWithOddUserNamesIsRefusedNotPanicking: users whose
// names are not strings are refused by validation, never a panic.
func TestControl_FixtureWithOddUserNamesIsRefusedNotPanicking(t *testing.T) {
	tm := newTestMock(t)
	for _, body := range []string{
		`{"vcav":{"users":[{"name":{"a":1}}],"sites":[{"name":{"b":2},"users":[{"name":[1]}]}]}}`,
		`{"vcha":{"users":[{"name":null,"password":""}]}}`,
	} {
		status, raw := controlSend(t, tm, "PUT", "/fixture", "application/json", body)
		assert.Equal(t, http.StatusBadRequest, status, "%s", raw)
	}
}
