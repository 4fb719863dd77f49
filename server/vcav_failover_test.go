package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/spec"
)

func TestVCAVFailover_HappyPath(t *testing.T) {
	tm := newTestMock(t, WithTaskDuration(10*time.Second))
	token := vcavLogin(t, tm, vcavRootLogin)
	c := vcavClient(t, tm, token)
	accept := func(_ context.Context, req *http.Request) error { req.Header.Set("Accept", vcavAcceptV4); return nil }

	resp, err := c.FailoverVmReplicationWithBodyWithResponse(context.Background(), vcavReadyID, nil,
		"application/json", strings.NewReader(vcavVcloudBody), accept)
	require.NoError(t, err)
	require.Equal(t, http.StatusAccepted, resp.StatusCode(), "%s", resp.Body)
	task := *resp.JSON202
	start := testStart.UnixMilli()
	assert.Equal(t, vcav.TaskStateRUNNING, task.State)
	assert.Equal(t, int32(0), task.Progress)
	assert.Equal(t, int64(-1), task.EndTime)
	assert.Equal(t, start, task.StartTime)
	assert.Equal(t, start, *task.LastUpdated)
	assert.Equal(t, "root", *task.User)
	assert.Equal(t, "site2", *task.Site)
	assert.Nil(t, task.Result)
	assert.Nil(t, task.ResultType)
	assert.Nil(t, task.Error)
	assert.Equal(t, vcav.WorkflowInfo{Type: new("failover"), ResourceType: new("vmReplication"),
		ResourceId: new(vcavReadyID), ResourceName: new("app-db-01")}, *task.WorkflowInfo)

	tm.clock.Advance(5 * time.Second)
	got, err := c.GetTaskWithResponse(context.Background(), task.Id, nil, accept)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, got.StatusCode(), "%s", got.Body)
	assert.Equal(t, vcav.TaskStateRUNNING, got.JSON200.State)
	assert.InDelta(t, 50, got.JSON200.Progress, 1)
	assert.Equal(t, start+5000, *got.JSON200.LastUpdated)
	assert.Equal(t, vcav.RecoveryStateINPROGRESS, vcavRecovery(vcavGetReplication(t, tm, token, vcavReadyID)))

	tm.clock.Advance(5 * time.Second)
	status, done, _ := vcavGetTask(t, tm, token, task.Id)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, vcav.TaskStateSUCCEEDED, done.State)
	assert.Equal(t, int32(100), done.Progress)
	assert.Equal(t, start+10000, done.EndTime)
	assert.Equal(t, start+10000, *done.LastUpdated)
	assert.Equal(t, "SingleVmReplicationInfo", *done.ResultType)
	require.NotNil(t, done.Result)
	assertFailedOver(t, *done.Result, start+10000)

	r := vcavGetReplication(t, tm, token, vcavReadyID)
	assertFailedOver(t, r, start+10000)
	assert.Equal(t, *done.Result, r, "the task's result is the replication as the failover left it")
}

// assertFailedOver checks the fields a successful failover sets.
func assertFailedOver(t *testing.T, r vcav.SingleVmReplicationInfo, end int64) {
	t.Helper()
	ri := r.DestinationState.RecoveryInfo
	assert.Equal(t, vcav.RecoveryStateCOMPLETE, ri.RecoveryState)
	require.NotNil(t, ri.VAppId)
	require.NotNil(t, ri.VcdVmId)
	require.NotNil(t, r.Destination.RecoveredVappId)
	assert.Equal(t, *ri.VAppId, *r.Destination.RecoveredVappId)
	assert.NotEqual(t, *ri.VAppId, *ri.VcdVmId)
	assert.Equal(t, "vcd", *ri.Type)
	assert.Equal(t, end+int64(30*24*time.Hour/time.Millisecond), *ri.OptimizeUntil)
	assert.Equal(t, end, *r.LastUpdated)
}

