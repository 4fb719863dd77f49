package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/server"
)

// vApp replications of the mock's default fixture.
const (
	vappNotStarted = "C4VAPP-ccbe771e-b685-46c7-8c7a-4ed36915d963" // app-vapp: app-db-01, app-web-01
	vappTest       = "C4VAPP-2d4f6a8c-1e3b-4d5f-9a7c-8e0b2d4f6a8c" // web-vapp: web-01
	vappComplete   = "C4VAPP-9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f" // file-vapp: file-srv-01
)

// vappRead returns the recovery state and paused flag of every VM of a
// vApp replication, read back through the client.
func vappRead(t *testing.T, env *server.TestEnv, id string) (states []vcav.RecoveryState, paused []bool) {
	t.Helper()
	v, err := env.VCAV.VappReplication(t.Context(), id)
	require.NoError(t, err)
	for _, r := range *v.VmReplications {
		states = append(states, r.DestinationState.RecoveryInfo.RecoveryState)
		paused = append(paused, r.IsPaused != nil && *r.IsPaused)
	}
	return states, paused
}

// TestFailoverVCAV_VappEachOperation runs every --op on a vApp
// replication (--vapp) in the state it starts from: one task for all its
// VMs, each read back in the state the operation leaves.
func TestFailoverVCAV_VappEachOperation(t *testing.T) {
	ns, te, co := vcav.RecoveryStateNOTSTARTED, vcav.RecoveryStateTEST, vcav.RecoveryStateCOMPLETE
	tests := []struct {
		op, id  string
		states  []vcav.RecoveryState
		paused  bool
		summary string
	}{
		{"failover", vappNotStarted, []vcav.RecoveryState{co, co}, false, "failover of vApp replication " + vappNotStarted + " succeeded: 2 VM(s), recovery state COMPLETE x2, 0 paused, recovered vApp "},
		{"test", vappNotStarted, []vcav.RecoveryState{te, te}, false, "test failover of vApp replication " + vappNotStarted + " succeeded: 2 VM(s), recovery state TEST x2"},
		{"cleanup", vappTest, []vcav.RecoveryState{ns}, false, "test cleanup of vApp replication " + vappTest + " succeeded: 1 VM(s), recovery state NOT_STARTED x1"},
		{"migrate", vappNotStarted, []vcav.RecoveryState{co, co}, false, "planned migration of vApp replication " + vappNotStarted + " succeeded: 2 VM(s), recovery state COMPLETE x2"},
		{"reverse", vappComplete, []vcav.RecoveryState{ns}, false, "reverse of vApp replication " + vappComplete + " succeeded: 1 VM(s), recovery state NOT_STARTED x1"},
		{"sync", vappNotStarted, []vcav.RecoveryState{ns, ns}, false, "sync of vApp replication " + vappNotStarted + " succeeded"},
		{"pause", vappNotStarted, []vcav.RecoveryState{ns, ns}, true, "pause of vApp replication " + vappNotStarted + " succeeded: 2 VM(s), recovery state NOT_STARTED x2, 2 paused"},
	}
	for _, tc := range tests {
		t.Run(tc.op, func(t *testing.T) {
			env := server.Test(t)
			code, rep, stderr := jsonRun(t, env, "vcav", "--vapp", tc.id, "--op", tc.op)
			require.Equal(t, exitOK, code, "stderr: %s, report: %+v", stderr, rep)
			assert.Equal(t, outcomeSucceeded, rep.Outcome)
			assert.Contains(t, rep.Summary, tc.summary)
			states, paused := vappRead(t, env, tc.id)
			assert.Equal(t, tc.states, states)
			for _, p := range paused {
				assert.Equal(t, tc.paused, p)
			}
		})
	}
}

// TestFailoverVCAV_VappPauseThenResume: resume after a pause, each
// confirmed by typing the vApp's name.
func TestFailoverVCAV_VappPauseThenResume(t *testing.T) {
	env := server.Test(t)
	for _, op := range []string{"pause", "resume"} {
		var stderr bytes.Buffer
		code, out := failoverCLI(t.Context(), t, env, strings.NewReader("app-vapp\n"), &stderr, "vcav", "--vapp", vappNotStarted, "--op", op)
		require.Equal(t, exitOK, code, "%s: %s", op, stderr.String())
		assert.Contains(t, stderr.String(), "This "+op+"s vApp replication "+vappNotStarted+` (vApp app-vapp). Type "app-vapp" to confirm`)
		assert.Regexp(t, `VM app-db-01\s+OK\s+C4-09b2917c`, out)
	}
	_, paused := vappRead(t, env, vappNotStarted)
	assert.Equal(t, []bool{false, false}, paused)
}

// TestFailoverVCAV_VappPreflightNamesTheVM: a vApp whose VM is in TEST is
// refused before anything is sent, on the line of that VM.
func TestFailoverVCAV_VappPreflightNamesTheVM(t *testing.T) {
	env := server.Test(t)
	var stderr bytes.Buffer
	code, out := failoverCLI(t.Context(), t, env, nil, &stderr, "vcav", "--vapp", vappTest, "--yes")
	assert.Equal(t, exitUsage, code)
	assert.Regexp(t, `VM web-01\s+FAIL\s+`+replTest+`: TEST: a test failover image exists; clean up the test failover first, not paused`, out)
	assert.Contains(t, stderr.String(), "preflight refused the failover: VM web-01: ")

	code, _ = failoverCLI(t.Context(), t, env, nil, &stderr, "vcav", "--vapp", "C4VAPP-00000000-0000-4000-8000-000000000000", "--yes")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr.String(), "vApp replication: C4VAPP-00000000-0000-4000-8000-000000000000 not found")
}

// TestFailoverVCAV_VappServerRefusal: one VM of the vApp is failed over by
// someone else while the operator confirms; the server refuses the whole
// vApp and its message, naming the vApp and the VM, is printed.
func TestFailoverVCAV_VappServerRefusal(t *testing.T) {
	env := server.Test(t)
	answer := &racingAnswer{r: strings.NewReader("app-vapp\n"), before: func() {
		require.NoError(t, env.Mock.SetVCAVReplicationState(replNotStarted, server.ReplicationState{RecoveryState: vcav.RecoveryStateCOMPLETE}))
	}}
	var stderr bytes.Buffer
	code, _ := failoverCLI(t.Context(), t, env, answer, &stderr, "vcav", "--vapp", vappNotStarted, "--op", "test")
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, stderr.String(), "the server refused the test failover of vApp replication "+vappNotStarted+" (vApp app-vapp): "+
		"vcav testFailoverVappReplication: 400 InvalidRecoveryState: vApp replication "+vappNotStarted+": VM replication "+replNotStarted+" is already failed over")
	states, _ := vappRead(t, env, vappNotStarted)
	assert.Equal(t, []vcav.RecoveryState{vcav.RecoveryStateCOMPLETE, vcav.RecoveryStateNOTSTARTED}, states, "refused whole: the other VM is untouched")
}
