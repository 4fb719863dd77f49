package server

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// TestVCHARoutes_BadFailoverRequests checks the 400 answers to the non-task
// form and to bad failover bodies.
func TestVCHARoutes_BadFailoverRequests(t *testing.T) {
	tm := newTestMock(t)
	admin := vchaLogin(t, tm, vchaAdmin)
	cases := map[string]struct {
		path, body string
		errType    vcha.StdErrorsErrorType
		id, field  string
	}{
		"non-task form": {"/api/vcenter/vcha/cluster?action=failover", `{"planned":true}`,
			vcha.StdErrorsErrorTypeINVALIDREQUEST, msgNonTask, ""},
		"missing planned": {failoverPath, `{}`, vcha.StdErrorsErrorTypeINVALIDARGUMENT, msgMissingField, "planned"},
		"planned not bool": {failoverPath, `{"planned":"yes"}`,
			vcha.StdErrorsErrorTypeINVALIDARGUMENT, msgInvalidType, "planned"},
		"unknown field": {failoverPath, `{"planned":true,"force":true}`,
			vcha.StdErrorsErrorTypeINVALIDARGUMENT, msgUnexpectedField, "force"},
		"malformed json": {failoverPath, `{"planned":`, vcha.StdErrorsErrorTypeINVALIDARGUMENT, msgBodyParse, ""},
		"no body":        {failoverPath, ``, vcha.StdErrorsErrorTypeINVALIDARGUMENT, "", ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			status, body, h := do(t, tm.vchaHC, "POST", vchaURL(tm, c.path), c.body, "vmware-api-session-id", admin)
			require.Equal(t, http.StatusBadRequest, status, string(body))
			e := vchaError(t, body)
			assert.Equal(t, c.errType, *e.ErrorType)
			if c.id != "" {
				assert.Equal(t, c.id, e.Messages[0].Id)
			}
			assert.Contains(t, e.Messages[0].DefaultMessage, c.field)
			assert.Contains(t, h.Get("Content-Type"), "application/json")
		})
	}
	assert.True(t, *getCluster(t, tm, admin).ManualFailoverAllowed, "no request started a task")
}

// TestVCHARoutes_BadModeRequests checks the 400 answers to the non-task form
// and to a bad mode body.
func TestVCHARoutes_BadModeRequests(t *testing.T) {
	tm := newTestMock(t)
	admin := vchaLogin(t, tm, vchaAdmin)
	status, body, _ := do(t, tm.vchaHC, "PUT", vchaURL(tm, "/api/vcenter/vcha/cluster/mode"), `{"mode":"DISABLED"}`,
		"vmware-api-session-id", admin)
	require.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, vcha.StdErrorsErrorTypeINVALIDREQUEST, *vchaError(t, body).ErrorType)

	status, body, _ = do(t, tm.vchaHC, "PUT", vchaURL(tm, "/api/vcenter/vcha/cluster/mode?vmw-task=true"), `{"mode":"ON"}`,
		"vmware-api-session-id", admin)
	require.Equal(t, http.StatusBadRequest, status)
	e := vchaError(t, body)
	assert.Equal(t, vcha.StdErrorsErrorTypeINVALIDARGUMENT, *e.ErrorType)
	assert.Equal(t, msgInvalidValue, e.Messages[0].Id)
	assert.Contains(t, e.Messages[0].DefaultMessage, "mode")
}

// TestVCHARoutes_UnknownRouteAndMethod checks that unknown routes and wrong
// methods get vSphere errors.
func TestVCHARoutes_UnknownRouteAndMethod(t *testing.T) {
	tm := newTestMock(t)
	status, body, _ := do(t, tm.vchaHC, "GET", vchaURL(tm, "/api/vcenter/no/such/thing"), nil)
	require.Equal(t, http.StatusNotFound, status)
	assert.Equal(t, vcha.StdErrorsErrorTypeNOTFOUND, *vchaError(t, body).ErrorType)

	status, body, _ = do(t, tm.vchaHC, "DELETE", vchaURL(tm, "/api/vcenter/vcha/cluster/mode"), nil)
	require.Equal(t, http.StatusMethodNotAllowed, status)
	assert.Equal(t, vcha.StdErrorsErrorTypeOPERATIONNOTFOUND, *vchaError(t, body).ErrorType)
}

