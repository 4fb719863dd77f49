package server

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcha"
	"github.com/failoverkit/failoverkit/spec"
)

// Default fixture users of the vSphere mock.
const (
	vchaAdmin    = "administrator@vsphere.local"
	vchaReadonly = "readonly@vsphere.local"
	vchaPassword = "vmware"
)

// vchaClient returns a generated client that talks to tm's vSphere server
// through the validating transport.
func vchaClient(t testing.TB, tm *testMock) *vcha.ClientWithResponses {
	t.Helper()
	c, err := vcha.NewClientWithResponses(tm.vchaURL, vcha.WithHTTPClient(tm.vchaHC))
	require.NoError(t, err)
	return c
}

// basicAuth sets HTTP Basic credentials on a request.
func basicAuth(user, pw string) vcha.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.SetBasicAuth(user, pw)
		return nil
	}
}

// withToken sends a session token.
func withToken(token string) vcha.RequestEditorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("vmware-api-session-id", token)
		return nil
	}
}

// vchaLogin logs user in and returns the session token.
func vchaLogin(t testing.TB, tm *testMock, user string) string {
	t.Helper()
	resp, err := vchaClient(t, tm).CreateSessionWithResponse(context.Background(), basicAuth(user, vchaPassword))
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, resp.StatusCode(), string(resp.Body))
	require.NotNil(t, resp.JSON201)
	return *resp.JSON201
}

// startFailover starts a failover and returns the task id.
func startFailover(t testing.TB, tm *testMock, token string, planned bool) string {
	t.Helper()
	resp, err := vchaClient(t, tm).FailoverVchaClusterAsyncWithResponse(context.Background(),
		vcha.FailoverVchaClusterAsyncJSONRequestBody{Planned: planned}, withToken(token))
	require.NoError(t, err)
	require.Equal(t, http.StatusAccepted, resp.StatusCode(), string(resp.Body))
	return *resp.JSON202
}

// startModeSet starts a mode change and returns the task id.
func startModeSet(t testing.TB, tm *testMock, token string, mode vcha.VchaClusterClusterMode) string {
	t.Helper()
	resp, err := vchaClient(t, tm).SetVchaClusterModeAsyncWithResponse(context.Background(),
		vcha.SetVchaClusterModeAsyncJSONRequestBody{Mode: mode}, withToken(token))
	require.NoError(t, err)
	require.Equal(t, http.StatusAccepted, resp.StatusCode(), string(resp.Body))
	return *resp.JSON202
}

// getTask reads a task that must exist.
func getTask(t testing.TB, tm *testMock, token, id string) vcha.TaskInfo {
	t.Helper()
	resp, err := vchaClient(t, tm).GetTaskWithResponse(context.Background(), id, nil, withToken(token))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	return *resp.JSON200
}

// taskStatus reads a task's status.
func taskStatus(t testing.TB, tm *testMock, token, id string) vcha.CisTaskStatus {
	t.Helper()
	return getTask(t, tm, token, id).Status
}

// getCluster reads the full cluster information as the given user.
func getCluster(t testing.TB, tm *testMock, token string) vcha.VchaClusterInfo {
	t.Helper()
	resp, err := vchaClient(t, tm).GetVchaClusterWithResponse(context.Background(),
		vcha.GetVchaClusterJSONRequestBody{}, withToken(token))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	return *resp.JSON200
}

// getMode reads the cluster mode.
func getMode(t testing.TB, tm *testMock, token string) vcha.VchaClusterClusterMode {
	t.Helper()
	resp, err := vchaClient(t, tm).GetVchaClusterModeWithResponse(context.Background(), withToken(token))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	return resp.JSON200.Mode
}

// roles returns node1's and node2's roles.
func roles(c vcha.VchaClusterInfo) (vcha.VchaClusterNodeRole, vcha.VchaClusterNodeRole) {
	return *c.Node1.Runtime.Role, *c.Node2.Runtime.Role
}

// vchaError decodes a vSphere error body.
func vchaError(t testing.TB, body []byte) vcha.StdErrorsError {
	t.Helper()
	var e vcha.StdErrorsError
	require.NoError(t, json.Unmarshal(body, &e), string(body))
	require.NotNil(t, e.ErrorType, string(body))
	require.NotEmpty(t, e.Messages, string(body))
	for _, m := range e.Messages {
		require.NotNil(t, m.Args, "args must never be null")
	}
	return e
}

// vchaFixture returns the default fixture with edit applied to its vSphere
// section.
func vchaFixture(t testing.TB, edit func(f *VCHAFixture)) *Fixture {
	t.Helper()
	def, err := DefaultFixture()
	require.NoError(t, err)
	edit(def.VCHA)
	return &Fixture{VCHA: def.VCHA}
}

// pendingSlice is how long a task of duration d stays PENDING.
func pendingSlice(d time.Duration) time.Duration { return min(100*time.Millisecond, d/10) }

// vchaURL builds a URL on tm's vSphere server.
func vchaURL(tm *testMock, path string) string { return tm.vchaURL + path }

// vchaSim is the mock's vSphere simulation, for tests that look inside it.
func (m *Mock) vchaSim() *vchaMock { return m.mounted(spec.VCHA).sim.(*vchaMock) }
