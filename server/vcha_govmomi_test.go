package server

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vmware/govmomi/vapi/cis/tasks"
	"github.com/vmware/govmomi/vapi/rest"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/soap"

	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

// These tests run govmomi v0.56.0's own REST client (a test dependency only)
// against the mock, unchanged. Every answer also goes through the
// validating transport. Client files cited are at govmomi tag v0.56.0.

// govmomiClient builds a rest.Client for the mock the way govmomi's own
// tests do (internal/helpers_test.go: &vim25.Client{Client: soap.NewClient(u,
// true)}), without the SOAP round trip vim25.NewClient would make.
func govmomiClient(t *testing.T, tm *testMock) *rest.Client {
	t.Helper()
	u, err := url.Parse(tm.vchaURL)
	require.NoError(t, err)
	sc := soap.NewClient(u, true)
	v, err := oasvalidate.New(spec.VCHA)
	require.NoError(t, err)
	base := sc.Client.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	sc.Client.Transport = &validatingTransport{t: t, v: v, base: base}
	return rest.NewClient(&vim25.Client{Client: sc})
}

// TestGovmomi_LoginSessionLogout replays vapi/rest/client.go Login (POST
// /rest/com/vmware/cis/session, Basic, Vmware-Use-Header-Authn: true, an
// empty chunked body, {"value": token} unwrapped), Session (POST
// ...?~action=get; 401 means "no session") and Logout (DELETE).
func TestGovmomi_LoginSessionLogout(t *testing.T) {
	tm := newTestMock(t)
	rc := govmomiClient(t, tm)
	ctx := context.Background()

	require.NoError(t, rc.Login(ctx, url.UserPassword(vchaAdmin, vchaPassword)))
	require.NotEmpty(t, rc.SessionID())
	s, err := rc.Session(ctx)
	require.NoError(t, err)
	require.NotNil(t, s)
	assert.Equal(t, vchaAdmin, s.User)
	assert.Equal(t, testStart, s.Created.UTC())

	require.NoError(t, rc.Logout(ctx))
	s, err = rc.Session(ctx)
	require.NoError(t, err)
	assert.Nil(t, s, "after logout the token is refused with 401, which govmomi reads as no session")

	err = govmomiClient(t, tm).Login(ctx, url.UserPassword(vchaAdmin, "wrong"))
	assert.True(t, rest.IsStatusError(err, http.StatusUnauthorized), "%v", err)
	require.NoError(t, govmomiClient(t, tm).Login(ctx, url.UserPassword(`VSPHERE.LOCAL\administrator`, vchaPassword)),
		"vCenter login-name forms")
}

// govmomiStartFailover starts a failover the way govmomi's task-style
// helpers call an operation (vapi/esx/settings/clusters/clusters.go:
// Resource(...).WithParam("action", ...).WithParam("vmw-task", "true"),
// Request(POST, body), Do(ctx, req, &taskID)) and returns the task id.
func govmomiStartFailover(t *testing.T, rc *rest.Client, planned bool) string {
	t.Helper()
	req := rc.Resource("/api/vcenter/vcha/cluster").
		WithParam("action", "failover").WithParam("vmw-task", "true").
		Request(http.MethodPost, struct {
			Planned bool `json:"planned"`
		}{planned})
	var taskID string
	require.NoError(t, rc.Do(context.Background(), req, &taskID))
	assert.Regexp(t, `^task-[0-9]+:com\.vmware\.vcenter\.vcha\.cluster$`, taskID)
	return taskID
}

// TestGovmomi_FailoverWaitForCompletion starts a failover and waits with
// vapi/cis/tasks/tasks.go Manager.WaitForCompletion, polling every second
// on the real clock, until SUCCEEDED. The outage stays off here (see
// TestGovmomi_WaitForCompletionThroughTheOutage).
func TestGovmomi_FailoverWaitForCompletion(t *testing.T) {
	tm := newTestMock(t, WithClock(realClock{}), WithTaskDuration(1500*time.Millisecond))
	rc := govmomiClient(t, tm)
	ctx := context.Background()
	require.NoError(t, rc.Login(ctx, url.UserPassword(vchaAdmin, vchaPassword)))
	taskID := govmomiStartFailover(t, rc, true)

	info, err := tasks.NewManagerWithCustomInterval(rc, 1).WaitForCompletion(ctx, taskID)
	require.NoError(t, err)
	assert.Equal(t, tasks.Succeeded, info.Status)
	assert.Equal(t, "com.vmware.vcenter.vcha.cluster", info.Service)
	assert.Equal(t, "failover", info.Operation)
	require.NotNil(t, info.Start)
	require.NotNil(t, info.End)
	assert.True(t, info.End.After(*info.Start))
	n1, n2 := roles(tm.State().VCHA.Cluster)
	assert.Equal(t, "PASSIVE", string(n1))
	assert.Equal(t, "ACTIVE", string(n2))
	require.NoError(t, rc.Logout(ctx))
}

