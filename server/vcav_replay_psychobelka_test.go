package server

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReplay_VMwareVCAVCommunity_ConnectAndVMFailover replays the community
// PowerShell module PsychoBelka/VMware.vCAV.Community at 868d937 (PowerShell
// 7: no Content-Type on bodyless GETs), Connect-vCAVService then
// Invoke-vCAVReplicationOperation -ReplicationType VM -Failover with its
// defaults, then Disconnect-vCAVService. Every call goes through
// Private/Invoke-vCAVAPIRequest.ps1 (lines 85–101: Accept:
// application/json, operationID: Powershell__<new guid>, X-VCAV-Auth after
// login, Content-Type: application/json when there is a body).
func TestReplay_VMwareVCAVCommunity_ConnectAndVMFailover(t *testing.T) {
	tm := newTestMock(t)
	r := replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}
	var token string
	call := func(method, path, body string) (int, []byte) {
		t.Helper()
		ct := ""
		if body != "" {
			ct = "application/json"
		}
		status, _, out := r.send(method, path, body, "Content-Type", ct, "Accept", "application/json",
			"operationID", "Powershell__"+uuid.NewString(), "X-VCAV-Auth", token)
		return status, out
	}

	// Public/Session/Connect-vCAVService.ps1: POST /sessions (Local), token
	// from the X-VCAV-Auth response header, then GET /diagnostics/about
	// (any failure there = not connected).
	status, hdr, body := r.send("POST", "/sessions", `{"type":"localUser","localUser":"root","localPassword":"vmware"}`,
		"Content-Type", "application/json", "Accept", "application/json", "operationID", "Powershell__"+uuid.NewString())
	require.Equal(t, http.StatusOK, status, "%s", body)
	token = hdr.Get("X-VCAV-Auth")
	require.NotEmpty(t, token)
	status, body = call("GET", "/diagnostics/about", "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	assert.GreaterOrEqual(t, field(decode(t, body), "buildVersion"), "3.5", "compared with 3.5 as a string")

	// Public/Replication-Management/Invoke-vCAVReplicationOperation.ps1
	// (lines 159–207): Get-vCAVReplications -VM -ReplicationId -IncludeInstances.
	list := "/vm-replications?offset=0&limit=100&sourceSiteType=vcloud&ids=" + vcavReadyID
	status, body = call("GET", list, "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	page := decode(t, body)
	require.Equal(t, float64(1), field(page, "total"))
	item := field(page, "items").([]any)[0]
	assert.Equal(t, "NOT_STARTED", field(item, "destinationState.recoveryInfo.recoveryState"), "no client-side gate trips")
	status, body = call("GET", "/vm-replications/"+vcavReadyID+"/instances", "")
	require.Equal(t, http.StatusOK, status, "an error here aborts with 'not found': %s", body)
	assert.IsType(t, []any{}, decode(t, body))

	// Get-vCAVReplicationNetworkSettings.ps1 (lines 56–86): the list again,
	// then network-settings, whose failoverSettings go into the body.
	status, _ = call("GET", list, "")
	require.Equal(t, http.StatusOK, status)
	status, body = call("GET", "/vm-replications/"+vcavReadyID+"/network-settings", "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	fs := field(decode(t, body), "failoverSettings")
	vmNet, err := json.MarshalIndent(field(fs, "vmNetworkSettings"), "  ", "  ")
	require.NoError(t, err)
	vappNet, err := json.MarshalIndent(field(fs, "vAppNetworkSettings"), "  ", "  ")
	require.NoError(t, err)

	// Lines 236–289: the failover body, ConvertTo-JSON -Depth 6 (pretty),
	// fields in this order, sync true from -SyncBeforeTest's default.
	foBody := "{\n  \"consolidate\": false,\n  \"powerOn\": false,\n  \"preconfiguredNetwork\": true,\n" +
		"  \"snapshotOptions\": \"DO_NOTHING\",\n  \"exposePITsAsSnapshots\": true,\n  \"instanceMap\": null,\n" +
		"  \"sync\": true,\n  \"vAppNetworkSettings\": " + string(vappNet) + ",\n  \"vmNetworkSettings\": " + string(vmNet) +
		",\n  \"type\": \"vcloud\"\n}"
	status, body = call("POST", "/vm-replications/"+vcavReadyID+"/failover", foBody)
	require.Equal(t, http.StatusAccepted, status, "%s", body)
	taskID, _ := field(decode(t, body), "id").(string)
	require.NotEmpty(t, taskID)

	// Private/Watch-TaskCompleted.ps1 (lines 34–56): GET /tasks/<id> at
	// once, then every second while RUNNING; anything but SUCCEEDED then
	// is a failure (QUEUED too: the mock does not queue by default).
	var state string
	for range 180 {
		status, body = call("GET", "/tasks/"+taskID, "")
		require.Equal(t, http.StatusOK, status, "%s", body)
		task := decode(t, body)
		state, _ = field(task, "state").(string)
		assert.IsType(t, float64(0), field(task, "progress"), "Write-Progress -PercentComplete")
		if state != "RUNNING" {
			break
		}
		tm.clock.Advance(time.Second)
	}
	require.Equal(t, "SUCCEEDED", state)

	// Public/Tasks/Get-vCAVTasks.ps1 -Id (lines 70–91): GET /sites (the
	// default $Site, isLocal) then the final task read.
	status, body = call("GET", "/sites", "")
	require.Equal(t, http.StatusOK, status)
	local := ""
	for _, s := range decode(t, body).([]any) {
		if field(s, "isLocal") == true {
			local, _ = field(s, "site").(string)
		}
	}
	assert.Equal(t, "site2", local)
	status, body = call("GET", "/tasks/"+taskID, "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "COMPLETE", field(decode(t, body), "result.destinationState.recoveryInfo.recoveryState"))

	// Public/Session/Disconnect-vCAVService.ps1 (lines 18–31): DELETE
	// /sessions with every header, an empty body.
	status, _, body = r.send("DELETE", "/sessions", noBody, "Content-Type", "application/json", "Accept", "application/json",
		"operationID", "Powershell__"+uuid.NewString(), "X-VCAV-Auth", token)
	require.Equal(t, http.StatusNoContent, status, "%s", body)
}
