package client_test

import (
	"context"
	"errors"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/gen/vcha"
)

// outageRun is the result of one WaitTask through an outage fake.
type outageRun struct {
	fake  *outageFake
	state string // final task state, "" without a task
	err   error
}

// runOutage logs a client of api in to f, then waits for the task with the
// fake's virtual clock as timer.
func runOutage(t *testing.T, f *outageFake, copts []client.Option, wopts []client.WaitOption) outageRun {
	t.Helper()
	url := f.start()
	ctx := context.Background()
	wopts = append(wopts, client.WithTimer(f.after))
	copts = append(copts, client.WithTimeout(5*time.Second))
	run := outageRun{fake: f}
	switch f.api.name {
	case "vcav":
		c, err := client.NewVCAV(url, copts...)
		require.NoError(t, err)
		_, err = c.LoginLocal(ctx, "root", vcavPassword)
		require.NoError(t, err)
		task, err := c.WaitTask(ctx, f.api.taskID, wopts...)
		if task != nil {
			run.state = string(task.State)
		}
		run.err = err
	default:
		c, err := client.NewVCHA(url, copts...)
		require.NoError(t, err)
		require.NoError(t, c.Login(ctx, vchaUser, vchaPassword))
		task, err := c.WaitTask(ctx, f.api.taskID, wopts...)
		if task != nil {
			run.state = string(task.Status)
		}
		run.err = err
	}
	return run
}

// TestWaitTaskThroughVCHAFailoverOutage replays what a client of a vCenter
// HA cluster sees during a failover (vcha.md §7): the API answers 503, then
// refuses connections (the public IP moves to the passive node) for up to
// 5 minutes, then comes back without the old sessions. The VCAV rows pin
// that the same waiter works for VCDA. The fake's virtual clock is driven
// by the injected timer, so no test sleeps.
func TestWaitTaskThroughVCHAFailoverOutage(t *testing.T) {
	const s = time.Second
	tests := []struct {
		name              string
		down, refused, up time.Duration
		afterUp           string
		loginFails        bool
		copts             []client.Option
		wopts             []client.WaitOption
		logins            int
		check             func(t *testing.T, api string, r outageRun)
	}{
		{name: "2-minute outage: 503, refused, 401, new login", down: s, refused: 30 * s, up: 120 * s, afterUp: "SUCCEEDED", logins: 2, check: succeeded},
		{name: "5-minute outage of refused connections", down: s, refused: s, up: 300 * s, afterUp: "SUCCEEDED", logins: 2, check: succeeded},
		{name: "5-minute outage of 503 answers", down: s, refused: 300 * s, up: 300 * s, afterUp: "SUCCEEDED", logins: 2, check: succeeded},
		{name: "outage longer than the budget", down: s, refused: 30 * s, up: 600 * s, afterUp: "SUCCEEDED",
			wopts: []client.WaitOption{client.RetryBudget(2 * time.Minute)}, logins: 1, check: budgetSpentRefused},
		{name: "503 for longer than the default budget", down: s, refused: 700 * s, up: 700 * s, afterUp: "SUCCEEDED", logins: 1, check: budgetSpent503},
		{name: "401 again after the new login", down: s, refused: 30 * s, up: 60 * s, afterUp: "401", logins: 2, check: reloginRejected},
		{name: "without relogin", down: s, refused: 30 * s, up: 60 * s, afterUp: "SUCCEEDED",
			copts: []client.Option{client.WithoutRelogin()}, logins: 1, check: unauthorized},
		{name: "new login refused", down: s, refused: 30 * s, up: 60 * s, afterUp: "SUCCEEDED", loginFails: true, logins: 2, check: unauthorized},
		{name: "task unknown on the new active node", down: s, refused: 30 * s, up: 60 * s, afterUp: "404", logins: 2, check: taskLost},
	}
	for _, api := range outageAPIs() {
		for _, tc := range tests {
			t.Run(api.name+"/"+tc.name, func(t *testing.T) {
				f := &outageFake{t: t, api: api, down: tc.down, refused: tc.refused, up: tc.up, afterUp: tc.afterUp, loginFails: tc.loginFails}
				r := runOutage(t, f, tc.copts, tc.wopts)
				if r.err != nil {
					assertNoSecret(t, "wait error", r.err.Error())
				}
				logins := f.logins()
				assert.Len(t, logins, tc.logins)
				if len(logins) == 2 && !tc.loginFails {
					assert.Equal(t, logins[0], logins[1], "the new login sends the same credentials and type")
				}
				tc.check(t, api.name, r)
			})
		}
	}
}

