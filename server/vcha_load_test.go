package server

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcha"
	"github.com/failoverkit/failoverkit/spec"
)

// vchaAttempt is one goroutine's failover or mode change and its task.
type vchaAttempt struct {
	token  string
	mode   vcha.VchaClusterClusterMode // "" for a failover
	status int
	taskID string
	err    error
}

// vchaBurst sends n failovers and mode changes at once (every other one a
// mode change, cycling through the modes) with the tokens in turn, while
// another goroutine moves the clock on by a task's duration `advances`
// times, so tasks finish in the middle of the burst.
func vchaBurst(t *testing.T, tm *testMock, tokens []string, n, advances int) []vchaAttempt {
	modes := []vcha.VchaClusterClusterMode{vcha.VchaClusterClusterModeMAINTENANCE, vcha.VchaClusterClusterModeENABLED, vcha.VchaClusterClusterModeDISABLED}
	c := vchaClient(t, tm)
	out := make([]vchaAttempt, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range out {
		out[i].token = tokens[i%len(tokens)]
		if i%2 == 1 {
			out[i].mode = modes[(i/2)%len(modes)]
		}
		wg.Go(func() {
			<-start
			out[i].status, out[i].taskID, out[i].err = vchaStart(c, out[i], i%4 == 0)
		})
	}
	wg.Go(func() {
		<-start
		for range advances {
			tm.clock.Advance(DefaultTaskDuration)
		}
	})
	close(start)
	wg.Wait()
	return out
}

// vchaStart sends the attempt's failover (planned or forced) or mode change.
func vchaStart(c *vcha.ClientWithResponses, a vchaAttempt, planned bool) (int, string, error) {
	ctx := context.Background()
	if a.mode == "" {
		resp, err := c.FailoverVchaClusterAsyncWithResponse(ctx, vcha.FailoverVchaClusterAsyncJSONRequestBody{Planned: planned}, withToken(a.token))
		if err != nil || resp.JSON202 == nil {
			return responseStatus(resp, err), "", err
		}
		return resp.StatusCode(), *resp.JSON202, nil
	}
	resp, err := c.SetVchaClusterModeAsyncWithResponse(ctx, vcha.SetVchaClusterModeAsyncJSONRequestBody{Mode: a.mode}, withToken(a.token))
	if err != nil || resp.JSON202 == nil {
		return responseStatus(resp, err), "", err
	}
	return resp.StatusCode(), *resp.JSON202, nil
}

// responseStatus is the status of a generated response, 0 when there is none.
func responseStatus(resp interface{ StatusCode() int }, err error) int {
	if err != nil {
		return 0
	}
	return resp.StatusCode()
}

// vchaFinal is the terminal outcome of one task.
type vchaFinal struct {
	attempt vchaAttempt
	info    vcha.TaskInfo
}

// TestVCHALoad_FailoversAndModeChanges runs three bursts of 200 concurrent
// failovers and mode changes over 50 sessions, with the clock moving during
// the bursts and a fault failing some tasks. Every 202 task reaches exactly
// one terminal state (stable across reads); the node roles are swapped
// exactly once per SUCCEEDED failover; the mode is the one asked by the
// last SUCCEEDED mode change; the cluster invariants hold throughout.
func TestVCHALoad_FailoversAndModeChanges(t *testing.T) {
	tm := newTestMock(t)
	tokens := make([]string, 50)
	for i := range tokens {
		tokens[i] = vchaLogin(t, tm, vchaAdmin)
	}
	require.NoError(t, tm.InjectFault(Fault{API: spec.VCHA, OperationID: "failoverVchaClusterAsync", Task: TaskFails, Times: 3}))
	var all []vchaAttempt
	for round := range 3 {
		burst := vchaBurst(t, tm, tokens, 200, round)
		for _, a := range burst {
			require.NoError(t, a.err)
			require.Equal(t, http.StatusAccepted, a.status, "every failover and mode change gets a task")
		}
		all = append(all, burst...)
		require.NoError(t, vchaInvariants(tm.Mock))
	}
	tm.clock.Advance(2 * DefaultTaskDuration)
	finals := vchaTerminal(t, tm, all)
	swaps, lastMode := vchaExpected(finals)
	admin := vchaLogin(t, tm, vchaAdmin)
	n1, n2 := roles(getCluster(t, tm, admin))
	want := [2]vcha.VchaClusterNodeRole{vcha.VchaClusterNodeRoleACTIVE, vcha.VchaClusterNodeRolePASSIVE}
	if swaps%2 == 1 {
		want[0], want[1] = want[1], want[0]
	}
	assert.Equal(t, want, [2]vcha.VchaClusterNodeRole{n1, n2}, "roles swapped once per SUCCEEDED failover (%d)", swaps)
	assert.Equal(t, lastMode, getMode(t, tm, admin), "the mode of the last SUCCEEDED mode change")
	succeeded := 0
	for _, f := range finals {
		if f.info.Status == vcha.CisTaskStatusSUCCEEDED {
			succeeded++
		}
	}
	assert.Positive(t, succeeded, "some tasks changed the cluster")
	require.NoError(t, vchaInvariants(tm.Mock))
}

// vchaTerminal reads every task twice, concurrently: each must be
// SUCCEEDED or FAILED, the same both times.
func vchaTerminal(t *testing.T, tm *testMock, attempts []vchaAttempt) []vchaFinal {
	t.Helper()
	out := make([]vchaFinal, len(attempts))
	var wg sync.WaitGroup
	for i, a := range attempts {
		wg.Go(func() {
			first := getTask(t, tm, a.token, a.taskID)
			second := getTask(t, tm, a.token, a.taskID)
			assert.Equal(t, first.Status, second.Status, "%s: one terminal state", a.taskID)
			assert.Contains(t, []vcha.CisTaskStatus{vcha.CisTaskStatusSUCCEEDED, vcha.CisTaskStatusFAILED}, first.Status)
			out[i] = vchaFinal{attempt: a, info: first}
		})
	}
	wg.Wait()
	require.False(t, t.Failed())
	return out
}

// vchaExpected counts the SUCCEEDED failovers and finds the mode of the
// SUCCEEDED mode change that ended last (tasks that change the cluster run
// one at a time, so their end times are distinct); ENABLED, the fixture's,
// when none did.
func vchaExpected(finals []vchaFinal) (swaps int, mode vcha.VchaClusterClusterMode) {
	mode, lastEnd := vcha.VchaClusterClusterModeENABLED, ""
	for _, f := range finals {
		if f.info.Status != vcha.CisTaskStatusSUCCEEDED {
			continue
		}
		if f.attempt.mode == "" {
			swaps++
			continue
		}
		if end := string(*f.info.EndTime); end > lastEnd {
			mode, lastEnd = f.attempt.mode, end
		}
	}
	return swaps, mode
}
