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

// psychoBelka replays the community PowerShell module
// PsychoBelka/VMware.vCAV.Community at 868d937 under PowerShell 7 (no
// Content-Type on bodyless GETs). Every call goes through
// Private/Invoke-vCAVAPIRequest.ps1 (lines 85–101): Accept:
// application/json, operationID: Powershell__<new guid>, X-VCAV-Auth after
// login, Content-Type: application/json when there is a body.
type psychoBelka struct {
	replay
	tm    *testMock
	token string
}

// call sends one request as Invoke-vCAVAPIRequest does.
func (p *psychoBelka) call(method, path, body string) (int, []byte) {
	p.t.Helper()
	ct := ""
	if body != "" {
		ct = "application/json"
	}
	status, _, out := p.send(method, path, body, "Content-Type", ct, "Accept", "application/json",
		"operationID", "Powershell__"+uuid.NewString(), "X-VCAV-Auth", p.token)
	return status, out
}

// TestReplay_VMwareVCAVCommunity_ConnectAndVMFailover replays
// Connect-vCAVService, Invoke-vCAVReplicationOperation -ReplicationType VM
// -Failover with its defaults, then Disconnect-vCAVService.
func TestReplay_VMwareVCAVCommunity_ConnectAndVMFailover(t *testing.T) {
	tm := newTestMock(t)
	p := &psychoBelka{replay: replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}, tm: tm}
	p.connect()
	body := p.failoverBody()
	status, out := p.call("POST", "/vm-replications/"+vcavReadyID+"/failover", body)
	require.Equal(t, http.StatusAccepted, status, "%s", out)
	taskID, _ := field(decode(t, out), "id").(string)
	require.NotEmpty(t, taskID)
	require.Equal(t, "SUCCEEDED", p.watchTask(taskID))

	// Public/Tasks/Get-vCAVTasks.ps1 -Id (lines 70–91): GET /sites (the
	// default $Site, isLocal) then the final task read.
	status, out = p.call("GET", "/sites", "")
	require.Equal(t, http.StatusOK, status)
	local := ""
	for _, s := range decode(t, out).([]any) {
		if field(s, "isLocal") == true {
			local, _ = field(s, "site").(string)
		}
	}
	assert.Equal(t, "site2", local)
	status, out = p.call("GET", "/tasks/"+taskID, "")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "COMPLETE", field(decode(t, out), "result.destinationState.recoveryInfo.recoveryState"))

	// Public/Session/Disconnect-vCAVService.ps1 (lines 18–31): DELETE
	// /sessions with every header, an empty body.
	status, _, out = p.send("DELETE", "/sessions", noBody, "Content-Type", "application/json", "Accept", "application/json",
		"operationID", "Powershell__"+uuid.NewString(), "X-VCAV-Auth", p.token)
	require.Equal(t, http.StatusNoContent, status, "%s", out)
}

// connect replays Public/Session/Connect-vCAVService.ps1: POST /sessions
// (Local), the token from the X-VCAV-Auth response header, then GET
// /diagnostics/about (any failure there = not connected).
func (p *psychoBelka) connect() {
	t := p.t
	status, hdr, body := p.send("POST", "/sessions", `{"type":"localUser","localUser":"root","localPassword":"vmware"}`,
		"Content-Type", "application/json", "Accept", "application/json", "operationID", "Powershell__"+uuid.NewString())
	require.Equal(t, http.StatusOK, status, "%s", body)
	p.token = hdr.Get("X-VCAV-Auth")
	require.NotEmpty(t, p.token)
	status, body = p.call("GET", "/diagnostics/about", "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	assert.GreaterOrEqual(t, field(decode(t, body), "buildVersion"), "3.5", "compared with 3.5 as a string")
}

// failoverBody replays Invoke-vCAVReplicationOperation.ps1 up to the POST:
// Get-vCAVReplications -IncludeInstances (lines 159–207), then
// Get-vCAVReplicationNetworkSettings.ps1 (lines 56–86: the list again,
// network-settings), and builds the body of lines 236–289 (ConvertTo-JSON
// -Depth 6, pretty, fields in this order, sync true from -SyncBeforeTest's
// default, the network settings copied).
func (p *psychoBelka) failoverBody() string {
	t := p.t
	list := "/vm-replications?offset=0&limit=100&sourceSiteType=vcloud&ids=" + vcavReadyID
	status, body := p.call("GET", list, "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	page := decode(t, body)
	require.Equal(t, float64(1), field(page, "total"))
	item := field(page, "items").([]any)[0]
	assert.Equal(t, "NOT_STARTED", field(item, "destinationState.recoveryInfo.recoveryState"), "no client-side gate trips")
	status, body = p.call("GET", "/vm-replications/"+vcavReadyID+"/instances", "")
	require.Equal(t, http.StatusOK, status, "an error here aborts with 'not found': %s", body)
	assert.IsType(t, []any{}, decode(t, body))
	status, _ = p.call("GET", list, "")
	require.Equal(t, http.StatusOK, status)
	status, body = p.call("GET", "/vm-replications/"+vcavReadyID+"/network-settings", "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	fs := field(decode(t, body), "failoverSettings")
	vmNet, err := json.MarshalIndent(field(fs, "vmNetworkSettings"), "  ", "  ")
	require.NoError(t, err)
	vappNet, err := json.MarshalIndent(field(fs, "vAppNetworkSettings"), "  ", "  ")
	require.NoError(t, err)
	return "{\n  \"consolidate\": false,\n  \"powerOn\": false,\n  \"preconfiguredNetwork\": true,\n" +
		"  \"snapshotOptions\": \"DO_NOTHING\",\n  \"exposePITsAsSnapshots\": true,\n  \"instanceMap\": null,\n" +
		"  \"sync\": true,\n  \"vAppNetworkSettings\": " + string(vappNet) + ",\n  \"vmNetworkSettings\": " + string(vmNet) +
		",\n  \"type\": \"vcloud\"\n}"
}

// watchTask replays Private/Watch-TaskCompleted.ps1 (lines 34–56): GET
// /tasks/<id> at once, then every second while RUNNING (the default
// timeout, 180 polls); it returns the state that ended the loop, which the
// module requires to be SUCCEEDED (QUEUED too would be a failure: the mock
// does not queue by default).
func (p *psychoBelka) watchTask(id string) string {
	var state string
	for range 180 {
		status, body := p.call("GET", "/tasks/"+id, "")
		require.Equal(p.t, http.StatusOK, status, "%s", body)
		task := decode(p.t, body)
		state, _ = field(task, "state").(string)
		assert.IsType(p.t, float64(0), field(task, "progress"), "Write-Progress -PercentComplete")
		if state != "RUNNING" {
			return state
		}
		p.tm.clock.Advance(time.Second)
	}
	return state
}
