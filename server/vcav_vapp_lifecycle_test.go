package server

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/spec"
)

// vcavVappMigrateBody is the community module's -Migrate body (its failover
// body, Invoke-vCAVReplicationOperation.ps1 lines 236–289 at 868d937).
const vcavVappMigrateBody = `{"consolidate":false,"powerOn":false,"preconfiguredNetwork":true,` +
	`"snapshotOptions":"DO_NOTHING","exposePITsAsSnapshots":true,"instanceMap":null,"sync":true,` +
	`"vAppNetworkSettings":null,"vmNetworkSettings":null,"type":"vcloud"}`

// vcavVappPaused reports each VM's isPaused.
func vcavVappPaused(v vcav.VappReplicationInfo) []bool {
	var out []bool
	for _, r := range *v.VmReplications {
		out = append(out, r.IsPaused != nil && *r.IsPaused)
	}
	return out
}

// TestVCAVRunbook_VappPlannedMigration: sync → migrate on a vApp, each task
// polled to SUCCEEDED and the vApp read back.
func TestVCAVRunbook_VappPlannedMigration(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	before := vcavGetVapp(t, tm, token, vcavVappReadyID)

	v := vcavVappStep(t, tm, token, "POST", vcavVappReadyID, "/sync", "")
	assert.Equal(t, []vcav.RecoveryState{"NOT_STARTED", "NOT_STARTED"}, vcavVappStates(v), "a sync recovers nothing")
	assert.Greater(t, *v.LastUpdated, *before.LastUpdated)
	synced := map[string]int64{}
	for i, r := range *v.VmReplications {
		latest := *r.DestinationState.LatestInstance
		assert.Equal(t, *latest.Key, vcavInstanceKeys(t, tm, token, r.Id)[0], "each VM's sync instance is its newest")
		if old := (*before.VmReplications)[i].DestinationState.LatestInstance; old != nil && old.SequenceNumber != nil {
			assert.Equal(t, *old.SequenceNumber+1, *latest.SequenceNumber)
		}
		synced[r.Id] = *latest.SequenceNumber
	}

	v = vcavVappStep(t, tm, token, "POST", vcavVappReadyID, "/migrate", vcavVappMigrateBody)
	assert.Equal(t, []vcav.RecoveryState{"COMPLETE", "COMPLETE"}, vcavVappStates(v))
	require.NotNil(t, v.Destination.RecoveredVappId)
	for _, r := range *v.VmReplications {
		assert.Equal(t, *v.Destination.RecoveredVappId, *r.Destination.RecoveredVappId, "one recovered vApp")
		assert.Greater(t, *r.DestinationState.LatestInstance.SequenceNumber, synced[r.Id], "the migration syncs last")
	}

	// Next in the runbook: reverse (protected back home), as after a failover.
	v = vcavVappStep(t, tm, token, "POST", vcavVappReadyID, "/reverse", "")
	assert.Equal(t, []vcav.RecoveryState{"NOT_STARTED", "NOT_STARTED"}, vcavVappStates(v))
}

