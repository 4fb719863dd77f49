package server

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/spec"
)

// vApp replications of the default fixture.
const (
	vcavVappReadyID    = "C4VAPP-ccbe771e-b685-46c7-8c7a-4ed36915d963" // app-vapp: app-db-01, app-web-01
	vcavVappTestID     = "C4VAPP-2d4f6a8c-1e3b-4d5f-9a7c-8e0b2d4f6a8c" // web-vapp: web-01 (TEST)
	vcavVappCompleteID = "C4VAPP-9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f" // file-vapp: file-srv-01 (COMPLETE)
)

// vcavVappCall sends method on /vapp-replications/{id}+suffix.
func vcavVappCall(t testing.TB, tm *testMock, token, method, id, suffix, body string) (int, []byte) {
	t.Helper()
	var b any
	if body != "" {
		b = body
	}
	status, out, _ := do(t, tm.vcavHC, method, tm.vcavURL+"/vapp-replications/"+id+suffix, b, "X-VCAV-Auth", token)
	return status, out
}

// vcavVappStep runs a vApp operation to SUCCEEDED and returns its result,
// which must equal the vApp read back.
func vcavVappStep(t *testing.T, tm *testMock, token, method, id, suffix, body string) vcav.VappReplicationInfo {
	t.Helper()
	status, out := vcavVappCall(t, tm, token, method, id, suffix, body)
	require.Equal(t, http.StatusAccepted, status, "%s", out)
	var task vcav.C4ApiTaskOfVappReplicationInfo
	require.NoError(t, json.Unmarshal(out, &task))
	assert.Equal(t, "vappReplication", *task.WorkflowInfo.ResourceType)
	assert.Equal(t, id, *task.WorkflowInfo.ResourceId)
	for range 600 {
		status, body, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+"/tasks/"+task.Id, nil, "X-VCAV-Auth", token)
		require.Equal(t, http.StatusOK, status)
		require.NoError(t, json.Unmarshal(body, &task))
		if task.State == vcav.TaskStateSUCCEEDED || task.State == vcav.TaskStateFAILED {
			break
		}
		tm.clock.Advance(time.Second)
	}
	require.Equal(t, vcav.TaskStateSUCCEEDED, task.State)
	assert.Equal(t, "VappReplicationInfo", *task.ResultType)
	require.NotNil(t, task.Result)
	got := vcavGetVapp(t, tm, token, id)
	assert.Equal(t, got, *task.Result, "the result is the vApp and its VMs after the operation")
	return got
}

