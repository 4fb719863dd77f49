package server

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// TestVCHAMode_GetAndSet checks mode get and a mode change that succeeds only
// when its task does.
func TestVCHAMode_GetAndSet(t *testing.T) {
	tm := newTestMock(t)
	admin := vchaLogin(t, tm, vchaAdmin)
	ro := vchaLogin(t, tm, vchaReadonly)
	assert.Equal(t, vcha.VchaClusterClusterModeENABLED, getMode(t, tm, ro), "System.Read suffices")

	id := startModeSet(t, tm, admin, vcha.VchaClusterClusterModeMAINTENANCE)
	assert.True(t, strings.HasSuffix(id, ":com.vmware.vcenter.vcha.cluster.mode"), id)
	info := getTask(t, tm, admin, id)
	assert.Equal(t, "com.vmware.vcenter.vcha.cluster.mode", info.Service)
	assert.Equal(t, "set", info.Operation)
	assert.Equal(t, "com.vmware.vcenter.vcha.cluster.mode.set", info.Description.Id)
	assertTaskFields(t, info)
	tm.clock.Advance(DefaultTaskDuration / 2)
	assert.Equal(t, vcha.CisTaskStatusRUNNING, taskStatus(t, tm, admin, id))
	assert.Equal(t, vcha.VchaClusterClusterModeENABLED, getMode(t, tm, admin), "mode changes when the task succeeds")

	tm.clock.Advance(DefaultTaskDuration / 2)
	done := getTask(t, tm, admin, id)
	assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, done.Status)
	assertTaskFields(t, done)
	assert.Equal(t, vcha.VchaClusterClusterModeMAINTENANCE, getMode(t, tm, admin))
}

// TestVCHAMode_SetNeedsGlobalVCServer checks the 403 for a mode change by a
// user without Global.VCServer.
func TestVCHAMode_SetNeedsGlobalVCServer(t *testing.T) {
	tm := newTestMock(t)
	ro := vchaLogin(t, tm, vchaReadonly)
	resp, err := vchaClient(t, tm).SetVchaClusterModeAsyncWithResponse(context.Background(),
		vcha.SetVchaClusterModeAsyncJSONRequestBody{Mode: vcha.VchaClusterClusterModeDISABLED}, withToken(ro))
	require.NoError(t, err)
	require.Equal(t, http.StatusForbidden, resp.StatusCode())
	assert.Equal(t, vcha.StdErrorsErrorTypeUNAUTHORIZED, *vchaError(t, resp.Body).ErrorType)
	assert.Equal(t, vcha.VchaClusterClusterModeENABLED, getMode(t, tm, ro))
}

// TestVCHAMode_Transitions checks every mode transition against the vendor
// table, healthy and degraded.
func TestVCHAMode_Transitions(t *testing.T) {
	const (
		en, dis, mt = vcha.VchaClusterClusterModeENABLED, vcha.VchaClusterClusterModeDISABLED, vcha.VchaClusterClusterModeMAINTENANCE
		notAllowed  = vcha.StdErrorsErrorTypeNOTALLOWEDINCURRENTSTATE
		already     = vcha.StdErrorsErrorTypeALREADYINDESIREDSTATE
	)
	cases := []struct {
		from, to vcha.VchaClusterClusterMode
		degraded bool
		fails    vcha.StdErrorsErrorType // "" when allowed
	}{
		{en, dis, false, ""}, {en, dis, true, ""},
		{en, mt, false, ""}, {en, mt, true, notAllowed},
		{dis, en, false, ""}, {dis, en, true, notAllowed},
		{mt, en, false, ""}, {mt, en, true, notAllowed},
		{mt, dis, false, ""}, {mt, dis, true, notAllowed},
		{dis, mt, false, notAllowed},
		{en, en, false, already}, {dis, dis, false, already}, {mt, mt, true, already},
	}
	for _, c := range cases {
		name := string(c.from) + "->" + string(c.to)
		if c.degraded {
			name += " degraded"
		}
		t.Run(name, func(t *testing.T) {
			tm := newTestMock(t, WithFixture(vchaFixture(t, func(f *VCHAFixture) {
				f.Cluster.Mode = new(c.from)
				if c.degraded {
					f.Cluster.Node2.Runtime.State = new(vcha.VchaClusterNodeStateDOWN)
				}
			})))
			admin := vchaLogin(t, tm, vchaAdmin)
			id := startModeSet(t, tm, admin, c.to)
			tm.clock.Advance(DefaultTaskDuration)
			info := getTask(t, tm, admin, id)
			assertTaskFields(t, info)
			if c.fails == "" {
				assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, info.Status)
				assert.Equal(t, c.to, getMode(t, tm, admin))
				return
			}
			require.Equal(t, vcha.CisTaskStatusFAILED, info.Status)
			assert.Equal(t, c.fails, *info.Error.ErrorType)
			assert.Equal(t, c.from, getMode(t, tm, admin), "a refused change leaves the mode")
		})
	}
}

// TestVCHAMode_RefusedDuringFailoverAndViceVersa checks that a mode change
// and a failover never run at the same time.
func TestVCHAMode_RefusedDuringFailoverAndViceVersa(t *testing.T) {
	tm := newTestMock(t, WithVCHARejoin(0))
	admin := vchaLogin(t, tm, vchaAdmin)
	fo := startFailover(t, tm, admin, true)
	set := startModeSet(t, tm, admin, vcha.VchaClusterClusterModeDISABLED)
	assertRefused(t, tm, admin, set, vcha.StdErrorsErrorTypeNOTALLOWEDINCURRENTSTATE, "already running")
	tm.clock.Advance(DefaultTaskDuration)
	assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, taskStatus(t, tm, admin, fo))
	assert.Equal(t, vcha.VchaClusterClusterModeENABLED, getMode(t, tm, admin))

	set = startModeSet(t, tm, admin, vcha.VchaClusterClusterModeMAINTENANCE)
	fo = startFailover(t, tm, admin, false)
	assertRefused(t, tm, admin, fo, vcha.StdErrorsErrorTypeNOTALLOWEDINCURRENTSTATE, "already running")
	tm.clock.Advance(DefaultTaskDuration)
	assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, taskStatus(t, tm, admin, set))
	n1, _ := roles(getCluster(t, tm, admin))
	assert.Equal(t, vcha.VchaClusterNodeRolePASSIVE, n1, "only the first failover swapped the roles")
}

// TestVCHAMode_GetWhenNotConfigured checks the 400
// NOT_ALLOWED_IN_CURRENT_STATE of mode get, and the refused mode change, on a
// cluster that is not configured.
func TestVCHAMode_GetWhenNotConfigured(t *testing.T) {
	tm := newTestMock(t, WithFixture(vchaFixture(t, func(f *VCHAFixture) {
		f.Cluster.ConfigState = new(vcha.VchaClusterConfigStateNOTCONFIGURED)
	})))
	admin := vchaLogin(t, tm, vchaAdmin)
	resp, err := vchaClient(t, tm).GetVchaClusterModeWithResponse(context.Background(), withToken(admin))
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode())
	assert.Equal(t, vcha.StdErrorsErrorTypeNOTALLOWEDINCURRENTSTATE, *resp.JSON400.ErrorType)

	id := startModeSet(t, tm, admin, vcha.VchaClusterClusterModeDISABLED)
	assertRefused(t, tm, admin, id, vcha.StdErrorsErrorTypeNOTALLOWEDINCURRENTSTATE, "not configured")
}
