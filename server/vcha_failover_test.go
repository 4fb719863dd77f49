package server

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// failoverPath is the task form of the failover.
const failoverPath = "/api/vcenter/vcha/cluster?action=failover&vmw-task=true"

// assertTaskFields checks the vAPI union rules of Task_Info for its status.
func assertTaskFields(t *testing.T, info vcha.TaskInfo) {
	t.Helper()
	assert.False(t, info.Cancelable)
	assert.Nil(t, info.Result, "void operations have no result")
	assert.NotNil(t, info.Description.Args)
	switch info.Status {
	case vcha.CisTaskStatusPENDING:
		assert.Nil(t, info.StartTime)
		assert.Nil(t, info.EndTime)
		assert.Nil(t, info.Progress)
		assert.Nil(t, info.Error)
	case vcha.CisTaskStatusRUNNING, vcha.CisTaskStatusBLOCKED:
		assert.NotNil(t, info.StartTime)
		assert.NotNil(t, info.Progress)
		assert.Nil(t, info.EndTime)
		assert.Nil(t, info.Error)
	case vcha.CisTaskStatusSUCCEEDED:
		assert.NotNil(t, info.StartTime)
		assert.NotNil(t, info.EndTime)
		require.NotNil(t, info.Progress)
		assert.Equal(t, int64(100), info.Progress.Completed)
		assert.Equal(t, int64(100), info.Progress.Total)
		assert.Nil(t, info.Error)
	case vcha.CisTaskStatusFAILED:
		assert.NotNil(t, info.StartTime)
		assert.NotNil(t, info.EndTime)
		assert.NotNil(t, info.Progress)
		assert.NotNil(t, info.Error)
	}
}

// TestVCHAFailover_PlannedLifecycle checks a planned failover task through
// PENDING, RUNNING and SUCCEEDED, the Task_Info field rules of each status
// and the swapped roles.
func TestVCHAFailover_PlannedLifecycle(t *testing.T) {
	tm := newTestMock(t, WithTaskDuration(10*time.Second))
	admin := vchaLogin(t, tm, vchaAdmin)
	id := startFailover(t, tm, admin, true)
	// A VIM task moref before the colon: VMware's VCHA sample
	// (vsphere-automation-sdk-java .../vcha/helpers/TaskHelper.java) and
	// govmomi's vapi/resource.go Task split the id there.
	assert.Regexp(t, `^task-[0-9]+:com\.vmware\.vcenter\.vcha\.cluster$`, id)

	info := getTask(t, tm, admin, id)
	assert.Equal(t, vcha.CisTaskStatusPENDING, info.Status)
	assert.Equal(t, "com.vmware.vcenter.vcha.cluster.failover", info.Description.Id)
	assert.Equal(t, "com.vmware.vcenter.vcha.cluster", info.Service)
	assert.Equal(t, "failover", info.Operation)
	require.NotNil(t, info.User)
	assert.Equal(t, vchaAdmin, *info.User)
	assertTaskFields(t, info)
	assert.False(t, *getCluster(t, tm, admin).ManualFailoverAllowed, "no second failover while one runs")

	tm.clock.Advance(100 * time.Millisecond)
	first := getTask(t, tm, admin, id)
	assert.Equal(t, vcha.CisTaskStatusRUNNING, first.Status)
	assertTaskFields(t, first)
	assert.Equal(t, "2026-01-02T03:04:05.100Z", *first.StartTime)
	tm.clock.Advance(3 * time.Second)
	second := getTask(t, tm, admin, id)
	assert.Equal(t, vcha.CisTaskStatusRUNNING, second.Status)
	assert.Greater(t, second.Progress.Completed, first.Progress.Completed, "progress rises")
	n1, n2 := roles(getCluster(t, tm, admin))
	assert.Equal(t, vcha.VchaClusterNodeRoleACTIVE, n1, "roles swap only when the task succeeds")
	assert.Equal(t, vcha.VchaClusterNodeRolePASSIVE, n2)

	tm.clock.Advance(10*time.Second - 3100*time.Millisecond)
	done := getTask(t, tm, admin, id)
	assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, done.Status)
	assertTaskFields(t, done)
	assert.Equal(t, "2026-01-02T03:04:15.000Z", *done.EndTime)

	c := getCluster(t, tm, admin)
	n1, n2 = roles(c)
	assert.Equal(t, vcha.VchaClusterNodeRolePASSIVE, n1)
	assert.Equal(t, vcha.VchaClusterNodeRoleACTIVE, n2)
	assert.Equal(t, vcha.VchaClusterClusterModeENABLED, *c.Mode, "mode unchanged")
	// The former active (node1) rejoins as PASSIVE: DOWN, the cluster
	// DEGRADED and failback refused for the rejoin time (default: the task
	// duration), then UP and HEALTHY.
	assert.Equal(t, vcha.VchaClusterNodeStateDOWN, *c.Node1.Runtime.State)
	assert.Equal(t, vcha.VchaClusterClusterStateDEGRADED, *c.HealthState)
	assert.False(t, *c.ManualFailoverAllowed)
	tm.clock.Advance(10*time.Second - time.Millisecond)
	assert.False(t, *getCluster(t, tm, admin).ManualFailoverAllowed, "still rejoining")
	tm.clock.Advance(time.Millisecond)
	c = getCluster(t, tm, admin)
	assert.Equal(t, vcha.VchaClusterNodeStateUP, *c.Node1.Runtime.State)
	assert.Equal(t, vcha.VchaClusterClusterStateHEALTHY, *c.HealthState)
	assert.True(t, *c.ManualFailoverAllowed)
}

