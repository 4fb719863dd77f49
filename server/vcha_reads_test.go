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

// getJSON sends a request with the token and decodes a 200 answer into v.
func getJSON(t testing.TB, tm *testMock, method, path string, body any, token string, v any) {
	t.Helper()
	status, raw, _ := do(t, tm.vchaHC, method, vchaURL(tm, path), body, "vmware-api-session-id", token)
	require.Equal(t, http.StatusOK, status, string(raw))
	require.NoError(t, json.Unmarshal(raw, v))
}

// TestVCHAReads_OperationsFollowTheCluster checks GET
// /api/vcenter/vcha/operations before, during and after a failover: the
// failover is disabled and active while it runs, disabled while the former
// active rejoins, allowed again after.
func TestVCHAReads_OperationsFollowTheCluster(t *testing.T) {
	tm := newTestMock(t, WithTaskDuration(10*time.Second))
	token := vchaLogin(t, tm, vchaAdmin)
	var ops vcha.VchaOperationsInfo
	getJSON(t, tm, "GET", "/api/vcenter/vcha/operations", nil, token, &ops)
	assert.Equal(t, vcha.VchaOperationsInfo{Disabled: []string{opIDDeploy}, Active: []string{}}, ops)

	startFailover(t, tm, token, true)
	getJSON(t, tm, "GET", "/api/vcenter/vcha/operations", nil, token, &ops)
	assert.Equal(t, []string{opIDDeploy, opIDFailover, opIDModeSet}, ops.Disabled)
	assert.Equal(t, []string{opIDFailover}, ops.Active)

	tm.clock.Advance(10 * time.Second)
	getJSON(t, tm, "GET", "/api/vcenter/vcha/operations", nil, token, &ops)
	assert.Equal(t, []string{opIDDeploy, opIDFailover}, ops.Disabled, "rejoining: no failback yet")
	assert.Empty(t, ops.Active)

	readonly := vchaLogin(t, tm, vchaReadonly)
	getJSON(t, tm, "GET", "/api/vcenter/vcha/operations", nil, readonly, &ops)
}

// TestVCHAReads_ActiveFollowsTheRole checks POST
// /api/vcenter/vcha/cluster/active?action=get (the Java SDK sample
// VchaClient's first call, Active.get): built from the ACTIVE node, so it
// changes with a failover; partial leaves the placement out.
func TestVCHAReads_ActiveFollowsTheRole(t *testing.T) {
	tm := newTestMock(t, WithVCHARejoin(0))
	token := vchaLogin(t, tm, vchaAdmin)
	c := getCluster(t, tm, token)
	var a vcha.VchaClusterActiveInfo
	getJSON(t, tm, "POST", "/api/vcenter/vcha/cluster/active?action=get", `{}`, token, &a)
	assert.Equal(t, c.Node1.FailoverIp.Ipv4.Address, a.Management.Ipv4.Address)
	assert.Equal(t, c.Node1.HaIp.Ipv4.Address, a.Ha.Ipv4.Address)
	require.NotNil(t, a.Placement)
	assert.Equal(t, c.Node1.Runtime.Placement.VmName, a.Placement.VmName)

	id := startFailover(t, tm, token, true)
	tm.clock.Advance(DefaultTaskDuration)
	require.Equal(t, vcha.CisTaskStatusSUCCEEDED, taskStatus(t, tm, token, id))
	a = vcha.VchaClusterActiveInfo{}
	getJSON(t, tm, "POST", "/api/vcenter/vcha/cluster/active?action=get", `{"partial":true}`, token, &a)
	assert.Equal(t, c.Node2.HaIp.Ipv4.Address, a.Ha.Ipv4.Address, "node2 is active now")
	assert.Nil(t, a.Placement, "partial")

	readonly := vchaLogin(t, tm, vchaReadonly)
	status, _, _ := do(t, tm.vchaHC, "POST", vchaURL(tm, "/api/vcenter/vcha/cluster/active?action=get"), `{}`, "vmware-api-session-id", readonly)
	assert.Equal(t, http.StatusForbidden, status, "the full answer needs Global.VCServer")
}

// TestVCHAReads_DeploymentType checks AUTO by default, the fixture's type,
// and NONE for a cluster that is not configured.
func TestVCHAReads_DeploymentType(t *testing.T) {
	tm := newTestMock(t)
	token := vchaLogin(t, tm, vchaAdmin)
	var d vcha.VchaClusterDeploymentTypeInfo
	getJSON(t, tm, "GET", "/api/vcenter/vcha/cluster/deployment-type", nil, token, &d)
	assert.Equal(t, vcha.VchaClusterDeploymentTypeAUTO, d.DeploymentType)

	require.NoError(t, tm.LoadFixture(vchaFixture(t, func(f *VCHAFixture) {
		f.DeploymentType = new(vcha.VchaClusterDeploymentTypeMANUAL)
	})))
	token = vchaLogin(t, tm, vchaAdmin)
	getJSON(t, tm, "GET", "/api/vcenter/vcha/cluster/deployment-type", nil, token, &d)
	assert.Equal(t, vcha.VchaClusterDeploymentTypeMANUAL, d.DeploymentType)

	require.NoError(t, tm.LoadFixture(vchaFixture(t, func(f *VCHAFixture) {
		f.Cluster.ConfigState = new(vcha.VchaClusterConfigStateNOTCONFIGURED)
	})))
	token = vchaLogin(t, tm, vchaAdmin)
	getJSON(t, tm, "GET", "/api/vcenter/vcha/cluster/deployment-type", nil, token, &d)
	assert.Equal(t, vcha.VchaClusterDeploymentTypeNONE, d.DeploymentType)
}

