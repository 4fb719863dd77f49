package server

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReplay_VMwareVCAVCommunity_VMRunbook replays
// Public/Replication-Management/Invoke-vCAVReplicationOperation.ps1 of
// PsychoBelka/VMware.vCAV.Community at 868d937 with -ReplicationType VM on
// one replication, in runbook order: -PauseReplication,
// -ResumeReplication, -Sync, -Migrate, -ReverseReplication. Each run reads
// the state (lines 184–207), passes the gate of lines 209–342, sends a
// bodyless POST (pause, resume, sync, reverse) or the failover body of
// lines 236–289 (migrate), watches the task (Private/Watch-TaskCompleted.ps1
// lines 34–56) and reads it back (lines 356–359); the test checks what the
// next run's gates read.
func TestReplay_VMwareVCAVCommunity_VMRunbook(t *testing.T) {
	tm := newTestMock(t)
	p := &psychoBelka{replay: replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}, tm: tm}
	p.connect()
	id := vcavReadyID

	result := p.runVM(id, "PauseReplication")
	assert.Equal(t, true, field(result, "isPaused"))
	g := p.gates("VM", id)
	assert.False(t, g.sends("PauseReplication"), "a second pause is skipped by the client")
	assert.False(t, g.sends("Sync"), "sync is skipped while paused")

	result = p.runVM(id, "ResumeReplication")
	assert.Equal(t, false, field(result, "isPaused"))

	before, _ := field(result, "destinationState.latestInstance.sequenceNumber").(float64)
	result = p.runVM(id, "Sync")
	assert.Equal(t, before+1, field(result, "destinationState.latestInstance.sequenceNumber"), "a new instance")
	assert.Equal(t, "NOT_STARTED", field(result, "destinationState.recoveryInfo.recoveryState"))

	result = p.runVM(id, "Migrate")
	assert.Equal(t, "COMPLETE", field(result, "destinationState.recoveryInfo.recoveryState"))
	g = p.gates("VM", id)
	for _, op := range []string{"Migrate", "Failover", "Test", "TestCleanup"} {
		assert.False(t, g.sends(op), "-%s is refused by the client once failed over", op)
	}

	source := field(result, "source.site")
	result = p.runVM(id, "ReverseReplication")
	assert.Equal(t, "NOT_STARTED", field(result, "destinationState.recoveryInfo.recoveryState"))
	assert.Equal(t, true, field(result, "isReversed"))
	assert.Equal(t, source, field(result, "destination.site"), "the replication now runs back")
	g = p.gates("VM", id)
	assert.False(t, g.sends("ReverseReplication"), "a second reverse is refused by the client")
	assert.True(t, g.sends("Failover"), "the reversed replication can be failed over again")
}

// runVM replays one Invoke-vCAVReplicationOperation -ReplicationType VM
// run of op on id whose gate passes, and returns the final task's result
// (a replication task: workflowInfo names op's workflow and id).
func (p *psychoBelka) runVM(id, op string) any {
	t := p.t
	require.True(t, p.gates("VM", id).sends(op), "the client's gate lets -%s through", op)
	task, _ := p.invoke("VM", id, op)
	assert.Equal(t, "vmReplication", field(task, "workflowInfo.resourceType"))
	assert.Equal(t, id, field(task, "workflowInfo.resourceId"))
	return field(task, "result")
}

// TestReplay_VMwareVCAVCommunity_VMFailoverNoDefaultNetworking replays
// Invoke-vCAVReplicationOperation -ReplicationType VM -Failover
// -UseDefaultNetworking $false without -OrgVDCNetwork (lines 245–273): no
// preconfiguredNetwork member, orgVdcNetworkId null ("".id), no
// network-settings read, so both network settings are null; the client
// warns that the networks will be disconnected and sends the body.
func TestReplay_VMwareVCAVCommunity_VMFailoverNoDefaultNetworking(t *testing.T) {
	tm := newTestMock(t)
	p := &psychoBelka{replay: replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}, tm: tm}
	p.connect()
	require.True(t, p.gates("VM", vcavReadyID).sends("Failover"))
	body := "{\n  \"consolidate\": false,\n  \"powerOn\": false,\n  \"snapshotOptions\": \"DO_NOTHING\",\n" +
		"  \"exposePITsAsSnapshots\": true,\n  \"orgVdcNetworkId\": null,\n  \"instanceMap\": null,\n  \"sync\": true,\n" +
		"  \"vAppNetworkSettings\": null,\n  \"vmNetworkSettings\": null,\n  \"type\": \"vcloud\"\n}"
	status, out := p.sendOp("POST", "/vm-replications/"+vcavReadyID+"/failover", body, "Powershell__"+uuid.NewString())
	require.Equal(t, http.StatusAccepted, status, "%s", out)
	result := field(p.finishTask(out), "result")
	assert.Equal(t, "COMPLETE", field(result, "destinationState.recoveryInfo.recoveryState"))
}