// TestVCHAFailover_ForcedTakesHalfAndSecondSwapsBack checks that a forced
// failover finishes at half the task duration and that a second failover
// swaps the roles back.
func TestVCHAFailover_ForcedTakesHalfAndSecondSwapsBack(t *testing.T) {
	tm := newTestMock(t, WithTaskDuration(10*time.Second))
	admin := vchaLogin(t, tm, vchaAdmin)
	id := startFailover(t, tm, admin, false)
	tm.clock.Advance(5*time.Second - time.Millisecond)
	assert.Equal(t, vcha.CisTaskStatusRUNNING, taskStatus(t, tm, admin, id))
	tm.clock.Advance(time.Millisecond)
	assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, taskStatus(t, tm, admin, id), "forced failover: half the duration")
	n1, _ := roles(getCluster(t, tm, admin))
	assert.Equal(t, vcha.VchaClusterNodeRolePASSIVE, n1)

	tm.clock.Advance(10 * time.Second) // the former active rejoins
	again := startFailover(t, tm, admin, true)
	tm.clock.Advance(10 * time.Second)
	assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, taskStatus(t, tm, admin, again))
	n1, n2 := roles(getCluster(t, tm, admin))
	assert.Equal(t, vcha.VchaClusterNodeRoleACTIVE, n1, "the second failover swaps back")
	assert.Equal(t, vcha.VchaClusterNodeRolePASSIVE, n2)
}

// TestVCHAFailover_InstantTasks checks that with instant tasks a failover has
// finished by the first read.
func TestVCHAFailover_InstantTasks(t *testing.T) {
	tm := newTestMock(t, WithInstantTasks())
	admin := vchaLogin(t, tm, vchaAdmin)
	id := startFailover(t, tm, admin, true)
	info := getTask(t, tm, admin, id)
	assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, info.Status, "instant tasks finish by the first read")
	assertTaskFields(t, info)
}

// TestVCHAFailover_ReadonlyUserIsRefusedWithoutATask checks the 403 for a
// user without Global.VCServer and that it leaves no task behind.
func TestVCHAFailover_ReadonlyUserIsRefusedWithoutATask(t *testing.T) {
	tm := newTestMock(t)
	ro := vchaLogin(t, tm, vchaReadonly)
	resp, err := vchaClient(t, tm).FailoverVchaClusterAsyncWithResponse(context.Background(),
		vcha.FailoverVchaClusterAsyncJSONRequestBody{Planned: true}, withToken(ro))
	require.NoError(t, err)
	require.Equal(t, http.StatusForbidden, resp.StatusCode())
	require.NotNil(t, resp.JSON403)
	assert.Equal(t, vcha.StdErrorsErrorTypeUNAUTHORIZED, *resp.JSON403.ErrorType)
	assert.Contains(t, resp.JSON403.Messages[0].DefaultMessage, "Global.VCServer")

	admin := vchaLogin(t, tm, vchaAdmin)
	assert.True(t, *getCluster(t, tm, admin).ManualFailoverAllowed, "no failover is running")
	id := startFailover(t, tm, admin, true)
	tm.clock.Advance(DefaultTaskDuration)
	assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, taskStatus(t, tm, admin, id), "no task of the readonly user blocks it")
}