func vcavGetVapp(t *testing.T, tm *testMock, token, id string) vcav.VappReplicationInfo {
	t.Helper()
	status, body := vcavVappCall(t, tm, token, "GET", id, "", "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	var v vcav.VappReplicationInfo
	require.NoError(t, json.Unmarshal(body, &v))
	return v
}

// vcavVappStates are the recovery states of the vApp's VMs.
func vcavVappStates(v vcav.VappReplicationInfo) []vcav.RecoveryState {
	var out []vcav.RecoveryState
	for _, r := range *v.VmReplications {
		out = append(out, vcavRecovery(r))
	}
	return out
}

const vcavVappBody = `{"type":"vcloud","powerOn":true,"instanceMap":null,"snapshotOptions":"DO_NOTHING"}`

// The provider runbooks on a vApp (vcav.md §9): failover, reverse,
// failover back; then the drill (test failover, cleanup).
func TestVCAVRunbook_VappFailover(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	before := vcavGetVapp(t, tm, token, vcavVappReadyID)
	require.Len(t, *before.VmReplications, 2, "a vApp of two VMs")

	v := vcavVappStep(t, tm, token, "POST", vcavVappReadyID, "/failover", vcavVappBody)
	assert.Equal(t, []vcav.RecoveryState{"COMPLETE", "COMPLETE"}, vcavVappStates(v))
	require.NotNil(t, v.Destination.RecoveredVappId)
	for _, r := range *v.VmReplications {
		assert.Equal(t, *v.Destination.RecoveredVappId, *r.Destination.RecoveredVappId, "one recovered vApp")
		assert.Equal(t, vcavVappReadyID, *r.VappReplicationId)
	}

	v = vcavVappStep(t, tm, token, "POST", vcavVappReadyID, "/reverse", "")
	assert.Equal(t, []vcav.RecoveryState{"NOT_STARTED", "NOT_STARTED"}, vcavVappStates(v))
	assert.Equal(t, before.Source.Site, v.Destination.Site, "protected the other way")
	v = vcavVappStep(t, tm, token, "POST", vcavVappReadyID, "/failover", vcavVappBody)
	assert.Equal(t, []vcav.RecoveryState{"COMPLETE", "COMPLETE"}, vcavVappStates(v), "failed back")
	assert.Equal(t, before.Source.Site, v.Destination.Site)
	v = vcavVappStep(t, tm, token, "POST", vcavVappReadyID, "/reverse", "")
	assert.Equal(t, before.Source, v.Source, "home, protected as at first")

	v = vcavVappStep(t, tm, token, "POST", vcavVappReadyID, "/failover-test", vcavVappBody)
	assert.Equal(t, []vcav.RecoveryState{"TEST", "TEST"}, vcavVappStates(v))
	v = vcavVappStep(t, tm, token, "DELETE", vcavVappReadyID, "/failover-test", "")
	assert.Equal(t, []vcav.RecoveryState{"NOT_STARTED", "NOT_STARTED"}, vcavVappStates(v))
}

// vApp refusals name the vApp and the VM whose state forbids the operation.
func TestVCAVVapp_Refusals(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	cases := []struct{ method, id, suffix, body, code, says string }{
		{"POST", vcavVappTestID, "/failover", vcavVappBody, "InvalidRecoveryState", "Clean up the test failover first"},
		{"POST", vcavVappTestID, "/failover-test", vcavVappBody, "InvalidRecoveryState", "Clean up the test failover first"},
		{"POST", vcavVappCompleteID, "/failover", vcavVappBody, "InvalidRecoveryState", "Reverse it first"},
		{"DELETE", vcavVappReadyID, "/failover-test", "", "InvalidRecoveryState", "no test failover image"},
		{"POST", vcavVappReadyID, "/reverse", "", "InvalidRecoveryState", "Fail it over or migrate it first"},
		{"DELETE", vcavVappTestID, "", "", "InvalidRecoveryState", "Clean up the test failover first"},
	}
	for _, c := range cases {
		before := vcavGetVapp(t, tm, token, c.id)
		status, body := vcavVappCall(t, tm, token, c.method, c.id, c.suffix, c.body)
		e := vcavRequireError(t, http.StatusBadRequest, c.code, status, body)
		assert.Contains(t, e.Msg, c.says)
		assert.Contains(t, e.Msg, c.id, "the message names the vApp")
		assert.Equal(t, c.id, (*e.Args)[0])
		assert.Equal(t, before, vcavGetVapp(t, tm, token, c.id), "a refusal changes nothing")
	}
	status, body := vcavVappCall(t, tm, token, "GET", "C4VAPP-00000000-0000-4000-8000-000000000000", "", "")
	vcavRequireError(t, http.StatusNotFound, "VappReplicationNotFound", status, body)
}

// A failed vApp task puts every VM back; faults target vApp operations.
func TestVCAVVapp_FaultRestores(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	require.NoError(t, tm.InjectFault(Fault{API: spec.VCAV, OperationID: "failoverVappReplication", Task: TaskFails, Times: 1}))
	status, body := vcavVappCall(t, tm, token, "POST", vcavVappReadyID, "/failover", vcavVappBody)
	require.Equal(t, http.StatusAccepted, status, "%s", body)
	assert.Equal(t, []vcav.RecoveryState{"IN_PROGRESS", "IN_PROGRESS"}, vcavVappStates(vcavGetVapp(t, tm, token, vcavVappReadyID)))
	tm.clock.Advance(time.Minute)
	assert.Equal(t, []vcav.RecoveryState{"NOT_STARTED", "NOT_STARTED"}, vcavVappStates(vcavGetVapp(t, tm, token, vcavVappReadyID)))
}

// List filters by ids and vappName; delete removes the vApp and its VMs.
func TestVCAVVapp_ListAndDelete(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	c := vcavClient(t, tm, token)
	ids := vcavVappReadyID
	resp, err := c.ListVappReplicationsWithResponse(t.Context(), &vcav.ListVappReplicationsParams{Ids: &ids})
	require.NoError(t, err)
	require.Equal(t, int64(1), resp.JSON200.Total)
	name := "FILE"
	resp, err = c.ListVappReplicationsWithResponse(t.Context(), &vcav.ListVappReplicationsParams{VappName: &name})
	require.NoError(t, err)
	require.Equal(t, vcavVappCompleteID, resp.JSON200.Items[0].Id)

	status, body := vcavVappCall(t, tm, token, "DELETE", vcavVappReadyID, "", "")
	require.Equal(t, http.StatusAccepted, status, "%s", body)
	tm.clock.Advance(time.Minute)
	status, body = vcavVappCall(t, tm, token, "GET", vcavVappReadyID, "", "")
	vcavRequireError(t, http.StatusNotFound, "VappReplicationNotFound", status, body)
	status, body, _ = do(t, tm.vcavHC, "GET", tm.vcavURL+"/vm-replications/"+vcavReadyID, nil, "X-VCAV-Auth", token)
	vcavRequireError(t, http.StatusNotFound, "VmReplicationNotFound", status, body)
}
