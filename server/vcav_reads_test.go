package server

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// TestVCAVReads_InstancesOfAReplicationNeverSynced: a replication with no
// instances and no latestInstance (its first sync has not ended) lists an
// empty array, and its first sync takes instance 1.
func TestVCAVReads_InstancesOfAReplicationNeverSynced(t *testing.T) {
	tm := newTestMock(t, WithFixture(vcavFixture(t, func(f *VCAVFixture) {
		for i := range f.Replications {
			if f.Replications[i].Id == vcavAppWebID {
				f.Replications[i].DestinationState.LatestInstance = nil
			}
		}
	})))
	token := vcavLogin(t, tm, vcavRootLogin)
	assert.Empty(t, vcavInstanceKeys(t, tm, token, vcavAppWebID), "no instances and no latestInstance: an empty array")
	r := vcavStep(t, tm, token, "syncVmReplication", vcavAppWebID)
	assert.EqualValues(t, 1, *r.DestinationState.LatestInstance.SequenceNumber)
	assert.Equal(t, []string{*r.DestinationState.LatestInstance.Key}, vcavInstanceKeys(t, tm, token, vcavAppWebID))
}

// TestVCAVReads_FromTheFixture reads about, sites, vc-sites, instances and
// network settings of the default fixture (README's table of values).
func TestVCAVReads_FromTheFixture(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	get := func(path string, into any) {
		t.Helper()
		status, body, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+path, nil, "X-VCAV-Auth", token)
		require.Equal(t, http.StatusOK, status, "%s: %s", path, body)
		require.NoError(t, json.Unmarshal(body, into))
	}
	var about vcav.AboutInfo
	get("/diagnostics/about", &about)
	assert.Equal(t, vcav.AboutInfo{ProductName: "VMware Cloud Director Availability", BuildVersion: "4.7.0.1234567-0123456789",
		BuildDate: 1718000000000, InstanceId: "2b7e3c1d-4f5a-4b6c-8d7e-9f0a1b2c3d4e", ServiceType: "CLOUD"}, about)

	var sites []vcav.Site
	get("/sites", &sites)
	require.Len(t, sites, 2)
	assert.Equal(t, "site1", sites[0].Site)
	assert.False(t, sites[0].IsLocal)
	assert.Equal(t, "https://vcda-site1.example.com", *sites[0].ApiPublicUrl)
	assert.Equal(t, "site2", sites[1].Site)
	assert.True(t, sites[1].IsLocal, "clients find the local site by isLocal")
	assert.Equal(t, "4.7", *sites[1].ApiVersion)
	_, raw, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+"/sites", nil, "X-VCAV-Auth", token)
	assert.Contains(t, string(raw), `"state":{}`)
	assert.NotContains(t, string(raw), "site1-vcd-session-cookie", "remote users are never shown")

	var vcSites []vcav.VcSite
	get("/vc-sites", &vcSites)
	require.Len(t, vcSites, 1)
	assert.Equal(t, "onprem1", vcSites[0].Site)

	var inst []vcav.InstanceInfo
	get("/vm-replications/"+vcavReadyID+"/instances", &inst)
	require.Len(t, inst, 2, "the fixture's instances")
	assert.Equal(t, "replica-52f3e775-a8fa-13e3-e9be-39264ed2dfe2", *inst[0].Key)
	get("/vm-replications/"+vcavAppWebID+"/instances", &inst)
	require.Len(t, inst, 1, "not in the fixture's instances: its latestInstance alone")
	assert.Equal(t, "replica-6b1f0d2e-4c3a-4e5b-9f7a-8d9c0b1a2e3f", *inst[0].Key)

	var ns vcav.ReplicationNetworkSettings
	get("/vm-replications/"+vcavReadyID+"/network-settings", &ns)
	assert.Equal(t, "org1-dr-net", *(*ns.FailoverSettings.VmNetworkSettings.Nics)[0].Network)
	assert.Equal(t, "org1-test-net", *(*ns.FailoverTestSettings.VmNetworkSettings.Nics)[0].Network)
	get("/vm-replications/"+vcavAppWebID+"/network-settings", &ns)
	assert.True(t, *ns.FailoverSettings.VmNetworkSettings.CopySourceNicSettings, "default: copy the source NICs")

	for _, path := range []string{"/instances", "/network-settings"} {
		status, body, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+"/vm-replications/"+vcavUnknownID+path, nil, "X-VCAV-Auth", token)
		vcavRequireError(t, http.StatusNotFound, "VmReplicationNotFound", status, body)
	}
	for _, path := range []string{"/diagnostics/about", "/sites", "/vc-sites"} {
		status, body, hdr := do(t, tm.vcavHC, "GET", tm.vcavURL+path, nil)
		vcavRequireError(t, http.StatusUnauthorized, "NotAuthenticated", status, body)
		assert.Equal(t, "Authentication Token Required", hdr.Get("WWW-Authenticate"))
	}
}

