package server

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/spec"
)

// What each recovery state forbids is refused at once, vendor-shaped, with a
// code that says why and no task (failoverkit choices, spec/vcav.yaml).
func TestVCAVLifecycle_Refusals(t *testing.T) {
	cases := []struct{ op, id, code, says string }{
		{"testFailoverVmReplication", vcavTestID, "InvalidRecoveryState", "Clean up the test failover first"},
		{"testFailoverVmReplication", vcavCompleteID, "InvalidRecoveryState", "Reverse it first"},
		{"cleanupTestFailoverVmReplication", vcavReadyID, "InvalidRecoveryState", "no test failover image"},
		{"cleanupTestFailoverVmReplication", vcavCompleteID, "InvalidRecoveryState", "no test failover image"},
		{"reverseVmReplication", vcavReadyID, "InvalidRecoveryState", "Fail it over or migrate it first"},
		{"reverseVmReplication", vcavTestID, "InvalidRecoveryState", "Clean up the test failover first"},
		{"migrateVmReplication", vcavCompleteID, "InvalidRecoveryState", "Reverse it first"},
		{"migrateVmReplication", vcavTestID, "InvalidRecoveryState", "Clean up the test failover first"},
		{"migrateVmReplication", vcavPausedID, "ReplicationPaused", "Resume it first"},
		{"syncVmReplication", vcavPausedID, "ReplicationPaused", "Resume it first"},
		{"syncVmReplication", vcavCompleteID, "InvalidRecoveryState", "Reverse it first"},
		{"pauseVmReplication", vcavPausedID, "ReplicationPaused", "is paused"},
		{"deleteVmReplication", vcavTestID, "InvalidRecoveryState", "Clean up the test failover first"},
		{"failoverVmReplication", vcavTestID, "InvalidRecoveryState", "Clean up the test failover first"},
	}
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	for _, c := range cases {
		t.Run(c.op+"/"+c.id, func(t *testing.T) {
			before := vcavGetReplication(t, tm, token, c.id)
			tasks := vcavTaskCount(tm)
			status, body := vcavRunOp(t, tm, token, c.op, c.id)
			e := vcavRequireError(t, http.StatusBadRequest, c.code, status, body)
			assert.Contains(t, e.Msg, c.says)
			assert.Contains(t, *e.Args, c.id)
			assert.Equal(t, tasks, vcavTaskCount(tm), "a refusal starts no task")
			assert.Equal(t, before, vcavGetReplication(t, tm, token, c.id), "a refusal changes nothing")
		})
	}
}

// A recovery operation in flight holds the replication at IN_PROGRESS, so
// every other recovery operation is refused until it ends.
func TestVCAVLifecycle_InProgressRefusesOthers(t *testing.T) {
	tm := newTestMock(t, WithTaskDuration(10*time.Second))
	token := vcavLogin(t, tm, vcavRootLogin)
	vcavStartOp(t, tm, token, "testFailoverVmReplication", vcavReadyID)
	assert.Equal(t, vcav.RecoveryStateINPROGRESS, vcavRecovery(vcavGetReplication(t, tm, token, vcavReadyID)))
	for _, op := range []string{"testFailoverVmReplication", "cleanupTestFailoverVmReplication", "failoverVmReplication",
		"migrateVmReplication", "reverseVmReplication", "syncVmReplication", "pauseVmReplication",
		"resumeVmReplication", "deleteVmReplication"} {
		status, body := vcavRunOp(t, tm, token, op, vcavReadyID)
		e := vcavRequireError(t, http.StatusBadRequest, "InvalidRecoveryState", status, body)
		assert.Contains(t, *e.Args, "IN_PROGRESS", op)
	}
}

// Unknown replications are 404 VmReplicationNotFound for every operation.
func TestVCAVLifecycle_UnknownReplication(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	for op := range vcavLifecycle {
		status, body := vcavRunOp(t, tm, token, op, vcavUnknownID)
		vcavRequireError(t, http.StatusNotFound, "VmReplicationNotFound", status, body)
	}
}

