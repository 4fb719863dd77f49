package client_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/gen/vcha"
)

const (
	vchaTaskID = "52b0c3d4-1e2f-7a8b-9c0d-e1f2a3b4c5d6:com.vmware.vcenter.vcha.cluster"
	modeTaskID = "52e4a6b8-0c1d-2e3f-4a5b-6c7d8e9f0a1b:com.vmware.vcenter.vcha.cluster.mode"
)

// vchaFake is a hand-written vCenter: it accepts one user, and its failover
// task goes through the given statuses, one per poll, repeating the last.
type vchaFake struct {
	t        *testing.T
	statuses []string
	polls    counter

	mu          sync.Mutex
	failoverURI string
	failoverCT  string
	failoverBdy string
	modeBody    string
}

// vchaTask returns a failover task with the given status.
func vchaTask(status string, completed int) map[string]any {
	task := map[string]any{
		"description": map[string]any{"id": "com.vmware.vcenter.vcha.cluster.failover", "default_message": "Initiate failover", "args": []string{}},
		"service":     "com.vmware.vcenter.vcha.cluster", "operation": "failover", "status": status, "cancelable": false,
	}
	if status != "PENDING" {
		task["start_time"] = "2025-01-01T10:00:00.000Z"
		task["progress"] = map[string]any{"total": 100, "completed": completed, "message": map[string]any{"id": "p", "default_message": "Failover in progress", "args": []string{}}}
	}
	if status == "FAILED" {
		task["end_time"] = "2025-01-01T10:00:00.250Z"
		task["error"] = vchaErr("NOT_ALLOWED_IN_CURRENT_STATE", "Failover is not allowed: the cluster mode is DISABLED.")
	}
	return task
}

// vchaErr returns a Std_Errors_Error body.
func vchaErr(errorType, msg string) map[string]any {
	return map[string]any{"error_type": errorType, "messages": []any{map[string]any{"id": "failoverkit.test", "default_message": msg, "args": []string{}}}}
}

// server starts the fake.
func (f *vchaFake) server() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/session", f.login)
	mux.HandleFunc("GET /api/session", f.auth(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"user": "Administrator@vsphere.local", "created_time": "2025-01-01T10:00:00.000Z", "last_accessed_time": "2025-01-01T10:05:42.317Z"})
	}))
	mux.HandleFunc("DELETE /api/session", f.auth(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) }))
	mux.HandleFunc("POST /api/vcenter/vcha/cluster", f.auth(f.cluster))
	mux.HandleFunc("GET /api/vcenter/vcha/cluster/mode", f.auth(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"mode": "ENABLED"})
	}))
	mux.HandleFunc("PUT /api/vcenter/vcha/cluster/mode", f.auth(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.modeBody = readBody(f.t, r)
		f.mu.Unlock()
		writeJSON(w, 202, modeTaskID)
	}))
	mux.HandleFunc("GET /api/cis/tasks/{task}", f.auth(f.task))
	return newServer(f.t, mux)
}

// auth refuses requests without the session token.
func (f *vchaFake) auth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("vmware-api-session-id") != vchaToken {
			writeJSON(w, 401, vchaErr("UNAUTHENTICATED", "Authentication required."))
			return
		}
		assert.Equal(f.t, "application/json", r.Header.Get("Accept"))
		next(w, r)
	}
}

// login accepts vchaUser/vchaPassword with HTTP Basic.
func (f *vchaFake) login(w http.ResponseWriter, r *http.Request) {
	assert.Empty(f.t, r.Header.Get("vmware-api-session-id"), "login must not send a token")
	user, password, ok := r.BasicAuth()
	if !ok || user != vchaUser || password != vchaPassword {
		body := vchaErr("UNAUTHENTICATED", "Authentication required.")
		body["challenge"] = `Basic realm="vCenter"`
		w.Header().Set("WWW-Authenticate", `Basic realm="vCenter"`)
		writeJSON(w, 401, body)
		return
	}
	writeJSON(w, 201, vchaToken)
}

