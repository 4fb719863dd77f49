package server

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// TestVCAVExtend_FourDocumentedBodies extends a session to the remote site
// site1 with each documented body (the default fixture's site1 user); the
// session then lists site1 in authenticatedSites, and GET /sessions says so.
func TestVCAVExtend_FourDocumentedBodies(t *testing.T) {
	tm := newTestMock(t)
	for name, body := range map[string]string{
		"credentials (KB 315136)": `{"type": "credentials","site": "site1","vcdUsername": "administrator@system","vcdPassword": "vmware"}`,
		"cookie (PowerVCAV)":      `{"type":"cookie","site":"site1","cookie":"site1-vcd-session-cookie"}`,
		"vcdAccessToken":          `{"type":"vcdAccessToken","site":"site1","vcdAccessToken":"site1.vcd.access-token"}`,
		"multisite":               `{"type":"multisite","site":"site1","org":"System"}`,
	} {
		t.Run(name, func(t *testing.T) {
			token := vcavLogin(t, tm, vcavAdminLogin)
			status, resp, _ := do(t, tm.vcavHC, "POST", tm.vcavURL+"/sessions/extend", body, "X-VCAV-Auth", token)
			require.Equal(t, http.StatusOK, status, "%s", resp)
			want := `{"user":"administrator@System","roles":["EVERYONE","ADMINISTRATORS","VRADMINISTRATORS"],
				"authenticatedSites":[{"site":"site2","org":"System"},{"site":"site1","org":"System"}]}`
			assert.JSONEq(t, want, string(resp))
			_, got, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+"/sessions", nil, "X-VCAV-Auth", token)
			assert.JSONEq(t, want, string(got))
		})
	}
}

// TestVCAVExtend_Refusals: unknown site 404 SiteNotFound, credentials the
// remote site does not know 401 RemoteAuthenticationFailure (no
// WWW-Authenticate, so VMware's module reports "remote site not
// authenticated"), the community module's undocumented spellings 400
// BadRequest (failoverkit choice, spec), no token 401 NotAuthenticated.
func TestVCAVExtend_Refusals(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavAdminLogin)
	cases := []struct {
		name, token, body, code string
		status                  int
	}{
		{"unknown site", token, `{"type":"cookie","site":"site9","cookie":"x"}`, "SiteNotFound", 404},
		{"wrong password", token, `{"type":"credentials","site":"site1","vcdUsername":"administrator@System","vcdPassword":"nope"}`, "RemoteAuthenticationFailure", 401},
		{"local site's cookie", token, `{"type":"cookie","site":"site1","cookie":"site2-vcd-session-cookie"}`, "RemoteAuthenticationFailure", 401},
		{"another org (multisite)", token, `{"type":"multisite","site":"site1","org":"org1"}`, "RemoteAuthenticationFailure", 401},
		{"PsychoBelka vcdUser/vcdPassword", token, `{"type":"credentials","site":"site1","vcdUser":"administrator@System","vcdPassword":"vmware"}`, "BadRequest", 400},
		{"PsychoBelka vcdCookie", token, `{"type":"cookie","site":"site1","vcdCookie":"site1-vcd-session-cookie"}`, "BadRequest", 400},
		{"no token", "", `{"type":"cookie","site":"site1","cookie":"site1-vcd-session-cookie"}`, "NotAuthenticated", 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body, hdr := do(t, tm.vcavHC, "POST", tm.vcavURL+"/sessions/extend", c.body, "X-VCAV-Auth", c.token)
			vcavRequireError(t, c.status, c.code, status, body)
			assert.NotContains(t, string(body), "site1-vcd-session-cookie")
			if c.code == "NotAuthenticated" {
				assert.Equal(t, "Authentication Token Required", hdr.Get("WWW-Authenticate"))
			} else {
				assert.Empty(t, hdr.Get("WWW-Authenticate"))
			}
		})
	}
}

// TestVCAVExtend_RemoteSiteCalls pins the trigger of
// RemoteAuthenticationFailure and the failoverkit choice for extended
// sessions: ?site=site1 is refused until the session is extended to
// site1, then served from the same replication state, with tasks that
// carry site site1 (and are listed under it).
func TestVCAVExtend_RemoteSiteCalls(t *testing.T) {
	tm := newTestMock(t, WithInstantTasks())
	token := vcavLogin(t, tm, vcavAdminLogin)
	status, body, hdr := do(t, tm.vcavHC, "GET", tm.vcavURL+"/vm-replications?site=site1", nil, "X-VCAV-Auth", token)
	vcavRequireError(t, http.StatusUnauthorized, "RemoteAuthenticationFailure", status, body)
	assert.Empty(t, hdr.Get("WWW-Authenticate"))

	status, body, _ = do(t, tm.vcavHC, "POST", tm.vcavURL+"/sessions/extend",
		`{"type":"cookie","site":"site1","cookie":"site1-vcd-session-cookie"}`, "X-VCAV-Auth", token)
	require.Equal(t, http.StatusOK, status, "%s", body)
	status, body, _ = do(t, tm.vcavHC, "GET", tm.vcavURL+"/vm-replications?site=site1&ids="+vcavReadyID, nil, "X-VCAV-Auth", token)
	require.Equal(t, http.StatusOK, status, "%s", body)
	var page vcav.QueryResultOfSingleVmReplicationInfo
	require.NoError(t, json.Unmarshal(body, &page))
	assert.Equal(t, int64(1), page.Total)

	status, body = vcavFailoverQuery(t, tm, token, vcavReadyID, "site=site1", vcavVcloudBody)
	require.Equal(t, http.StatusAccepted, status, "%s", body)
	var task vcav.C4ApiTask
	require.NoError(t, json.Unmarshal(body, &task))
	assert.Equal(t, "site1", *task.Site)
	status, body, _ = do(t, tm.vcavHC, "GET", tm.vcavURL+"/tasks?site=site1", nil, "X-VCAV-Auth", token)
	require.Equal(t, http.StatusOK, status, "%s", body)
	var tasks vcav.QueryResultOfC4ApiTask
	require.NoError(t, json.Unmarshal(body, &tasks))
	require.Len(t, tasks.Items, 1)
	assert.Equal(t, task.Id, tasks.Items[0].Id)
	_, body, _ = do(t, tm.vcavHC, "GET", tm.vcavURL+"/tasks", nil, "X-VCAV-Auth", token)
	require.NoError(t, json.Unmarshal(body, &tasks))
	assert.Empty(t, tasks.Items, "the local site's list holds only the tasks run there")

	other := vcavLogin(t, tm, vcavAdminLogin)
	status, body, _ = do(t, tm.vcavHC, "GET", tm.vcavURL+"/tasks/"+task.Id+"?site=site1", nil, "X-VCAV-Auth", other)
	vcavRequireError(t, http.StatusUnauthorized, "RemoteAuthenticationFailure", status, body)
}
