package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// The provider runbooks (vcav.md §9: test failover → check → cleanup;
// failover → reverse → failover back; sync → migrate), each step's task
// polled to SUCCEEDED and the replication read back in the documented
// state.

// TestVCAVRunbook_Drill: test failover → verify → cleanup → as before.
func TestVCAVRunbook_Drill(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	before := vcavGetReplication(t, tm, token, vcavReadyID)

	r := vcavStep(t, tm, token, "testFailoverVmReplication", vcavReadyID)
	assert.Equal(t, vcav.RecoveryStateTEST, vcavRecovery(r))
	require.NotNil(t, r.DestinationState.RecoveryInfo.VAppId, "verify: the test vApp exists")
	require.NotNil(t, r.DestinationState.RecoveryInfo.VcdVmId, "verify: the test VM exists")

	r = vcavStep(t, tm, token, "cleanupTestFailoverVmReplication", vcavReadyID)
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, vcavRecovery(r))
	r.LastUpdated = before.LastUpdated
	assert.Equal(t, before, r, "after the drill the replication is as before (but lastUpdated)")

	// The drill can run again.
	vcavStep(t, tm, token, "testFailoverVmReplication", vcavReadyID)
}

// TestVCAVRunbook_Failback: failover → reverse → failover back → reverse:
// the workload is home and protected in its first direction again.
func TestVCAVRunbook_Failback(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	before := vcavGetReplication(t, tm, token, vcavReadyID)

	r := vcavStep(t, tm, token, "failoverVmReplication", vcavReadyID)
	assert.Equal(t, vcav.RecoveryStateCOMPLETE, vcavRecovery(r))

	r = vcavStep(t, tm, token, "reverseVmReplication", vcavReadyID)
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, vcavRecovery(r))
	assert.True(t, *r.IsReversed)
	assert.Equal(t, before.Destination.Site, r.Source.Site, "protected the other way")
	assert.Equal(t, before.Source.Site, r.Destination.Site)

	r = vcavStep(t, tm, token, "failoverVmReplication", vcavReadyID)
	assert.Equal(t, vcav.RecoveryStateCOMPLETE, vcavRecovery(r), "failed back")
	assert.Equal(t, before.Source.Site, r.Destination.Site, "the workload runs at its original site")

	r = vcavStep(t, tm, token, "reverseVmReplication", vcavReadyID)
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, vcavRecovery(r))
	assert.False(t, *r.IsReversed)
	assert.Equal(t, before.Source, r.Source, "protected in the first direction again")
	assert.Equal(t, before.Destination.Site, r.Destination.Site)
}

// TestVCAVRunbook_PlannedMigration: sync → migrate.
func TestVCAVRunbook_PlannedMigration(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)

	r := vcavStep(t, tm, token, "syncVmReplication", vcavWeb02ID)
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, vcavRecovery(r))
	synced := *r.DestinationState.LatestInstance
	instances := vcavInstanceKeys(t, tm, token, vcavWeb02ID)
	assert.Equal(t, *synced.Key, instances[0], "the sync's instance is the newest")

	r = vcavStep(t, tm, token, "migrateVmReplication", vcavWeb02ID)
	assert.Equal(t, vcav.RecoveryStateCOMPLETE, vcavRecovery(r))
	require.NotNil(t, r.Destination.RecoveredVappId)
	assert.Greater(t, *r.DestinationState.LatestInstance.SequenceNumber, *synced.SequenceNumber, "migration syncs last")
	assert.Len(t, vcavInstanceKeys(t, tm, token, vcavWeb02ID), len(instances)+1)
}

// vcavInstanceKeys reads the keys of id's instances, newest first.
func vcavInstanceKeys(t *testing.T, tm *testMock, token, id string) []string {
	t.Helper()
	c := vcavClient(t, tm, token)
	resp, err := c.ListVmReplicationInstancesWithResponse(t.Context(), id, nil)
	require.NoError(t, err)
	require.NotNil(t, resp.JSON200, "%s", resp.Body)
	keys := make([]string, len(*resp.JSON200))
	for i, in := range *resp.JSON200 {
		keys[i] = *in.Key
	}
	return keys
}
