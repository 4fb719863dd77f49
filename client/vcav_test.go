package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/gen/vcav"
)

const (
	replicationID = "C4-09b2917c-bbe9-4693-ae3f-95b43a94b244"
	vcavTaskID    = "3f1d7a52-8c1e-4b6a-9d2f-6a0e5c4b7e19"
)

// vcavFake is a hand-written VCAV server: it accepts one user, serves one
// replication and one failover task that stays RUNNING for runningPolls
// polls and then ends as final.
type vcavFake struct {
	t            *testing.T
	runningPolls int
	final        map[string]any
	polls        counter
	failovers    counter

	mu       sync.Mutex
	lastBody string
	lastSite string
}

// last returns the body and site of the last failover request.
func (f *vcavFake) last() (body, site string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lastBody, f.lastSite
}

// newVCAVFake returns a fake whose task succeeds after runningPolls polls.
func newVCAVFake(t *testing.T, runningPolls int) *vcavFake {
	return &vcavFake{t: t, runningPolls: runningPolls, final: vcavTask("SUCCEEDED", 100)}
}

// vcavTask returns a failover task in the given state.
func vcavTask(state string, progress int) map[string]any {
	task := map[string]any{
		"id": vcavTaskID, "user": vcavUser, "site": "site2", "state": state,
		"progress": progress, "startTime": 1718000100000, "endTime": -1,
		"workflowInfo": map[string]any{"type": "failover", "resourceType": "vmReplication", "resourceId": replicationID},
	}
	switch state {
	case "SUCCEEDED":
		task["endTime"] = 1718000190000
		task["resultType"] = "SingleVmReplicationInfo"
		task["result"] = vcavReplication("COMPLETE")
	case "FAILED":
		task["endTime"] = 1718000160000
		task["error"] = map[string]any{"args": []string{}, "code": "GeneralServerFailure", "msg": "Failover of VM replication " + replicationID + " failed: the destination storage profile has not enough free space."}
	}
	return task
}

// vcavReplication returns the replication in the given recovery state.
func vcavReplication(recoveryState string) map[string]any {
	return map[string]any{
		"id": replicationID, "owner": "org1@site1", "vmName": "web-01",
		"destinationState": map[string]any{"recoveryInfo": map[string]any{"recoveryState": recoveryState}},
	}
}

// vcavErr returns an ApiError body.
func vcavErr(code, msg string) map[string]any {
	return map[string]any{"args": []string{}, "code": code, "msg": msg}
}

// server starts the fake.
func (f *vcavFake) server() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /sessions", f.login)
	mux.HandleFunc("GET /sessions", f.auth(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"user": vcavUser, "roles": []string{"EVERYONE"}, "authenticatedSites": []any{map[string]any{"site": "site2", "org": "org1"}}})
	}))
	mux.HandleFunc("DELETE /sessions", f.auth(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) }))
	mux.HandleFunc("POST /vm-replications/{id}/failover", f.auth(f.failover))
	mux.HandleFunc("GET /tasks/{id}", f.auth(f.task))
	mux.HandleFunc("GET /vm-replications/{id}", f.auth(func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != replicationID {
			writeJSON(w, 404, vcavErr("VmReplicationNotFound", "VM replication "+r.PathValue("id")+" not found."))
			return
		}
		writeJSON(w, 200, vcavReplication("NOT_STARTED"))
	}))
	mux.HandleFunc("GET /vm-replications", f.auth(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"items": []any{vcavReplication("NOT_STARTED")}, "offset": 0, "limit": 100, "total": 1, "echo": r.URL.RawQuery})
	}))
	return newServer(f.t, mux)
}

// auth refuses requests without the session token.
func (f *vcavFake) auth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-VCAV-Auth") != vcavToken {
			writeJSON(w, 401, vcavErr("NotAuthenticated", "Not authenticated."))
			return
		}
		assert.Equal(f.t, "application/json", r.Header.Get("Accept"))
		next(w, r)
	}
}

