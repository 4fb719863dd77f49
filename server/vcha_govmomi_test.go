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

// These tests run govmomi v0.52.0's own REST client (a test dependency only)
// against the mock, unchanged. Every answer also goes through the
// validating transport. Client files cited are at govmomi tag v0.52.0.

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

// TestGovmomi_FailoverWaitForCompletion starts a failover the way govmomi's
// task-style helpers call an operation (vapi/esx/settings/clusters/clusters.go:
// Resource(...).WithParam("action", ...).WithParam("vmw-task", "true"),
// Request(POST, body), Do(ctx, req, &taskID)) and waits with
// vapi/cis/tasks/tasks.go Manager.WaitForCompletion, polling every second
// on the real clock, until SUCCEEDED. The outage stays off: v0.52's waiter
// panics on any non-2xx answer, so it cannot live through one.
func TestGovmomi_FailoverWaitForCompletion(t *testing.T) {
	tm := newTestMock(t, WithClock(realClock{}), WithTaskDuration(1500*time.Millisecond))
	rc := govmomiClient(t, tm)
	ctx := context.Background()
	require.NoError(t, rc.Login(ctx, url.UserPassword(vchaAdmin, vchaPassword)))

	req := rc.Resource("/api/vcenter/vcha/cluster").
		WithParam("action", "failover").WithParam("vmw-task", "true").
		Request(http.MethodPost, struct {
			Planned bool `json:"planned"`
		}{true})
	var taskID string
	require.NoError(t, rc.Do(ctx, req, &taskID))
	assert.Regexp(t, `^task-[0-9]+:com\.vmware\.vcenter\.vcha\.cluster$`, taskID)

	status, err := tasks.NewManagerWithCustomInterval(rc, 1).WaitForCompletion(ctx, taskID)
	require.NoError(t, err)
	assert.Equal(t, "SUCCEEDED", status)
	n1, n2 := roles(tm.State().VCHA.Cluster)
	assert.Equal(t, "PASSIVE", string(n1))
	assert.Equal(t, "ACTIVE", string(n2))
	require.NoError(t, rc.Logout(ctx))
}
