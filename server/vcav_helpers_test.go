package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/spec"
)

// Replications of the default fixture.
const (
	vcavReadyID    = "C4-09b2917c-bbe9-4693-ae3f-95b43a94b244" // app-db-01, NOT_STARTED
	vcavAppWebID   = "C4-a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d" // app-web-01, NOT_STARTED
	vcavTestID     = "C4-ec991bd5-af9d-446a-8599-5b693842c4a3" // web-01, TEST
	vcavCompleteID = "C4-3f6c1a2e-7d4b-4c9a-9e1f-2a3b4c5d6e7f" // file-srv-01, COMPLETE
	vcavPausedID   = "C4-5b7e9d1c-2a4f-4e6b-8c0d-1e2f3a4b5c6d" // batch-01, paused
	vcavWeb02ID    = "C4-7a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d" // web-02, NOT_STARTED
	vcavMailID     = "C4-8c9d0e1f-2a3b-4c4d-8e5f-6a7b8c9d0e1f" // mail-01, NOT_STARTED
	vcavUnknownID  = "C4-00000000-0000-4000-8000-000000000000"
)

// Request bodies.
const (
	vcavRootLogin  = `{"type":"localUser","localUser":"root","localPassword":"vmware"}`
	vcavAdminLogin = `{"type":"vcdCredentials","vcdUser":"administrator@System","vcdPassword":"vmware"}`
	vcavVcloudBody = `{"type":"vcloud","powerOn":true,"consolidate":false,"instanceId":null,"vmNetworkSettings":null,"vAppNetworkSettings":null}`
	vcavAcceptV4   = "application/vnd.vmware.h4-v4+json;charset=UTF-8"
)

// vcavLogin posts body to POST /sessions, requires 200 and returns the token.
func vcavLogin(t testing.TB, tm *testMock, body string) string {
	t.Helper()
	status, resp, hdr := do(t, tm.vcavHC, "POST", tm.vcavURL+"/sessions", body)
	require.Equal(t, http.StatusOK, status, "login: %s", resp)
	token := hdr.Get("X-VCAV-Auth")
	require.NotEmpty(t, token)
	return token
}

// vcavClient returns a generated client that sends token in X-VCAV-Auth.
func vcavClient(t testing.TB, tm *testMock, token string) *vcav.ClientWithResponses {
	t.Helper()
	c, err := vcav.NewClientWithResponses(tm.vcavURL, vcav.WithHTTPClient(tm.vcavHC),
		vcav.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			if token != "" {
				req.Header.Set("X-VCAV-Auth", token)
			}
			return nil
		}))
	require.NoError(t, err)
	return c
}

// vcavFailover posts body to the failover of id
// and returns the status and body.
func vcavFailover(t testing.TB, tm *testMock, token, id, body string) (int, []byte) {
	t.Helper()
	status, resp, _ := do(t, tm.vcavHC, "POST", tm.vcavURL+"/vm-replications/"+id+"/failover", body,
		"X-VCAV-Auth", token)
	return status, resp
}

// vcavFailoverQuery is like vcavFailover with a query string appended after
// the operation path.
func vcavFailoverQuery(t testing.TB, tm *testMock, token, id, query, body string) (int, []byte) {
	t.Helper()
	status, resp, _ := do(t, tm.vcavHC, "POST", tm.vcavURL+"/vm-replications/"+id+"/failover?"+query, body,
		"X-VCAV-Auth", token)
	return status, resp
}

// vcavStartFailover fails id over, requires 202 and returns the task.
func vcavStartFailover(t testing.TB, tm *testMock, token, id string) vcav.C4ApiTaskOfSingleVmReplicationInfo {
	t.Helper()
	status, body := vcavFailover(t, tm, token, id, vcavVcloudBody)
	require.Equal(t, http.StatusAccepted, status, "failover %s: %s", id, body)
	var task vcav.C4ApiTaskOfSingleVmReplicationInfo
	require.NoError(t, json.Unmarshal(body, &task))
	return task
}

// vcavGetTask reads task id and returns the status and, on 200, the task
// with its result decoded as a replication.
func vcavGetTask(t testing.TB, tm *testMock, token, id string) (int, vcav.C4ApiTaskOfSingleVmReplicationInfo, []byte) {
	t.Helper()
	status, body, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+"/tasks/"+id, nil, "X-VCAV-Auth", token)
	var task vcav.C4ApiTaskOfSingleVmReplicationInfo
	if status == http.StatusOK {
		require.NoError(t, json.Unmarshal(body, &task))
	}
	return status, task, body
}

// vcavGetReplication reads replication id, requiring 200.
func vcavGetReplication(t testing.TB, tm *testMock, token, id string) vcav.SingleVmReplicationInfo {
	t.Helper()
	status, body, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+"/vm-replications/"+id, nil, "X-VCAV-Auth", token)
	require.Equal(t, http.StatusOK, status, "%s", body)
	var r vcav.SingleVmReplicationInfo
	require.NoError(t, json.Unmarshal(body, &r))
	return r
}

// vcavRecovery returns the recovery state of r.
func vcavRecovery(r vcav.SingleVmReplicationInfo) vcav.RecoveryState {
	if r.DestinationState == nil || r.DestinationState.RecoveryInfo == nil {
		return ""
	}
	return r.DestinationState.RecoveryInfo.RecoveryState
}

// vcavAPIError decodes an ApiError body and checks its vendor shape.
func vcavAPIError(t testing.TB, body []byte) vcav.ApiError {
	t.Helper()
	var e vcav.ApiError
	require.NoError(t, json.Unmarshal(body, &e), "%s", body)
	require.NotNil(t, e.Args, "args is never null: %s", body)
	require.NotNil(t, e.Stacktrace)
	require.True(t, strings.HasPrefix(*e.Stacktrace, "com.vmware.h4.api.error.exceptions."+e.Code+"Exception: "), *e.Stacktrace)
	return e
}

// vcavRequireError requires status and an ApiError with code, and returns it.
func vcavRequireError(t testing.TB, wantStatus int, code string, status int, body []byte) vcav.ApiError {
	t.Helper()
	require.Equal(t, wantStatus, status, "%s", body)
	e := vcavAPIError(t, body)
	require.Equal(t, code, e.Code, "%s", body)
	return e
}

// vcavTaskCount returns how many tasks the VCAV mock holds.
func vcavTaskCount(tm *testMock) int {
	tm.vcavSim().mu.Lock()
	defer tm.vcavSim().mu.Unlock()
	return len(tm.vcavSim().tasks.byID)
}

// vcavRawPost sends a failover without the test helpers' require calls, for
// use from goroutines.
func vcavRawPost(hc *http.Client, url, token, body string) (int, []byte, error) {
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-VCAV-Auth", token)
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// vcavSim is the mock's VCAV simulation, for tests that look inside it.
func (m *Mock) vcavSim() *vcavMock { return m.mounted(spec.VCAV).sim.(*vcavMock) }