// TestVCAVHealth_ByGeneration pins the failoverkit choice on GET
// /diagnostics/health: a 3.x Accept gets 200 CloudHealthInfo (PowerVCAV's
// vm-report); any other Accept gets 202 and the health task (the Ansible
// VCDA module); POST answers 202 and the task, whose result is the
// CloudHealthInfo (terraform-provider-vcda).
func TestVCAVHealth_ByGeneration(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	status, body, hdr := do(t, tm.vcavHC, "GET", tm.vcavURL+"/diagnostics/health", nil, "X-VCAV-Auth", token,
		"Accept", "application/vnd.vmware.h4-v3+json;charset=UTF-8")
	require.Equal(t, http.StatusOK, status, "%s", body)
	assert.Equal(t, "application/vnd.vmware.h4-v3+json;charset=UTF-8", hdr.Get("Content-Type"))
	var h vcav.CloudHealthInfo
	require.NoError(t, json.Unmarshal(body, &h))
	assert.Empty(t, *h.ManagerHealth.OfflineReplicators)
	assert.Equal(t, testStart.UnixMilli(), *h.CurrentTime)
	assert.Equal(t, "VMware Cloud Director Availability", *h.ProductName, "defaults to about's")

	for _, req := range []struct{ method, accept string }{{"GET", "application/json;charset=UTF-8"}, {"GET", ""}, {"POST", vcavAcceptV4}} {
		status, body, _ = do(t, tm.vcavHC, req.method, tm.vcavURL+"/diagnostics/health", nil, "X-VCAV-Auth", token, "Accept", req.accept)
		require.Equal(t, http.StatusAccepted, status, "%s %q: %s", req.method, req.accept, body)
		var task vcav.C4ApiTask
		require.NoError(t, json.Unmarshal(body, &task))
		assert.Equal(t, vcav.TaskStateRUNNING, task.State)
		assert.JSONEq(t, `{"type":"health","resourceType":"CLOUD"}`, mustJSON(t, task.WorkflowInfo))
		tm.clock.Advance(DefaultTaskDuration)
		status, body, _ = do(t, tm.vcavHC, "GET", tm.vcavURL+"/tasks/"+task.Id, nil, "X-VCAV-Auth", token)
		require.Equal(t, http.StatusOK, status, "%s", body)
		var done struct {
			State      string               `json:"state"`
			ResultType string               `json:"resultType"`
			Result     vcav.CloudHealthInfo `json:"result"`
		}
		require.NoError(t, json.Unmarshal(body, &done))
		assert.Equal(t, "SUCCEEDED", done.State)
		assert.Equal(t, "CloudHealthInfo", done.ResultType)
		require.NotNil(t, done.Result.TunnelConnectivity)
		assert.Equal(t, "4c3b2a19-0f8e-4d7c-9b6a-5e4d3c2b1a09", *(*done.Result.TunnelConnectivity)[0].TunnelService.Id)
		assert.Equal(t, "1f2e3d4c-5b6a-4978-8e7d-6c5b4a392817", *done.Result.ManagerHealth.Id)
	}
}

// mustJSON encodes v.
func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