// TestVCHAReads_ListTasks checks POST /api/cis/tasks?action=list: the
// required filter, AND between fields, OR within one, users in any
// login-name form, unknown ids left out, targets never matching.
func TestVCHAReads_ListTasks(t *testing.T) {
	tm := newTestMock(t, WithTaskDuration(10*time.Second), WithVCHARejoin(0))
	token := vchaLogin(t, tm, `VSPHERE.LOCAL\administrator`)
	fo := startFailover(t, tm, token, true)
	tm.clock.Advance(10 * time.Second)
	mode := startModeSet(t, tm, token, vcha.VchaClusterClusterModeMAINTENANCE)

	list := func(body string) map[string]vcha.TaskInfo {
		t.Helper()
		var out map[string]vcha.TaskInfo
		getJSON(t, tm, "POST", "/api/cis/tasks?action=list", body, token, &out)
		return out
	}
	assert.Len(t, list(`{"filter_spec":{"services":["com.vmware.vcenter.vcha.cluster","com.vmware.vcenter.vcha.cluster.mode"]}}`), 2)
	got := list(`{"filter_spec":{"services":["com.vmware.vcenter.vcha.cluster"],"status":["SUCCEEDED"],"users":["Administrator@VSPHERE.LOCAL","administrator@vsphere.local"]}}`)
	require.Contains(t, got, fo)
	assert.Len(t, got, 1)
	assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, got[fo].Status)
	assert.Contains(t, list(`{"filter_spec":{"tasks":["`+mode+`","task-0:nope"]}}`), mode)
	assert.Len(t, list(`{"filter_spec":{"tasks":["task-0:nope"]}}`), 0)
	assert.Len(t, list(`{"filter_spec":{"services":["com.vmware.vcenter.vcha.cluster"],"status":["RUNNING"]}}`), 0)
	assert.Len(t, list(`{"filter_spec":{"services":["com.vmware.vcenter.vcha.cluster"],"targets":[{"type":"x","id":"y"}]}}`), 0)
	assert.Len(t, list(`{"filter_spec":{"services":["com.vmware.vcenter.vcha.cluster"],"users":["readonly@vsphere.local"]}}`), 0)

	for _, bad := range []string{`{}`, `{"filter_spec":{}}`, `{"filter_spec":{"status":["RUNNING"]}}`, `{"filter_spec":{"nope":1}}`} {
		status, raw, _ := do(t, tm.vchaHC, "POST", vchaURL(tm, "/api/cis/tasks?action=list"), bad, "vmware-api-session-id", token)
		require.Equal(t, http.StatusBadRequest, status, bad)
		assert.Equal(t, vcha.StdErrorsErrorTypeINVALIDARGUMENT, *vchaError(t, raw).ErrorType, bad)
	}
}

// TestVCHAReads_ListTasksCapsAt1000 checks the vendor's limit: more than
// 1000 matching tasks answer 500 RESOURCE_INACCESSIBLE; 1000 are listed.
func TestVCHAReads_ListTasksCapsAt1000(t *testing.T) {
	tm := newTestMock(t, WithTaskRetention(-1))
	token := vchaLogin(t, tm, vchaAdmin)
	sim := tm.vchaSim()
	refused := vapiError(vcha.StdErrorsErrorTypeNOTALLOWEDINCURRENTSTATE, vapiMessage(msgFailoverNotAllowed, "no"))
	add := func(n int) {
		sim.mu.Lock()
		defer sim.mu.Unlock()
		for range n {
			sim.startTask(t.Context(), tm.clock.Now(), taskPlan{kind: failoverTask, refusal: &refused})
		}
	}
	body := `{"filter_spec":{"services":["com.vmware.vcenter.vcha.cluster"]}}`
	add(maxListedTasks)
	var out map[string]vcha.TaskInfo
	getJSON(t, tm, "POST", "/api/cis/tasks?action=list", body, token, &out)
	assert.Len(t, out, maxListedTasks)
	add(1)
	status, raw, _ := do(t, tm.vchaHC, "POST", vchaURL(tm, "/api/cis/tasks?action=list"), body, "vmware-api-session-id", token)
	require.Equal(t, http.StatusInternalServerError, status)
	assert.Equal(t, vcha.StdErrorsErrorTypeRESOURCEINACCESSIBLE, *vchaError(t, raw).ErrorType)
}
