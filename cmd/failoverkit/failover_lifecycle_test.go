package main

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/server"
)

// More replications of the mock's default fixture.
const (
	replTest   = "C4-ec991bd5-af9d-446a-8599-5b693842c4a3" // VM web-01, TEST
	replPaused = "C4-5b7e9d1c-2a4f-4e6b-8c0d-1e2f3a4b5c6d" // VM batch-01, NOT_STARTED, paused
)

// jsonRun runs `failover` with --yes --output json and decodes the report.
func jsonRun(t *testing.T, env *server.TestEnv, args ...string) (int, failoverReport, string) {
	t.Helper()
	var stderr bytes.Buffer
	code, out := failoverCLI(t.Context(), t, env, nil, &stderr, append(args, "--yes", "--output", "json")...)
	var rep failoverReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep), "stdout: %s\nstderr: %s", out, stderr.String())
	return code, rep, stderr.String()
}

func isPaused(t *testing.T, env *server.TestEnv, id string) bool {
	t.Helper()
	r, err := env.VCAV.Replication(t.Context(), id)
	require.NoError(t, err)
	return r.IsPaused != nil && *r.IsPaused
}

// TestFailoverVCAV_EachLifecycleOperation runs every --op on a VM
// replication in the state it starts from: exit 0, the JSON report names
// the operation and the state it left, and the replication reads back so.
func TestFailoverVCAV_EachLifecycleOperation(t *testing.T) {
	tests := []struct {
		op, id     string
		state      vcav.RecoveryState
		paused     bool
		summary    string
		detailKey  string
		detailWant string
	}{
		{"test", replNotStarted, vcav.RecoveryStateTEST, false, "test failover of VM replication " + replNotStarted + " (VM app-db-01) succeeded: recovery state TEST", "recoveryState", "TEST"},
		{"cleanup", replTest, vcav.RecoveryStateNOTSTARTED, false, "test cleanup of VM replication " + replTest + " (VM web-01) succeeded: recovery state NOT_STARTED", "recoveryState", "NOT_STARTED"},
		{"migrate", replNotStarted, vcav.RecoveryStateCOMPLETE, false, "planned migration of VM replication " + replNotStarted + " (VM app-db-01) succeeded: recovery state COMPLETE, recovered vApp ", "recoveryState", "COMPLETE"},
		{"reverse", replComplete, vcav.RecoveryStateNOTSTARTED, false, "reverse of VM replication " + replComplete + " (VM file-srv-01) succeeded: recovery state NOT_STARTED", "recoveryState", "NOT_STARTED"},
		{"sync", replNotStarted, vcav.RecoveryStateNOTSTARTED, false, "sync of VM replication " + replNotStarted + " (VM app-db-01) succeeded", "isPaused", "false"},
		{"pause", replNotStarted, vcav.RecoveryStateNOTSTARTED, true, "pause of VM replication " + replNotStarted + " (VM app-db-01) succeeded: recovery state NOT_STARTED, paused true", "isPaused", "true"},
		{"resume", replPaused, vcav.RecoveryStateNOTSTARTED, false, "resume of VM replication " + replPaused + " (VM batch-01) succeeded: recovery state NOT_STARTED, paused false", "isPaused", "false"},
	}
	for _, tc := range tests {
		t.Run(tc.op, func(t *testing.T) {
			env := server.Test(t)
			code, rep, stderr := jsonRun(t, env, "vcav", "--replication", tc.id, "--op", tc.op)
			require.Equal(t, exitOK, code, "stderr: %s, report: %+v", stderr, rep)
			assert.Equal(t, outcomeSucceeded, rep.Outcome)
			assert.Equal(t, tc.op, rep.Operation)
			assert.Contains(t, rep.Summary, tc.summary)
			assert.Equal(t, tc.detailWant, rep.Details[tc.detailKey])
			assert.Contains(t, stderr, " started: task "+rep.TaskID)
			assert.Equal(t, tc.state, recoveryState(t, env, tc.id))
			assert.Equal(t, tc.paused, isPaused(t, env, tc.id))
		})
	}
}

