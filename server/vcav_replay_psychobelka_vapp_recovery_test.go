package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReplay_VMwareVCAVCommunity_VappTestCleanupReverse replays
// Public/Replication-Management/Invoke-vCAVReplicationOperation.ps1 of
// PsychoBelka/VMware.vCAV.Community at 868d937 with -ReplicationType vApp
// in a provider's runbook order on one vApp: -Test (the failover body of
// lines 236–289 with consolidate false and failoverTestSettings, POST
// …/failover-test), -TestCleanup (DELETE …/failover-test, empty body),
// -Failover, then -ReverseReplication (bodyless POST …/reverse). Each run
// reads the children's state (lines 159–183), passes the gates of lines
// 292–342, watches the task and reads it back (lines 343–363).
func TestReplay_VMwareVCAVCommunity_VappTestCleanupReverse(t *testing.T) {
	tm := newTestMock(t)
	p := &psychoBelka{replay: replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}, tm: tm}
	p.connect()
	id := vcavVappReadyID
	state := "destinationState.recoveryInfo.recoveryState"

	res := p.runVapp(id, "Test")
	assert.Equal(t, []any{"TEST", "TEST"}, childField(t, res, state))
	g := p.gates("vApp", id)
	assert.False(t, g.sends("Test"), "a second test is refused: clean up first")
	assert.False(t, g.sends("Failover"), "failover is refused while a test image exists")

	res = p.runVapp(id, "TestCleanup")
	assert.Equal(t, []any{"NOT_STARTED", "NOT_STARTED"}, childField(t, res, state))
	assert.False(t, p.gates("vApp", id).sends("TestCleanup"), "nothing left to clean up: the client only warns")

	assert.False(t, p.gates("vApp", id).sends("ReverseReplication"), "reverse before failover is refused by the client")
	res = p.runVapp(id, "Failover")
	assert.Equal(t, []any{"COMPLETE", "COMPLETE"}, childField(t, res, state))

	res = p.runVapp(id, "ReverseReplication")
	assert.Equal(t, []any{"NOT_STARTED", "NOT_STARTED"}, childField(t, res, state))
	assert.Equal(t, []any{true, true}, childField(t, res, "isReversed"))
	assert.Equal(t, "site1", field(res, "destination.site"), "the vApp now replicates back to its source site")
	g = p.gates("vApp", id)
	assert.False(t, g.sends("ReverseReplication"), "a second reverse is refused by the client")
	assert.True(t, g.sends("Test"), "the reversed vApp can be tested again")
}

// runVapp replays one Invoke-vCAVReplicationOperation -ReplicationType
// vApp run of op on id whose gate passes, and returns the final task's
// result (a vApp task: workflowInfo names the vApp).
func (p *psychoBelka) runVapp(id, op string) any {
	t := p.t
	require.True(t, p.gates("vApp", id).sends(op), "the client's gate lets -%s through", op)
	task, _ := p.invoke("vApp", id, op)
	assert.Equal(t, "vappReplication", field(task, "workflowInfo.resourceType"))
	assert.Equal(t, id, field(task, "workflowInfo.resourceId"))
	return field(task, "result")
}