// Each operation's task names its workflow, acts on the replication, and
// (but delete) returns it as the operation left it.
func TestVCAVLifecycle_EachOperation(t *testing.T) {
	cases := []struct {
		op, id, workflow string
		check            func(t *testing.T, before, after vcav.SingleVmReplicationInfo)
	}{
		{"testFailoverVmReplication", vcavReadyID, "testFailover", func(t *testing.T, _, r vcav.SingleVmReplicationInfo) {
			assert.Equal(t, vcav.RecoveryStateTEST, vcavRecovery(r))
			assert.NotNil(t, r.DestinationState.RecoveryInfo.VAppId)
			assert.Nil(t, r.Destination.RecoveredVappId, "a test does not recover the workload")
		}},
		{"cleanupTestFailoverVmReplication", vcavTestID, "testCleanup", func(t *testing.T, _, r vcav.SingleVmReplicationInfo) {
			assert.Equal(t, vcav.RecoveryStateNOTSTARTED, vcavRecovery(r))
			assert.Nil(t, r.DestinationState.RecoveryInfo.VAppId)
		}},
		{"migrateVmReplication", vcavAppWebID, "migrate", func(t *testing.T, b, r vcav.SingleVmReplicationInfo) {
			assert.Equal(t, vcav.RecoveryStateCOMPLETE, vcavRecovery(r))
			assert.NotNil(t, r.Destination.RecoveredVappId)
			assert.NotEqual(t, b.DestinationState.LatestInstance, r.DestinationState.LatestInstance, "a final sync")
		}},
		{"reverseVmReplication", vcavCompleteID, "reverse", func(t *testing.T, b, r vcav.SingleVmReplicationInfo) {
			assert.Equal(t, vcav.RecoveryStateNOTSTARTED, vcavRecovery(r))
			assert.Equal(t, b.Source.Site, r.Destination.Site)
			assert.Equal(t, b.Destination.Site, r.Source.Site)
			assert.NotEqual(t, b.IsReversed != nil && *b.IsReversed, *r.IsReversed)
			assert.Nil(t, r.Destination.RecoveredVappId)
		}},
		{"syncVmReplication", vcavWeb02ID, "sync", func(t *testing.T, b, r vcav.SingleVmReplicationInfo) {
			assert.Equal(t, vcavRecovery(b), vcavRecovery(r))
			require.NotNil(t, r.DestinationState.LatestInstance)
			assert.NotEqual(t, b.DestinationState.LatestInstance, r.DestinationState.LatestInstance)
		}},
		{"pauseVmReplication", vcavMailID, "pause", func(t *testing.T, _, r vcav.SingleVmReplicationInfo) {
			assert.True(t, vcavIsPaused(r))
			assert.Equal(t, vcav.SingleVmReplicationInfoDataConnectionStatePAUSED, *r.DataConnectionState)
		}},
		{"resumeVmReplication", vcavPausedID, "resume", func(t *testing.T, _, r vcav.SingleVmReplicationInfo) {
			assert.False(t, vcavIsPaused(r))
			assert.Equal(t, vcav.SingleVmReplicationInfoDataConnectionStateOK, *r.DataConnectionState)
		}},
	}
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	for _, c := range cases {
		t.Run(c.op, func(t *testing.T) {
			before := vcavGetReplication(t, tm, token, c.id)
			task := vcavStartOp(t, tm, token, c.op, c.id)
			assert.Equal(t, vcav.WorkflowInfo{Type: new(c.workflow), ResourceType: new("vmReplication"),
				ResourceId: new(c.id), ResourceName: before.VmName}, *task.WorkflowInfo)
			assert.Equal(t, vcav.TaskStateRUNNING, task.State)
			done := vcavAwait(t, tm, token, task.Id)
			require.Equal(t, vcav.TaskStateSUCCEEDED, done.State)
			assert.Equal(t, "SingleVmReplicationInfo", *done.ResultType)
			after := vcavGetReplication(t, tm, token, c.id)
			require.NotNil(t, done.Result)
			assert.Equal(t, after, *done.Result, "the result is the replication after the operation")
			c.check(t, before, after)
		})
	}
}