// TestFailoverVCAV_DrillFromTheShell: the drill an operator runs, test
// failover then cleanup, each confirmed by typing the VM name, leaves the
// replication as it was.
func TestFailoverVCAV_DrillFromTheShell(t *testing.T) {
	env := server.Test(t)
	for _, step := range []struct{ op, prompt string }{
		{"test", "This runs a test failover of VM replication " + replNotStarted + " (VM app-db-01)."},
		{"cleanup", "This removes the test failover image of VM replication " + replNotStarted + " (VM app-db-01)."},
	} {
		var stderr bytes.Buffer
		code, out := failoverCLI(t.Context(), t, env, strings.NewReader("app-db-01\n"), &stderr, "vcav", "--replication", replNotStarted, "--op", step.op)
		require.Equal(t, exitOK, code, "%s: %s", step.op, stderr.String())
		assert.Contains(t, stderr.String(), step.prompt+` Type "app-db-01" to confirm`)
		assert.Regexp(t, `recovery state\s+OK`, out)
	}
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, recoveryState(t, env, replNotStarted))
}

// TestFailoverVCAV_LifecyclePreflightRefusals: an operation the recovery
// state or the paused flag forbids is refused before anything is sent,
// exit 2, with the remedy.
func TestFailoverVCAV_LifecyclePreflightRefusals(t *testing.T) {
	tests := []struct{ op, id, line string }{
		{"cleanup", replNotStarted, `recovery state\s+FAIL\s+NOT_STARTED: no test failover image to clean up; run a test failover first`},
		{"test", replTest, `recovery state\s+FAIL\s+TEST: a test failover image already exists; clean it up first`},
		{"reverse", replNotStarted, `recovery state\s+FAIL\s+NOT_STARTED: not recovered; fail it over or migrate it first`},
		{"migrate", replComplete, `recovery state\s+FAIL\s+COMPLETE: already failed over; reverse the replication first`},
		{"sync", replPaused, `paused\s+FAIL\s+paused: a paused replication does not sync; resume it first`},
		{"pause", replPaused, `paused\s+FAIL\s+already paused`},
	}
	for _, tc := range tests {
		t.Run(tc.op, func(t *testing.T) {
			env := server.Test(t)
			var stderr bytes.Buffer
			code, out := failoverCLI(t.Context(), t, env, nil, &stderr, "vcav", "--replication", tc.id, "--op", tc.op, "--yes")
			assert.Equal(t, exitUsage, code)
			assert.Regexp(t, tc.line, out)
			assert.Contains(t, stderr.String(), "preflight refused the "+mustLifecycle(t, tc.op).noun+": ")
			for _, rec := range env.Mock.Requests() {
				if strings.HasPrefix(rec.Path, "/vm-replications") {
					assert.Equal(t, "GET", rec.Method, "a refused preflight sends nothing that changes state: %s %s", rec.Method, rec.Path)
				}
			}
		})
	}
}

func mustLifecycle(t *testing.T, name string) *vcavLifecycle {
	t.Helper()
	l, ok := lookupLifecycle(name)
	require.True(t, ok, name)
	return l
}

// racingAnswer is an operator's answer to the prompt, typed after someone
// else changed the replication (run before the first read).
type racingAnswer struct {
	once   sync.Once
	before func()
	r      io.Reader
}

func (a *racingAnswer) Read(p []byte) (int, error) {
	a.once.Do(a.before)
	return a.r.Read(p)
}