// login accepts vcavUser/vcavPassword as vcdCredentials and root/vcavPassword as localUser.
func (f *vcavFake) login(w http.ResponseWriter, r *http.Request) {
	assert.Empty(f.t, r.Header.Get("X-VCAV-Auth"), "login must not send a token")
	var body map[string]string
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeJSON(w, 400, vcavErr("BadRequest", "Invalid request body."))
		return
	}
	ok := body["type"] == "vcdCredentials" && body["vcdUser"] == vcavUser && body["vcdPassword"] == vcavPassword ||
		body["type"] == "localUser" && body["localUser"] == "root" && body["localPassword"] == vcavPassword
	if !ok {
		writeJSON(w, 401, vcavErr("NotAuthenticated", "Authentication required."))
		return
	}
	w.Header().Set("X-VCAV-Auth", vcavToken)
	writeJSON(w, 200, map[string]any{"user": vcavUser, "roles": []string{"EVERYONE", "VRADMINISTRATORS"}, "authenticatedSites": []any{}})
}

// failover accepts the failover of replicationID.
func (f *vcavFake) failover(w http.ResponseWriter, r *http.Request) {
	f.failovers.inc()
	f.mu.Lock()
	f.lastBody, f.lastSite = readBody(f.t, r), r.URL.Query().Get("site")
	f.mu.Unlock()
	if r.PathValue("id") != replicationID {
		writeJSON(w, 404, vcavErr("VmReplicationNotFound", "VM replication "+r.PathValue("id")+" not found."))
		return
	}
	writeJSON(w, 202, vcavTask("RUNNING", 0))
}

// task answers RUNNING for the first runningPolls polls, then final.
func (f *vcavFake) task(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("id") != vcavTaskID {
		writeJSON(w, 404, vcavErr("TaskNotFound", "Task "+r.PathValue("id")+" not found."))
		return
	}
	if n := f.polls.inc(); n <= f.runningPolls {
		writeJSON(w, 200, vcavTask("RUNNING", 40*n))
		return
	}
	writeJSON(w, 200, f.final)
}

// loggedInVCAV returns a client logged in to a fresh fake.
func loggedInVCAV(t *testing.T, f *vcavFake, opts ...client.Option) *client.VCAV {
	t.Helper()
	c := newVCAV(t, f.server(), opts...)
	_, err := c.LoginVCD(context.Background(), vcavUser, vcavPassword)
	require.NoError(t, err)
	return c
}

func TestVCAVLoginStoresAndSendsToken(t *testing.T) {
	f := newVCAVFake(t, 0)
	c := newVCAV(t, f.server())
	ctx := context.Background()

	_, err := c.Session(ctx)
	require.True(t, client.IsVCAVCode(err, "NotAuthenticated"), "before login: %v", err)
	assert.False(t, c.LoggedIn())

	details, err := c.LoginVCD(ctx, vcavUser, vcavPassword)
	require.NoError(t, err)
	assert.Equal(t, vcavUser, details.User)
	assert.True(t, c.LoggedIn())

	// The fake answers GET /sessions only with the token in X-VCAV-Auth.
	sess, err := c.Session(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"EVERYONE"}, sess.Roles)

	// A second login does not send the current token (the fake asserts it).
	_, err = c.LoginVCD(ctx, vcavUser, vcavPassword)
	require.NoError(t, err)

	require.NoError(t, c.Logout(ctx))
	assert.False(t, c.LoggedIn())
	require.NoError(t, c.Logout(ctx), "logout without a session is a no-op")
}

func TestVCAVLoginLocal(t *testing.T) {
	f := newVCAVFake(t, 0)
	c := newVCAV(t, f.server())
	_, err := c.LoginLocal(context.Background(), "root", vcavPassword)
	require.NoError(t, err)
	assert.True(t, c.LoggedIn())
}

func TestVCAVLoginFailure(t *testing.T) {
	f := newVCAVFake(t, 0)
	c := newVCAV(t, f.server())

	_, err := c.LoginVCD(context.Background(), vcavUser, "wrong-password")
	var ve *client.VCAVError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, http.StatusUnauthorized, ve.Status)
	assert.Equal(t, "login", ve.Op)
	assert.Equal(t, "NotAuthenticated", ve.Body.Code)
	assert.Equal(t, "vcav login: 401 NotAuthenticated: Authentication required.", err.Error())
	assert.False(t, c.LoggedIn())
}

