package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/gen/vcha"
)

// TestClientWaitTask_ThroughTheFailoverOutage runs a VCHA failover with the
// outage on through failoverkit's client.WaitTask: its polls meet the 503s
// of the switch-over (after reset connections, when the outage starts with
// a reset phase), then a 401 (every session ended), it logs in again
// with the credentials of its Login, and finishes on SUCCEEDED. The wait's
// timer advances the mock's manual clock, so nothing sleeps. Afterwards the
// old sessions are refused and the roles are swapped.
func TestClientWaitTask_ThroughTheFailoverOutage(t *testing.T) {
	t.Run("503", func(t *testing.T) { clientWaitsThroughOutage(t, 0) })
	t.Run("reset then 503", func(t *testing.T) { clientWaitsThroughOutage(t, time.Minute) })
}

// clientWaitsThroughOutage runs that failover with the outage's first reset
// resetting connections.
func clientWaitsThroughOutage(t *testing.T, reset time.Duration) {
	const run, outage = 10 * time.Second, 2 * time.Minute
	tm := newTestMock(t, WithTaskDuration(run), WithVCHAOutage(outage), WithVCHAOutageReset(reset))
	ctx := context.Background()
	c, err := client.NewVCHA(tm.vchaURL, client.WithHTTPClient(tm.vchaHC))
	require.NoError(t, err)
	require.NoError(t, c.Login(ctx, vchaAdmin, vchaPassword))
	other := vchaLogin(t, tm, vchaAdmin)

	id, err := c.Failover(ctx, true)
	require.NoError(t, err)
	timer := func(d time.Duration) <-chan time.Time {
		tm.clock.Advance(d)
		ch := make(chan time.Time, 1)
		ch <- tm.clock.Now()
		return ch
	}
	var states []string
	task, err := c.WaitTask(ctx, id, client.WithTimer(timer), client.PollInterval(5*time.Second), client.MaxPollInterval(10*time.Second),
		client.OnProgress(func(state string, _ int) { states = append(states, state) }))
	require.NoError(t, err)
	assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, task.Status)
	assert.Contains(t, states, "RUNNING")
	assert.Equal(t, "SUCCEEDED", states[len(states)-1])

	var resets, unavailable, refused, logins int
	for _, r := range tm.Requests() {
		switch {
		case strings.HasPrefix(r.Path, "/api/cis/tasks/") && r.Status == 0:
			resets++
		case strings.HasPrefix(r.Path, "/api/cis/tasks/") && r.Status == http.StatusServiceUnavailable:
			unavailable++
		case strings.HasPrefix(r.Path, "/api/cis/tasks/") && r.Status == http.StatusUnauthorized:
			refused++
		case r.OperationID == "createSession" && r.Status == http.StatusCreated:
			logins++
		}
	}
	assert.Equal(t, reset > 0, resets > 0, "the polls met reset connections (%d) when the outage resets", resets)
	assert.Positive(t, unavailable, "the polls met the outage")
	assert.Equal(t, 1, refused, "then one 401: the session was gone")
	assert.Equal(t, 3, logins, "two logins before, one re-login by WaitTask")

	status, _, _ := do(t, tm.vchaHC, "GET", vchaURL(tm, "/api/session"), nil, "vmware-api-session-id", other)
	assert.Equal(t, http.StatusUnauthorized, status, "a session from before the failover stays refused")
	cl, err := c.Cluster(ctx, true)
	require.NoError(t, err)
	n1, n2 := roles(*cl)
	assert.Equal(t, vcha.VchaClusterNodeRolePASSIVE, n1)
	assert.Equal(t, vcha.VchaClusterNodeRoleACTIVE, n2)
}
