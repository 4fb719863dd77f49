package server

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vcdaJSON is the test Invoke-VCDARequest.ps1 (line 115) applies before it
// parses an answer as JSON.
var vcdaJSON = regexp.MustCompile(`(?i)^(application/json|[^;/ \t]+/[^;/ \t]+[+]json)[ \t]*(;.*)?$`)

// TestReplay_VMwarePowerCLIModule_Connect replays VMware's own PowerCLI
// module for VCDA (vmware/vmware-powercli-for-vmware-cloud-director-availability
// at 10c63bc, Modules/VMware.VCDA.AVS): Private/Connect-VCDA.ps1 logs in
// with only Content-Type, copies the login answer's Content-Type into
// Accept for every later call, and reads GET /diagnostics/about
// (Private/Get-VCDAInfo.ps1); Private/Invoke-VCDARequest.ps1 (lines
// 139–177) then tells an expired session (401 whose WWW-Authenticate is
// "Authentication Token Required") from a remote site the session is not
// extended to (401 without it). The module makes no replication calls.
func TestReplay_VMwarePowerCLIModule_Connect(t *testing.T) {
	tm := newTestMock(t)
	r := replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}
	const ua = "Powershell/7.4.6 VMware.VCDA.AVS/1.0.5"
	// A @{} hashtable through ConvertTo-Json: pretty, keys in any order.
	status, hdr, body := r.send("POST", "/sessions", "{\n  \"localPassword\": \"vmware\",\n  \"type\": \"localUser\",\n  \"localUser\": \"root\"\n}",
		"Content-Type", "application/json", "User-Agent", ua)
	require.Equal(t, http.StatusOK, status, "%s", body)
	token, accept := hdr.Get("X-VCAV-Auth"), hdr.Get("Content-Type")
	require.Equal(t, "application/json;charset=UTF-8", accept, "becomes Accept verbatim")
	assert.Equal(t, "site2", field(decode(t, body).(map[string]any)["authenticatedSites"].([]any)[0], "site"))
	opID := "VMware.VCDA.AVS-" + uuid.NewString() // one per connection

	call := func(path string) (int, http.Header, []byte) {
		return r.send("GET", path, "", "X-VCAV-Auth", token, "Accept", accept, "operationID", opID, "User-Agent", ua)
	}
	status, hdr, body = call("/diagnostics/about")
	require.Equal(t, http.StatusOK, status, "%s", body)
	require.Regexp(t, vcdaJSON, hdr.Get("Content-Type"), "parsed as JSON")
	about := decode(t, body)
	assert.Equal(t, "CLOUD", field(about, "serviceType"))
	assert.Regexp(t, `^4\.7\.0\.`, field(about, "buildVersion"))

	// A remote site the session is not extended to: 401 without the
	// challenge → "Remote site 'site1' is Not Authenticated".
	status, hdr, body = call("/vm-replications?site=site1")
	vcavRequireError(t, http.StatusUnauthorized, "RemoteAuthenticationFailure", status, body)
	assert.Empty(t, hdr.Values("WWW-Authenticate"))
	assert.Regexp(t, vcdaJSON, hdr.Get("Content-Type"))

	// The session idles out: 401 with exactly that challenge → "disconnected or lost".
	tm.clock.Advance(DefaultSessionIdleTimeout + 1)
	status, hdr, body = call("/diagnostics/about")
	e := vcavRequireError(t, http.StatusUnauthorized, "NotAuthenticated", status, body)
	assert.Equal(t, []string{"Authentication Token Required"}, hdr.Values("WWW-Authenticate"))
	assert.NotEmpty(t, e.Msg, "the module shows the body's msg")
}

// powerCLIConnectError is the error Connect-VCDA.ps1 (10c63bc, lines
// 101–112) reports for a refused POST /sessions, from the answer as
// Invoke-VCDARequest.ps1 (lines 139–166) sees it: a 401 whose
// WWW-Authenticate contains "Authentication Token Required" is a lost
// connection; another 401 (no ?site) writes the body's msg, which
// Connect-VCDA turns into "Unable to connect…" when it matches
// "Authentication required.".
func powerCLIConnectError(t *testing.T, server string, status int, hdr http.Header, body []byte) string {
	t.Helper()
	require.Equal(t, http.StatusUnauthorized, status, "%s", body)
	if slices.Contains(hdr.Values("WWW-Authenticate"), "Authentication Token Required") {
		return "The connection to server '' was disconnected or lost."
	}
	msg, _ := field(decode(t, body), "msg").(string)
	if regexp.MustCompile(`Authentication required.`).MatchString(msg) {
		return "Unable to connect to VCDA Server '" + server + "'. The server returned the following: '" + msg + "'"
	}
	return msg
}

// TestReplay_VMwarePowerCLIModule_RootPasswordRetry replays the root
// password rotation of VMware's PowerCLI module for VCDA (10c63bc):
// Public/Reset-VCDARootPassword.ps1 (lines 67–80) and
// Private/Initialize-VCDAAppliance.ps1 (lines 113–118) connect with the
// current root password and, when Connect-VCDA reports exactly
// "…The server returned the following: 'Authentication required.'",
// connect again with the previous one. Any other error stops them.
func TestReplay_VMwarePowerCLIModule_RootPasswordRetry(t *testing.T) {
	tm := newTestMock(t)
	r := replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}
	const ua = "Powershell/7.4.6 VMware.VCDA.AVS/1.0.5"
	server := strings.TrimPrefix(strings.Split(tm.vcavURL, ":")[1], "//")
	login := func(password string) (int, http.Header, []byte) {
		return r.send("POST", "/sessions", "{\n  \"localPassword\": \""+password+"\",\n  \"type\": \"localUser\",\n  \"localUser\": \"root\"\n}",
			"Content-Type", "application/json", "User-Agent", ua)
	}
	// The vault's "current" password was never applied: the appliance
	// still has the old one (the default fixture's "vmware").
	status, hdr, body := login("Rotated-Pa55!word")
	got := powerCLIConnectError(t, server, status, hdr, body)
	retry := regexp.MustCompile("Unable to connect to VCDA Server '" + server + "'. The server returned the following: 'Authentication required.'")
	require.Regexp(t, retry, got, "the module retries with the old password only on this text")

	status, hdr, body = login("vmware")
	require.Equal(t, http.StatusOK, status, "%s", body)
	token, accept := hdr.Get("X-VCAV-Auth"), hdr.Get("Content-Type")
	status, _, body = r.send("GET", "/diagnostics/about", "", "X-VCAV-Auth", token, "Accept", accept, "User-Agent", ua)
	require.Equal(t, http.StatusOK, status, "%s", body)
	assert.Equal(t, "CLOUD", field(decode(t, body), "serviceType"), "Get-VCDAInfo after the retried connect")
}
