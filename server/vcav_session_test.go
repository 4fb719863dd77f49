package server

import (
	"context"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

func TestVCAVSession_LocalUserLoginGetLogout(t *testing.T) {
	tm := newTestMock(t)
	status, body, hdr := do(t, tm.vcavHC, "POST", tm.vcavURL+"/sessions", vcavRootLogin)
	require.Equal(t, http.StatusOK, status, "%s", body)
	token := hdr.Get("X-VCAV-Auth")
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{32}$`), token)
	assert.JSONEq(t, `{"user":"root","roles":["ADMINISTRATORS"],"authenticatedSites":[{"site":"site2"}]}`, string(body))

	c := vcavClient(t, tm, token)
	got, err := c.GetSessionWithResponse(context.Background(), nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, got.StatusCode(), "%s", got.Body)
	assert.Equal(t, "root", got.JSON200.User)

	out, err := c.LogoutWithResponse(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, out.StatusCode())
	again, err := c.GetSessionWithResponse(context.Background(), nil)
	require.NoError(t, err)
	vcavRequireError(t, http.StatusUnauthorized, "NotAuthenticated", again.StatusCode(), again.Body)
	twice, err := c.LogoutWithResponse(context.Background(), nil)
	require.NoError(t, err)
	vcavRequireError(t, http.StatusUnauthorized, "NotAuthenticated", twice.StatusCode(), twice.Body)
}

func TestVCAVSession_VcdCredentialsLogin(t *testing.T) {
	tm := newTestMock(t)
	status, body, hdr := do(t, tm.vcavHC, "POST", tm.vcavURL+"/sessions", vcavAdminLogin,
		"Accept", vcavAcceptV4, "operationID", "failoverkit__test")
	require.Equal(t, http.StatusOK, status, "%s", body)
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{32}$`), hdr.Get("X-VCAV-Auth"))
	assert.JSONEq(t, `{"user":"administrator@System","roles":["ADMINISTRATORS"],
		"authenticatedSites":[{"site":"site2","org":"System"}]}`, string(body))
}

func TestVCAVSession_BadCredentials(t *testing.T) {
	tm := newTestMock(t)
	const secret = "wrong-pw-123"
	cases := []struct{ name, body string }{
		{"wrong password", `{"type":"localUser","localUser":"root","localPassword":"` + secret + `"}`},
		{"unknown user", `{"type":"localUser","localUser":"nobody","localPassword":"` + secret + `"}`},
		{"right password, type", `{"type":"vcdCredentials","vcdUser":"root","vcdPassword":"vmware"}`},
		{"sso user not in store", `{"type":"ssoCredentials","username":"administrator@vsphere.local","password":"` + secret + `"}`},
		{"wrong vcd password", `{"type":"vcdCredentials","vcdUser":"administrator@System","vcdPassword":"` + secret + `"}`},
		{"unknown fields ignored", `{"type":"localUser","localUser":"root","localPassword":"` + secret + `","extra":1}`},
	}
	var msgs []string
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body, hdr := do(t, tm.vcavHC, "POST", tm.vcavURL+"/sessions", c.body)
			e := vcavRequireError(t, http.StatusUnauthorized, "NotAuthenticated", status, body)
			assert.NotContains(t, string(body), secret)
			assert.Empty(t, hdr.Get("X-VCAV-Auth"))
			msgs = append(msgs, e.Msg)
		})
	}
	require.Len(t, msgs, len(cases))
	for _, m := range msgs {
		assert.Equal(t, msgs[0], m, "the message does not tell whether the user exists")
	}
}

func TestVCAVSession_TokenLoginsAreNotSimulated(t *testing.T) {
	tm := newTestMock(t)
	cases := []struct{ name, body string }{
		{"ssoToken", `{"type":"ssoToken","samlToken":"PHNhbWw+"}`},
		{"vcdCookie", `{"type":"vcdCookie","vcdCookie":"6c4d8b2e9f1a4b3c"}`},
		{"vcdAccessToken", `{"type":"vcdAccessToken","vcdAccessToken":"eyJhbGciOiJSUzI1NiJ9.e30.c2ln"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body, _ := do(t, tm.vcavHC, "POST", tm.vcavURL+"/sessions", c.body)
			e := vcavRequireError(t, http.StatusUnauthorized, "NotAuthenticated", status, body)
			assert.Contains(t, e.Msg, "not simulate")
			assert.NotContains(t, string(body), "PHNhbWw+")
		})
	}
}

func TestVCAVSession_MalformedLoginsAre400(t *testing.T) {
	tm := newTestMock(t)
	cases := []struct{ name, body string }{
		{"unknown type", `{"type":"kerberos","user":"root"}`},
		{"no type", `{"localUser":"root","localPassword":"s3cret-pw"}`},
		{"missing field", `{"type":"localUser","localUser":"root"}`},
		{"not JSON", `{"type":"localUser","localPassword":"s3cret-pw"`},
		{"wrong type", `{"type":"localUser","localUser":["s3cret-pw"],"localPassword":"s3cret-pw"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body, _ := do(t, tm.vcavHC, "POST", tm.vcavURL+"/sessions", c.body)
			vcavRequireError(t, http.StatusBadRequest, "BadRequest", status, body)
			assert.NotContains(t, string(body), "s3cret-pw")
		})
	}
}

func TestVCAVSession_IdleExpiry(t *testing.T) {
	tm := newTestMock(t, WithSessionIdleTimeout(time.Minute))
	token := vcavLogin(t, tm, vcavRootLogin)
	c := vcavClient(t, tm, token)
	tm.clock.Advance(50 * time.Second)
	r, err := c.GetSessionWithResponse(context.Background(), nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, r.StatusCode(), "use refreshes the idle timer")
	tm.clock.Advance(61 * time.Second)
	r, err = c.GetSessionWithResponse(context.Background(), nil)
	require.NoError(t, err)
	vcavRequireError(t, http.StatusUnauthorized, "NotAuthenticated", r.StatusCode(), r.Body)
}

func TestVCAVSession_FailoverNeedsAValidToken(t *testing.T) {
	tm := newTestMock(t)
	cases := []struct{ name, token string }{
		{"no token", ""},
		{"unknown token", "0123456789abcdef0123456789abcdef"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := vcavFailover(t, tm, c.token, vcavReadyID, vcavVcloudBody)
			vcavRequireError(t, http.StatusUnauthorized, "NotAuthenticated", status, body)
		})
	}
	assert.Zero(t, vcavTaskCount(tm))
	token := vcavLogin(t, tm, vcavRootLogin)
	r := vcavGetReplication(t, tm, token, vcavReadyID)
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, vcavRecovery(r))
}
