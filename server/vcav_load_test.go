package server

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/spec"
)

// Shape of the VCAV load test: 200 goroutines over 50 sessions; 150 fail
// over replications of their own, 50 contend, ten each, on 5 others.
const (
	vcavLoadDistinct     = 150
	vcavLoadContended    = 5
	vcavLoadPerContended = 10
	vcavLoadSessions     = 50
)

// vcavAttempt is one goroutine's failover: who, what, and the answer.
type vcavAttempt struct {
	token, replID string
	status        int
	body          []byte
	err           error
}

// vcavLoadTargets lists the replication each goroutine fails over.
func vcavLoadTargets() []string {
	contended := []string{vcavReadyID, vcavAppWebID, vcavWeb02ID, vcavMailID, vcavPausedID}
	var ids []string
	for i := range vcavLoadDistinct {
		ids = append(ids, benchReplicationID(i))
	}
	for i := range vcavLoadContended * vcavLoadPerContended {
		ids = append(ids, contended[i%vcavLoadContended])
	}
	return ids
}

// vcavLoadSessionTokens logs in vcavLoadSessions times, alternating the two
// default users.
func vcavLoadSessionTokens(t *testing.T, tm *testMock) []string {
	tokens := make([]string, vcavLoadSessions)
	for i := range tokens {
		body := vcavRootLogin
		if i%2 == 1 {
			body = vcavAdminLogin
		}
		tokens[i] = vcavLogin(t, tm, body)
	}
	return tokens
}

// vcavFailoverBurst sends every failover at once, one goroutine each, and
// returns the attempts.
func vcavFailoverBurst(tm *testMock, tokens, ids []string) []vcavAttempt {
	out := make([]vcavAttempt, len(ids))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, id := range ids {
		out[i] = vcavAttempt{token: tokens[i%len(tokens)], replID: id}
		wg.Go(func() {
			<-start
			a := &out[i]
			a.status, a.body, a.err = vcavRawPost(tm.vcavHC, tm.vcavURL+"/vm-replications/"+id+"/failover", a.token, vcavVcloudBody)
		})
	}
	close(start)
	wg.Wait()
	return out
}

// TestVCAVLoad_ManySessionsDistinctAndContended fails over from 200
// goroutines over 50 sessions, 150 on replications of their own and 50
// contending on 5, while a fault makes some tasks fail. Every distinct
// failover is accepted; each contended replication has exactly one winner,
// the others get 400 InvalidRecoveryState; no task is lost or duplicated;
// after the clock moves every accepted task is in exactly one terminal
// state, stable across reads, matching its replication (COMPLETE or back
// to NOT_STARTED); a second burst on the replications whose task failed
// again has one winner each.
func TestVCAVLoad_ManySessionsDistinctAndContended(t *testing.T) {
	tm := newTestMock(t, WithFixture(benchFixture(t, vcavLoadDistinct)))
	tokens := vcavLoadSessionTokens(t, tm)
	require.NoError(t, tm.InjectFault(Fault{API: spec.VCAV, OperationID: "failoverVmReplication", Task: TaskFails, Times: 40}))

	accepted := vcavAccepted(t, vcavFailoverBurst(tm, tokens, vcavLoadTargets()))
	require.Len(t, accepted, vcavLoadDistinct+vcavLoadContended, "one winner per replication")
	require.Equal(t, len(accepted), vcavTaskCount(tm), "no task lost, none extra")
	require.NoError(t, vcavInvariants(tm.Mock))

	tm.clock.Advance(DefaultTaskDuration)
	failed := vcavCheckTerminal(t, tm, accepted)
	assert.NotEmpty(t, failed, "the fault made some tasks fail")
	require.NoError(t, vcavInvariants(tm.Mock))

	var again []string
	for _, id := range failed {
		again = append(again, id, id, id) // three contenders each
	}
	second := vcavAccepted(t, vcavFailoverBurst(tm, tokens, again))
	require.Len(t, second, len(failed), "one winner per replication whose task failed")
	tm.clock.Advance(DefaultTaskDuration)
	vcavCheckTerminal(t, tm, second)
	require.NoError(t, vcavInvariants(tm.Mock))
}

// vcavAccepted checks every attempt's answer (202, or 400
// InvalidRecoveryState naming IN_PROGRESS for a contender that lost) and
// returns the accepted ones by replication, requiring at most one each.
func vcavAccepted(t *testing.T, attempts []vcavAttempt) map[string]vcavAttempt {
	t.Helper()
	out := map[string]vcavAttempt{}
	for _, a := range attempts {
		require.NoError(t, a.err)
		if a.status != http.StatusAccepted {
			e := vcavRequireError(t, http.StatusBadRequest, "InvalidRecoveryState", a.status, a.body)
			assert.Equal(t, []string{a.replID, "IN_PROGRESS"}, *e.Args)
			continue
		}
		_, dup := out[a.replID]
		require.False(t, dup, "two failovers of %s accepted", a.replID)
		out[a.replID] = a
	}
	return out
}

// vcavCheckTerminal reads every accepted task twice, concurrently, as its
// owner: each is SUCCEEDED with its replication COMPLETE, or FAILED with
// its replication back to NOT_STARTED, the same on both reads. It returns
// the replications whose task failed.
func vcavCheckTerminal(t *testing.T, tm *testMock, accepted map[string]vcavAttempt) []string {
	t.Helper()
	type seen struct{ first, second vcav.TaskState }
	states := map[string]*seen{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for id, a := range accepted {
		var task vcav.C4ApiTaskOfSingleVmReplicationInfo
		require.NoError(t, json.Unmarshal(a.body, &task))
		st := &seen{} // each worker writes only its own st; the map is not shared
		states[id] = st
		wg.Go(func() {
			for i := range 2 {
				status, got, _ := vcavGetTask(t, tm, a.token, task.Id)
				mu.Lock()
				assert.Equal(t, http.StatusOK, status)
				if i == 0 {
					st.first = got.State
				} else {
					st.second = got.State
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	var failed []string
	for id, s := range states {
		require.Equal(t, s.first, s.second, "%s: one terminal state", id)
		want := map[vcav.TaskState]vcav.RecoveryState{vcav.TaskStateSUCCEEDED: vcav.RecoveryStateCOMPLETE, vcav.TaskStateFAILED: vcav.RecoveryStateNOTSTARTED}
		require.Contains(t, want, s.first, "%s: terminal", id)
		assert.Equal(t, want[s.first], vcavRecovery(vcavGetReplication(t, tm, accepted[id].token, id)), id)
		if s.first == vcav.TaskStateFAILED {
			failed = append(failed, id)
		}
	}
	return failed
}