// cluster serves the failover (action=failover&vmw-task=true) and the get (action=get).
func (f *vchaFake) cluster(w http.ResponseWriter, r *http.Request) {
	switch q := r.URL.Query(); {
	case q.Get("action") == "failover" && q.Get("vmw-task") == "true":
		f.mu.Lock()
		f.failoverURI, f.failoverCT, f.failoverBdy = r.RequestURI, r.Header.Get("Content-Type"), readBody(f.t, r)
		f.mu.Unlock()
		writeJSON(w, 202, vchaTaskID)
	case q.Get("action") == "get":
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		info := map[string]any{"config_state": "CONFIGURED", "mode": "ENABLED", "health_state": "HEALTHY"}
		if body["partial"] != true {
			info["manual_failover_allowed"] = true
		}
		writeJSON(w, 200, info)
	default:
		writeJSON(w, 400, vchaErr("INVALID_REQUEST", "The API expects a task request but received a synchronous (non-task) request."))
	}
}

// task answers the next status of f.statuses.
func (f *vchaFake) task(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("task") != vchaTaskID {
		writeJSON(w, 404, vchaErr("NOT_FOUND", "Task "+r.PathValue("task")+" not found."))
		return
	}
	n := f.polls.inc()
	status := f.statuses[min(n, len(f.statuses))-1]
	writeJSON(w, 200, vchaTask(status, min(n*30, 100)))
}

// failoverRequest returns what the last failover request carried.
func (f *vchaFake) failoverRequest() (uri, contentType, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failoverURI, f.failoverCT, f.failoverBdy
}

// loggedInVCHA returns a client logged in to a fresh fake.
func loggedInVCHA(t *testing.T, f *vchaFake) *client.VCHA {
	t.Helper()
	c := newVCHA(t, f.server())
	require.NoError(t, c.Login(context.Background(), vchaUser, vchaPassword))
	return c
}

func TestVCHALoginStoresAndSendsToken(t *testing.T) {
	f := &vchaFake{t: t, statuses: []string{"SUCCEEDED"}}
	c := newVCHA(t, f.server())
	ctx := context.Background()

	_, err := c.Session(ctx)
	require.True(t, client.IsVCHAErrorType(err, vcha.StdErrorsErrorTypeUNAUTHENTICATED), "before login: %v", err)

	require.NoError(t, c.Login(ctx, vchaUser, vchaPassword))
	assert.True(t, c.LoggedIn())

	// The fake answers GET /api/session only with the token in vmware-api-session-id.
	info, err := c.Session(ctx)
	require.NoError(t, err)
	assert.Equal(t, "Administrator@vsphere.local", info.User)

	// A second login does not send the current token (the fake asserts it).
	require.NoError(t, c.Login(ctx, vchaUser, vchaPassword))

	require.NoError(t, c.Logout(ctx))
	assert.False(t, c.LoggedIn())
	_, err = c.Session(ctx)
	require.Error(t, err, "the token is not sent after logout")
}

func TestVCHALoginFailure(t *testing.T) {
	f := &vchaFake{t: t}
	c := newVCHA(t, f.server())

	err := c.Login(context.Background(), vchaUser, "wrong-password")
	var he *client.VCHAError
	require.ErrorAs(t, err, &he)
	assert.Equal(t, http.StatusUnauthorized, he.Status)
	assert.Equal(t, "createSession", he.Op)
	require.NotNil(t, he.Body.ErrorType)
	assert.Equal(t, vcha.StdErrorsErrorTypeUNAUTHENTICATED, *he.Body.ErrorType)
	require.NotNil(t, he.Body.Challenge)
	assert.Equal(t, `Basic realm="vCenter"`, *he.Body.Challenge)
	assert.Equal(t, "vcha createSession: 401 UNAUTHENTICATED: Authentication required.", err.Error())
	assert.False(t, c.LoggedIn())
}

func TestVCHALoginEmptyToken(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 201, "") }))
	c := newVCHA(t, srv)
	err := c.Login(context.Background(), vchaUser, vchaPassword)
	require.ErrorIs(t, err, client.ErrMissingToken)
	require.ErrorAs(t, err, new(*client.UnexpectedResponseError))
	assert.False(t, c.LoggedIn())
}

