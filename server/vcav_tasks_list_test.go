package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavListTasks lists tasks with query and decodes the page.
func vcavListTasks(t testing.TB, tm *testMock, token, query string) vcav.QueryResultOfC4ApiTask {
	t.Helper()
	status, body, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+"/tasks?"+query, nil, "X-VCAV-Auth", token)
	require.Equal(t, http.StatusOK, status, "%s: %s", query, body)
	var page vcav.QueryResultOfC4ApiTask
	require.NoError(t, json.Unmarshal(body, &page))
	return page
}

// TestVCAVTasks_ListFiltersAndPaging lists the user's tasks with the
// filters VMware.vCAV.Community's Get-vCAVTasks sends: newest first,
// total ignoring paging, limit clamped to 100, only the user's own tasks.
func TestVCAVTasks_ListFiltersAndPaging(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	first, second, health := vcavThreeTasks(t, tm, token)
	start := testStart.UnixMilli()

	ids := func(p vcav.QueryResultOfC4ApiTask) []string {
		out := []string{}
		for _, it := range p.Items {
			out = append(out, it.Id)
		}
		return out
	}
	cases := []struct {
		query string
		want  []string
	}{
		{"offset=0&limit=100&site=site2", []string{health.Id, second.Id, first.Id}},
		{"resourceType=replication,vmReplication,vappReplication", []string{second.Id, first.Id}},
		{"resourceType=CLOUD", []string{health.Id}},
		{"state=SUCCEEDED", []string{health.Id, first.Id}},
		{"state=RUNNING,QUEUED", []string{second.Id}},
		{"user=root", []string{health.Id, second.Id, first.Id}},
		{"user=administrator@System", []string{}},
		{"sourceOrg=org2", []string{second.Id}},
		{"destinationOrg=org1", []string{first.Id}},
		{"startTimeAfter=" + strconv.FormatInt(start, 10), []string{health.Id, second.Id}},
		{"startTimeBefore=" + strconv.FormatInt(start+1000, 10), []string{first.Id}},
		{"operationID=Powershell__3b9f1c2e-4d5a-4e6f-9a8b-7c6d5e4f3a2b", []string{second.Id}},
		{"offset=1&limit=1", []string{second.Id}},
		{"limit=500", []string{health.Id, second.Id, first.Id}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			p := vcavListTasks(t, tm, token, c.query)
			assert.Equal(t, c.want, ids(p))
		})
	}
	p := vcavListTasks(t, tm, token, "offset=1&limit=1")
	assert.Equal(t, int64(3), p.Total, "total ignores paging")
	assert.Equal(t, int32(100), vcavListTasks(t, tm, token, "limit=500").Limit, "limit clamped to 100")
	done := vcavListTasks(t, tm, token, "state=SUCCEEDED").Items[0]
	assert.NotNil(t, done.Result, "a finished task is listed with its result")

	other := vcavLogin(t, tm, vcavAdminLogin)
	assert.Empty(t, vcavListTasks(t, tm, other, "").Items, "other users' tasks are not returned")
	status, body, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+"/tasks?limit=0", nil, "X-VCAV-Auth", token)
	vcavRequireError(t, http.StatusBadRequest, "BadRequest", status, body)
	status, body, _ = do(t, tm.vcavHC, "GET", tm.vcavURL+"/tasks?site=site9", nil, "X-VCAV-Auth", token)
	vcavRequireError(t, http.StatusNotFound, "SiteNotFound", status, body)
}

// vcavThreeTasks starts, a second apart, a failover of the ready
// replication (org1), one of the migration (org2, with an operationID)
// and a health check, then moves the clock until the first failover and
// the (quick) health check are done and the second failover still runs.
func vcavThreeTasks(t *testing.T, tm *testMock, token string) (first vcav.C4ApiTaskOfSingleVmReplicationInfo, second, health vcav.C4ApiTask) {
	t.Helper()
	first = vcavStartFailover(t, tm, token, vcavReadyID)
	tm.clock.Advance(time.Second)
	status, body, _ := do(t, tm.vcavHC, "POST", tm.vcavURL+"/vm-replications/"+vcavMailID+"/failover", vcavVcloudBody,
		"X-VCAV-Auth", token, "operationID", "Powershell__3b9f1c2e-4d5a-4e6f-9a8b-7c6d5e4f3a2b")
	require.Equal(t, http.StatusAccepted, status, "%s", body)
	require.NoError(t, json.Unmarshal(body, &second))
	tm.clock.Advance(time.Second)
	_, body, _ = do(t, tm.vcavHC, "POST", tm.vcavURL+"/diagnostics/health", nil, "X-VCAV-Auth", token)
	require.NoError(t, json.Unmarshal(body, &health))
	tm.clock.Advance(DefaultTaskDuration - 2*time.Second)
	return first, second, health
}

