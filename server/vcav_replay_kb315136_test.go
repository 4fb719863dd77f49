package server

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReplay_KB315136_CurlSession replays the curl session of VMware KB
// 315136 (https://knowledge.broadcom.com/external/article/315136/):
// login with vcdCredentials as administrator@system (the org in lower
// case), the token cut from the X-VCAV-Auth header (the raw HTTP/1.1
// capture is TestVCAVHeaderSpelling_RawHTTP11Capture), extend with
// documented credentials, then the vApp replication list, the read of the
// one to remove (the KB's id is its own appliance's: the replay uses the
// list's last id (NOT_STARTED), as an operator would) and its DELETE, answered 202 with
// a task that removes it. Every call sends Content-Type: application/json
// and curl's Accept: */*; the KB never logs out.
func TestReplay_KB315136_CurlSession(t *testing.T) {
	tm := newTestMock(t)
	r := replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}
	curl := func(method, path, body, token string) (int, http.Header, []byte) {
		return r.send(method, path, body, "User-Agent", "curl/8.5.0", "Accept", "*/*", "Content-Type", "application/json", "X-VCAV-Auth", token)
	}
	status, hdr, body := curl("POST", "/sessions", `{"type": "vcdCredentials","vcdUser": "administrator@system","vcdPassword": "vmware"}`, "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	token := hdr.Get("X-VCAV-Auth")
	require.Regexp(t, `^[A-Za-z0-9+/]{27}=$`, token)

	status, _, body = curl("POST", "/sessions/extend",
		`{"type": "credentials","site": "site1","vcdUsername": "administrator@system","vcdPassword": "vmware"}`, token)
	require.Equal(t, http.StatusOK, status, "%s", body)
	sites := field(decode(t, body), "authenticatedSites").([]any)
	assert.Len(t, sites, 2)

	status, _, body = curl("GET", "/vapp-replications", "", token)
	require.Equal(t, http.StatusOK, status, "%s", body)
	items := field(decode(t, body), "items").([]any) // json_pp gets JSON
	require.NotEmpty(t, items)
	vapp := "/vapp-replications/" + field(items[len(items)-1], "id").(string) // not in TEST: deletable
	status, _, body = curl("GET", vapp, "", token)
	require.Equal(t, http.StatusOK, status, "%s", body)
	assert.NotEmpty(t, field(decode(t, body), "vmReplications"))
	status, _, body = curl("DELETE", vapp, "", token)
	require.Equal(t, http.StatusAccepted, status, "%s", body)
	assert.Equal(t, "delete", field(decode(t, body), "workflowInfo.type"))
	tm.clock.Advance(time.Minute) // the task has ended
	status, _, body = curl("GET", vapp, "", token)
	vcavRequireError(t, http.StatusNotFound, "VappReplicationNotFound", status, body)
}
