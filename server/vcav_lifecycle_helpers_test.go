package server

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavLifecycleCall is one lifecycle request: method, the path after
// /vm-replications/{id} and the body ("" none).
type vcavLifecycleCall struct{ method, suffix, body string }

// The lifecycle requests, by operationId.
var vcavLifecycle = map[string]vcavLifecycleCall{
	"testFailoverVmReplication":        {"POST", "/failover-test", `{"type":"vcloud","powerOn":false,"sync":false}`},
	"cleanupTestFailoverVmReplication": {"DELETE", "/failover-test", ""},
	"failoverVmReplication":            {"POST", "/failover", vcavVcloudBody},
	"migrateVmReplication":             {"POST", "/migrate", `{"type":"vcloud","powerOn":true}`},
	"reverseVmReplication":             {"POST", "/reverse", ""},
	"syncVmReplication":                {"POST", "/sync", ""},
	"pauseVmReplication":               {"POST", "/pause", ""},
	"resumeVmReplication":              {"POST", "/resume", ""},
	"deleteVmReplication":              {"DELETE", "", ""},
}

// vcavRunOp sends operation op on replication id and returns the status and
// body.
func vcavRunOp(t testing.TB, tm *testMock, token, op, id string) (int, []byte) {
	t.Helper()
	c, ok := vcavLifecycle[op]
	require.True(t, ok, "unknown operation %s", op)
	var body any
	if c.body != "" {
		body = c.body
	}
	status, out, _ := do(t, tm.vcavHC, c.method, tm.vcavURL+"/vm-replications/"+id+c.suffix, body, "X-VCAV-Auth", token)
	return status, out
}

// vcavStartOp sends op on id, requires 202 and returns the task.
func vcavStartOp(t testing.TB, tm *testMock, token, op, id string) vcav.C4ApiTaskOfSingleVmReplicationInfo {
	t.Helper()
	status, out := vcavRunOp(t, tm, token, op, id)
	require.Equal(t, http.StatusAccepted, status, "%s %s: %s", op, id, out)
	var task vcav.C4ApiTaskOfSingleVmReplicationInfo
	require.NoError(t, json.Unmarshal(out, &task))
	return task
}

// vcavAwait polls task id once a (mock) second until it ends, and returns
// it; it fails the test after 10 minutes of mock time.
func vcavAwait(t testing.TB, tm *testMock, token, id string) vcav.C4ApiTaskOfSingleVmReplicationInfo {
	t.Helper()
	for range 600 {
		status, task, body := vcavGetTask(t, tm, token, id)
		require.Equal(t, http.StatusOK, status, "%s", body)
		if task.State == vcav.TaskStateSUCCEEDED || task.State == vcav.TaskStateFAILED {
			return task
		}
		tm.clock.Advance(time.Second)
	}
	t.Fatalf("task %s did not end", id)
	return vcav.C4ApiTaskOfSingleVmReplicationInfo{}
}

// vcavStep runs op on id to its end, requires SUCCEEDED and returns the
// replication read back afterwards.
func vcavStep(t testing.TB, tm *testMock, token, op, id string) vcav.SingleVmReplicationInfo {
	t.Helper()
	task := vcavAwait(t, tm, token, vcavStartOp(t, tm, token, op, id).Id)
	require.Equal(t, vcav.TaskStateSUCCEEDED, task.State, "%s: %+v", op, task.Error)
	r := vcavGetReplication(t, tm, token, id)
	require.NotNil(t, task.Result, "%s: the result is the replication", op)
	require.Equal(t, r, *task.Result, "%s: the result is the replication as the operation left it", op)
	return r
}

// vcavIsPaused is r's isPaused.
func vcavIsPaused(r vcav.SingleVmReplicationInfo) bool { return r.IsPaused != nil && *r.IsPaused }
