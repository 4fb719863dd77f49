package conformance_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/conformance"
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
// encoding) to a target that echoes them in broken answers: each request
// and answer is a violation, and no part of the password appears in the
// proxy's log, violations or summary.
func TestProxy_UnparseableLoginBodiesNeverLogged(t *testing.T) {
	const pw = "Qz7-unparse\"able\\Pw"
	// The target echoes each login body into a broken 400 answer, as a
	// careless appliance might.
	echoing := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]any{"code": 7, "msg": "cannot parse " + string(b)})
	})
	p, url, logs := proxied(t, spec.VCAV, echoing)
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
	require.Len(t, p.Violations(), 2*len(bodies), "each request and each echoing answer")
	out := proxyOutput(p, logs, spec.VCAV)
	for _, part := range []string{"Qz7-unparse", "able\\Pw", "able\\\\Pw", "able"} {
		assert.NotContains(t, out, part)
	}
	assert.Contains(t, out, "withheld")
}

// TestProxy_UnparseableJSONRPCBodiesNeverLogged: vSphere's vAPI JSON-RPC
// carries the password (session create) or the session id in its body;
// such a body the proxy cannot parse, echoed by the target, never shows
// in the proxy's log, violations or summary, while a parsed one shows
// with its secret fields redacted.
func TestProxy_UnparseableJSONRPCBodiesNeverLogged(t *testing.T) {
	const pw, sid = "Rpc-unparse\"able-Pw", "rpc-session-7731ab"
	echoing := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]any{"error_type": 7, "messages": "cannot parse " + string(b)})
	})
	p, url, logs := proxied(t, spec.VCHA, echoing)
	login := `{"jsonrpc":"2.0","method":"invoke","id":"1","params":{"serviceId":"com.vmware.cis.session","operationId":"create",` +
		`"input":{"STRUCTURE":{"operation-input":{}}},"ctx":{"appCtx":{},"securityCtx":{"schemeId":"com.vmware.vapi.std.security.user_pass",` +
		`"userName":"administrator@vsphere.local","password":"` + pw
	sendRaw(t, http.MethodPost, url+"/api", "application/json", login)
	sendRaw(t, http.MethodPost, url+"/api", "application/json", strings.ReplaceAll(login, "user_pass", "session_id")+`",`+
		`"sessionId":"`+sid+`"}}}`)
	sendRaw(t, http.MethodPost, url+"/api", "application/json", `{"jsonrpc":"2.0","method":"invoke","id":"2","params":{"serviceId":"com.vmware.cis.tasks",`+
		`"operationId":"get","input":{"STRUCTURE":{"operation-input":{"task":"t"}}},"ctx":{"securityCtx":{"schemeId":"com.vmware.vapi.std.security.session_id","sessionId":"`+sid+`"}}}}`)
	require.NotEmpty(t, p.Violations())
	out := proxyOutput(p, logs, spec.VCHA)
	for _, part := range []string{"Rpc-unparse", "able-Pw", sid} {
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

// TestProxy_UpstreamTimeoutAndConcurrencyCap puts the proxy, capped at two
// exchanges in flight, in front of a target that holds each request until
// released: while six clients wait, no more than two requests reach the
// target, and all six are answered once it lets go. With a 300 ms upstream
// timeout, a request the target never answers gets 504.
func TestProxy_UpstreamTimeoutAndConcurrencyCap(t *testing.T) {
	var inFlight, most atomic.Int32
	release := make(chan struct{})
	target := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		select {
		case <-release:
			w.WriteHeader(http.StatusNotFound)
		case <-r.Context().Done():
		}
	})
	up := httptest.NewServer(target)
	t.Cleanup(up.Close)
	front := func(timeout time.Duration) string {
		p, err := conformance.NewProxy(conformance.ProxyConfig{API: spec.VCAV, Target: up.URL, MaxConcurrent: 2, UpstreamTimeout: timeout})
		require.NoError(t, err)
		srv := httptest.NewServer(p)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	capped := front(time.Minute)
	var wg sync.WaitGroup
	statuses := make(chan int, 6)
	for range 6 {
		wg.Go(func() {
			resp, err := http.Get(capped + "/vm-replications/x")
			if err == nil {
				statuses <- resp.StatusCode
				_ = resp.Body.Close()
			}
		})
	}
	require.Eventually(t, func() bool { return inFlight.Load() == 2 }, 5*time.Second, 10*time.Millisecond)
	time.Sleep(200 * time.Millisecond) // the other four are waiting for a slot, not at the target
	assert.Equal(t, int32(2), most.Load())
	close(release)
	wg.Wait()
	close(statuses)
	n := 0
	for s := range statuses {
		assert.Equal(t, http.StatusNotFound, s)
		n++
	}
	assert.Equal(t, 6, n)

	stuck := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(stuck.Close)
	p, err := conformance.NewProxy(conformance.ProxyConfig{API: spec.VCAV, Target: stuck.URL, UpstreamTimeout: 300 * time.Millisecond})
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/vm-replications/x", nil))
	assert.Equal(t, http.StatusGatewayTimeout, rec.Code)
}