// TestVCAVRunbook_VappPauseResume: pause → what a paused vApp refuses →
// resume → sync works again.
func TestVCAVRunbook_VappPauseResume(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)

	before := vcavGetVapp(t, tm, token, vcavVappReadyID)
	v := vcavVappStep(t, tm, token, "POST", vcavVappReadyID, "/pause", "")
	assert.Equal(t, []bool{true, true}, vcavVappPaused(v))
	assert.Greater(t, *v.LastUpdated, *before.LastUpdated, "the vApp is dated by the pause")
	for _, r := range *v.VmReplications {
		assert.Equal(t, vcav.SingleVmReplicationInfoDataConnectionStatePAUSED, *r.DataConnectionState)
	}
	paused := vcavGetVapp(t, tm, token, vcavVappReadyID)
	for _, c := range []struct{ suffix, body string }{{"/pause", ""}, {"/sync", ""}, {"/migrate", vcavVappMigrateBody}} {
		status, body := vcavVappCall(t, tm, token, "POST", vcavVappReadyID, c.suffix, c.body)
		e := vcavRequireError(t, http.StatusBadRequest, "ReplicationPaused", status, body)
		assert.Contains(t, e.Msg, vcavVappReadyID, "%s: the message names the vApp", c.suffix)
		assert.Contains(t, e.Msg, "Resume it first", c.suffix)
		assert.Equal(t, vcavVappReadyID, (*e.Args)[0])
		assert.Equal(t, paused, vcavGetVapp(t, tm, token, vcavVappReadyID), "%s: a refusal changes nothing", c.suffix)
	}

	tm.clock.Advance(time.Second)
	v = vcavVappStep(t, tm, token, "POST", vcavVappReadyID, "/resume", "")
	assert.Equal(t, []bool{false, false}, vcavVappPaused(v))
	assert.Greater(t, *v.LastUpdated, *paused.LastUpdated, "and by the resume")
	for _, r := range *v.VmReplications {
		assert.Equal(t, vcav.SingleVmReplicationInfoDataConnectionStateOK, *r.DataConnectionState)
	}
	vcavVappStep(t, tm, token, "POST", vcavVappReadyID, "/sync", "")
	// Resuming a vApp that is not paused changes nothing but lastUpdated
	// (failoverkit choice, as for a VM).
	v = vcavVappStep(t, tm, token, "POST", vcavVappReadyID, "/resume", "")
	assert.Equal(t, []bool{false, false}, vcavVappPaused(v))
}

// failoverkit choice, as for a VM: a paused vApp may be failed over (the
// source is often down in a disaster); only migrate, sync and pause need it
// replicating.
func TestVCAVVapp_FailoverOfPausedVappIsAllowed(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	vcavVappStep(t, tm, token, "POST", vcavVappReadyID, "/pause", "")
	v := vcavVappStep(t, tm, token, "POST", vcavVappReadyID, "/failover", vcavVappBody)
	assert.Equal(t, []vcav.RecoveryState{"COMPLETE", "COMPLETE"}, vcavVappStates(v))
	assert.Equal(t, []bool{true, true}, vcavVappPaused(v))
}

// The new vApp operations refuse, as a whole, what any VM's state forbids.
func TestVCAVVapp_LifecycleRefusals(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	cases := []struct{ id, suffix, body, code, says string }{
		{vcavVappTestID, "/migrate", vcavVappMigrateBody, "InvalidRecoveryState", "Clean up the test failover first"},
		{vcavVappCompleteID, "/migrate", vcavVappMigrateBody, "InvalidRecoveryState", "Reverse it first"},
		{vcavVappCompleteID, "/sync", "", "InvalidRecoveryState", "Reverse it first"},
	}
	for _, c := range cases {
		before := vcavGetVapp(t, tm, token, c.id)
		status, body := vcavVappCall(t, tm, token, "POST", c.id, c.suffix, c.body)
		e := vcavRequireError(t, http.StatusBadRequest, c.code, status, body)
		assert.Contains(t, e.Msg, c.says, c.suffix)
		assert.Contains(t, e.Msg, c.id, "the message names the vApp")
		assert.Equal(t, before, vcavGetVapp(t, tm, token, c.id), "a refusal changes nothing")
	}
	// A TEST vApp may be synced (as a TEST VM may).
	vcavVappStep(t, tm, token, "POST", vcavVappTestID, "/sync", "")

	// While a failover runs every VM is IN_PROGRESS: each new op is refused.
	status, body := vcavVappCall(t, tm, token, "POST", vcavVappReadyID, "/failover", vcavVappBody)
	require.Equal(t, http.StatusAccepted, status, "%s", body)
	for _, c := range []struct{ suffix, body string }{{"/migrate", vcavVappMigrateBody}, {"/sync", ""}, {"/pause", ""}, {"/resume", ""}} {
		status, body := vcavVappCall(t, tm, token, "POST", vcavVappReadyID, c.suffix, c.body)
		e := vcavRequireError(t, http.StatusBadRequest, "InvalidRecoveryState", status, body)
		assert.Contains(t, e.Msg, "IN_PROGRESS", c.suffix)
	}

	status, body = vcavVappCall(t, tm, token, "POST", vcavVappCompleteID, "/migrate", `{"powerOn":true}`)
	vcavRequireError(t, http.StatusBadRequest, "BadRequest", status, body)
	for _, suffix := range []string{"/migrate", "/sync", "/pause", "/resume"} {
		status, body := vcavVappCall(t, tm, token, "POST", "C4VAPP-00000000-0000-4000-8000-000000000000", suffix, vcavVappMigrateBody)
		vcavRequireError(t, http.StatusNotFound, "VappReplicationNotFound", status, body)
	}
}

