package server

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/spec"
)

// TestVCAVMediaTypes_AnswerTheVersionAsked pins the failoverkit choice on
// content negotiation (spec info.description): a versioned vendor Accept,
// as each public client sends it, is answered in that media type with
// ;charset=UTF-8, errors included; everything else in
// application/json;charset=UTF-8. Bodies are the same JSON.
func TestVCAVMediaTypes_AnswerTheVersionAsked(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	cases := []struct{ accept, want string }{
		{"", "application/json;charset=UTF-8"},                                                                 // PowerVCAV login, curl without -H Accept
		{"*/*", "application/json;charset=UTF-8"},                                                              // curl (KB 315136)
		{"application/json", "application/json;charset=UTF-8"},                                                 // VMware.vCAV.Community HEAD
		{"application/json;charset=UTF-8", "application/json;charset=UTF-8"},                                   // Ansible VCDA module login
		{"application/vnd.vmware.h4-v3+json;charset=UTF-8", "application/vnd.vmware.h4-v3+json;charset=UTF-8"}, // PowerVCAV reads
		{"application/vnd.vmware.h4-v3.5+json", "application/vnd.vmware.h4-v3.5+json;charset=UTF-8"},           // VMware.vCAV.Community 73cd3c2
		{"application/vnd.vmware.h4-v4+json", "application/vnd.vmware.h4-v4+json;charset=UTF-8"},               // VMware.vCAV.Community 383e645
		{"application/vnd.vmware.h4-v4.5+json;charset=UTF-8", "application/vnd.vmware.h4-v4.5+json;charset=UTF-8"},
		{"application/vnd.vmware.h4-v4.6+json;charset=UTF-8", "application/vnd.vmware.h4-v4.6+json;charset=UTF-8"},
		{"application/vnd.vmware.h4-v4.7+json;charset=UTF-8", "application/vnd.vmware.h4-v4.7+json;charset=UTF-8"}, // terraform-provider-vcda
		{"APPLICATION/VND.VMWARE.H4-V4.7+JSON", "application/vnd.vmware.h4-v4.7+json;charset=UTF-8"},
		{"application/vnd.vmware.h4-v9+json, application/json", "application/json;charset=UTF-8"},
		{"application/json;q=0.5, application/vnd.vmware.h4-v4.6+json", "application/vnd.vmware.h4-v4.6+json;charset=UTF-8"},
		{"text/html", "application/json;charset=UTF-8"},
	}
	var bodies []string
	for _, c := range cases {
		t.Run(c.accept, func(t *testing.T) {
			status, body, hdr := do(t, tm.vcavHC, "GET", tm.vcavURL+"/vm-replications/"+vcavReadyID, nil, "X-VCAV-Auth", token, "Accept", c.accept)
			require.Equal(t, http.StatusOK, status, "%s", body)
			assert.Equal(t, c.want, hdr.Get("Content-Type"))
			bodies = append(bodies, string(body))
			status, body, hdr = do(t, tm.vcavHC, "GET", tm.vcavURL+"/vm-replications/"+vcavUnknownID, nil, "X-VCAV-Auth", token, "Accept", c.accept)
			vcavRequireError(t, http.StatusNotFound, "VmReplicationNotFound", status, body)
			assert.Equal(t, c.want, hdr.Get("Content-Type"), "errors are negotiated too")
			status, body, hdr = do(t, tm.vcavHC, "GET", tm.vcavURL+"/sessions", nil, "Accept", c.accept)
			vcavRequireError(t, http.StatusUnauthorized, "NotAuthenticated", status, body)
			assert.Equal(t, c.want, hdr.Get("Content-Type"), "pipeline refusals are negotiated too")
		})
	}
	for _, b := range bodies {
		assert.Equal(t, bodies[0], b, "the body does not depend on the media type")
	}
}

