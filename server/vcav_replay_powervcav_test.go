package server

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// powerVCAVAccept is the Accept of every PowerVCAV read (PowerVCAV.psm1
// Invoke-VCAVQuery, line 357).
const powerVCAVAccept = "application/vnd.vmware.h4-v3+json;charset=UTF-8"

// TestReplay_PowerVCAV_CookieLoginAndVMReport replays jondwaite/PowerVCAV at
// 61a7f8d: Connect-VCAV with a Cloud Director session cookie, Connect-VCAVExtend,
// vm-report.ps1, Disconnect-VCAV. It never fails over. Its summary-report.ps1
// stops at GET /vapp-replications (vApp replications are issue 12: 404).
func TestReplay_PowerVCAV_CookieLoginAndVMReport(t *testing.T) {
	tm := newTestMock(t)
	r := replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}

	// PowerVCAV.psm1 Connect-VCAV (lines 16–101): only Content-Type, the
	// compact vcdCookie body, the token from the X-VCAV-Auth header.
	status, hdr, body := r.send("POST", "/sessions", `{"type":"vcdCookie","vcdCookie":"site2-vcd-session-cookie"}`,
		"Content-Type", "application/json")
	require.Equal(t, http.StatusOK, status, "%s", body)
	token := hdr.Values("X-VCAV-Auth")[0]
	require.Len(t, token, 28)

	// Connect-VCAVExtend (lines 145–205): the documented cookie body, no Accept.
	status, _, body = r.send("POST", "/sessions/extend", `{"type":"cookie","site":"site1","cookie":"site1-vcd-session-cookie"}`,
		"X-VCAV-Auth", token, "Content-Type", "application/json")
	require.Equal(t, http.StatusOK, status, "%s", body)

	read := func(path string) any {
		t.Helper()
		status, hdr, body := r.send("GET", path, "", "X-VCAV-Auth", token, "Accept", powerVCAVAccept)
		require.Equal(t, http.StatusOK, status, "%s: %s", path, body)
		// Invoke-RestMethod returns a string for a +json type; PowerVCAV
		// then runs ConvertFrom-Json itself (61a7f8d): the body is JSON.
		assert.Equal(t, powerVCAVAccept, hdr.Get("Content-Type"))
		return decode(t, body)
	}
	// vm-report.ps1: GET /sessions needs ADMINISTRATORS among the roles.
	assert.Contains(t, field(read("/sessions"), "roles"), "ADMINISTRATORS")
	local := ""
	for _, s := range read("/sites").([]any) {
		if field(s, "isLocal") == true {
			local = field(s, "site").(string)
		}
	}
	require.Equal(t, "site2", local)
	// GET /diagnostics/health, the 3.x form: the health itself.
	assert.Equal(t, []any{}, field(read("/diagnostics/health"), "managerHealth.offlineReplicators"))
	items := powerVCAVPaged(t, read, "/vm-replications")
	require.Len(t, items, 7)
	for _, it := range items {
		if field(it, "destination.org") == nil {
			continue
		}
		inst := read("/vm-replications/" + field(it, "id").(string) + "/instances")
		assert.IsType(t, []any{}, inst)
	}
	assert.Len(t, read("/vm-replications/"+vcavReadyID+"/instances"), 2)

	// summary-report.ps1: /sites, /vc-sites, then paged /vapp-replications
	// (then /inventory/orgs, not simulated).
	assert.Equal(t, "onprem1", field(read("/vc-sites").([]any)[0], "site"))
	vapps := powerVCAVPaged(t, read, "/vapp-replications")
	require.Len(t, vapps, 3)
	assert.NotEmpty(t, field(vapps[0], "vmReplications"))

	// Disconnect-VCAV (lines 103–143): only X-VCAV-Auth.
	status, _, _ = r.send("DELETE", "/sessions", "", "X-VCAV-Auth", token)
	assert.Equal(t, http.StatusNoContent, status)
}

// powerVCAVPaged replays Invoke-VCAVPagedQuery (PowerVCAV.psm1 lines
// 227–279): offset += the items of each page until offset >= total.
func powerVCAVPaged(t *testing.T, read func(string) any, path string) []any {
	t.Helper()
	var items []any
	for offset := 0; ; {
		page := read(path + "?offset=" + strconv.Itoa(offset) + "&limit=100")
		got := field(page, "items").([]any)
		items = append(items, got...)
		offset += len(got)
		if float64(offset) >= field(page, "total").(float64) {
			return items
		}
		require.NotEmpty(t, got, "an empty page below total would loop forever")
	}
}