func TestVCAVFailover_InstantTasksFinishOnNextRead(t *testing.T) {
	tm := newTestMock(t, WithInstantTasks())
	token := vcavLogin(t, tm, vcavRootLogin)
	task := vcavStartFailover(t, tm, token, vcavReadyID)
	assert.Equal(t, vcav.TaskStateRUNNING, task.State)
	status, done, _ := vcavGetTask(t, tm, token, task.Id)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, vcav.TaskStateSUCCEEDED, done.State)
	assert.Equal(t, testStart.UnixMilli(), done.EndTime)
}

func TestVCAVFailover_VcenterBodyAndPausedReplication(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	body := `{"type":"vcenter","powerOn":false,"snapshotOptions":"EXPOSE_PITS","instanceId":"any-string","preconfiguredNetwork":true}`
	status, resp := vcavFailover(t, tm, token, vcavPausedID, body)
	require.Equal(t, http.StatusAccepted, status, "%s", resp)
	tm.clock.Advance(DefaultTaskDuration)
	r := vcavGetReplication(t, tm, token, vcavPausedID)
	assert.Equal(t, vcav.RecoveryStateCOMPLETE, vcavRecovery(r))
	assert.True(t, *r.IsPaused, "the paused flag is left as it was")
}

func TestVCAVFailover_BadRequests(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	for name, tc := range map[string]struct{ body, field string }{
		"malformed JSON":     {`{"type":"vcloud",`, ""},
		"no type":            {`{"powerOn":true}`, "type"},
		"unknown type":       {`{"type":"vsphere"}`, "type"},
		"powerOn not a bool": {`{"type":"vcloud","powerOn":"yes"}`, "powerOn"},
		"bad snapshotOption": {`{"type":"vcenter","snapshotOptions":"KEEP"}`, "snapshotOptions"},
		"negative nicIndex":  {`{"type":"vcloud","vmNetworkSettings":{"nics":[{"nicIndex":-1}]}}`, "nicIndex"},
	} {
		status, body := vcavFailover(t, tm, token, vcavReadyID, tc.body)
		e := vcavRequireError(t, http.StatusBadRequest, "BadRequest", status, body)
		assert.Contains(t, e.Msg, tc.field, name)
	}
	assert.Zero(t, vcavTaskCount(tm))
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, vcavRecovery(vcavGetReplication(t, tm, token, vcavReadyID)))
}

func TestVCAVFailover_InvalidRecoveryStates(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	vcavStartFailover(t, tm, token, vcavReadyID) // now IN_PROGRESS
	for id, want := range map[string]struct{ state, remedy string }{
		vcavTestID:     {"TEST", "Clean up the test failover first"},
		vcavCompleteID: {"COMPLETE", "Reverse it first"},
		vcavReadyID:    {"IN_PROGRESS", "already being recovered"},
	} {
		status, body := vcavFailover(t, tm, token, id, vcavVcloudBody)
		e := vcavRequireError(t, http.StatusBadRequest, "InvalidRecoveryState", status, body)
		assert.Equal(t, []string{id, want.state}, *e.Args)
		assert.Contains(t, e.Msg, "recovery state "+want.state)
		assert.Contains(t, e.Msg, want.remedy)
	}
	assert.Equal(t, 1, vcavTaskCount(tm), "refusals create no task")
	assert.Equal(t, vcav.RecoveryStateTEST, vcavRecovery(vcavGetReplication(t, tm, token, vcavTestID)))
}