// TestVCAVMediaTypes_UnknownVersionsOnly406 pins the failoverkit choice: an
// Accept naming only vendor versions the mock does not serve is refused
// with 406 NotAcceptable (in application/json).
func TestVCAVMediaTypes_UnknownVersionsOnly406(t *testing.T) {
	tm := newTestMock(t)
	for _, accept := range []string{"application/vnd.vmware.h4-v1+json", "application/vnd.vmware.h4-v9+json;charset=UTF-8",
		"application/vnd.vmware.h4-v2+json, application/vnd.vmware.h4-v5.0+json"} {
		status, body, hdr := do(t, tm.vcavHC, "POST", tm.vcavURL+"/sessions", vcavRootLogin, "Accept", accept)
		vcavRequireError(t, http.StatusNotAcceptable, "NotAcceptable", status, body)
		assert.Equal(t, "application/json;charset=UTF-8", hdr.Get("Content-Type"))
		assert.Empty(t, hdr.Get("X-VCAV-Auth"), "nothing was done")
	}
}

// TestVCAVMediaTypes_ContentTypeOnBodylessRequestsIgnored: the KB, the
// terraform provider and Windows PowerShell send Content-Type:
// application/json on GET and DELETE without a body.
func TestVCAVMediaTypes_ContentTypeOnBodylessRequestsIgnored(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	for _, method := range []string{"GET", "DELETE"} {
		req, err := http.NewRequest(method, tm.vcavURL+"/sessions", nil)
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-VCAV-Auth", token)
		resp, err := tm.vcavHC.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Less(t, resp.StatusCode, 300, method)
	}
}

// TestVCAVHeaderSpelling_RawHTTP11Capture reads the login answer off a
// raw HTTP/1.1 connection: VMware KB 315136 pipes `curl -i` into a
// case-sensitive `grep X-VCAV-Auth`, so the header must be on the wire
// spelled exactly so (Go's Header.Set would send X-Vcav-Auth).
func TestVCAVHeaderSpelling_RawHTTP11Capture(t *testing.T) {
	m, err := New()
	require.NoError(t, err)
	srv := httptest.NewServer(m.Handler(spec.VCAV))
	t.Cleanup(srv.Close)
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	body := `{"type": "vcdCredentials","vcdUser": "administrator@system","vcdPassword": "vmware"}`
	_, err = conn.Write([]byte("POST /sessions HTTP/1.1\r\nHost: vcav.corp.local\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n" +
		"Content-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n" + body))
	require.NoError(t, err)
	var lines []string
	sc := bufio.NewScanner(conn)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	require.NotEmpty(t, lines)
	assert.Equal(t, "HTTP/1.1 200 OK", lines[0])
	var token string
	for _, l := range lines {
		if strings.Contains(l, "X-VCAV-Auth") { // grep X-VCAV-Auth
			token = strings.Fields(l)[1] // cut -d " " -f2
		}
		assert.NotContains(t, l, "X-Vcav-Auth")
	}
	assert.Regexp(t, `^[A-Za-z0-9+/]{27}=$`, token, "X-VCAV-Auth: <28 base64 characters>, as in the KB")
}

// TestNegotiate pins the negotiation rules on their own.
func TestNegotiate(t *testing.T) {
	info, _ := spec.Lookup(spec.VCAV)
	for accept, want := range map[string]string{
		"":                                    "application/json",
		"application/vnd.vmware.h4-v3+json":   "application/vnd.vmware.h4-v3+json",
		"application/vnd.vmware.h4-v4.3+json": "application/vnd.vmware.h4-v4.3+json",
		"application/vnd.vmware.h4-v4.6+json;q=0, application/json": "application/json",
		"application/vnd.vmware.h4-v4.6+json;q=0.1, */*;q=0.9":      "application/json",
		"garbage;;;": "application/json",
	} {
		got, ok := negotiate(info.MediaTypes, accept)
		assert.True(t, ok, accept)
		assert.Equal(t, want, got, accept)
	}
	_, ok := negotiate(info.MediaTypes, "application/vnd.vmware.h4-v4.8+json")
	assert.False(t, ok)
}