func TestVCAVLoginWithoutTokenHeader(t *testing.T) {
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"user": vcavUser, "roles": []string{}, "authenticatedSites": []any{}})
	}))
	c := newVCAV(t, srv)
	_, err := c.LoginVCD(context.Background(), vcavUser, vcavPassword)
	require.ErrorIs(t, err, client.ErrMissingToken)
	assert.False(t, c.LoggedIn())
}

func TestVCAVLoginRejectsUntypedRequest(t *testing.T) {
	c := newVCAV(t, newServer(t, http.NotFoundHandler()))
	_, err := c.Login(context.Background(), vcav.AuthenticationRequest{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no type")
}

func TestVCAVFailoverRoundTrip(t *testing.T) {
	f := newVCAVFake(t, 2)
	c := loggedInVCAV(t, f)
	ctx := context.Background()

	task, err := c.FailoverToCloud(ctx, replicationID, vcav.VmFailoverSettings{PowerOn: ptr(true)}, client.Site("site2"))
	require.NoError(t, err)
	assert.Equal(t, vcavTaskID, task.Id)
	assert.Equal(t, vcav.TaskStateRUNNING, task.State)
	body, site := f.last()
	assert.JSONEq(t, `{"type":"vcloud","powerOn":true}`, body)
	assert.Equal(t, "site2", site)

	wait, clock := instant()
	var progress []string
	done, err := c.WaitTask(ctx, task.Id, wait, client.Site(*task.Site), client.OnProgress(func(state string, pct int) {
		progress = append(progress, state+" "+itoa(pct))
	}))
	require.NoError(t, err)
	assert.Equal(t, vcav.TaskStateSUCCEEDED, done.State)
	assert.Equal(t, 3, f.polls.get(), "RUNNING twice, then SUCCEEDED")
	assert.Equal(t, []string{"RUNNING 40", "RUNNING 80", "SUCCEEDED 100"}, progress)
	assert.Len(t, clock.recorded(), 2, "one sleep between two polls")

	repl, err := c.FailoverResult(done)
	require.NoError(t, err)
	assert.Equal(t, replicationID, repl.Id)
	assert.Equal(t, vcav.RecoveryStateCOMPLETE, repl.DestinationState.RecoveryInfo.RecoveryState)
}

func TestVCAVFailoverWithExplicitSettings(t *testing.T) {
	f := newVCAVFake(t, 0)
	c := loggedInVCAV(t, f)
	var settings vcav.VmReplicationFailoverSettings
	require.NoError(t, settings.FromVcFailoverSettings(vcav.VcFailoverSettings{PowerOn: ptr(false)}))

	_, err := c.Failover(context.Background(), replicationID, settings)
	require.NoError(t, err)
	body, site := f.last()
	assert.JSONEq(t, `{"type":"vcenter","powerOn":false}`, body)
	assert.Empty(t, site)

	_, err = c.Failover(context.Background(), replicationID, vcav.VmReplicationFailoverSettings{})
	require.Error(t, err, "settings without a type are refused before sending")
	_, err = c.Failover(context.Background(), "", settings)
	require.Error(t, err)
	assert.Equal(t, 1, f.failovers.get())
}

func TestVCAVWaitTaskFailed(t *testing.T) {
	f := newVCAVFake(t, 1)
	f.final = vcavTask("FAILED", 40)
	c := loggedInVCAV(t, f)
	wait, _ := instant()

	task, err := c.WaitTask(context.Background(), vcavTaskID, wait)
	require.Error(t, err)
	require.NotNil(t, task, "the final task is returned with the error")
	assert.Equal(t, vcav.TaskStateFAILED, task.State)

	var tf *client.TaskFailedError
	require.ErrorAs(t, err, &tf)
	assert.Equal(t, "FAILED", tf.State)
	assert.Equal(t, vcavTaskID, tf.TaskID)
	require.NotNil(t, tf.VCAVTask)
	assert.Nil(t, tf.VCHATask)

	var ve *client.VCAVError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, 0, ve.Status, "reported by the task, not by an HTTP status")
	assert.Equal(t, "GeneralServerFailure", ve.Body.Code)
	assert.True(t, client.IsVCAVCode(err, "GeneralServerFailure"))
	assert.Contains(t, err.Error(), "vcav task "+vcavTaskID+" FAILED: GeneralServerFailure: Failover of VM replication")

	_, err = c.FailoverResult(task)
	require.ErrorIs(t, err, client.ErrNoTaskResult)
}

// TestVCAVWaitTaskPendingStates pins that only SUCCEEDED and FAILED end a
// VCAV task: VMware's terraform-provider-vcda keeps polling while a task is
// RUNNING or QUEUED (data_source_cloud_health.go), and vcav.md §4 treats
// the state set as open.
func TestVCAVWaitTaskPendingStates(t *testing.T) {
	tests := []struct {
		name   string
		states []string
		failed bool
	}{
		{"queued, running, succeeded", []string{"QUEUED", "QUEUED", "RUNNING", "SUCCEEDED"}, false},
		{"queued then succeeded", []string{"QUEUED", "SUCCEEDED"}, false},
		{"unknown state is pending", []string{"RUNNING", "PAUSED", "RUNNING", "SUCCEEDED"}, false},
		{"queued then failed", []string{"QUEUED", "RUNNING", "FAILED"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var polls counter
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				n := polls.inc()
				writeJSON(w, 200, vcavTask(tc.states[min(n, len(tc.states))-1], 10*n))
			}))
			c := newVCAV(t, srv)
			var seen []string
			wait, _ := instant()
			task, err := c.WaitTask(context.Background(), vcavTaskID, wait,
				client.OnProgress(func(state string, _ int) { seen = append(seen, state) }))
			assert.Equal(t, tc.states, seen, "every state is reported, and the wait ends on the last")
			assert.Equal(t, len(tc.states), polls.get())
			require.NotNil(t, task)
			assert.Equal(t, tc.states[len(tc.states)-1], string(task.State))
			if !tc.failed {
				require.NoError(t, err)
				return
			}
			var tf *client.TaskFailedError
			require.ErrorAs(t, err, &tf)
			assert.Equal(t, "FAILED", tf.State)
		})
	}
}