// Delete answers a task without result; afterwards the replication, its
// instances and its network settings are gone, and lists no longer hold it.
func TestVCAVLifecycle_Delete(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	status, body := vcavRunOp(t, tm, token, "deleteVmReplication", vcavCompleteID)
	require.Equal(t, http.StatusAccepted, status, "%s", body)
	var task vcav.C4ApiTask
	require.NoError(t, json.Unmarshal(body, &task))
	assert.Equal(t, "delete", *task.WorkflowInfo.Type)
	done := vcavAwait(t, tm, token, task.Id)
	require.Equal(t, vcav.TaskStateSUCCEEDED, done.State)
	assert.Nil(t, done.Result)
	assert.Nil(t, done.ResultType)
	for _, path := range []string{"", "/instances", "/network-settings"} {
		status, body, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+"/vm-replications/"+vcavCompleteID+path, nil, "X-VCAV-Auth", token)
		vcavRequireError(t, http.StatusNotFound, "VmReplicationNotFound", status, body)
	}
	status, body, _ = do(t, tm.vcavHC, "GET", tm.vcavURL+"/vm-replications?ids="+vcavCompleteID, nil, "X-VCAV-Auth", token)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), `"total":0`)
}

// With the queue on, a lifecycle task is QUEUED, then RUNNING, then
// SUCCEEDED.
func TestVCAVLifecycle_Queued(t *testing.T) {
	tm := newTestMock(t, WithTaskDuration(10*time.Second), WithVCAVQueue(3*time.Second))
	token := vcavLogin(t, tm, vcavRootLogin)
	task := vcavStartOp(t, tm, token, "syncVmReplication", vcavReadyID)
	assert.Equal(t, vcav.TaskStateQUEUED, task.State)
	tm.clock.Advance(4 * time.Second)
	_, got, _ := vcavGetTask(t, tm, token, task.Id)
	assert.Equal(t, vcav.TaskStateRUNNING, got.State)
	assert.Equal(t, vcav.TaskStateSUCCEEDED, vcavAwait(t, tm, token, task.Id).State)
}

// Faults target each new operation by its operationId: a status answers
// instead of the operation, a failing task puts a busy operation's
// replication back to the state it started from.
func TestVCAVLifecycle_Faults(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	for op := range vcavLifecycle {
		require.NoError(t, tm.InjectFault(Fault{API: spec.VCAV, OperationID: op, Status: 503, Times: 1}))
		status, _ := vcavRunOp(t, tm, token, op, vcavReadyID)
		assert.Equal(t, http.StatusServiceUnavailable, status, op)
	}
	cases := []struct {
		op, id string
		before vcav.RecoveryState
	}{
		{"testFailoverVmReplication", vcavReadyID, vcav.RecoveryStateNOTSTARTED},
		{"cleanupTestFailoverVmReplication", vcavTestID, vcav.RecoveryStateTEST},
		{"reverseVmReplication", vcavCompleteID, vcav.RecoveryStateCOMPLETE},
		{"migrateVmReplication", vcavWeb02ID, vcav.RecoveryStateNOTSTARTED},
	}
	for _, c := range cases {
		require.NoError(t, tm.InjectFault(Fault{API: spec.VCAV, OperationID: c.op, Task: TaskFails, Times: 1}))
		task := vcavStartOp(t, tm, token, c.op, c.id)
		done := vcavAwait(t, tm, token, task.Id)
		assert.Equal(t, vcav.TaskStateFAILED, done.State, c.op)
		assert.Nil(t, done.Result, c.op)
		assert.Equal(t, c.before, vcavRecovery(vcavGetReplication(t, tm, token, c.id)), c.op)
	}
}