// succeeded checks a wait that ended with the task SUCCEEDED, read with the
// new session after the old one was refused.
func succeeded(t *testing.T, api string, r outageRun) {
	require.NoError(t, r.err)
	assert.Equal(t, "SUCCEEDED", r.state)
	r.fake.mu.Lock()
	defer r.fake.mu.Unlock()
	assert.Equal(t, 1, r.fake.refusedOld, "the old token was refused once")
	assert.Equal(t, r.fake.api.tokens[1], r.fake.lastToken, "%s: the task was read with the new session", api)
}

// budgetSpentRefused checks a wait that gave up while connections were refused.
func budgetSpentRefused(t *testing.T, _ string, r outageRun) {
	require.ErrorIs(t, r.err, client.ErrRetryBudgetExhausted)
	require.ErrorAs(t, r.err, new(*client.TransportError))
	assert.ErrorIs(t, r.err, syscall.ECONNREFUSED, "the last cause is wrapped")
	assert.Equal(t, "RUNNING", r.state, "the last task seen is returned")
	assert.Contains(t, r.err.Error(), "budget 2m0s")
}

// budgetSpent503 checks a wait that gave up on 503 answers.
func budgetSpent503(t *testing.T, _ string, r outageRun) {
	require.ErrorIs(t, r.err, client.ErrRetryBudgetExhausted)
	var ue *client.UnexpectedResponseError
	var he *client.VCHAError
	switch {
	case errors.As(r.err, &ue):
		assert.Equal(t, http.StatusServiceUnavailable, ue.Status)
	case errors.As(r.err, &he):
		assert.Equal(t, http.StatusServiceUnavailable, he.Status)
	default:
		t.Fatalf("the 503 is not wrapped: %v", r.err)
	}
}

// reloginRejected checks a wait that got 401 again after logging in again.
func reloginRejected(t *testing.T, _ string, r outageRun) {
	require.ErrorIs(t, r.err, client.ErrReloginRejected)
	assert.Equal(t, http.StatusUnauthorized, statusOfErr(r.err))
}

// unauthorized checks a wait that ended on a 401 without ErrReloginRejected.
func unauthorized(t *testing.T, _ string, r outageRun) {
	require.Error(t, r.err)
	assert.NotErrorIs(t, r.err, client.ErrReloginRejected)
	assert.Equal(t, http.StatusUnauthorized, statusOfErr(r.err))
}

// taskLost checks the 404 after a re-login: a *TaskLostError for vSphere,
// the plain 404 for VCAV.
func taskLost(t *testing.T, api string, r outageRun) {
	var lost *client.TaskLostError
	if api == "vcav" {
		assert.False(t, errors.As(r.err, &lost))
		assert.True(t, client.IsVCAVCode(r.err, "TaskNotFound"), "%v", r.err)
		return
	}
	require.ErrorAs(t, r.err, &lost)
	assert.Equal(t, vchaTaskID, lost.TaskID)
	assert.Equal(t, "RUNNING", lost.LastState)
	assert.True(t, client.IsVCHAErrorType(r.err, vcha.StdErrorsErrorTypeNOTFOUND), "the 404 is wrapped")
	assert.Contains(t, r.err.Error(), "task "+vchaTaskID+" lost")
	assert.Contains(t, r.err.Error(), "cluster roles")
}