// TestVCAVTasks_Queue pins WithVCAVQueue: tasks are QUEUED (progress 0,
// endTime -1) for the queue time, then RUNNING, then SUCCEEDED; the
// failover's effect happens at the end, and without the option tasks run
// at once.
func TestVCAVTasks_Queue(t *testing.T) {
	tm := newTestMock(t, WithVCAVQueue(2*time.Second))
	token := vcavLogin(t, tm, vcavRootLogin)
	task := vcavStartFailover(t, tm, token, vcavReadyID)
	assert.Equal(t, vcav.TaskStateQUEUED, task.State)
	assert.Equal(t, int32(0), task.Progress)
	assert.Equal(t, int64(-1), task.EndTime)
	tm.clock.Advance(time.Second)
	_, got, _ := vcavGetTask(t, tm, token, task.Id)
	assert.Equal(t, vcav.TaskStateQUEUED, got.State)
	tm.clock.Advance(time.Second + DefaultTaskDuration/2)
	_, got, _ = vcavGetTask(t, tm, token, task.Id)
	assert.Equal(t, vcav.TaskStateRUNNING, got.State)
	assert.Equal(t, int32(50), got.Progress)
	assert.Equal(t, vcav.RecoveryStateINPROGRESS, vcavRecovery(vcavGetReplication(t, tm, token, vcavReadyID)))
	tm.clock.Advance(DefaultTaskDuration / 2)
	_, got, _ = vcavGetTask(t, tm, token, task.Id)
	assert.Equal(t, vcav.TaskStateSUCCEEDED, got.State)
	assert.Equal(t, testStart.Add(2*time.Second+DefaultTaskDuration).UnixMilli(), got.EndTime)

	plain := newTestMock(t)
	token = vcavLogin(t, plain, vcavRootLogin)
	assert.Equal(t, vcav.TaskStateRUNNING, vcavStartFailover(t, plain, token, vcavReadyID).State, "off by default")
}

// TestVCAVTasks_ListOrgFiltersVappTask pins that sourceOrg and
// destinationOrg match a vApp task by the orgs of its vApp replication,
// as they match a VM task by its VM replication's (Get-vCAVTasks
// -SourceOrg of VMware.vCAV.Community lists vApp operations too).
func TestVCAVTasks_ListOrgFiltersVappTask(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	status, body, _ := do(t, tm.vcavHC, "POST", tm.vcavURL+"/vapp-replications/"+vcavVappReadyID+"/pause", nil,
		"X-VCAV-Auth", token)
	require.Equal(t, http.StatusAccepted, status, "%s", body)
	var task vcav.C4ApiTask
	require.NoError(t, json.Unmarshal(body, &task))
	for query, want := range map[string]int{
		"sourceOrg=org1": 1, "destinationOrg=org1": 1, "sourceOrg=org2": 0, "destinationOrg=org2": 0,
	} {
		p := vcavListTasks(t, tm, token, query)
		require.Len(t, p.Items, want, query)
		if want == 1 {
			assert.Equal(t, task.Id, p.Items[0].Id, query)
		}
	}
}

// TestVCAVTasks_ListOrgFiltersAsTheTaskStarted: the org filters match the
// orgs a task's replication had when the task started, so a reverse's task
// is found under the orgs it reversed from (the replication's are swapped
// now) and a delete's task is still found once the replication is gone.
func TestVCAVTasks_ListOrgFiltersAsTheTaskStarted(t *testing.T) {
	const complete = "C4-3f6c1a2e-7d4b-4c9a-9e1f-2a3b4c5d6e7f"
	tm := newTestMock(t, WithFixture(vcavFixture(t, func(f *VCAVFixture) {
		for i := range f.Replications {
			if f.Replications[i].Id == complete {
				f.Replications[i].Destination.Org = new("org1-dr")
			}
		}
	})))
	token := vcavLogin(t, tm, vcavRootLogin)
	reversed := vcavStep(t, tm, token, "reverseVmReplication", complete)
	require.Equal(t, "org1-dr", *reversed.Source.Org, "the replication runs the other way now")
	deleted := vcavAwait(t, tm, token, vcavStartOp(t, tm, token, "deleteVmReplication", vcavWeb02ID).Id)
	require.Equal(t, vcav.TaskStateSUCCEEDED, deleted.State)

	for query, want := range map[string]string{
		"sourceOrg=org1&destinationOrg=org1-dr&resourceType=vmReplication": "reverse",
		"sourceOrg=org1-dr":                  "",
		"sourceOrg=org2&destinationOrg=org2": "delete",
	} {
		p := vcavListTasks(t, tm, token, query)
		if want == "" {
			assert.Empty(t, p.Items, query)
			continue
		}
		require.Len(t, p.Items, 1, query)
		assert.Equal(t, want, *p.Items[0].WorkflowInfo.Type, query)
	}
}
