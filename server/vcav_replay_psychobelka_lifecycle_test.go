package server

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReplay_VMwareVCAVCommunity_VMTestFailoverAndCleanup replays
// Public/Replication-Management/Invoke-vCAVReplicationOperation.ps1 of
// PsychoBelka/VMware.vCAV.Community at 868d937 with -ReplicationType VM
// -Test (defaults), then -TestCleanup: the state read (list by ids,
// instances, list again, network-settings; lines 159–207 and
// Get-vCAVReplicationNetworkSettings.ps1 lines 56–86), the body of lines
// 236–289 with consolidate false and the failoverTestSettings network
// settings, POST …/failover-test, Watch-TaskCompleted, Get-vCAVTasks -Id;
// then DELETE …/failover-test with an empty body (Content-Type:
// application/json, Content-Length: 0, as PowerShell 7 sends it).
func TestReplay_VMwareVCAVCommunity_VMTestFailoverAndCleanup(t *testing.T) {
	tm := newTestMock(t)
	p := &psychoBelka{replay: replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}, tm: tm}
	p.connect()
	assert.Equal(t, "NOT_STARTED", p.recoveryState(vcavReadyID), "the -Test gate (not TEST, not COMPLETE) passes")
	status, out := p.call("POST", "/vm-replications/"+vcavReadyID+"/failover-test", p.opBody("VM", vcavReadyID, "failoverTestSettings"))
	require.Equal(t, http.StatusAccepted, status, "%s", out)
	p.finish(out, "TEST")

	assert.Equal(t, "TEST", p.recoveryState(vcavReadyID), "the -TestCleanup gate (only TEST) passes")
	status, _, out = p.send("DELETE", "/vm-replications/"+vcavReadyID+"/failover-test", noBody,
		"Content-Type", "application/json", "Accept", "application/json",
		"operationID", "Powershell__"+uuid.NewString(), "X-VCAV-Auth", p.token)
	require.Equal(t, http.StatusAccepted, status, "%s", out)
	p.finish(out, "NOT_STARTED")
}

// recoveryState replays the state read of Invoke-vCAVReplicationOperation
// (Get-vCAVReplications -VM -IncludeInstances) and returns the recovery
// state its gates look at.
func (p *psychoBelka) recoveryState(id string) string {
	t := p.t
	status, body := p.call("GET", "/vm-replications?offset=0&limit=100&sourceSiteType=vcloud&ids="+id, "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	page := decode(t, body)
	require.Equal(t, float64(1), field(page, "total"))
	status, body = p.call("GET", "/vm-replications/"+id+"/instances", "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	state, _ := field(field(page, "items").([]any)[0], "destinationState.recoveryInfo.recoveryState").(string)
	return state
}

// finish replays the end of the cmdlet (lines 343–362): the task id from
// the 2xx body, Watch-TaskCompleted (must end SUCCEEDED), GET /sites, the
// final GET /tasks/<id>, whose result carries the recovery state want.
func (p *psychoBelka) finish(accepted []byte, want string) {
	task := p.finishTask(accepted)
	assert.Equal(p.t, want, field(task, "result.destinationState.recoveryInfo.recoveryState"))
}