// TestVCHARoutes_TaskIDsAndRetention checks task retention, unknown task ids
// and percent-encoded task ids.
func TestVCHARoutes_TaskIDsAndRetention(t *testing.T) {
	tm := newTestMock(t, WithTaskRetention(2), WithVCHARejoin(0))
	admin := vchaLogin(t, tm, vchaAdmin)
	var ids []string
	for range 3 {
		ids = append(ids, startFailover(t, tm, admin, true))
		tm.clock.Advance(DefaultTaskDuration)
	}
	status, body, _ := do(t, tm.vchaHC, "GET", vchaURL(tm, "/api/cis/tasks/"+ids[0]), nil, "vmware-api-session-id", admin)
	require.Equal(t, http.StatusNotFound, status, "the oldest finished task is forgotten")
	e := vchaError(t, body)
	assert.Equal(t, vcha.StdErrorsErrorTypeNOTFOUND, *e.ErrorType)
	assert.Equal(t, []string{ids[0]}, e.Messages[0].Args)
	for _, id := range ids[1:] {
		assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, taskStatus(t, tm, admin, id))
		status, _, _ = do(t, tm.vchaHC, "GET", vchaURL(tm, "/api/cis/tasks/"+url.PathEscape(id)), nil, "vmware-api-session-id", admin)
		assert.Equal(t, http.StatusOK, status, "percent-encoded colon")
	}
	status, _, _ = do(t, tm.vchaHC, "GET", vchaURL(tm, "/api/cis/tasks/nope"), nil, "vmware-api-session-id", admin)
	assert.Equal(t, http.StatusNotFound, status)
}

// TestVCHACluster_GetPrivilegesAndPartial checks the privileges of the
// cluster get, the partial answer and the derived fields of a degraded
// cluster.
func TestVCHACluster_GetPrivilegesAndPartial(t *testing.T) {
	tm := newTestMock(t, WithFixture(vchaFixture(t, func(f *VCHAFixture) {
		f.Cluster.Node2.Runtime.State = new(vcha.VchaClusterNodeStateDOWN)
	})))
	c := vchaClient(t, tm)
	ro := vchaLogin(t, tm, vchaReadonly)
	resp, err := c.GetVchaClusterWithResponse(context.Background(), vcha.GetVchaClusterJSONRequestBody{}, withToken(ro))
	require.NoError(t, err)
	require.Equal(t, http.StatusForbidden, resp.StatusCode())
	assert.Equal(t, vcha.StdErrorsErrorTypeUNAUTHORIZED, *resp.JSON403.ErrorType)

	resp, err = c.GetVchaClusterWithResponse(context.Background(), vcha.GetVchaClusterJSONRequestBody{Partial: new(true)}, withToken(ro))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	part := resp.JSON200
	assert.Nil(t, part.Node1.Runtime.Placement, "partial leaves out placement")
	assert.Equal(t, vcha.VchaClusterClusterStateDEGRADED, *part.HealthState)
	require.NotNil(t, part.HealthWarnings)
	assert.Len(t, *part.HealthWarnings, 1)
	assert.Equal(t, "com.vmware.vcenter.vcha.cluster.health.passive_down", (*part.HealthWarnings)[0].Error.Id)
	assert.False(t, *part.ManualFailoverAllowed)
	assert.False(t, *part.AutoFailoverAllowed)

	admin := vchaLogin(t, tm, vchaAdmin)
	status, body, _ := do(t, tm.vchaHC, "POST", vchaURL(tm, "/api/vcenter/vcha/cluster?action=get"), nil,
		"vmware-api-session-id", admin)
	require.Equal(t, http.StatusOK, status, "the body is optional")
	assert.Contains(t, string(body), `"placement"`)
}
