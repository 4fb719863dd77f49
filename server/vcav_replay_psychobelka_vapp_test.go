package server

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReplay_VMwareVCAVCommunity_VappFailover replays
// Invoke-vCAVReplicationOperation.ps1 (PsychoBelka/VMware.vCAV.Community at
// 868d937) with -ReplicationType vApp -Failover: Get-vCAVReplications -vApp
// -IncludeInstances (lines 159–207: the list by ids, then each child's
// instances; the state flags read from the children), the list again and
// GET /vapp-replications/<id>/network-settings
// (Get-vCAVReplicationNetworkSettings.ps1 lines 56–86), the body of lines
// 236–289, POST …/failover, Watch-TaskCompleted, GET /sites, the final task.
func TestReplay_VMwareVCAVCommunity_VappFailover(t *testing.T) {
	tm := newTestMock(t)
	p := &psychoBelka{replay: replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}, tm: tm}
	p.connect()
	list := "/vapp-replications?offset=0&limit=100&sourceSiteType=vcloud&ids=" + vcavVappReadyID
	status, body := p.call("GET", list, "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	item := field(decode(t, body), "items").([]any)[0]
	for _, child := range field(item, "vmReplications").([]any) {
		assert.Equal(t, "NOT_STARTED", field(child, "destinationState.recoveryInfo.recoveryState"), "no gate trips")
		status, out := p.call("GET", "/vm-replications/"+field(child, "id").(string)+"/instances", "")
		require.Equal(t, http.StatusOK, status, "%s", out)
	}
	req := p.vappFailoverBody(vcavVappReadyID)
	status, out := p.call("POST", "/vapp-replications/"+vcavVappReadyID+"/failover", req)
	require.Equal(t, http.StatusAccepted, status, "%s", out)
	taskID, _ := field(decode(t, out), "id").(string)
	require.Equal(t, "SUCCEEDED", p.watchTask(taskID))
	status, _ = p.call("GET", "/sites", "")
	require.Equal(t, http.StatusOK, status)
	status, out = p.call("GET", "/tasks/"+taskID, "")
	require.Equal(t, http.StatusOK, status)
	for _, child := range field(decode(t, out), "result.vmReplications").([]any) {
		assert.Equal(t, "COMPLETE", field(child, "destinationState.recoveryInfo.recoveryState"))
	}
}

// vappState replays the vApp state read of Invoke-vCAVReplicationOperation
// (lines 159–207: Get-vCAVReplications -vApp -IncludeInstances, the list by
// ids then each child's instances) and returns the flags its gates use:
// some child COMPLETE (FailedOver), and all paused (no child with isPaused
// false).
func (p *psychoBelka) vappState(id string) (failedOver, allPaused bool) {
	t := p.t
	status, body := p.call("GET", "/vapp-replications?offset=0&limit=100&sourceSiteType=vcloud&ids="+id, "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	items := field(decode(t, body), "items").([]any)
	require.Len(t, items, 1)
	allPaused = true
	for _, child := range field(items[0], "vmReplications").([]any) {
		status, out := p.call("GET", "/vm-replications/"+field(child, "id").(string)+"/instances", "")
		require.Equal(t, http.StatusOK, status, "%s", out)
		failedOver = failedOver || field(child, "destinationState.recoveryInfo.recoveryState") == "COMPLETE"
		allPaused = allPaused && field(child, "isPaused") != false
	}
	return failedOver, allPaused
}

// vappOp sends a bodyless POST …/<op> as PowerShell 7 does (empty body,
// Content-Type: application/json, Content-Length: 0), then
// Watch-TaskCompleted, GET /sites and the final task read; it returns the
// final task's result.
func (p *psychoBelka) vappOp(id, op string) any {
	t := p.t
	status, _, out := p.send("POST", "/vapp-replications/"+id+"/"+op, noBody,
		"Content-Type", "application/json", "Accept", "application/json",
		"operationID", "Powershell__"+uuid.NewString(), "X-VCAV-Auth", p.token)
	require.Equal(t, http.StatusAccepted, status, "%s", out)
	return p.finishResult(out)
}

// finishResult is lines 343–362 for an accepted task (finishTask); it
// returns the final task's result.
func (p *psychoBelka) finishResult(accepted []byte) any {
	return field(p.finishTask(accepted), "result")
}

// childField reads path in every VM of a vApp result.
func childField(t testing.TB, vapp any, path string) []any {
	t.Helper()
	var out []any
	for _, child := range field(vapp, "vmReplications").([]any) {
		out = append(out, field(child, path))
	}
	return out
}

// TestReplay_VMwareVCAVCommunity_VappSyncPauseResumeMigrate replays
// Invoke-vCAVReplicationOperation.ps1 (PsychoBelka/VMware.vCAV.Community at
// 868d937) with -ReplicationType vApp and, in turn, -PauseReplication,
// -Sync (skipped by the client while every VM is paused, so first
// -ResumeReplication), -Sync, then -Migrate: the state read of lines
// 159–207, the gates of lines 209–342 (pause and sync skipped when all
// paused, resume always sent, migrate refused by the client on COMPLETE),
// bodyless POSTs for pause, resume and sync, the failover body of lines
// 236–289 (network settings from …/network-settings) for migrate, then
// Watch-TaskCompleted, GET /sites and the final task read.
func TestReplay_VMwareVCAVCommunity_VappSyncPauseResumeMigrate(t *testing.T) {
	tm := newTestMock(t)
	p := &psychoBelka{replay: replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}, tm: tm}
	p.connect()
	id := vcavVappReadyID

	_, allPaused := p.vappState(id)
	require.False(t, allPaused, "-PauseReplication is sent")
	res := p.vappOp(id, "pause")
	assert.Equal(t, []any{true, true}, childField(t, res, "isPaused"))
	_, allPaused = p.vappState(id)
	require.True(t, allPaused, "now the client skips -Sync and -PauseReplication itself")

	p.vappState(id)
	res = p.vappOp(id, "resume")
	assert.Equal(t, []any{false, false}, childField(t, res, "isPaused"))

	_, allPaused = p.vappState(id)
	require.False(t, allPaused, "-Sync is sent")
	res = p.vappOp(id, "sync")
	assert.Equal(t, []any{"NOT_STARTED", "NOT_STARTED"}, childField(t, res, "destinationState.recoveryInfo.recoveryState"))

	failedOver, _ := p.vappState(id)
	require.False(t, failedOver, "the -Migrate gate (not COMPLETE) passes")
	status, out := p.call("POST", "/vapp-replications/"+id+"/migrate", p.vappFailoverBody(id))
	require.Equal(t, http.StatusAccepted, status, "%s", out)
	res = p.finishResult(out)
	assert.Equal(t, []any{"COMPLETE", "COMPLETE"}, childField(t, res, "destinationState.recoveryInfo.recoveryState"))
	failedOver, _ = p.vappState(id)
	assert.True(t, failedOver, "a second -Migrate is now refused by the client itself")
}

