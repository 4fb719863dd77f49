package server

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcha"
	"github.com/failoverkit/failoverkit/spec"
)

// failoverFault is a fault on the VCHA failover.
func failoverFault(f Fault) Fault {
	f.API, f.OperationID = spec.VCHA, "failoverVchaClusterAsync"
	return f
}

// TestVCHAFaults_TaskFails checks the TaskFails fault: the task runs, then
// ends FAILED with ERROR and the fault's message, cluster untouched.
func TestVCHAFaults_TaskFails(t *testing.T) {
	for name, c := range map[string]struct{ taskError, want string }{
		"with message": {"boom", "boom"},
		"default":      {"", "injected fault"},
	} {
		t.Run(name, func(t *testing.T) {
			tm := newTestMock(t, WithFault(failoverFault(Fault{Task: TaskFails, TaskError: c.taskError, Times: 1})))
			admin := vchaLogin(t, tm, vchaAdmin)
			id := startFailover(t, tm, admin, true)
			tm.clock.Advance(time.Second)
			assert.Equal(t, vcha.CisTaskStatusRUNNING, taskStatus(t, tm, admin, id), "a failing task runs first")
			tm.clock.Advance(DefaultTaskDuration)
			info := getTask(t, tm, admin, id)
			require.Equal(t, vcha.CisTaskStatusFAILED, info.Status)
			assertTaskFields(t, info)
			assert.Equal(t, vcha.StdErrorsErrorTypeERROR, *info.Error.ErrorType)
			assert.Equal(t, c.want, info.Error.Messages[0].DefaultMessage)
			n1, _ := roles(getCluster(t, tm, admin))
			assert.Equal(t, vcha.VchaClusterNodeRoleACTIVE, n1, "cluster untouched")

			again := startFailover(t, tm, admin, true)
			tm.clock.Advance(DefaultTaskDuration)
			assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, taskStatus(t, tm, admin, again), "the fault hit once")
		})
	}
}

// TestVCHAFaults_TaskHangs checks the TaskHangs fault: the task stays RUNNING
// and blocks other failovers until Reset.
func TestVCHAFaults_TaskHangs(t *testing.T) {
	tm := newTestMock(t, WithFault(failoverFault(Fault{Task: TaskHangs, Times: 1})))
	admin := vchaLogin(t, tm, vchaAdmin)
	id := startFailover(t, tm, admin, true)
	for range 3 {
		tm.clock.Advance(10 * time.Minute)
		info := getTask(t, tm, admin, id)
		require.Equal(t, vcha.CisTaskStatusRUNNING, info.Status)
		assertTaskFields(t, info)
		assert.LessOrEqual(t, info.Progress.Completed, int64(50))
	}
	assert.False(t, *getCluster(t, tm, admin).ManualFailoverAllowed, "the hung failover still runs")
	other := startFailover(t, tm, admin, true)
	assertRefused(t, tm, admin, other, vcha.StdErrorsErrorTypeNOTALLOWEDINCURRENTSTATE, "already running")

	require.NoError(t, tm.Reset())
	admin = vchaLogin(t, tm, vchaAdmin)
	resp, err := vchaClient(t, tm).GetTaskWithResponse(context.Background(), id, nil, withToken(admin))
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode(), "Reset drops tasks")
	assert.True(t, *getCluster(t, tm, admin).ManualFailoverAllowed, "Reset ends the hang")
}

// TestVCHAFaults_StatusInVendorShape checks that injected statuses are
// answered as vSphere errors with a fitting error_type.
func TestVCHAFaults_StatusInVendorShape(t *testing.T) {
	cases := []struct {
		status int
		want   vcha.StdErrorsErrorType
	}{
		{http.StatusServiceUnavailable, vcha.StdErrorsErrorTypeSERVICEUNAVAILABLE},
		{http.StatusInternalServerError, vcha.StdErrorsErrorTypeINTERNALSERVERERROR},
		{http.StatusConflict, vcha.StdErrorsErrorTypeERROR},
		{http.StatusBadGateway, vcha.StdErrorsErrorTypeERROR},
		{http.StatusUnauthorized, vcha.StdErrorsErrorTypeUNAUTHENTICATED},
		{http.StatusForbidden, vcha.StdErrorsErrorTypeUNAUTHORIZED},
	}
	for _, c := range cases {
		t.Run(http.StatusText(c.status), func(t *testing.T) {
			tm := newTestMock(t, WithFault(failoverFault(Fault{Status: c.status})))
			admin := vchaLogin(t, tm, vchaAdmin)
			status, body, h := do(t, tm.vchaHC, "POST", vchaURL(tm, failoverPath), `{"planned":true}`,
				"vmware-api-session-id", admin)
			require.Equal(t, c.status, status)
			assert.Equal(t, c.want, *vchaError(t, body).ErrorType)
			assert.Contains(t, h.Get("Content-Type"), "application/json")
			assert.True(t, *getCluster(t, tm, admin).ManualFailoverAllowed, "no task was started")
		})
	}
}