// TestGovmomi_WaitForCompletionOfAFailedTask: a failover started while
// another runs is accepted and its task ends FAILED; v0.56's waiter returns
// the task with the error the body carries (Info.Err: the first of
// error.messages, wrapped with the task id), which needs the vAPI error
// shape {error_type, messages} in the task's error.
func TestGovmomi_WaitForCompletionOfAFailedTask(t *testing.T) {
	tm := newTestMock(t, WithTaskDuration(10*time.Second))
	rc := govmomiClient(t, tm)
	ctx := context.Background()
	require.NoError(t, rc.Login(ctx, url.UserPassword(vchaAdmin, vchaPassword)))
	govmomiStartFailover(t, rc, true)
	second := govmomiStartFailover(t, rc, true)
	tm.clock.Advance(time.Minute)

	info, err := tasks.NewManagerWithCustomInterval(rc, 1).WaitForCompletion(ctx, second)
	require.Error(t, err)
	assert.Equal(t, tasks.Failed, info.Status)
	assert.Equal(t, rest.ErrNotAllowedInCurrentState, info.Error.ErrorType)
	require.NotEmpty(t, info.Error.Messages)
	var msg *rest.LocalizableMessage
	require.ErrorAs(t, err, &msg)
	assert.Equal(t, info.Error.Messages[0].DefaultMessage, msg.DefaultMessage)
	assert.Contains(t, err.Error(), second)
}

// TestGovmomi_WaitForCompletionThroughTheOutage replays what a v0.56 user
// meets when the vCenter fails over under it (the outage on, with its
// reset phase): WaitForCompletion returns an error, without panicking,
// when a poll's connection is reset and when it is answered 503; after the
// outage the old session is gone (the waiter returns the 401), and a new
// Login then WaitForCompletion reads the task SUCCEEDED. The mock's clock
// is moved between the calls, so each call's first poll meets one phase.
func TestGovmomi_WaitForCompletionThroughTheOutage(t *testing.T) {
	const run, outage, reset = 10 * time.Second, 30 * time.Second, 12 * time.Second
	tm := newTestMock(t, WithTaskDuration(run), WithVCHAOutage(outage), WithVCHAOutageReset(reset))
	rc := govmomiClient(t, tm)
	ctx := context.Background()
	require.NoError(t, rc.Login(ctx, url.UserPassword(vchaAdmin, vchaPassword)))
	taskID := govmomiStartFailover(t, rc, true)
	waiter := tasks.NewManagerWithCustomInterval(rc, 1)

	tm.clock.Advance(run) // the switch-over: connections reset
	_, err := waiter.WaitForCompletion(ctx, taskID)
	require.Error(t, err, "a reset connection")
	assert.False(t, rest.IsStatusError(err, http.StatusServiceUnavailable), "no HTTP answer: %v", err)

	tm.clock.Advance(reset) // then 503
	_, err = waiter.WaitForCompletion(ctx, taskID)
	require.Error(t, err)
	assert.True(t, rest.IsStatusError(err, http.StatusServiceUnavailable), "%v", err)

	tm.clock.Advance(outage - reset) // over: the session did not survive
	_, err = waiter.WaitForCompletion(ctx, taskID)
	assert.True(t, rest.IsStatusError(err, http.StatusUnauthorized), "%v", err)

	require.NoError(t, rc.Login(ctx, url.UserPassword(vchaAdmin, vchaPassword)))
	info, err := waiter.WaitForCompletion(ctx, taskID)
	require.NoError(t, err)
	assert.Equal(t, tasks.Succeeded, info.Status, "the task outlives the outage")
}