// A vApp whose VMs are partly paused (failoverkit choice, for the
// community module, which pauses and syncs a vApp unless every VM is
// paused): pause pauses the VMs not yet paused and leaves the paused one
// as it was; sync stays refused whole (naming the paused VM); resume
// resumes every VM; a pause of a vApp whose VMs are all paused is refused.
func TestVCAVVapp_PartlyPaused(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	first := (*vcavGetVapp(t, tm, token, vcavVappReadyID).VmReplications)[0].Id
	require.NoError(t, tm.SetVCAVReplicationState(first, ReplicationState{IsPaused: new(true)}))
	before := vcavGetVapp(t, tm, token, vcavVappReadyID)
	assert.Equal(t, []bool{true, false}, vcavVappPaused(before))

	status, body := vcavVappCall(t, tm, token, "POST", vcavVappReadyID, "/sync", "")
	e := vcavRequireError(t, http.StatusBadRequest, "ReplicationPaused", status, body)
	assert.Equal(t, []string{vcavVappReadyID, first}, *e.Args, "args: the vApp, then the VM")
	assert.Equal(t, before, vcavGetVapp(t, tm, token, vcavVappReadyID), "no partial effect")

	tm.clock.Advance(time.Minute)
	v := vcavVappStep(t, tm, token, "POST", vcavVappReadyID, "/pause", "")
	assert.Equal(t, []bool{true, true}, vcavVappPaused(v))
	vms, old := *v.VmReplications, *before.VmReplications
	assert.Equal(t, *old[0].LastUpdated, *vms[0].LastUpdated, "the VM already paused is left as it was")
	assert.Greater(t, *vms[1].LastUpdated, *old[1].LastUpdated, "the other VM is paused now")

	status, body = vcavVappCall(t, tm, token, "POST", vcavVappReadyID, "/pause", "")
	vcavRequireError(t, http.StatusBadRequest, "ReplicationPaused", status, body)

	v = vcavVappStep(t, tm, token, "POST", vcavVappReadyID, "/resume", "")
	assert.Equal(t, []bool{false, false}, vcavVappPaused(v))
}

// Faults target each new vApp operation; a failed task leaves the vApp as
// it was (a failed migration puts every VM back to NOT_STARTED).
func TestVCAVVapp_LifecycleFaults(t *testing.T) {
	for _, c := range []struct{ op, suffix, body string }{
		{"migrateVappReplication", "/migrate", vcavVappMigrateBody},
		{"syncVappReplication", "/sync", ""},
		{"pauseVappReplication", "/pause", ""},
		{"resumeVappReplication", "/resume", ""},
	} {
		t.Run(c.op, func(t *testing.T) {
			tm := newTestMock(t)
			token := vcavLogin(t, tm, vcavRootLogin)
			before := vcavGetVapp(t, tm, token, vcavVappReadyID)
			require.NoError(t, tm.InjectFault(Fault{API: spec.VCAV, OperationID: c.op, Task: TaskFails, Times: 1}))
			status, body := vcavVappCall(t, tm, token, "POST", vcavVappReadyID, c.suffix, c.body)
			require.Equal(t, http.StatusAccepted, status, "%s", body)
			task := vcavAwait(t, tm, token, vcavTaskID(t, body))
			require.Equal(t, vcav.TaskStateFAILED, task.State)
			after := vcavGetVapp(t, tm, token, vcavVappReadyID)
			for i := range *after.VmReplications {
				// A failed busy task puts the recovery state back, a
				// management operation that dates the VMs.
				(*after.VmReplications)[i].LastUpdated = (*before.VmReplications)[i].LastUpdated
			}
			assert.Equal(t, before, after, "a failed task changes nothing (but the VMs' lastUpdated)")

			require.NoError(t, tm.InjectFault(Fault{API: spec.VCAV, OperationID: c.op, Status: http.StatusInternalServerError, Times: 1}))
			status, body = vcavVappCall(t, tm, token, "POST", vcavVappReadyID, c.suffix, c.body)
			vcavRequireError(t, http.StatusInternalServerError, "GeneralServerFailure", status, body)
		})
	}
}