func TestVCAVFailoverErrorStatuses(t *testing.T) {
	tests := []struct {
		status int
		code   string
		msg    string
	}{
		{400, "InvalidRecoveryState", "VM replication " + replicationID + " has a test failover image (recovery state TEST). Clean up the test failover first."},
		{401, "NotAuthenticated", "Not authenticated."},
		{404, "VmReplicationNotFound", "VM replication " + replicationID + " not found."},
		{413, "RequestEntityTooLarge", "Request body exceeds the limit of 1048576 bytes."},
		{500, "GeneralServerFailure", "General server failure."},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json;charset=UTF-8")
				w.WriteHeader(tc.status)
				_ = json.NewEncoder(w).Encode(vcavErr(tc.code, tc.msg))
			}))
			c := newVCAV(t, srv)

			task, err := c.FailoverToCloud(context.Background(), replicationID, vcav.VmFailoverSettings{})
			assert.Nil(t, task)
			var ve *client.VCAVError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.status, ve.Status)
			assert.Equal(t, "failoverVmReplication", ve.Op)
			assert.Equal(t, tc.code, ve.Body.Code)
			assert.Equal(t, tc.msg, ve.Body.Msg)
			assert.True(t, client.IsVCAVCode(err, tc.code))
			assert.False(t, client.IsVCAVCode(err, "SomethingElse"))
			assert.Equal(t, "vcav failoverVmReplication: "+itoa(tc.status)+" "+tc.code+": "+tc.msg, err.Error())
		})
	}
}

