package server

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReplay_AnsibleVCDAModule_Info replays ihumster/ansible_vcda_module at
// 529e1c4: module_utils/vcda_common.py login (lines 58–101: Accept
// application/json;charset=UTF-8, json.dumps body, must be exactly 200;
// the answer's Content-Type becomes the "vendor" Accept), then
// library/vcda_info.py get_info (lines 13–53): GET /diagnostics/health
// with the vendor headers must answer 202 and a task id; after a fixed 2 s
// sleep GET /tasks/<id> with the json headers must answer 200, and its
// result is returned without a look at the state. The module never logs
// out. Its vcd login sends vcdCredentials with username/password, which
// the vendor documents as vcdUser/vcdPassword: failoverkit choice, pinned
// here, a real appliance most likely refuses that body as invalid, 400
// BadRequest, and the module fails with str(info).
func TestReplay_AnsibleVCDAModule_Info(t *testing.T) {
	tm := newTestMock(t)
	r := replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}
	status, hdr, body := r.send("POST", "/sessions", `{"type": "localUser", "localUser": "root", "localPassword": "vmware"}`,
		"Accept", "application/json;charset=UTF-8", "Content-Type", "application/json", "User-Agent", "ansible-httpget")
	require.Equal(t, http.StatusOK, status, "%s", body)
	token, vendorAccept := hdr.Get("X-VCAV-Auth"), hdr.Get("Content-Type")
	require.Equal(t, "application/json;charset=UTF-8", vendorAccept)

	status, _, body = r.send("GET", "/diagnostics/health", "", "Accept", vendorAccept, "Content-Type", "application/json",
		"X-VCAV-Auth", token, "User-Agent", "ansible-httpget")
	require.Equal(t, http.StatusAccepted, status, "%s", body)
	id, _ := field(decode(t, body), "id").(string)
	require.NotEmpty(t, id)
	tm.clock.Advance(2 * time.Second) // time.sleep(2)
	status, _, body = r.send("GET", "/tasks/"+id, "", "Accept", "application/json", "Content-Type", "application/json",
		"X-VCAV-Auth", token, "User-Agent", "ansible-httpget")
	require.Equal(t, http.StatusOK, status, "%s", body)
	task := decode(t, body)
	assert.Equal(t, "SUCCEEDED", field(task, "state"), "a health check takes at most 1 s")
	assert.NotNil(t, field(task, "result.productName"), "r['result'] is the module's vcda_health")

	status, _, body = r.send("POST", "/sessions", `{"type": "vcdCredentials", "username": "administrator@System", "password": "s3cret-ansible"}`,
		"Accept", "application/json;charset=UTF-8", "Content-Type", "application/json")
	e := vcavRequireError(t, http.StatusBadRequest, "BadRequest", status, body)
	assert.Contains(t, e.Msg, "vcdUser")
	assert.NotContains(t, string(body), "s3cret-ansible")
}

// TestReplay_AnsibleVCDAModule_Logins replays the other login types of
// module_utils/vcda_common.py login (529e1c4, lines 58–101): login_type
// sso sends ssoCredentials with username/password (json.dumps spacing) and
// must answer exactly 200 with the token in X-VCAV-Auth; a wrong password
// must answer 401, which the module reports as "Login failed for user".
func TestReplay_AnsibleVCDAModule_Logins(t *testing.T) {
	tm := newTestMock(t)
	r := replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}
	login := func(body string) (int, http.Header, []byte) {
		return r.send("POST", "/sessions", body,
			"Accept", "application/json;charset=UTF-8", "Content-Type", "application/json", "User-Agent", "ansible-httpget")
	}
	status, hdr, body := login(`{"type": "ssoCredentials", "username": "administrator@vsphere.local", "password": "vmware"}`)
	require.Equal(t, http.StatusOK, status, "%s", body)
	assert.Len(t, hdr.Get("X-VCAV-Auth"), 28)
	assert.Equal(t, "administrator@vsphere.local", field(decode(t, body), "user"))

	status, _, body = login(`{"type": "localUser", "localUser": "root", "localPassword": "not-the-password"}`)
	require.Equal(t, http.StatusUnauthorized, status, "%s", body)
	assert.NotContains(t, string(body), "not-the-password")
}