// The dashboard summary counts the vApps and their VMs, and moves with them.
func TestVCAVVapp_Summary(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	read := func() vcav.VappReplicationsSummary {
		t.Helper()
		c := vcavClient(t, tm, token)
		resp, err := c.GetVappReplicationsSummaryWithResponse(t.Context(), nil)
		require.NoError(t, err)
		require.NotNil(t, resp.JSON200, "%d %s", resp.StatusCode(), resp.Body)
		return *resp.JSON200
	}
	assert.Equal(t, vcav.VappReplicationsSummary{
		VappReplications: 3, VmReplications: 4,
		OverallHealth:  vcav.HealthCounts{GREEN: 3},
		RecoveryStates: vcav.RecoveryStateCounts{NOTSTARTED: 2, TEST: 1, COMPLETE: 1},
	}, read(), "the default fixture")

	status, body := vcavVappCall(t, tm, token, "POST", vcavVappReadyID, "/failover", vcavVappBody)
	require.Equal(t, http.StatusAccepted, status, "%s", body)
	assert.Equal(t, vcav.RecoveryStateCounts{INPROGRESS: 2, TEST: 1, COMPLETE: 1}, read().RecoveryStates)
	tm.clock.Advance(time.Minute)
	vcavVappStep(t, tm, token, "POST", vcavVappTestID, "/pause", "")
	s := read()
	assert.Equal(t, vcav.RecoveryStateCounts{TEST: 1, COMPLETE: 3}, s.RecoveryStates)
	assert.Equal(t, int64(1), s.PausedVmReplications)

	// Unknown site: the vendor's 404; no token: 401.
	status, body, _ = do(t, tm.vcavHC, "GET", tm.vcavURL+"/vapp-replications/summary?site=nowhere", nil, "X-VCAV-Auth", token)
	vcavRequireError(t, http.StatusNotFound, "SiteNotFound", status, body)
	status, body, _ = do(t, tm.vcavHC, "GET", tm.vcavURL+"/vapp-replications/summary", nil)
	vcavRequireError(t, http.StatusUnauthorized, "NotAuthenticated", status, body)

	// Faults target it by its operationId.
	require.NoError(t, tm.InjectFault(Fault{API: spec.VCAV, OperationID: "getVappReplicationsSummary", Status: http.StatusInternalServerError, Times: 1}))
	status, body, _ = do(t, tm.vcavHC, "GET", tm.vcavURL+"/vapp-replications/summary", nil, "X-VCAV-Auth", token)
	vcavRequireError(t, http.StatusInternalServerError, "GeneralServerFailure", status, body)
	assert.Equal(t, s, read(), "the next read is served")
}

// GET /vapp-replications/summary reaches the summary, never the vApp read
// with id "summary"; other methods on it are the {replicationId} routes'.
func TestVCAVVapp_SummaryRoute(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	status, body := vcavVappCall(t, tm, token, "GET", "summary", "", "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	assert.Contains(t, decode(t, body), "vappReplications")
	status, body = vcavVappCall(t, tm, token, "DELETE", "summary", "", "")
	vcavRequireError(t, http.StatusNotFound, "VappReplicationNotFound", status, body)
	status, body = vcavVappCall(t, tm, token, "POST", "summary", "/sync", "")
	vcavRequireError(t, http.StatusNotFound, "VappReplicationNotFound", status, body)
}

// vcavTaskID is the id of the task in a 202 answer.
func vcavTaskID(t testing.TB, accepted []byte) string {
	t.Helper()
	id, _ := field(decode(t, accepted), "id").(string)
	require.NotEmpty(t, id, "%s", accepted)
	return id
}
