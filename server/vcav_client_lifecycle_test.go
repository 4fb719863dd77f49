package server_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/server"
)

// The client's lifecycle helpers drive the mock through the runbooks: one
// call per operation, …AndWait returning the replication the task left.
func TestClient_VCAVLifecycleRunbooks(t *testing.T) {
	env := server.Test(t)
	c, ctx := env.VCAV, t.Context()
	const ready, web02 = "C4-09b2917c-bbe9-4693-ae3f-95b43a94b244", "C4-7a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d"
	state := func(r *vcav.SingleVmReplicationInfo) vcav.RecoveryState {
		return r.DestinationState.RecoveryInfo.RecoveryState
	}

	r, err := c.TestFailoverAndWait(ctx, ready, vcav.VmReplicationFailoverTestSettings{})
	require.NoError(t, err)
	assert.Equal(t, vcav.RecoveryStateTEST, state(r))
	_, err = c.TestFailover(ctx, ready, vcav.VmReplicationFailoverTestSettings{})
	assert.True(t, client.IsVCAVCode(err, "InvalidRecoveryState"), "a second test: %v", err)
	r, err = c.CleanupTestFailoverAndWait(ctx, ready)
	require.NoError(t, err)
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, state(r))

	r, err = c.FailoverToCloudAndWait(ctx, ready, vcav.VmFailoverSettings{})
	require.NoError(t, err)
	assert.Equal(t, vcav.RecoveryStateCOMPLETE, state(r))
	r, err = c.ReverseAndWait(ctx, ready)
	require.NoError(t, err)
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, state(r))
	assert.True(t, *r.IsReversed)

	_, err = c.SyncAndWait(ctx, web02)
	require.NoError(t, err)
	r, err = c.PauseAndWait(ctx, web02)
	require.NoError(t, err)
	assert.True(t, *r.IsPaused)
	r, err = c.ResumeAndWait(ctx, web02)
	require.NoError(t, err)
	assert.False(t, *r.IsPaused)
	r, err = c.MigrateAndWait(ctx, web02, vcav.VmReplicationPlannedMigrationSettings{})
	require.NoError(t, err)
	assert.Equal(t, vcav.RecoveryStateCOMPLETE, state(r))

	require.NoError(t, c.DeleteReplicationAndWait(ctx, web02))
	_, err = c.Replication(ctx, web02)
	assert.True(t, client.IsVCAVCode(err, "VmReplicationNotFound"), "%v", err)
}

// The On-Prem-Auth value never shows in the error of a refused reverse.
func TestClient_VCAVReverseOnPremAuthRedacted(t *testing.T) {
	env := server.Test(t)
	const ready, secret = "C4-09b2917c-bbe9-4693-ae3f-95b43a94b244", "b25wcmVtOnMzY3JldA=="
	_, err := env.VCAV.ReverseWithOnPremAuth(t.Context(), ready, secret)
	require.Error(t, err)
	assert.True(t, client.IsVCAVCode(err, "InvalidRecoveryState"), "%v", err)
	assert.NotContains(t, err.Error(), secret)
	_, err = env.VCAV.Sync(t.Context(), "")
	assert.ErrorContains(t, err, "empty replication id")
}