func TestVCHAFailoverRoundTrip(t *testing.T) {
	f := &vchaFake{t: t, statuses: []string{"PENDING", "RUNNING", "BLOCKED", "RUNNING", "SUCCEEDED"}}
	c := loggedInVCHA(t, f)
	ctx := context.Background()

	id, err := c.Failover(ctx, true)
	require.NoError(t, err)
	assert.Equal(t, vchaTaskID, id)
	uri, ct, body := f.failoverRequest()
	assert.Equal(t, "/api/vcenter/vcha/cluster?action=failover&vmw-task=true", uri)
	assert.Equal(t, "application/json", ct)
	assert.JSONEq(t, `{"planned":true}`, body)
	assert.Equal(t, `{"planned":true}`, trimNewline(body))

	wait, clock := instant()
	var states []string
	task, err := c.WaitTask(ctx, id, wait, client.OnProgress(func(state string, pct int) {
		states = append(states, state+" "+itoa(pct))
	}))
	require.NoError(t, err)
	assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, task.Status)
	assert.Equal(t, 5, f.polls.get(), "PENDING, RUNNING and BLOCKED keep polling")
	assert.Equal(t, []string{"PENDING 0", "RUNNING 60", "BLOCKED 90", "RUNNING 100", "SUCCEEDED 100"}, states)
	assert.Len(t, clock.recorded(), 4)
}

func TestVCHAForcedFailoverBody(t *testing.T) {
	f := &vchaFake{t: t, statuses: []string{"SUCCEEDED"}}
	c := loggedInVCHA(t, f)
	_, err := c.Failover(context.Background(), false)
	require.NoError(t, err)
	_, _, body := f.failoverRequest()
	assert.JSONEq(t, `{"planned":false}`, body)
}

func TestVCHAWaitTaskRunningTwiceThenSucceeded(t *testing.T) {
	f := &vchaFake{t: t, statuses: []string{"RUNNING", "RUNNING", "SUCCEEDED"}}
	c := loggedInVCHA(t, f)
	wait, _ := instant()
	task, err := c.WaitTask(context.Background(), vchaTaskID, wait)
	require.NoError(t, err)
	assert.Equal(t, vcha.CisTaskStatusSUCCEEDED, task.Status)
	assert.Equal(t, 3, f.polls.get())
}

func TestVCHAWaitTaskFailed(t *testing.T) {
	f := &vchaFake{t: t, statuses: []string{"RUNNING", "FAILED"}}
	c := loggedInVCHA(t, f)
	wait, _ := instant()

	task, err := c.WaitTask(context.Background(), vchaTaskID, wait)
	require.NotNil(t, task)
	assert.Equal(t, vcha.CisTaskStatusFAILED, task.Status)

	var tf *client.TaskFailedError
	require.ErrorAs(t, err, &tf)
	assert.Equal(t, "vcha", tf.API)
	assert.Equal(t, "FAILED", tf.State)
	assert.Equal(t, vchaTaskID, tf.TaskID)
	require.NotNil(t, tf.VCHATask)
	assert.Nil(t, tf.VCAVTask)

	var he *client.VCHAError
	require.ErrorAs(t, err, &he)
	assert.Equal(t, 0, he.Status)
	require.Len(t, he.Body.Messages, 1)
	assert.Equal(t, "Failover is not allowed: the cluster mode is DISABLED.", he.Body.Messages[0].DefaultMessage)
	assert.True(t, client.IsVCHAErrorType(err, vcha.StdErrorsErrorTypeNOTALLOWEDINCURRENTSTATE))
	assert.Equal(t, "vcha task "+vchaTaskID+" FAILED: NOT_ALLOWED_IN_CURRENT_STATE: Failover is not allowed: the cluster mode is DISABLED.", err.Error())
}

func TestVCHAWaitTaskUnknownStatusIsFailure(t *testing.T) {
	f := &vchaFake{t: t, statuses: []string{"RUNNING", "CANCELED"}}
	c := loggedInVCHA(t, f)
	wait, _ := instant()
	_, err := c.WaitTask(context.Background(), vchaTaskID, wait)
	var tf *client.TaskFailedError
	require.ErrorAs(t, err, &tf)
	assert.Equal(t, "CANCELED", tf.State)
	assert.Contains(t, err.Error(), "without an error description")
}

