package server

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// TestVCHAConcurrency_OneFailoverWins fails over from 50 goroutines at once,
// each with its own admin session, while readers poll. Run it with -race.
func TestVCHAConcurrency_OneFailoverWins(t *testing.T) {
	const n = 50
	tm := newTestMock(t)
	c := vchaClient(t, tm)
	ctx := context.Background()
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			login, err := c.CreateSessionWithResponse(ctx, basicAuth(vchaAdmin, vchaPassword))
			if !assert.NoError(t, err) || !assert.Equal(t, http.StatusCreated, login.StatusCode()) {
				return
			}
			token := *login.JSON201
			resp, err := c.FailoverVchaClusterAsyncWithResponse(ctx,
				vcha.FailoverVchaClusterAsyncJSONRequestBody{Planned: i%2 == 0}, withToken(token))
			if assert.NoError(t, err) && assert.Equal(t, http.StatusAccepted, resp.StatusCode()) {
				ids[i] = *resp.JSON202
			}
			_, err = c.GetVchaClusterWithResponse(ctx, vcha.GetVchaClusterJSONRequestBody{}, withToken(token))
			assert.NoError(t, err)
			_, err = c.GetTaskWithResponse(ctx, ids[i], nil, withToken(token))
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	require.False(t, t.Failed())

	tm.clock.Advance(DefaultTaskDuration)
	admin := vchaLogin(t, tm, vchaAdmin)
	count := map[vcha.CisTaskStatus]int{}
	for _, id := range ids {
		info := getTask(t, tm, admin, id)
		count[info.Status]++
		if info.Status == vcha.CisTaskStatusFAILED {
			assert.Equal(t, vcha.StdErrorsErrorTypeNOTALLOWEDINCURRENTSTATE, *info.Error.ErrorType)
		}
	}
	assert.Equal(t, map[vcha.CisTaskStatus]int{vcha.CisTaskStatusSUCCEEDED: 1, vcha.CisTaskStatusFAILED: n - 1}, count)
	n1, n2 := roles(getCluster(t, tm, admin))
	assert.Equal(t, vcha.VchaClusterNodeRolePASSIVE, n1, "roles swapped exactly once")
	assert.Equal(t, vcha.VchaClusterNodeRoleACTIVE, n2)
}
