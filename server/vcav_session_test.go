package server

import (
	"context"
	"encoding/json"
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
	assert.Regexp(t, regexp.MustCompile(`^[A-Za-z0-9+/]{27}=$`), token)
	assert.JSONEq(t, `{"user":"root","roles":["EVERYONE","ADMINISTRATORS","VRADMINISTRATORS"],"authenticatedSites":[{"site":"site2"}]}`, string(body))

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
	assert.Regexp(t, regexp.MustCompile(`^[A-Za-z0-9+/]{27}=$`), hdr.Get("X-VCAV-Auth"))
	assert.JSONEq(t, `{"user":"administrator@System","roles":["EVERYONE","ADMINISTRATORS","VRADMINISTRATORS"],
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
			assert.Empty(t, hdr.Values("WWW-Authenticate"), "a refused login is not a lost session (VMware's PowerCLI module)")
			assert.Equal(t, "Authentication required.", e.Msg, "the text VMware's PowerCLI module matches")
			msgs = append(msgs, e.Msg)
		})
	}
	require.Len(t, msgs, len(cases))
	for _, m := range msgs {
		assert.Equal(t, msgs[0], m, "the message does not tell whether the user exists")
	}
}

func TestVCAVSession_SAMLTokenLoginsAreNotSimulated(t *testing.T) {
	tm := newTestMock(t)
	status, body, hdr := do(t, tm.vcavHC, "POST", tm.vcavURL+"/sessions", `{"type":"ssoToken","samlToken":"PHNhbWw+"}`)
	e := vcavRequireError(t, http.StatusUnauthorized, "NotAuthenticated", status, body)
	assert.Contains(t, e.Msg, "not simulate")
	assert.NotContains(t, string(body), "PHNhbWw+")
	assert.Empty(t, hdr.Values("WWW-Authenticate"), "a refused login carries no challenge")
}

// TestVCAVSession_EveryDocumentedLoginType logs in with each login type
// the vendor documents, with the default fixture's values (README), and
// refuses a wrong cookie or token without echoing it.
func TestVCAVSession_EveryDocumentedLoginType(t *testing.T) {
	tm := newTestMock(t)
	cases := []struct{ name, body, user string }{
		{"localUser", vcavRootLogin, "root"},
		{"ssoCredentials", `{"type":"ssoCredentials","username":"administrator@vsphere.local","password":"vmware"}`, "administrator@vsphere.local"},
		{"vcdCredentials", `{"type":"vcdCredentials","vcdUser":"administrator@System","vcdPassword":"vmware"}`, "administrator@System"},
		{"vcdCredentials, org in another case (KB 315136)", `{"type": "vcdCredentials","vcdUser": "administrator@system","vcdPassword": "vmware"}`, "administrator@System"},
		{"vcdCookie (PowerVCAV)", `{"type":"vcdCookie","vcdCookie":"site2-vcd-session-cookie"}`, "administrator@System"},
		{"vcdAccessToken", `{"type":"vcdAccessToken","vcdAccessToken":"site2.vcd.access-token"}`, "administrator@System"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body, hdr := do(t, tm.vcavHC, "POST", tm.vcavURL+"/sessions", c.body)
			require.Equal(t, http.StatusOK, status, "%s", body)
			assert.Regexp(t, `^[A-Za-z0-9+/]{27}=$`, hdr.Get("X-VCAV-Auth"))
			var d vcav.C4SessionDetails
			require.NoError(t, json.Unmarshal(body, &d))
			assert.Equal(t, c.user, d.User)
			assert.Equal(t, []string{"EVERYONE", "ADMINISTRATORS", "VRADMINISTRATORS"}, d.Roles)
		})
	}
	for _, bad := range []string{
		`{"type":"vcdCookie","vcdCookie":"wrong-cookie-value"}`,
		`{"type":"vcdAccessToken","vcdAccessToken":"wrong-cookie-value"}`,
		`{"type":"vcdCookie","vcdCookie":"site1-vcd-session-cookie"}`,      // a remote site's cookie
		`{"type":"localUser","localUser":"ROOT","localPassword":"vmware"}`, // local users are case-sensitive
	} {
		status, body, _ := do(t, tm.vcavHC, "POST", tm.vcavURL+"/sessions", bad)
		vcavRequireError(t, http.StatusUnauthorized, "NotAuthenticated", status, body)
		assert.NotContains(t, string(body), "wrong-cookie-value")
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
