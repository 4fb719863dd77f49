package server

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavResult is the outcome of one concurrent request.
type vcavResult struct {
	status int
	body   []byte
	err    error
}

// vcavFailoverAll fails each of ids over at once, one goroutine each, with
// the tokens taken in turn, and returns the outcomes in order.
func vcavFailoverAll(tm *testMock, tokens []string, ids []string) []vcavResult {
	out := make([]vcavResult, len(ids))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			url := tm.vcavURL + "/vm-replications/" + id + "/failover"
			status, body, err := vcavRawPost(tm.vcavHC, url, tokens[i%len(tokens)], vcavVcloudBody)
			out[i] = vcavResult{status, body, err}
		}()
	}
	close(start)
	wg.Wait()
	return out
}

func TestVCAVConcurrency_OneFailoverWins(t *testing.T) {
	tm := newTestMock(t)
	tokens := []string{
		vcavLogin(t, tm, vcavRootLogin), vcavLogin(t, tm, vcavRootLogin),
		vcavLogin(t, tm, vcavAdminLogin), vcavLogin(t, tm, vcavAdminLogin),
	}
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = vcavReadyID
	}
	var accepted []vcav.C4ApiTaskOfSingleVmReplicationInfo
	var winner string
	for i, r := range vcavFailoverAll(tm, tokens, ids) {
		require.NoError(t, r.err)
		switch r.status {
		case http.StatusAccepted:
			var task vcav.C4ApiTaskOfSingleVmReplicationInfo
			require.NoError(t, json.Unmarshal(r.body, &task))
			accepted, winner = append(accepted, task), tokens[i%len(tokens)]
		default:
			e := vcavRequireError(t, http.StatusBadRequest, "InvalidRecoveryState", r.status, r.body)
			assert.Equal(t, []string{vcavReadyID, "IN_PROGRESS"}, *e.Args)
		}
	}
	require.Len(t, accepted, 1, "exactly one failover is accepted")
	assert.Equal(t, 1, vcavTaskCount(tm), "exactly one task")

	tm.clock.Advance(DefaultTaskDuration)
	status, task, _ := vcavGetTask(t, tm, winner, accepted[0].Id)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, vcav.TaskStateSUCCEEDED, task.State)
	assert.Equal(t, vcav.RecoveryStateCOMPLETE, vcavRecovery(vcavGetReplication(t, tm, winner, vcavReadyID)))
}

func TestVCAVConcurrency_DistinctReplicationsAllSucceed(t *testing.T) {
	tm := newTestMock(t)
	tokens := []string{vcavLogin(t, tm, vcavRootLogin), vcavLogin(t, tm, vcavAdminLogin)}
	ids := []string{vcavReadyID, vcavAppWebID, vcavPausedID, vcavWeb02ID, vcavMailID}
	seen := map[string]bool{}
	for _, r := range vcavFailoverAll(tm, tokens, ids) {
		require.NoError(t, r.err)
		require.Equal(t, http.StatusAccepted, r.status, "%s", r.body)
		var task vcav.C4ApiTaskOfSingleVmReplicationInfo
		require.NoError(t, json.Unmarshal(r.body, &task))
		seen[*task.WorkflowInfo.ResourceId] = true
	}
	assert.Len(t, seen, len(ids))
	assert.Equal(t, len(ids), vcavTaskCount(tm))

	tm.clock.Advance(DefaultTaskDuration)
	for _, id := range ids {
		assert.Equal(t, vcav.RecoveryStateCOMPLETE, vcavRecovery(vcavGetReplication(t, tm, tokens[0], id)), id)
	}
}

func TestVCAVConcurrency_ReadsDuringFailovers(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			tm.clock.Advance(DefaultTaskDuration / 10)
			_ = tm.State()
		}()
		go func() {
			defer wg.Done()
			_, _, _ = vcavRawPost(tm.vcavHC, tm.vcavURL+"/vm-replications/"+vcavWeb02ID+"/failover", token, vcavVcloudBody)
		}()
	}
	wg.Wait()
	st := tm.State()
	for _, r := range st.VCAV.Replications {
		if r.Id == vcavWeb02ID {
			assert.Contains(t, []vcav.RecoveryState{vcav.RecoveryStateINPROGRESS, vcav.RecoveryStateCOMPLETE}, vcavRecovery(r))
		}
	}
	assert.Equal(t, 1, vcavTaskCount(tm))
}