// statusOfErr returns the HTTP status of the vendor or unexpected-response
// error that err wraps, or 0.
func statusOfErr(err error) int {
	var (
		ve *client.VCAVError
		he *client.VCHAError
		ue *client.UnexpectedResponseError
	)
	switch {
	case errors.As(err, &ve):
		return ve.Status
	case errors.As(err, &he):
		return he.Status
	case errors.As(err, &ue):
		return ue.Status
	}
	return 0
}

func TestLogoutForgetsCredentials(t *testing.T) {
	tests := []struct {
		name         string
		logoutStatus int
	}{
		{"logout confirmed", http.StatusNoContent},
		{"logout failed", http.StatusInternalServerError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logins, polls counter
			mux := http.NewServeMux()
			mux.HandleFunc("POST /api/session", func(w http.ResponseWriter, _ *http.Request) {
				logins.inc()
				writeJSON(w, 201, vchaToken)
			})
			mux.HandleFunc("DELETE /api/session", func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(w, tc.logoutStatus, vchaErr("ERROR", "logout"))
			})
			mux.HandleFunc("GET /api/cis/tasks/{id}", func(w http.ResponseWriter, _ *http.Request) {
				polls.inc()
				writeJSON(w, 401, vchaErr("UNAUTHENTICATED", "Authentication required."))
			})
			c := newVCHA(t, newServer(t, mux))
			ctx := context.Background()
			require.NoError(t, c.Login(ctx, vchaUser, vchaPassword))
			_ = c.Logout(ctx)

			wait, _ := instant()
			_, err := c.WaitTask(ctx, vchaTaskID, wait)
			require.True(t, client.IsVCHAErrorType(err, vcha.StdErrorsErrorTypeUNAUTHENTICATED), "%v", err)
			assert.NotErrorIs(t, err, client.ErrReloginRejected)
			assert.Equal(t, 1, logins.get(), "no login after Logout")
			assert.Equal(t, 1, polls.get())
		})
	}
}

// TestVCAVNoReloginForRemoteAuthenticationFailure pins that a 401 for a
// site the session was not extended to does not replace the session (a new
// one would not be extended either).
func TestVCAVNoReloginForRemoteAuthenticationFailure(t *testing.T) {
	f := newVCAVFake(t, 0)
	fake := f.server()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /tasks/{id}", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 401, vcavErr("RemoteAuthenticationFailure", "Not authenticated to site site2."))
	})
	mux.Handle("/", fake.Config.Handler)
	c := newVCAV(t, newServer(t, mux))
	_, err := c.LoginVCD(context.Background(), vcavUser, vcavPassword)
	require.NoError(t, err)
	wait, _ := instant()
	_, err = c.WaitTask(context.Background(), vcavTaskID, wait, client.Site("site2"))
	assert.True(t, client.IsVCAVCode(err, "RemoteAuthenticationFailure"), "%v", err)
	assert.NotErrorIs(t, err, client.ErrReloginRejected)
}

// TestKeptCredentialsAreRedacted checks that the credentials a client keeps
// for re-login never show in an error, even when a server echoes them long
// after the login.
func TestKeptCredentialsAreRedacted(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/session", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 201, vchaToken) })
	mux.HandleFunc("GET /api/cis/tasks/{id}", func(w http.ResponseWriter, _ *http.Request) {
		writeRaw(w, 500, "text/plain", "remembered "+vchaPassword+" and "+secrets[len(secrets)-1])
	})
	c := newVCHA(t, newServer(t, mux))
	require.NoError(t, c.Login(context.Background(), vchaUser, vchaPassword))
	_, err := c.Task(context.Background(), vchaTaskID)
	require.Error(t, err)
	assertNoSecret(t, "task error", err.Error())
	assert.Contains(t, err.Error(), "remembered [REDACTED] and [REDACTED]")
	for verb, s := range renderings(*c) {
		assertNoSecret(t, "VCHA "+verb, s)
	}
}
