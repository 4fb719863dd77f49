package server

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// PUT /_failoverkit/vcav/replications/{id} puts a replication in any
// recovery state (and pause state) without a fixture load: the vendor API
// then reads it back and refuses what that state forbids.
func TestVCAVControl_SetReplicationState(t *testing.T) {
	tm := newTestMock(t)
	ctl := tm.vcavURL + ControlPrefix + "/vcav/replications/"
	token := vcavLogin(t, tm, vcavRootLogin)

	status, body, _ := do(t, tm.vcavHC, "PUT", ctl+vcavReadyID, `{"recoveryState":"TEST","isPaused":true}`)
	require.Equal(t, http.StatusOK, status, "%s", body)
	var set vcav.SingleVmReplicationInfo
	require.NoError(t, json.Unmarshal(body, &set))
	assert.Equal(t, vcav.RecoveryStateTEST, set.DestinationState.RecoveryInfo.RecoveryState)

	status, body, _ = do(t, tm.vcavHC, "GET", tm.vcavURL+"/vm-replications/"+vcavReadyID, nil, "X-VCAV-Auth", token)
	require.Equal(t, http.StatusOK, status)
	var got vcav.SingleVmReplicationInfo
	require.NoError(t, json.Unmarshal(body, &got))
	assert.Equal(t, vcav.RecoveryStateTEST, got.DestinationState.RecoveryInfo.RecoveryState)
	require.NotNil(t, got.IsPaused)
	assert.True(t, *got.IsPaused)

	status, body, _ = do(t, tm.vcavHC, "POST", tm.vcavURL+"/vm-replications/"+vcavReadyID+"/failover",
		`{"type":"vcloud"}`, "X-VCAV-Auth", token)
	vcavRequireError(t, http.StatusBadRequest, "InvalidRecoveryState", status, body)

	// Back to NOT_STARTED and unpaused: the failover is accepted again.
	require.NoError(t, tm.SetVCAVReplicationState(vcavReadyID, ReplicationState{
		RecoveryState: vcav.RecoveryStateNOTSTARTED, IsPaused: new(false)}))
	status, body, _ = do(t, tm.vcavHC, "POST", tm.vcavURL+"/vm-replications/"+vcavReadyID+"/failover",
		`{"type":"vcloud"}`, "X-VCAV-Auth", token)
	assert.Equal(t, http.StatusAccepted, status, "%s", body)
}

func TestVCAVControl_SetReplicationStateRefusals(t *testing.T) {
	tm := newTestMock(t)
	ctl := tm.vcavURL + ControlPrefix + "/vcav/replications/"
	for _, tc := range []struct {
		name, id, body string
		want           int
	}{
		{"unknown replication", "C4-00000000-0000-4000-8000-000000000000", `{"recoveryState":"TEST"}`, http.StatusNotFound},
		{"unknown state", vcavReadyID, `{"recoveryState":"FAILED_OVER"}`, http.StatusBadRequest},
		{"unknown field", vcavReadyID, `{"state":"TEST"}`, http.StatusBadRequest},
		{"not JSON", vcavReadyID, `recoveryState=TEST`, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := do(t, tm.vcavHC, "PUT", ctl+tc.id, tc.body)
			assert.Equal(t, tc.want, status, "%s", body)
		})
	}
	before := tm.State().VCAV
	require.Error(t, tm.SetVCAVReplicationState("C4-nope", ReplicationState{RecoveryState: vcav.RecoveryStateTEST}))
	assert.Equal(t, before, tm.State().VCAV, "a refused change leaves state alone")

	status, body, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+ControlPrefix+"/", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(body), "PUT "+ControlPrefix+"/vcav/replications/{id}")
}
