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

// TestVCAVFailover_Refusals checks every synchronous refusal of a
// failover: the status, the ApiError code, its args and message, and that
// the refusal starts no task and leaves the replication's recovery state as
// it was.
func TestVCAVFailover_Refusals(t *testing.T) {
	big := `{"type":"vcloud","pad":"` + strings.Repeat("x", DefaultBodyLimit+10) + `"}`
	cases := []struct {
		name string
		// inProgress fails vcavReadyID over first (now IN_PROGRESS).
		inProgress      bool
		id, query, body string
		status          int
		code            string
		args            []string // nil: not checked
		msg             []string // substrings of msg
	}{
		{name: "malformed JSON", id: vcavReadyID, body: `{"type":"vcloud",`, status: 400, code: "BadRequest"},
		{name: "no type", id: vcavReadyID, body: `{"powerOn":true}`, status: 400, code: "BadRequest", msg: []string{"type"}},
		{name: "unknown type", id: vcavReadyID, body: `{"type":"vsphere"}`, status: 400, code: "BadRequest", msg: []string{"type"}},
		{name: "powerOn not a bool", id: vcavReadyID, body: `{"type":"vcloud","powerOn":"yes"}`, status: 400, code: "BadRequest", msg: []string{"powerOn"}},
		{name: "bad snapshotOption", id: vcavReadyID, body: `{"type":"vcenter","snapshotOptions":"KEEP"}`, status: 400, code: "BadRequest", msg: []string{"snapshotOptions"}},
		{name: "negative nicIndex", id: vcavReadyID, body: `{"type":"vcloud","vmNetworkSettings":{"nics":[{"nicIndex":-1}]}}`, status: 400, code: "BadRequest", msg: []string{"nicIndex"}},
		{name: "recovery state TEST", id: vcavTestID, body: vcavVcloudBody, status: 400, code: "InvalidRecoveryState",
			args: []string{vcavTestID, "TEST"}, msg: []string{"recovery state TEST", "Clean up the test failover first"}},
		{name: "recovery state COMPLETE", id: vcavCompleteID, body: vcavVcloudBody, status: 400, code: "InvalidRecoveryState",
			args: []string{vcavCompleteID, "COMPLETE"}, msg: []string{"recovery state COMPLETE", "Reverse it first"}},
		{name: "recovery state IN_PROGRESS", inProgress: true, id: vcavReadyID, body: vcavVcloudBody, status: 400, code: "InvalidRecoveryState",
			args: []string{vcavReadyID, "IN_PROGRESS"}, msg: []string{"recovery state IN_PROGRESS", "already being recovered"}},
		{name: "remote site", id: vcavReadyID, query: "site=site1", body: vcavVcloudBody, status: 401, code: "RemoteAuthenticationFailure", args: []string{"site1"}},
		{name: "unknown site", id: vcavReadyID, query: "site=site9", body: vcavVcloudBody, status: 404, code: "SiteNotFound", args: []string{"site9"}},
		{name: "unknown replication", id: vcavUnknownID, body: vcavVcloudBody, status: 404, code: "VmReplicationNotFound", args: []string{vcavUnknownID}},
		{name: "not a replication id", id: "not-an-id", body: vcavVcloudBody, status: 404, code: "VmReplicationNotFound", args: []string{"not-an-id"}},
		{name: "body too large", id: vcavReadyID, body: big, status: 413, code: "RequestEntityTooLarge", args: []string{"1048576"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tm := newTestMock(t)
			token := vcavLogin(t, tm, vcavRootLogin)
			if c.inProgress {
				vcavStartFailover(t, tm, token, vcavReadyID)
			}
			tasks, before := vcavTaskCount(tm), vcavRecoveryOrNone(t, tm, token, c.id)
			var status int
			var body []byte
			if c.query == "" {
				status, body = vcavFailover(t, tm, token, c.id, c.body)
			} else {
				status, body = vcavFailoverQuery(t, tm, token, c.id, c.query, c.body)
			}
			e := vcavRequireError(t, c.status, c.code, status, body)
			if c.args != nil {
				assert.Equal(t, c.args, *e.Args)
			}
			for _, m := range c.msg {
				assert.Contains(t, e.Msg, m)
			}
			assert.Equal(t, tasks, vcavTaskCount(tm), "a refusal starts no task")
			assert.Equal(t, before, vcavRecoveryOrNone(t, tm, token, c.id), "a refusal changes nothing")
		})
	}
}

// TestVCAVFailover_LocalSiteRunsLocally: a site parameter naming the local
// site is the same as none.
func TestVCAVFailover_LocalSiteRunsLocally(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	status, body := vcavFailoverQuery(t, tm, token, vcavReadyID, "site=site2", vcavVcloudBody)
	assert.Equal(t, http.StatusAccepted, status, "the local site runs locally: %s", body)
}

// vcavRecoveryOrNone is the recovery state of replication id, or "" when
// the mock has no such replication.
func vcavRecoveryOrNone(t *testing.T, tm *testMock, token, id string) vcav.RecoveryState {
	t.Helper()
	status, body, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+"/vm-replications/"+id, nil, "X-VCAV-Auth", token)
	if status != http.StatusOK {
		return ""
	}
	var r vcav.SingleVmReplicationInfo
	require.NoError(t, json.Unmarshal(body, &r))
	return vcavRecovery(r)
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

// TestVCAVTasks_OwnTasksOnlyAndUnknown checks who may read a task and
// where: another user's task, an unknown or malformed id are 404
// TaskNotFound; a remote or unknown site are refused as for any operation;
// the owner reads it.
func TestVCAVTasks_OwnTasksOnlyAndUnknown(t *testing.T) {
	tm := newTestMock(t)
	root := vcavLogin(t, tm, vcavRootLogin)
	admin := vcavLogin(t, tm, vcavAdminLogin)
	task := vcavStartFailover(t, tm, root, vcavReadyID)
	cases := []struct {
		name, token, path string
		status            int
		code              string
		args              []string // nil: not checked
	}{
		{"another user's task", admin, "/tasks/" + task.Id, 404, "TaskNotFound", []string{task.Id}},
		{"unknown id", root, "/tasks/3f1d7a52-8c1e-4b6a-9d2f-000000000000", 404, "TaskNotFound", nil},
		{"not a uuid", root, "/tasks/not-a-uuid", 404, "TaskNotFound", nil},
		{"remote site", root, "/tasks/" + task.Id + "?site=site1", 401, "RemoteAuthenticationFailure", nil},
		{"unknown site", root, "/tasks/" + task.Id + "?site=nowhere", 404, "SiteNotFound", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+c.path, nil, "X-VCAV-Auth", c.token)
			e := vcavRequireError(t, c.status, c.code, status, body)
			if c.args != nil {
				assert.Equal(t, c.args, *e.Args)
			}
		})
	}
	status, got, _ := vcavGetTask(t, tm, root, task.Id)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, task.Id, got.Id)
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