func TestVCAVFailover_SitesAndNotFound(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	status, body := vcavFailoverQuery(t, tm, token, vcavReadyID, "site=site1", vcavVcloudBody)
	e := vcavRequireError(t, http.StatusUnauthorized, "RemoteAuthenticationFailure", status, body)
	assert.Equal(t, []string{"site1"}, *e.Args)
	status, body = vcavFailoverQuery(t, tm, token, vcavReadyID, "site=site9", vcavVcloudBody)
	e = vcavRequireError(t, http.StatusNotFound, "SiteNotFound", status, body)
	assert.Equal(t, []string{"site9"}, *e.Args)
	for _, id := range []string{vcavUnknownID, "not-an-id"} {
		status, body = vcavFailover(t, tm, token, id, vcavVcloudBody)
		e = vcavRequireError(t, http.StatusNotFound, "VmReplicationNotFound", status, body)
		assert.Equal(t, []string{id}, *e.Args)
	}
	assert.Zero(t, vcavTaskCount(tm))
	status, body = vcavFailoverQuery(t, tm, token, vcavReadyID, "site=site2", vcavVcloudBody)
	assert.Equal(t, http.StatusAccepted, status, "the local site runs locally: %s", body)
}

func TestVCAVFailover_TooLargeBody(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	big := `{"type":"vcloud","pad":"` + strings.Repeat("x", DefaultBodyLimit+10) + `"}`
	status, body := vcavFailover(t, tm, token, vcavReadyID, big)
	e := vcavRequireError(t, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", status, body)
	assert.Equal(t, []string{"1048576"}, *e.Args)
	assert.Zero(t, vcavTaskCount(tm))
}

func TestVCAVFailover_StatusFaultInVendorShape(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	require.NoError(t, tm.InjectFault(Fault{API: spec.VCAV, OperationID: "failoverVmReplication", Status: 500, Times: 1}))
	status, body := vcavFailover(t, tm, token, vcavReadyID, vcavVcloudBody)
	vcavRequireError(t, http.StatusInternalServerError, "GeneralServerFailure", status, body)
	assert.Zero(t, vcavTaskCount(tm))
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, vcavRecovery(vcavGetReplication(t, tm, token, vcavReadyID)))
	vcavStartFailover(t, tm, token, vcavReadyID)
}

func TestVCAVFailover_TaskFails(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	require.NoError(t, tm.InjectFault(Fault{API: spec.VCAV, OperationID: "failoverVmReplication",
		Task: TaskFails, TaskError: "the destination storage profile has not enough free space", Times: 1}))
	task := vcavStartFailover(t, tm, token, vcavReadyID)
	assert.Equal(t, vcav.RecoveryStateINPROGRESS, vcavRecovery(vcavGetReplication(t, tm, token, vcavReadyID)))
	tm.clock.Advance(DefaultTaskDuration)
	status, done, body := vcavGetTask(t, tm, token, task.Id)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, vcav.TaskStateFAILED, done.State)
	require.NotNil(t, done.Error, "%s", body)
	assert.Equal(t, "GeneralServerFailure", done.Error.Code)
	assert.Equal(t, "the destination storage profile has not enough free space", done.Error.Msg)
	assert.Nil(t, done.Result)
	assert.Nil(t, done.ResultType)
	assert.Equal(t, testStart.Add(DefaultTaskDuration).UnixMilli(), done.EndTime)
	r := vcavGetReplication(t, tm, token, vcavReadyID)
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, vcavRecovery(r))
	assert.Nil(t, r.Destination.RecoveredVappId, "nothing half-written")
	assert.Nil(t, r.DestinationState.RecoveryInfo.VAppId)
	vcavStartFailover(t, tm, token, vcavReadyID) // may be retried
}

func TestVCAVFailover_TaskHangsUntilReset(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	require.NoError(t, tm.InjectFault(Fault{API: spec.VCAV, OperationID: "failoverVmReplication", Task: TaskHangs}))
	task := vcavStartFailover(t, tm, token, vcavReadyID)
	tm.clock.Advance(25 * time.Minute) // 300 task durations, within the session idle timeout
	status, got, _ := vcavGetTask(t, tm, token, task.Id)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, vcav.TaskStateRUNNING, got.State)
	assert.LessOrEqual(t, got.Progress, int32(50))
	assert.Equal(t, int64(-1), got.EndTime)
	assert.Equal(t, vcav.RecoveryStateINPROGRESS, vcavRecovery(vcavGetReplication(t, tm, token, vcavReadyID)))
	status, body := vcavFailover(t, tm, token, vcavReadyID, vcavVcloudBody)
	vcavRequireError(t, http.StatusBadRequest, "InvalidRecoveryState", status, body)

	require.NoError(t, tm.Reset())
	token = vcavLogin(t, tm, vcavRootLogin)
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, vcavRecovery(vcavGetReplication(t, tm, token, vcavReadyID)))
	status, _, _ = vcavGetTask(t, tm, token, task.Id)
	assert.Equal(t, http.StatusNotFound, status)
}

