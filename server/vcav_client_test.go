package server

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/gen/vcav"
)

// TestClient_VCAVReads drives every client call of issue 10 against the
// mock: cookie and access-token logins, extend, about, sites, vc-sites,
// instances, network settings, tasks, and a health check waited through
// QUEUED (WithVCAVQueue) with client.WaitTask.
func TestClient_VCAVReads(t *testing.T) {
	env := Test(t, WithVCAVQueue(50*time.Millisecond), WithTaskDuration(50*time.Millisecond))
	ctx := context.Background()
	c, err := env.NewVCAV()
	require.NoError(t, err)
	details, err := c.LoginCookie(ctx, "site2-vcd-session-cookie")
	require.NoError(t, err)
	assert.Equal(t, "administrator@System", details.User)
	_, err = c.LoginAccessToken(ctx, "site2.vcd.access-token")
	require.NoError(t, err)
	_, err = c.LoginCookie(ctx, "not-a-cookie")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "not-a-cookie")
	assert.True(t, client.IsVCAVCode(err, "NotAuthenticated"))
	_, err = c.LoginAccessToken(ctx, "site2.vcd.access-token")
	require.NoError(t, err)

	clientExtend(t, c)

	about, err := c.About(ctx)
	require.NoError(t, err)
	assert.Equal(t, "CLOUD", about.ServiceType)
	sites, err := c.Sites(ctx)
	require.NoError(t, err)
	assert.Len(t, sites, 2)
	vcSites, err := c.VcSites(ctx)
	require.NoError(t, err)
	assert.Equal(t, "onprem1", vcSites[0].Site)
	inst, err := c.Instances(ctx, vcavReadyID, client.Site("site1"))
	require.NoError(t, err)
	assert.Len(t, inst, 2)
	ns, err := c.NetworkSettings(ctx, vcavReadyID)
	require.NoError(t, err)
	assert.NotNil(t, ns.FailoverSettings)

	task, err := c.Health(ctx)
	require.NoError(t, err)
	assert.Equal(t, vcav.TaskStateQUEUED, task.State)
	done, err := c.WaitTask(ctx, task.Id, client.PollInterval(10*time.Millisecond))
	require.NoError(t, err, "QUEUED is pending, not a failure")
	h, err := c.HealthResult(done)
	require.NoError(t, err)
	assert.NotNil(t, h.ManagerHealth)
	page, err := c.Tasks(ctx, &vcav.ListTasksParams{ResourceType: new("CLOUD")})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, task.Id, page.Items[0].Id)
	_, err = c.HealthResult(task)
	assert.ErrorIs(t, err, client.ErrNoTaskResult)
}

// clientExtend extends c's session to site1: a wrong cookie is refused
// with RemoteAuthenticationFailure (the cookie never in the error), the
// fixture's is accepted.
func clientExtend(t *testing.T, c *client.VCAV) {
	t.Helper()
	ctx := context.Background()
	var ext vcav.ExtendSessionRequest
	require.NoError(t, ext.FromExtendSessionCookie(vcav.ExtendSessionCookie{Type: vcav.ExtendSessionCookieTypeCookie, Site: "site1", Cookie: "bad-cookie"}))
	_, err := c.ExtendSession(ctx, ext)
	assert.True(t, client.IsVCAVCode(err, "RemoteAuthenticationFailure"), "%v", err)
	assert.NotContains(t, err.Error(), "bad-cookie")
	require.NoError(t, ext.FromExtendSessionCookie(vcav.ExtendSessionCookie{Type: vcav.ExtendSessionCookieTypeCookie, Site: "site1", Cookie: "site1-vcd-session-cookie"}))
	details, err := c.ExtendSession(ctx, ext)
	require.NoError(t, err)
	assert.Len(t, details.AuthenticatedSites, 2)

}