func TestVCHAFailoverErrorStatuses(t *testing.T) {
	tests := []struct {
		status    int
		errorType vcha.StdErrorsErrorType
		msg       string
	}{
		{400, vcha.StdErrorsErrorTypeINVALIDARGUMENT, "Body Field does not contain required field : 'planned'"},
		{401, vcha.StdErrorsErrorTypeUNAUTHENTICATED, "Authentication required."},
		{403, vcha.StdErrorsErrorTypeUNAUTHORIZED, "Unable to authorize user"},
		{413, vcha.StdErrorsErrorTypeINVALIDREQUEST, "The request body is too large (limit 1048576 bytes)."},
		{500, vcha.StdErrorsErrorTypeERROR, "An internal error occurred."},
	}
	for _, tc := range tests {
		t.Run(string(tc.errorType), func(t *testing.T) {
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, tc.status, vchaErr(string(tc.errorType), tc.msg))
			}))
			c := newVCHA(t, srv)

			id, err := c.Failover(context.Background(), true)
			assert.Empty(t, id)
			var he *client.VCHAError
			require.ErrorAs(t, err, &he)
			assert.Equal(t, tc.status, he.Status)
			assert.Equal(t, "failoverVchaClusterAsync", he.Op)
			require.NotNil(t, he.Body.ErrorType)
			assert.Equal(t, tc.errorType, *he.Body.ErrorType)
			require.Len(t, he.Body.Messages, 1)
			assert.Equal(t, tc.msg, he.Body.Messages[0].DefaultMessage)
			assert.True(t, client.IsVCHAErrorType(err, tc.errorType))
			assert.False(t, client.IsVCHAErrorType(err, vcha.StdErrorsErrorTypeNOTFOUND))
			assert.Equal(t, "vcha failoverVchaClusterAsync: "+itoa(tc.status)+" "+string(tc.errorType)+": "+tc.msg, err.Error())
		})
	}
}

func TestVCHAUnexpectedResponses(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
	}{
		{"bare 401 like vcsim", 401, "", ""},
		{"html from a proxy", 503, "text/html", "<html>Service Unavailable</html>"},
		{"json of another shape", 500, "application/json", `{"type":"com.vmware.vapi.std.errors.error","value":{}}`},
		{"success that is not a string", 202, "application/json", `{"value":"task"}`},
		{"empty task id", 202, "application/json", `""`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				writeRaw(w, tc.status, tc.contentType, tc.body)
			}))
			c := newVCHA(t, srv)
			_, err := c.Failover(context.Background(), true)
			var ue *client.UnexpectedResponseError
			require.ErrorAs(t, err, &ue)
			assert.Equal(t, "vcha", ue.API)
			assert.Equal(t, tc.status, ue.Status)
			assert.Equal(t, "failoverVchaClusterAsync", ue.Op)
			assert.Equal(t, tc.contentType, ue.ContentType)
			assert.Equal(t, tc.body, ue.Excerpt)
			assert.NotErrorAs(t, err, new(*client.VCHAError))
		})
	}
}

func TestVCHAClusterAndMode(t *testing.T) {
	f := &vchaFake{t: t, statuses: []string{"SUCCEEDED"}}
	c := loggedInVCHA(t, f)
	ctx := context.Background()

	info, err := c.Cluster(ctx, false)
	require.NoError(t, err)
	require.NotNil(t, info.Mode)
	assert.Equal(t, vcha.VchaClusterClusterModeENABLED, *info.Mode)
	require.NotNil(t, info.ManualFailoverAllowed)

	info, err = c.Cluster(ctx, true)
	require.NoError(t, err)
	assert.Nil(t, info.ManualFailoverAllowed, "partial was sent")

	mode, err := c.Mode(ctx)
	require.NoError(t, err)
	assert.Equal(t, vcha.VchaClusterClusterModeENABLED, mode)

	id, err := c.SetMode(ctx, vcha.VchaClusterClusterModeMAINTENANCE)
	require.NoError(t, err)
	assert.Equal(t, modeTaskID, id)
	f.mu.Lock()
	assert.JSONEq(t, `{"mode":"MAINTENANCE"}`, f.modeBody)
	f.mu.Unlock()

	_, err = c.Task(ctx, "unknown:com.vmware.vcenter.vcha.cluster")
	assert.True(t, client.IsVCHAErrorType(err, vcha.StdErrorsErrorTypeNOTFOUND), "%v", err)
	_, err = c.Task(ctx, "")
	require.Error(t, err)
}

// trimNewline removes the trailing newline json.Encoder may add.
func trimNewline(s string) string {
	if n := len(s); n > 0 && s[n-1] == '\n' {
		return s[:n-1]
	}
	return s
}
