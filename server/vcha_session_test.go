package server

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// TestVCHASession_LoginGetLogout checks login, session info and logout.
func TestVCHASession_LoginGetLogout(t *testing.T) {
	tm := newTestMock(t)
	c := vchaClient(t, tm)
	ctx := context.Background()

	token := vchaLogin(t, tm, vchaAdmin)
	assert.Regexp(t, `^[0-9a-f]{32}$`, token)

	tm.clock.Advance(1500 * time.Millisecond)
	resp, err := c.GetSessionWithResponse(ctx, withToken(token))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	assert.Equal(t, vchaAdmin, resp.JSON200.User)
	assert.Equal(t, "2026-01-02T03:04:05.000Z", resp.JSON200.CreatedTime)
	assert.Equal(t, "2026-01-02T03:04:06.500Z", resp.JSON200.LastAccessedTime)

	del, err := c.DeleteSessionWithResponse(ctx, withToken(token))
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, del.StatusCode())

	again, err := c.GetSessionWithResponse(ctx, withToken(token))
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, again.StatusCode(), "the token died with the session")
	assertUnauthenticated(t, again.HTTPResponse.Header, again.Body)
}

// TestVCHASession_BadCredentials checks the 401 with challenge for bad or
// missing credentials.
func TestVCHASession_BadCredentials(t *testing.T) {
	tm := newTestMock(t)
	c := vchaClient(t, tm)
	cases := map[string][]vcha.RequestEditorFn{
		"wrong password": {basicAuth(vchaAdmin, "nope")},
		"unknown user":   {basicAuth("nobody@vsphere.local", vchaPassword)},
		"no credentials": nil,
	}
	for name, editors := range cases {
		t.Run(name, func(t *testing.T) {
			resp, err := c.CreateSessionWithResponse(context.Background(), editors...)
			require.NoError(t, err)
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode())
			assertUnauthenticated(t, resp.HTTPResponse.Header, resp.Body)
		})
	}
}

// assertUnauthenticated checks a 401 in vSphere shape with the challenge.
func assertUnauthenticated(t *testing.T, h http.Header, body []byte) {
	t.Helper()
	e := vchaError(t, body)
	assert.Equal(t, vcha.StdErrorsErrorTypeUNAUTHENTICATED, *e.ErrorType)
	assert.Equal(t, `Basic realm="vCenter"`, h.Get("WWW-Authenticate"))
	require.NotNil(t, e.Challenge)
	assert.Equal(t, `Basic realm="vCenter"`, *e.Challenge)
	assert.Contains(t, h.Get("Content-Type"), "application/json")
}

// TestVCHASession_IdleExpiry checks that an idle session expires on the clock.
func TestVCHASession_IdleExpiry(t *testing.T) {
	tm := newTestMock(t, WithSessionIdleTimeout(time.Minute))
	c := vchaClient(t, tm)
	token := vchaLogin(t, tm, vchaAdmin)

	tm.clock.Advance(59 * time.Second)
	resp, err := c.GetSessionWithResponse(context.Background(), withToken(token))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), "use within the timeout keeps it alive")

	tm.clock.Advance(time.Minute + time.Millisecond)
	resp, err = c.GetSessionWithResponse(context.Background(), withToken(token))
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode(), "idle for longer than the timeout")
}

// TestVCHASession_FailoverNeedsAValidToken checks that the failover refuses
// missing and unknown tokens without starting a task.
func TestVCHASession_FailoverNeedsAValidToken(t *testing.T) {
	tm := newTestMock(t)
	c := vchaClient(t, tm)
	body := vcha.FailoverVchaClusterAsyncJSONRequestBody{Planned: true}
	for name, editors := range map[string][]vcha.RequestEditorFn{
		"missing": nil,
		"unknown": {withToken("0123456789abcdef0123456789abcdef")},
	} {
		t.Run(name, func(t *testing.T) {
			resp, err := c.FailoverVchaClusterAsyncWithResponse(context.Background(), body, editors...)
			require.NoError(t, err)
			require.Equal(t, http.StatusUnauthorized, resp.StatusCode())
			assertUnauthenticated(t, resp.HTTPResponse.Header, resp.Body)
			require.NotNil(t, resp.JSON401)
			// vCenter's one 401 text (vsphere-automation-sdk-python issue 435).
			assert.Equal(t, "Authentication required.", resp.JSON401.Messages[0].DefaultMessage)
			assert.Equal(t, "com.vmware.vapi.endpoint.method.authentication.required", resp.JSON401.Messages[0].Id)
		})
	}
	// No task was started: the cluster can still fail over.
	admin := vchaLogin(t, tm, vchaAdmin)
	assert.True(t, *getCluster(t, tm, admin).ManualFailoverAllowed)
}
