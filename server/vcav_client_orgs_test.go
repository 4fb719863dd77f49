package server

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/gen/vcav"
)

// TestClient_VCAVOrgs drives client.VCAV.Orgs against the mock: the first
// page, a later one, and the site refusals as *VCAVError codes.
func TestClient_VCAVOrgs(t *testing.T) {
	env := Test(t)
	ctx := context.Background()
	c, err := env.NewVCAV()
	require.NoError(t, err)
	_, err = c.LoginCookie(ctx, "site2-vcd-session-cookie")
	require.NoError(t, err)

	page, err := c.Orgs(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, []vcav.InventoryOrg{{Name: "org1"}, {Name: "org2"}}, page.Items)
	assert.Equal(t, int64(2), page.Total)
	assert.Equal(t, int32(100), page.Limit)

	page, err = c.Orgs(ctx, &vcav.ListInventoryOrgsParams{Offset: new(int32(1)), Limit: new(int32(1))})
	require.NoError(t, err)
	assert.Equal(t, []vcav.InventoryOrg{{Name: "org2"}}, page.Items)
	assert.Equal(t, int32(1), page.Offset)

	_, err = c.Orgs(ctx, &vcav.ListInventoryOrgsParams{Site: new("site9")})
	assert.True(t, client.IsVCAVCode(err, "SiteNotFound"), "%v", err)
	_, err = c.Orgs(ctx, &vcav.ListInventoryOrgsParams{Site: new("site1")})
	assert.True(t, client.IsVCAVCode(err, "RemoteAuthenticationFailure"), "%v", err)
}
