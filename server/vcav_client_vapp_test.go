package server_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/server"
	"github.com/failoverkit/failoverkit/spec"
)

// vApp replications of the default fixture.
const (
	clientVappReady = "C4VAPP-ccbe771e-b685-46c7-8c7a-4ed36915d963" // app-vapp, two VMs, NOT_STARTED
	clientVappTest  = "C4VAPP-2d4f6a8c-1e3b-4d5f-9a7c-8e0b2d4f6a8c" // web-vapp, TEST
)

// vappStates are the recovery states of the vApp's VMs.
func vappStates(v *vcav.VappReplicationInfo) []vcav.RecoveryState {
	var out []vcav.RecoveryState
	for _, r := range *v.VmReplications {
		out = append(out, r.DestinationState.RecoveryInfo.RecoveryState)
	}
	return out
}

// The client's vApp helpers drive the mock through the vApp runbooks: one
// call per operation, …AndWait returning the vApp the task left.
func TestClient_VCAVVappRunbooks(t *testing.T) {
	env := server.Test(t)
	c, ctx := env.VCAV, t.Context()
	notStarted := []vcav.RecoveryState{vcav.RecoveryStateNOTSTARTED, vcav.RecoveryStateNOTSTARTED}
	complete := []vcav.RecoveryState{vcav.RecoveryStateCOMPLETE, vcav.RecoveryStateCOMPLETE}

	// Drill: test failover → cleanup.
	v, err := c.TestFailoverVappAndWait(ctx, clientVappReady, vcav.VappReplicationFailoverSettings{})
	require.NoError(t, err)
	assert.Equal(t, []vcav.RecoveryState{vcav.RecoveryStateTEST, vcav.RecoveryStateTEST}, vappStates(v))
	_, err = c.TestFailoverVapp(ctx, clientVappReady, vcav.VappReplicationFailoverSettings{})
	assert.True(t, client.IsVCAVCode(err, "InvalidRecoveryState"), "a second test: %v", err)
	v, err = c.CleanupTestFailoverVappAndWait(ctx, clientVappReady)
	require.NoError(t, err)
	assert.Equal(t, notStarted, vappStates(v))

	// Failback: failover → reverse.
	v, err = c.FailoverVappAndWait(ctx, clientVappReady, vcav.VappReplicationFailoverSettings{})
	require.NoError(t, err)
	assert.Equal(t, complete, vappStates(v))
	v, err = c.ReverseVappAndWait(ctx, clientVappReady)
	require.NoError(t, err)
	assert.Equal(t, notStarted, vappStates(v))

	// Pause → paused refusals → resume.
	v, err = c.PauseVappAndWait(ctx, clientVappReady)
	require.NoError(t, err)
	for _, r := range *v.VmReplications {
		assert.True(t, *r.IsPaused)
	}
	_, err = c.SyncVapp(ctx, clientVappReady)
	assert.True(t, client.IsVCAVCode(err, "ReplicationPaused"), "sync of a paused vApp: %v", err)
	_, err = c.MigrateVapp(ctx, clientVappReady, vcav.VappReplicationPlannedMigrationSettings{})
	assert.True(t, client.IsVCAVCode(err, "ReplicationPaused"), "migrate of a paused vApp: %v", err)
	v, err = c.ResumeVappAndWait(ctx, clientVappReady)
	require.NoError(t, err)
	for _, r := range *v.VmReplications {
		assert.False(t, *r.IsPaused)
	}

	// Planned migration: sync → migrate.
	_, err = c.SyncVappAndWait(ctx, clientVappReady)
	require.NoError(t, err)
	v, err = c.MigrateVappAndWait(ctx, clientVappReady, vcav.VappReplicationPlannedMigrationSettings{})
	require.NoError(t, err)
	assert.Equal(t, complete, vappStates(v))
	require.NotNil(t, v.Destination.RecoveredVappId)

	got, err := c.VappReplication(ctx, clientVappReady)
	require.NoError(t, err)
	assert.Equal(t, v, got, "the task's result is the vApp read back")
}

// Reads: list (filters), get, network settings, summary; delete and an
// unknown vApp.
func TestClient_VCAVVappReads(t *testing.T) {
	env := server.Test(t)
	c, ctx := env.VCAV, t.Context()
	page, err := c.VappReplications(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(3), page.Total)
	ids := clientVappTest
	page, err = c.VappReplications(ctx, &vcav.ListVappReplicationsParams{Ids: &ids})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.Equal(t, clientVappTest, page.Items[0].Id)

	ns, err := c.VappNetworkSettings(ctx, clientVappReady)
	require.NoError(t, err)
	require.NotNil(t, ns.FailoverSettings.VAppNetworkSettings)

	s, err := c.VappReplicationsSummary(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(3), s.VappReplications)
	assert.Equal(t, int64(1), s.RecoveryStates.TEST)

	require.NoError(t, c.DeleteVappReplicationAndWait(ctx, clientVappReady))
	_, err = c.VappReplication(ctx, clientVappReady)
	assert.True(t, client.IsVCAVCode(err, "VappReplicationNotFound"), "%v", err)
	s, err = c.VappReplicationsSummary(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(2), s.VappReplications, "the summary follows the delete")

	_, err = c.SyncVapp(ctx, "")
	assert.ErrorContains(t, err, "empty replication id")
	_, err = c.VappReplication(ctx, "")
	assert.ErrorContains(t, err, "empty replication id")
}

// A failed vApp task gives a *TaskFailedError; VappResult refuses a task
// without result.
func TestClient_VCAVVappTaskFails(t *testing.T) {
	env := server.Test(t)
	c, ctx := env.VCAV, t.Context()
	require.NoError(t, env.Mock.InjectFault(server.Fault{API: spec.VCAV, OperationID: "syncVappReplication", Task: server.TaskFails, Times: 1}))
	_, err := c.SyncVappAndWait(ctx, clientVappReady)
	var failed *client.TaskFailedError
	require.ErrorAs(t, err, &failed)
	_, err = c.VappResult(failed.VCAVTask)
	assert.ErrorIs(t, err, client.ErrNoTaskResult)
	_, err = c.VappResult(nil)
	assert.ErrorIs(t, err, client.ErrNoTaskResult)

	// The On-Prem-Auth value never shows in the error of a refused reverse.
	const secret = "b25wcmVtOnMzY3JldA=="
	_, err = c.ReverseVappWithOnPremAuth(ctx, clientVappReady, secret)
	assert.True(t, client.IsVCAVCode(err, "InvalidRecoveryState"), "%v", err)
	assert.NotContains(t, err.Error(), secret)
}