// TestReplay_VMwareVCAVCommunity_VappPausePartlyPaused: one VM of the vApp
// is already paused (paused alone, e.g. with -ReplicationType VM); the
// client's gate (lines 209–342) skips -PauseReplication only when every
// VM is paused, so it sends the vApp pause, and the mock pauses the other
// VM (failoverkit choice; refusing it would make the cmdlet throw).
func TestReplay_VMwareVCAVCommunity_VappPausePartlyPaused(t *testing.T) {
	tm := newTestMock(t)
	p := &psychoBelka{replay: replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}, tm: tm}
	p.connect()
	id := vcavVappReadyID
	require.NoError(t, tm.SetVCAVReplicationState(vcavReadyID, ReplicationState{IsPaused: new(true)}), "app-vapp's first VM")

	_, allPaused := p.vappState(id)
	require.False(t, allPaused, "-PauseReplication is sent")
	res := p.vappOp(id, "pause")
	assert.Equal(t, []any{true, true}, childField(t, res, "isPaused"))
	_, allPaused = p.vappState(id)
	assert.True(t, allPaused)
}

// vappFailoverBody is the list again, GET …/network-settings and the body
// of lines 236–289 (defaults: failoverSettings copied, type vcloud), as the
// client sends it for -Failover and -Migrate.
func (p *psychoBelka) vappFailoverBody(id string) string {
	t := p.t
	status, _ := p.call("GET", "/vapp-replications?offset=0&limit=100&sourceSiteType=vcloud&ids="+id, "")
	require.Equal(t, http.StatusOK, status)
	status, body := p.call("GET", "/vapp-replications/"+id+"/network-settings", "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	fs := field(decode(t, body), "failoverSettings")
	vappNet, err := json.MarshalIndent(field(fs, "vAppNetworkSettings"), "  ", "  ")
	require.NoError(t, err)
	vmNet, err := json.Marshal(field(fs, "vmNetworkSettings"))
	require.NoError(t, err)
	return "{\n  \"consolidate\": false,\n  \"powerOn\": false,\n  \"preconfiguredNetwork\": true,\n" +
		"  \"snapshotOptions\": \"DO_NOTHING\",\n  \"exposePITsAsSnapshots\": true,\n  \"instanceMap\": null,\n" +
		"  \"sync\": true,\n  \"vAppNetworkSettings\": " + string(vappNet) + ",\n  \"vmNetworkSettings\": " + string(vmNet) +
		",\n  \"type\": \"vcloud\"\n}"
}

// TestReplay_VMwareVCAVCommunity_ReplicationsSummary replays
// Get-vCAVReplications -Summary (Get-vCAVReplications.ps1 at 383e645 and
// 868d937): GET /vapp-replications/summary with no query; the client
// returns the parsed body as it is.
func TestReplay_VMwareVCAVCommunity_ReplicationsSummary(t *testing.T) {
	tm := newTestMock(t)
	p := &psychoBelka{replay: replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}, tm: tm}
	p.connect()
	status, body := p.call("GET", "/vapp-replications/summary", "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	s := decode(t, body)
	assert.Equal(t, float64(3), field(s, "vappReplications"), "the summary, not a vApp named summary")
	assert.Equal(t, float64(4), field(s, "vmReplications"))
}