func TestVCAVUnexpectedResponses(t *testing.T) {
	long := strings.Repeat("é", 600)
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		wantExcerpt string
	}{
		{"html from a proxy", 502, "text/html", "<html><body>Bad Gateway</body></html>", "<html><body>Bad Gateway</body></html>"},
		{"json without code", 500, "application/json", `{"status":"error","message":"boom"}`, `{"status":"error","message":"boom"}`},
		{"code of the wrong type", 503, "application/json", `{"code":503,"msg":"unavailable"}`, `{"code":503,"msg":"unavailable"}`},
		{"empty body", 401, "", "", ""},
		{"redirect", 302, "text/plain", "moved", "moved"},
		{"undecodable success", 202, "application/json", "not json", "not json"},
		{"long body", 500, "text/plain", long, long[:512]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if tc.status == 302 {
					w.Header().Set("Location", "https://elsewhere.example.com/")
				}
				writeRaw(w, tc.status, tc.contentType, tc.body)
			}))
			// The default HTTP client (not WithHTTPClient) must not follow redirects.
			c, err := client.NewVCAV(srv.URL)
			require.NoError(t, err)

			_, err = c.FailoverToCloud(context.Background(), replicationID, vcav.VmFailoverSettings{})
			var ue *client.UnexpectedResponseError
			require.ErrorAs(t, err, &ue)
			assert.Equal(t, tc.status, ue.Status)
			assert.Equal(t, "failoverVmReplication", ue.Op)
			assert.Equal(t, "vcav", ue.API)
			assert.Equal(t, tc.contentType, ue.ContentType)
			assert.Equal(t, tc.wantExcerpt, ue.Excerpt)
			assert.LessOrEqual(t, len(ue.Excerpt), 512)
			assert.NotErrorAs(t, err, new(*client.VCAVError))
		})
	}
}

func TestVCAVTransportError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c, err := client.NewVCAV(url)
	require.NoError(t, err)

	_, err = c.Task(context.Background(), vcavTaskID)
	var te *client.TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "getTask", te.Op)
	assert.NotNil(t, errors.Unwrap(err))
	assert.True(t, strings.HasPrefix(err.Error(), "vcav getTask: "), err.Error())
}

func TestVCAVReplications(t *testing.T) {
	f := newVCAVFake(t, 0)
	c := loggedInVCAV(t, f)
	ctx := context.Background()

	repl, err := c.Replication(ctx, replicationID)
	require.NoError(t, err)
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, repl.DestinationState.RecoveryInfo.RecoveryState)

	_, err = c.Replication(ctx, "C4-00000000-0000-4000-8000-000000000000")
	assert.True(t, client.IsVCAVCode(err, "VmReplicationNotFound"), "%v", err)

	page, err := c.Replications(ctx, &vcav.ListVmReplicationsParams{VmName: ptr("web"), Limit: ptr(int32(10))})
	require.NoError(t, err)
	assert.Equal(t, int64(1), page.Total)
	require.Len(t, page.Items, 1)

	page, err = c.Replications(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, page.Items, 1)
}

func TestVCAVHeaders(t *testing.T) {
	var got http.Header
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		writeJSON(w, 200, vcavTask("RUNNING", 0))
	}))
	c := newVCAV(t, srv, client.WithUserAgent("failoverkit-test/1.0"), client.WithOperationID(func() string { return "failoverkit__42" }))

	_, err := c.Task(context.Background(), vcavTaskID)
	require.NoError(t, err)
	assert.Equal(t, "application/json", got.Get("Accept"))
	assert.Equal(t, "failoverkit-test/1.0", got.Get("User-Agent"))
	assert.Equal(t, "failoverkit__42", got.Get("operationID"))
	assert.Empty(t, got.Get("X-VCAV-Auth"))

	// Raw shares the editors, so a call through the generated client gets them too.
	opID := "explicit"
	_, err = c.Raw().GetTaskWithResponse(context.Background(), vcavTaskID, &vcav.GetTaskParams{OperationID: &opID})
	require.NoError(t, err)
	assert.Equal(t, "explicit", got.Get("operationID"), "an explicit operationID wins")
	assert.Equal(t, "failoverkit-test/1.0", got.Get("User-Agent"))
}

func TestFailoverResultErrors(t *testing.T) {
	c := newVCAV(t, newServer(t, http.NotFoundHandler()))
	_, err := c.FailoverResult(nil)
	require.ErrorIs(t, err, client.ErrNoTaskResult)
	_, err = c.FailoverResult(&vcav.C4ApiTask{Id: vcavTaskID, State: vcav.TaskStateSUCCEEDED})
	require.ErrorIs(t, err, client.ErrNoTaskResult)
	_, err = c.FailoverResult(&vcav.C4ApiTask{Id: vcavTaskID, State: vcav.TaskStateSUCCEEDED, Result: "a string"})
	require.Error(t, err)
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// itoa formats an int.
func itoa(i int) string { return strconv.Itoa(i) }