// TestFailoverVCAV_ServerRefusalPrintsTheVendorMessage: the test image is
// cleaned up by someone else while the operator confirms; the server's
// refusal is printed with the vendor's code and message, and the run
// exits 1 with nothing started.
func TestFailoverVCAV_ServerRefusalPrintsTheVendorMessage(t *testing.T) {
	env := server.Test(t)
	answer := &racingAnswer{r: strings.NewReader("web-01\n"), before: func() {
		require.NoError(t, env.Mock.SetVCAVReplicationState(replTest, server.ReplicationState{RecoveryState: vcav.RecoveryStateNOTSTARTED}))
	}}
	var stderr bytes.Buffer
	code, out := failoverCLI(t.Context(), t, env, answer, &stderr, "vcav", "--replication", replTest, "--op", "cleanup")
	assert.Equal(t, exitFindings, code)
	assert.Regexp(t, `recovery state\s+OK\s+TEST`, out, "the preflight saw the test image")
	assert.Contains(t, out, "the server refused the test cleanup of VM replication "+replTest+" (VM web-01); nothing was started")
	assert.Contains(t, stderr.String(), "the server refused the test cleanup of VM replication "+replTest+" (VM web-01): "+
		"vcav cleanupTestFailoverVmReplication: 400 InvalidRecoveryState: VM replication "+replTest+
		" has no test failover image to clean up (recovery state NOT_STARTED). Run a test failover first.")
	assert.NotContains(t, stderr.String(), "started: task")
}

// TestFailoverVCAV_LifecycleTaskFailsOrHangs: a failed task exits 1
// naming the operation; a task still running at --timeout is an unknown
// outcome whose follow command repeats --op.
func TestFailoverVCAV_LifecycleTaskFailsOrHangs(t *testing.T) {
	env := server.Test(t, server.WithFault(server.Fault{
		API: "vcav", OperationID: "testFailoverVmReplication", Task: server.TaskFails, TaskError: "datastore full",
	}))
	code, rep, _ := jsonRun(t, env, "vcav", "--replication", replNotStarted, "--op", "test")
	assert.Equal(t, exitFindings, code)
	assert.Equal(t, outcomeFailed, rep.Outcome)
	assert.Contains(t, rep.Error, "the test failover of VM replication "+replNotStarted+" (VM app-db-01) failed")
	assert.Contains(t, rep.Error, "datastore full")
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, recoveryState(t, env, replNotStarted), "a failed test puts the replication back")

	env = server.Test(t, server.WithFault(server.Fault{API: "vcav", OperationID: "migrateVmReplication", Task: server.TaskHangs}))
	code, rep, _ = jsonRun(t, env, "vcav", "--replication", replNotStarted, "--op", "migrate", "--timeout", "300ms")
	assert.Equal(t, exitFindings, code)
	assert.Equal(t, outcomeUnknown, rep.Outcome)
	assert.Contains(t, rep.Follow, "--replication "+replNotStarted+" --op migrate --follow "+rep.TaskID)
}

// TestFailover_LifecycleUsageErrors: the flags that do not go together.
func TestFailover_LifecycleUsageErrors(t *testing.T) {
	env := server.Test(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"vcav", "--op", "test"}, "needs one of --replication C4-ID (a VM) or --vapp C4VAPP-ID (a vApp)"},
		{[]string{"vcav", "--replication", replNotStarted, "--vapp", "C4VAPP-ccbe771e-b685-46c7-8c7a-4ed36915d963"}, "needs one of --replication"},
		{[]string{"vcav", "--replication", replNotStarted, "--op", "teleport"}, `--op "teleport": want one of failover, test, cleanup, migrate, reverse, sync, pause, resume`},
		{[]string{"vcha", "--op", "test"}, "--op is for failover vcav"},
		{[]string{"vcha", "--vapp", "C4VAPP-ccbe771e-b685-46c7-8c7a-4ed36915d963"}, "--replication and --vapp are for failover vcav"},
	} {
		var stderr bytes.Buffer
		code, _ := failoverCLI(t.Context(), t, env, nil, &stderr, tc.args...)
		assert.Equal(t, exitUsage, code, tc.args)
		assert.Contains(t, stderr.String(), tc.want, tc.args)
	}
}
