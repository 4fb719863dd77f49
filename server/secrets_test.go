package server

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Distinctive credentials, so that finding one in any output is never a
// coincidence ("vmware" is in every vSphere message id).
const (
	secretRootPw    = "Root-Pw-7f3e91aa"
	secretVcdPw     = "Vcd-Pw-2b8c44bb"
	secretSsoPw     = "Sso-Pw-5d1a07cc"
	secretAdminPw   = "Admin-Pw-9e2c13dd"
	secretReadPw    = "Read-Pw-3a7f58ee"
	secretWrongPw   = "Wrong-Pw-c0ffee11"
	secretSsoUser   = "sso-user@vsphere.local"
	secretNotAValue = "Not-A-String-Pw-41"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of the
// server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// secretsFixture is the default fixture with the distinctive passwords and
// an ssoCredentials user.
func secretsFixture(t *testing.T) *Fixture {
	t.Helper()
	f, err := DefaultFixture()
	require.NoError(t, err)
	pw := map[string]string{"root": secretRootPw, "administrator@System": secretVcdPw, vchaAdmin: secretAdminPw, vchaReadonly: secretReadPw}
	for i, u := range f.VCAV.Users {
		f.VCAV.Users[i].Password = pw[u.Name]
	}
	for i, u := range f.VCHA.Users {
		f.VCHA.Users[i].Password = pw[u.Name]
	}
	f.VCAV.Users = append(f.VCAV.Users, User{Name: secretSsoUser, Password: secretSsoPw, Type: "ssoCredentials"})
	return f
}

// exchange is one request of the flows and what came back.
type exchange struct {
	what   string
	status int
	header http.Header
	body   []byte
}

// secretFlow records the exchanges of the flows and the tokens issued.
type secretFlow struct {
	t      *testing.T
	tm     *testMock
	seen   []exchange
	tokens []string
}

// send sends a request with headers as name, value pairs.
func (sf *secretFlow) send(hc *http.Client, method, url, body string, headers ...string) exchange {
	sf.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	require.NoError(sf.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := hc.Do(req)
	require.NoError(sf.t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(sf.t, err)
	x := exchange{what: method + " " + url, status: resp.StatusCode, header: resp.Header, body: out}
	sf.seen = append(sf.seen, x)
	return x
}

// vcavFlow logs in with every login type, fails over, polls, lists and
// logs out, and tries wrong, mistyped and misplaced credentials.
func (sf *secretFlow) vcavFlow() {
	tm, hc, u := sf.tm, sf.tm.vcavHC, sf.tm.vcavURL
	var tokens []string
	for _, body := range []string{
		`{"type":"localUser","localUser":"root","localPassword":"` + secretRootPw + `"}`,
		`{"type":"vcdCredentials","vcdUser":"administrator@System","vcdPassword":"` + secretVcdPw + `"}`,
		`{"type":"ssoCredentials","username":"` + secretSsoUser + `","password":"` + secretSsoPw + `"}`,
	} {
		x := sf.send(hc, "POST", u+"/sessions", body)
		require.Equal(sf.t, http.StatusOK, x.status, "%s", x.body)
		tokens = append(tokens, x.header.Get("X-VCAV-Auth"))
	}
	sf.tokens = append(sf.tokens, tokens...)
	for _, body := range []string{
		`{"type":"localUser","localUser":"root","localPassword":"` + secretWrongPw + `"}`,
		`{"type":"localUser","localUser":"nobody","localPassword":"` + secretWrongPw + `"}`,
		`{"type":"vcdCredentials","vcdUser":"root","vcdPassword":"` + secretRootPw + `"}`,
		`{"type":"localUser","localUser":"root","localPassword":["` + secretNotAValue + `"]}`,
		`{"type":"localUser","localUser":"root","localPassword":{"pw":"` + secretNotAValue + `"}}`,
		`{"type":"nope","password":"` + secretWrongPw + `"}`,
		`{"type":"localUser","localUser":"root","localPassword":"` + secretWrongPw,
	} {
		x := sf.send(hc, "POST", u+"/sessions", body)
		require.Contains(sf.t, []int{http.StatusBadRequest, http.StatusUnauthorized}, x.status, "%s", x.body)
	}
	sf.send(hc, "POST", u+"/sessions?password="+secretWrongPw+"&token="+tokens[0], `{"type":"localUser","localUser":"root","localPassword":"`+secretRootPw+`x"}`)
	auth := []string{"X-VCAV-Auth", tokens[0]}
	sf.send(hc, "GET", u+"/sessions", "", auth...)
	fo := sf.send(hc, "POST", u+"/vm-replications/"+vcavReadyID+"/failover", vcavVcloudBody, auth...)
	require.Equal(sf.t, http.StatusAccepted, fo.status, "%s", fo.body)
	id, err := taskIDOf("vcav", fo.body)
	require.NoError(sf.t, err)
	tm.clock.Advance(DefaultTaskDuration)
	sf.send(hc, "GET", u+"/tasks/"+id, "", auth...)
	sf.send(hc, "GET", u+"/tasks/"+id, "", "X-VCAV-Auth", tokens[1]) // another user's task: 404
	sf.send(hc, "GET", u+"/vm-replications?site=site1", "", auth...)
	sf.send(hc, "GET", u+"/vm-replications", "", "Authorization", "Bearer "+tokens[0])
	require.Equal(sf.t, http.StatusNoContent, sf.send(hc, "DELETE", u+"/sessions", "", auth...).status)
	require.Equal(sf.t, http.StatusUnauthorized, sf.send(hc, "GET", u+"/sessions", "", auth...).status)
}

// vchaFlow logs in both users, fails over as each, polls, reads the
// cluster and logs out, and tries wrong and malformed credentials.
func (sf *secretFlow) vchaFlow() {
	tm, hc, u := sf.tm, sf.tm.vchaHC, sf.tm.vchaURL
	basic := func(user, pw string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pw))
	}
	var tokens []string
	for _, c := range [][2]string{{vchaAdmin, secretAdminPw}, {vchaReadonly, secretReadPw}} {
		x := sf.send(hc, "POST", u+"/api/session", "", "Authorization", basic(c[0], c[1]))
		require.Equal(sf.t, http.StatusCreated, x.status, "%s", x.body)
		var token string
		require.NoError(sf.t, json.Unmarshal(x.body, &token))
		tokens = append(tokens, token)
	}
	sf.tokens = append(sf.tokens, tokens...)
	for _, h := range []string{basic(vchaAdmin, secretWrongPw), basic("nobody", secretWrongPw), "Basic " + secretWrongPw, "Bearer " + secretWrongPw} {
		x := sf.send(hc, "POST", u+"/api/session", "", "Authorization", h)
		require.Equal(sf.t, http.StatusUnauthorized, x.status, "%s", x.body)
	}
	admin, ro := []string{"vmware-api-session-id", tokens[0]}, []string{"vmware-api-session-id", tokens[1]}
	fo := sf.send(hc, "POST", u+"/api/vcenter/vcha/cluster?action=failover&vmw-task=true", `{"planned":true}`, admin...)
	require.Equal(sf.t, http.StatusAccepted, fo.status, "%s", fo.body)
	id, err := taskIDOf("vcha", fo.body)
	require.NoError(sf.t, err)
	sf.send(hc, "POST", u+"/api/vcenter/vcha/cluster?action=failover&vmw-task=true", `{"planned":true}`, ro...) // 403
	sf.send(hc, "POST", u+"/api/vcenter/vcha/cluster?action=failover&vmw-task=true", `{"planned":"`+secretNotAValue+`"}`, admin...)
	tm.clock.Advance(DefaultTaskDuration)
	sf.send(hc, "GET", u+"/api/cis/tasks/"+id, "", admin...)
	sf.send(hc, "GET", u+"/api/session", "", admin...)
	sf.send(hc, "GET", u+"/api/vcenter/vcha/cluster/mode?session="+tokens[0], "", ro...)
	sf.send(hc, "POST", u+"/api/vcenter/vcha/cluster?action=get", `{"partial":true}`, ro...)
	require.Equal(sf.t, http.StatusNoContent, sf.send(hc, "DELETE", u+"/api/session", "", admin...).status)
	require.Equal(sf.t, http.StatusUnauthorized, sf.send(hc, "GET", u+"/api/session", "", admin...).status)
}

// TestSecrets_NeverInLogsErrorsOrControlAPI runs full flows on both APIs,
// successful and failed, with distinctive passwords, and checks that no
// password (right or wrong) and no session token appears in the JSON
// request logs, in any answer other than the login that issued the token,
// in the control API's request log and state, or in the mock's state and
// fixture errors.
func TestSecrets_NeverInLogsErrorsOrControlAPI(t *testing.T) {
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	tm := newTestMock(t, WithLogger(logger), WithFixture(secretsFixture(t)))
	sf := &secretFlow{t: t, tm: tm}
	sf.vcavFlow()
	sf.vchaFlow()
	require.Len(t, sf.tokens, 5)

	outputs := map[string]string{"slog JSON logs": logs.String()}
	for i, x := range sf.seen {
		if isLogin(x) {
			continue // it carries the token it issues
		}
		outputs[fmt.Sprintf("answer %d to %s (%d)", i, x.what, x.status)] = string(x.body) + fmt.Sprint(x.header)
	}
	for _, path := range []string{"/requests", "/state"} {
		for _, base := range []string{tm.vcavURL, tm.vchaURL} {
			x := sf.send(http.DefaultClient, "GET", base+ControlPrefix+path, "")
			require.Equal(t, http.StatusOK, x.status)
			outputs["control "+base+path] = string(x.body)
		}
	}
	st := tm.State()
	outputs["State() printed"] = fmt.Sprintf("%v %+v %#v %+v %#v", st, *st.VCAV, *st.VCAV, *st.VCHA, *st.VCHA)
	outputs["Requests() printed"] = fmt.Sprintf("%+v", tm.Requests())
	for name, err := range fixtureErrors(t, tm) {
		outputs["fixture error: "+name] = err
	}
	secrets := append([]string{secretRootPw, secretVcdPw, secretSsoPw, secretAdminPw, secretReadPw, secretWrongPw, secretNotAValue}, sf.tokens...)
	for name, out := range outputs {
		for _, s := range secrets {
			assert.NotContains(t, out, s, "%s leaks a secret", name)
		}
	}
	assert.Contains(t, logs.String(), `"operation":"failoverVmReplication"`, "the logs were captured")
	assert.Contains(t, logs.String(), `"user":"root"`)
}

// isLogin reports a successful login, whose answer carries its token.
func isLogin(x exchange) bool {
	return (strings.HasSuffix(x.what, "/sessions") && strings.HasPrefix(x.what, "POST") && x.status == http.StatusOK) ||
		(strings.HasSuffix(x.what, "/api/session") && strings.HasPrefix(x.what, "POST") && x.status == http.StatusCreated)
}

// fixtureErrors collects the errors of fixtures that are invalid in ways
// that involve a password: through ParseFixture and the control API.
func fixtureErrors(t *testing.T, tm *testMock) map[string]string {
	bad := map[string]string{
		"bad type":        `vcav: {localSite: s, sites: [{name: s}], users: [{name: root, password: ` + secretWrongPw + `, type: bogus}]}`,
		"password object": `vcav: {localSite: s, sites: [{name: s}], users: [{name: root, password: {x: ` + secretWrongPw + `}, type: localUser}]}`,
		"duplicate user":  `vcha: {users: [{name: a, password: ` + secretWrongPw + `}, {name: a, password: ` + secretAdminPw + `}], cluster: {}}`,
		"unknown field":   `vcav: {localSite: s, sites: [{name: s}], users: [{name: root, passwd: ` + secretWrongPw + `, type: localUser}]}`,
	}
	out := map[string]string{}
	for name, y := range bad {
		_, err := ParseFixture([]byte(y))
		require.Error(t, err, name)
		out[name] = err.Error()
		req, err := http.NewRequest("PUT", tm.vcavURL+ControlPrefix+"/fixture", strings.NewReader(y))
		require.NoError(t, err)
		resp, body := plainDo(t, req)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
		out[name+" (control API)"] = string(body)
	}
	return out
}