func TestVCAVTasks_OwnTasksOnlyAndUnknown(t *testing.T) {
	tm := newTestMock(t)
	root := vcavLogin(t, tm, vcavRootLogin)
	admin := vcavLogin(t, tm, vcavAdminLogin)
	task := vcavStartFailover(t, tm, root, vcavReadyID)

	status, _, body := vcavGetTask(t, tm, admin, task.Id)
	e := vcavRequireError(t, http.StatusNotFound, "TaskNotFound", status, body)
	assert.Equal(t, []string{task.Id}, *e.Args)
	status, _, body = vcavGetTask(t, tm, root, "3f1d7a52-8c1e-4b6a-9d2f-000000000000")
	vcavRequireError(t, http.StatusNotFound, "TaskNotFound", status, body)
	status, _, body = vcavGetTask(t, tm, root, "not-a-uuid")
	vcavRequireError(t, http.StatusNotFound, "TaskNotFound", status, body)

	status, got, _ := vcavGetTask(t, tm, root, task.Id)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, task.Id, got.Id)

	status, body, _ = do(t, tm.vcavHC, "GET", tm.vcavURL+"/tasks/"+task.Id+"?site=site1", nil, "X-VCAV-Auth", root)
	vcavRequireError(t, http.StatusUnauthorized, "RemoteAuthenticationFailure", status, body)
	status, body, _ = do(t, tm.vcavHC, "GET", tm.vcavURL+"/tasks/"+task.Id+"?site=nowhere", nil, "X-VCAV-Auth", root)
	vcavRequireError(t, http.StatusNotFound, "SiteNotFound", status, body)
}

func TestVCAVTasks_RetentionForgetsOldest(t *testing.T) {
	tm := newTestMock(t, WithTaskRetention(1))
	token := vcavLogin(t, tm, vcavRootLogin)
	first := vcavStartFailover(t, tm, token, vcavReadyID)
	tm.clock.Advance(time.Second)
	second := vcavStartFailover(t, tm, token, vcavWeb02ID)
	tm.clock.Advance(DefaultTaskDuration)

	status, _, body := vcavGetTask(t, tm, token, first.Id)
	vcavRequireError(t, http.StatusNotFound, "TaskNotFound", status, body)
	status, got, _ := vcavGetTask(t, tm, token, second.Id)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, vcav.TaskStateSUCCEEDED, got.State)
	assert.Equal(t, vcav.RecoveryStateCOMPLETE, vcavRecovery(vcavGetReplication(t, tm, token, vcavReadyID)),
		"forgetting a task does not undo its effect")
}

func TestVCAVTasks_GenericResultIsTheReplication(t *testing.T) {
	tm := newTestMock(t, WithInstantTasks())
	token := vcavLogin(t, tm, vcavRootLogin)
	task := vcavStartFailover(t, tm, token, vcavReadyID)
	r, err := vcavClient(t, tm, token).GetTaskWithResponse(context.Background(), task.Id, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, r.StatusCode())
	raw, err := json.Marshal(r.JSON200.Result)
	require.NoError(t, err)
	var repl vcav.SingleVmReplicationInfo
	require.NoError(t, json.Unmarshal(raw, &repl))
	assert.Equal(t, vcavReadyID, repl.Id)
	assert.Equal(t, vcav.RecoveryStateCOMPLETE, vcavRecovery(repl))
}
