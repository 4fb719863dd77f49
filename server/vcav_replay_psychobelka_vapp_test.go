package server

import (
	"encoding/json"
	"net/http"
	"testing"

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
	status, _ = p.call("GET", list, "")
	require.Equal(t, http.StatusOK, status)
	status, body = p.call("GET", "/vapp-replications/"+vcavVappReadyID+"/network-settings", "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	fs := field(decode(t, body), "failoverSettings")
	vappNet, err := json.MarshalIndent(field(fs, "vAppNetworkSettings"), "  ", "  ")
	require.NoError(t, err)
	vmNet, err := json.Marshal(field(fs, "vmNetworkSettings"))
	require.NoError(t, err)
	req := "{\n  \"consolidate\": false,\n  \"powerOn\": false,\n  \"preconfiguredNetwork\": true,\n" +
		"  \"snapshotOptions\": \"DO_NOTHING\",\n  \"exposePITsAsSnapshots\": true,\n  \"instanceMap\": null,\n" +
		"  \"sync\": true,\n  \"vAppNetworkSettings\": " + string(vappNet) + ",\n  \"vmNetworkSettings\": " + string(vmNet) +
		",\n  \"type\": \"vcloud\"\n}"
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