// assertRefused checks that task id ended FAILED with errType and a message
// containing reason, right after PENDING.
func assertRefused(t *testing.T, tm *testMock, token, id string, errType vcha.StdErrorsErrorType, reason string) {
	t.Helper()
	tm.clock.Advance(pendingSlice(DefaultTaskDuration))
	info := getTask(t, tm, token, id)
	require.Equal(t, vcha.CisTaskStatusFAILED, info.Status, "refused tasks fail right after PENDING")
	assertTaskFields(t, info)
	assert.Equal(t, errType, *info.Error.ErrorType)
	assert.Contains(t, info.Error.Messages[0].DefaultMessage, reason)
	assert.Equal(t, int64(0), info.Progress.Completed)
}

// TestVCHAFailover_PreconditionsFromFixture checks that a failover the
// cluster state forbids is accepted and its task ends FAILED
// NOT_ALLOWED_IN_CURRENT_STATE, state unchanged.
func TestVCHAFailover_PreconditionsFromFixture(t *testing.T) {
	cases := map[string]struct {
		edit   func(f *VCHAFixture)
		reason string
	}{
		"mode disabled": {func(f *VCHAFixture) { f.Cluster.Mode = new(vcha.VchaClusterClusterModeDISABLED) }, "the cluster mode is DISABLED"},
		"node2 down":    {func(f *VCHAFixture) { f.Cluster.Node2.Runtime.State = new(vcha.VchaClusterNodeStateDOWN) }, "node2 is DOWN"},
		"witness down":  {func(f *VCHAFixture) { f.Cluster.Witness.Runtime.State = new(vcha.VchaClusterNodeStateDOWN) }, "witness is DOWN"},
		"not configured": {func(f *VCHAFixture) {
			f.Cluster.ConfigState = new(vcha.VchaClusterConfigStateNOTCONFIGURED)
		}, "not configured"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			tm := newTestMock(t, WithFixture(vchaFixture(t, c.edit)))
			admin := vchaLogin(t, tm, vchaAdmin)
			before := getCluster(t, tm, admin)
			assert.False(t, *before.ManualFailoverAllowed)
			id := startFailover(t, tm, admin, true)
			assertRefused(t, tm, admin, id, vcha.StdErrorsErrorTypeNOTALLOWEDINCURRENTSTATE, c.reason)
			info := getTask(t, tm, admin, id)
			params := *info.Error.Messages[0].Params
			assert.Contains(t, *params["reason"].S, c.reason, "the reason is also a named parameter")
			tm.clock.Advance(10 * time.Minute)
			assert.Equal(t, before, getCluster(t, tm, admin), "state unchanged")
		})
	}
}

// TestVCHAFailover_ModeDisabledThroughTheAPI checks that a failover fails
// once the mode API has disabled the cluster.
func TestVCHAFailover_ModeDisabledThroughTheAPI(t *testing.T) {
	tm := newTestMock(t)
	admin := vchaLogin(t, tm, vchaAdmin)
	set := startModeSet(t, tm, admin, vcha.VchaClusterClusterModeDISABLED)
	tm.clock.Advance(DefaultTaskDuration)
	require.Equal(t, vcha.CisTaskStatusSUCCEEDED, taskStatus(t, tm, admin, set))
	id := startFailover(t, tm, admin, true)
	assertRefused(t, tm, admin, id, vcha.StdErrorsErrorTypeNOTALLOWEDINCURRENTSTATE, "DISABLED")
	n1, _ := roles(getCluster(t, tm, admin))
	assert.Equal(t, vcha.VchaClusterNodeRoleACTIVE, n1)
}

// TestVCHAFailover_AllowedInMaintenance checks that a manual failover is
// allowed in MAINTENANCE mode, an automatic one not.
func TestVCHAFailover_AllowedInMaintenance(t *testing.T) {
	tm := newTestMock(t, WithFixture(vchaFixture(t, func(f *VCHAFixture) {
		f.Cluster.Mode = new(vcha.VchaClusterClusterModeMAINTENANCE)
	})))
	admin := vchaLogin(t, tm, vchaAdmin)
	c := getCluster(t, tm, admin)
	assert.True(t, *c.ManualFailoverAllowed)
	assert.False(t, *c.AutoFailoverAllowed, "no automatic failover in maintenance")
	id := startFailover(t, tm, admin, true)
	tm.clock.Advance(DefaultTaskDuration)
	assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, taskStatus(t, tm, admin, id))
}
