package conformance_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/conformance"
	"github.com/failoverkit/failoverkit/server"
	"github.com/failoverkit/failoverkit/spec"
)

// proxyOutput is everything a proxy wrote or keeps: its log, its kept
// violations (as JSON and as errors) and its summary.
func proxyOutput(p *conformance.Proxy, logs *syncBuffer, api spec.API) string {
	var all bytes.Buffer
	all.WriteString(logs.String())
	for _, v := range p.Violations() {
		b, _ := json.Marshal(v)
		all.Write(b)
		all.WriteString(v.Error())
	}
	_ = p.Summary().WriteSummary(&all, api)
	return all.String()
}

func sendRaw(t *testing.T, method, url, contentType, body string, header ...string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
}

// TestProxy_UnparseableLoginBodiesNeverLogged sends the login bodies a
// client that builds JSON by string concatenation sends (unterminated, an
// unescaped quote or backslash in the password, single quotes, form
// encoding): each is a violation, and no part of the password appears in
// the proxy's log, violations or summary.
func TestProxy_UnparseableLoginBodiesNeverLogged(t *testing.T) {
	const pw = "Qz7-unparse\"able\\Pw"
	m, err := server.New(server.WithInstantTasks())
	require.NoError(t, err)
	p, url, logs := proxied(t, spec.VCAV, m.Handler(spec.VCAV))
	bodies := []struct{ contentType, body string }{
		{"application/json", `{"type":"localUser","localUser":"root","localPassword":"` + pw},
		{"application/json", `{"type":"localUser","localUser":"root","localPassword":"` + pw + `"}`},
		{"application/json", `{'type':'localUser','localUser':'root','localPassword':'` + pw + `'}`},
		{"application/x-www-form-urlencoded", "type=localUser&localUser=root&localPassword=" + pw},
		{"text/plain", "localPassword: " + pw},
	}
	for _, b := range bodies {
		sendRaw(t, http.MethodPost, url+"/sessions", b.contentType, b.body)
	}
	require.Len(t, p.Violations(), len(bodies))
	out := proxyOutput(p, logs, spec.VCAV)
	for _, part := range []string{"Qz7-unparse", "able\\Pw", "able\\\\Pw", "able"} {
		assert.NotContains(t, out, part)
	}
	assert.Contains(t, out, "withheld")
}

// echoCredentials answers every request with a broken VCAV error that
// echoes the Authorization and Cookie headers it received.
func echoCredentials() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(map[string]any{"code": 42, "msg": "debug: " + r.Header.Get("Authorization") +
			" cookie " + r.Header.Get("Cookie") + " raw " + fmt.Sprint(r.Header)})
	})
}

// TestProxy_EchoedCredentialsRedacted sends Basic (whose base64 and
// decoded forms a target may echo), Bearer and Cookie credentials to a
// target that echoes them in broken error bodies: the violations show
// them redacted, in every form.
func TestProxy_EchoedCredentialsRedacted(t *testing.T) {
	const user, pw, bearer, cookie = "root", "Basic-Pw-7781", "bearer-tok-5512ab", "cookie-val-9931cd"
	p, url, logs := proxied(t, spec.VCAV, echoCredentials())
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + pw))
	sendRaw(t, http.MethodGet, url+"/vm-replications/x", "application/json", "", "Authorization", "Basic "+basic)
	sendRaw(t, http.MethodGet, url+"/vm-replications/y", "application/json", "", "Authorization", "Bearer "+bearer)
	sendRaw(t, http.MethodGet, url+"/vm-replications/z", "application/json", "", "Cookie", "JSESSIONID="+cookie+"; other=x")
	require.Len(t, p.Violations(), 3)
	out := proxyOutput(p, logs, spec.VCAV)
	for _, s := range []string{basic, pw, user + ":" + pw, bearer, cookie} {
		assert.NotContains(t, out, s)
	}
	assert.Contains(t, out, conformance.Redacted)
}

// TestProxy_HostileJSONMemoryBounded sends deeply nested and very wide
// JSON bodies of 15 MB through the proxy: each is forwarded and recorded
// as one violation, handling one allocates a small multiple of its size
// (a 15 MB nested body took the proxy from 18 MiB to 4.1 GiB before), and
// the kept violations hold only short excerpts.
func TestProxy_HostileJSONMemoryBounded(t *testing.T) {
	const size = 15 << 20
	p, url, logs := proxied(t, spec.VCAV, echoBackend())
	bodies := map[string]string{
		"nested": strings.Repeat("[", size/2) + strings.Repeat("]", size/2),
		"wide":   "[" + strings.Repeat("[],", size/3-1) + "[]]",
	}
	for name, body := range bodies {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		sendRaw(t, http.MethodPost, url+"/vm-replications/x/failover", "application/json", body, "X-VCAV-Auth", "t")
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d MiB body, %d MiB allocated (client, proxy and target together)", name, len(body)>>20, alloc>>20)
		assert.Less(t, alloc, uint64(12*size), name)
	}
	for _, v := range p.Violations() {
		assert.Less(t, len(v.Excerpt), 1024)
		assert.Less(t, len(v.Error()), 1024, "a kept violation holds no copy of the body")
	}
	assert.Less(t, len(logs.String()), 16<<10)
}
