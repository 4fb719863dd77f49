package conformance_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/conformance"
	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/gen/vcha"
	"github.com/failoverkit/failoverkit/server"
	"github.com/failoverkit/failoverkit/spec"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
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

// proxied starts a proxy for api in front of backend; it returns the proxy,
// its URL and the log it writes.
func proxied(t *testing.T, api spec.API, backend http.Handler) (*conformance.Proxy, string, *syncBuffer) {
	t.Helper()
	up := httptest.NewServer(backend)
	t.Cleanup(up.Close)
	logs := &syncBuffer{}
	p, err := conformance.NewProxy(conformance.ProxyConfig{API: api, Target: up.URL, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	require.NoError(t, err)
	front := httptest.NewServer(p)
	t.Cleanup(front.Close)
	return p, front.URL, logs
}

// mockHandlers starts a mock with instant tasks, each API behind wrap.
func mockHandlers(t *testing.T, wrap wrapper) map[spec.API]http.Handler {
	t.Helper()
	m, err := server.New(server.WithInstantTasks())
	require.NoError(t, err)
	out := map[spec.API]http.Handler{}
	for _, api := range spec.APIs() {
		out[api] = m.Handler(api)
		if wrap != nil {
			out[api] = wrap(api, out[api])
		}
	}
	return out
}

func vcavLogin(t *testing.T, c *vcav.ClientWithResponses, password string) string {
	t.Helper()
	body := fmt.Sprintf(`{"type":"localUser","localUser":"root","localPassword":%q}`, password)
	resp, err := c.LoginWithBodyWithResponse(t.Context(), nil, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode(), string(resp.Body))
	return resp.HTTPResponse.Header.Get("X-VCAV-Auth")
}

func withVCAVToken(tok string) vcav.RequestEditorFn {
	return func(_ context.Context, r *http.Request) error { r.Header.Set("X-VCAV-Auth", tok); return nil }
}

// TestProxy_ConformingVCAVClient drives the generated VCAV client through
// the proxy to the mock: the whole failover flow, no violation, and the
// client gets exactly the bytes the mock sends.
func TestProxy_ConformingVCAVClient(t *testing.T) {
	h := mockHandlers(t, nil)
	p, url, logs := proxied(t, spec.VCAV, h[spec.VCAV])
	c, err := vcav.NewClientWithResponses(url)
	require.NoError(t, err)
	tok := vcavLogin(t, c, "vmware")
	require.NotEmpty(t, tok)

	list, err := c.ListVmReplicationsWithResponse(t.Context(), nil, withVCAVToken(tok))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, list.StatusCode())
	direct := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/vm-replications", nil)
	req.Header.Set("X-VCAV-Auth", tok)
	h[spec.VCAV].ServeHTTP(direct, req)
	assert.Equal(t, direct.Body.Bytes(), list.Body, "the proxy forwards the response bytes unchanged")
	assert.Equal(t, direct.Header().Get("Content-Type"), list.HTTPResponse.Header.Get("Content-Type"))

	fo, err := c.FailoverVmReplicationWithBodyWithResponse(t.Context(), replNotStarted, nil, "application/json",
		strings.NewReader(`{"type":"vcloud","powerOn":true}`), withVCAVToken(tok))
	require.NoError(t, err)
	require.Equal(t, http.StatusAccepted, fo.StatusCode(), string(fo.Body))
	task, err := c.GetTaskWithResponse(t.Context(), fo.JSON202.Id, nil, withVCAVToken(tok))
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, task.StatusCode())
	assert.Equal(t, "SUCCEEDED", string(task.JSON200.State))

	assert.Empty(t, p.Violations(), logs.String())
	s := p.Summary()
	assert.Equal(t, int64(4), s.Requests)
	assert.Zero(t, s.Violations)
	assert.NotContains(t, logs.String(), "spec violation")
}

// TestProxy_ConformingVCHAClient drives the generated vSphere client through
// the proxy: session, cluster read, failover, task.
func TestProxy_ConformingVCHAClient(t *testing.T) {
	h := mockHandlers(t, nil)
	p, url, logs := proxied(t, spec.VCHA, h[spec.VCHA])
	c, err := vcha.NewClientWithResponses(url)
	require.NoError(t, err)
	sess, err := c.CreateSessionWithResponse(t.Context(), func(_ context.Context, r *http.Request) error {
		r.SetBasicAuth("administrator@vsphere.local", "vmware")
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, sess.StatusCode())
	auth := func(_ context.Context, r *http.Request) error {
		r.Header.Set("vmware-api-session-id", *sess.JSON201)
		return nil
	}
	cl, err := c.GetVchaClusterWithBodyWithResponse(t.Context(), "application/json", strings.NewReader(`{}`), auth)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, cl.StatusCode())
	fo, err := c.FailoverVchaClusterAsyncWithBodyWithResponse(t.Context(), "application/json", strings.NewReader(`{"planned":true}`), auth)
	require.NoError(t, err)
	require.Equal(t, http.StatusAccepted, fo.StatusCode(), string(fo.Body))
	task, err := c.GetTaskWithResponse(t.Context(), *fo.JSON202, nil, auth)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, task.StatusCode())
	assert.Empty(t, p.Violations(), logs.String())
	assert.Equal(t, int64(4), p.Summary().Requests)
}

// TestProxy_NonConformingRequest: a client sending a body the spec forbids
// gets the server's answer unchanged, and the proxy records the request
// violation with its field path.
func TestProxy_NonConformingRequest(t *testing.T) {
	h := mockHandlers(t, nil)
	p, url, logs := proxied(t, spec.VCAV, h[spec.VCAV])
	c, err := vcav.NewClientWithResponses(url)
	require.NoError(t, err)
	tok := vcavLogin(t, c, "vmware")
	fo, err := c.FailoverVmReplicationWithBodyWithResponse(t.Context(), replNotStarted, nil, "application/json",
		strings.NewReader(`{"type":"vcloud","powerOn":"yes"}`), withVCAVToken(tok))
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, fo.StatusCode(), "the mock still answers: the request was forwarded")
	vs := p.Violations()
	require.Len(t, vs, 1, logs.String())
	v := vs[0]
	assert.Equal(t, conformance.DirRequest, v.Direction)
	assert.Equal(t, "failoverVmReplication", v.Operation)
	assert.Equal(t, conformance.InRequest, v.In)
	assert.Equal(t, "powerOn", v.Field)
	assert.Contains(t, logs.String(), `"msg":"spec violation"`)
	assert.Contains(t, logs.String(), `"direction":"request"`)
}

// TestProxy_NonConformingResponses: traffic to broken servers is recorded
// as response violations, in both APIs.
func TestProxy_NonConformingResponses(t *testing.T) {
	var byName = map[string]variant{}
	for _, v := range variants() {
		byName[v.name] = v
	}
	h := mockHandlers(t, byName["error-type-outside-enum"].wrap)
	p, url, logs := proxied(t, spec.VCHA, h[spec.VCHA])
	resp, err := http.Post(url+"/api/session", "application/json", nil) // no credentials: 401
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	vs := p.Violations()
	require.Len(t, vs, 1)
	assert.Equal(t, conformance.DirResponse, vs[0].Direction)
	assert.Equal(t, "createSession", vs[0].Operation)
	assert.Equal(t, "error_type", vs[0].Field)
	assert.Contains(t, logs.String(), `"direction":"response"`)

	h = mockHandlers(t, byName["wrong-content-type"].wrap)
	p, url, _ = proxied(t, spec.VCAV, h[spec.VCAV])
	resp, err = http.Get(url + "/sessions")
	require.NoError(t, err)
	_ = resp.Body.Close()
	vs = p.Violations()
	require.Len(t, vs, 1)
	assert.Equal(t, conformance.InHeader, vs[0].In)
	assert.Equal(t, "Content-Type", vs[0].Field)
	var buf bytes.Buffer
	require.NoError(t, p.Summary().WriteSummary(&buf, spec.VCAV))
	assert.Contains(t, buf.String(), "1 requests, 1 violations")
	assert.Contains(t, buf.String(), `response getSession header "Content-Type"`)
}

// TestProxy_NeverLogsSecrets: passwords and tokens in requests, echoed in
// responses and in violations never reach the log or the violations.
func TestProxy_NeverLogsSecrets(t *testing.T) {
	f := secretFixture(t)
	m, err := server.New(server.WithInstantTasks(), server.WithFixture(f))
	require.NoError(t, err)
	l := &leaky{}
	p, url, logs := proxied(t, spec.VCAV, l.wrap(spec.VCAV, m.Handler(spec.VCAV)))
	c, err := vcav.NewClientWithResponses(url)
	require.NoError(t, err)
	body := fmt.Sprintf(`{"type":"localUser","localUser":"root","localPassword":%q}`, vcavSecret)
	login, err := c.LoginWithBodyWithResponse(t.Context(), nil, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	tok := login.HTTPResponse.Header.Get("X-VCAV-Auth")
	require.NotEmpty(t, tok)
	// An invalid login (no localUser) that carries the password, then calls
	// whose error bodies echo the password and the token.
	// (Plain HTTP: the generated client refuses the leaky server's bodies.)
	send := func(method, path, body string) {
		req, err := http.NewRequest(method, url+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-VCAV-Auth", tok)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
	send(http.MethodPost, "/sessions", fmt.Sprintf(`{"type":"localUser","localPassword":%q}`, vcavSecret))
	send(http.MethodGet, "/vm-replications/C4-00000000-0000-4000-8000-000000000000", "")
	send(http.MethodGet, "/vm-replications?sessionToken="+tok, "")

	require.NotEmpty(t, p.Violations())
	var all bytes.Buffer
	all.WriteString(logs.String())
	for _, v := range p.Violations() {
		b, _ := json.Marshal(v)
		all.Write(b)
		all.WriteString(v.Error())
	}
	assert.Contains(t, all.String(), conformance.Redacted)
	for _, s := range []string{vcavSecret, tok, "Authorization", "X-Vcav-Auth"} {
		assert.NotContains(t, all.String(), s)
	}
}

// echoBackend answers every request with a digest of exactly what it
// received, in a response the VCAV spec accepts (404 VmReplicationNotFound).
func echoBackend() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sum := sha256.Sum256(body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(map[string]any{"code": "VmReplicationNotFound", "msg": "echo",
			"args": []string{r.Method, r.URL.RequestURI(), r.Header.Get("X-Test-Id"), hex.EncodeToString(sum[:]), fmt.Sprint(len(body))}})
	})
}

// TestProxy_ConcurrentTrafficForwardedUnchanged sends many requests at once,
// a third of them with invalid bodies and some large: every request reaches
// the backend byte for byte, every response reaches the client byte for
// byte, and every violation is recorded.
func TestProxy_ConcurrentTrafficForwardedUnchanged(t *testing.T) {
	const n = 64
	p, url, _ := proxied(t, spec.VCAV, echoBackend())
	client := &http.Client{}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			errs <- concurrentRequest(client, url, i)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	assert.Equal(t, int64(n), p.Summary().Requests)
	invalid := 0
	for i := range n {
		if i%3 == 0 {
			invalid++
		}
	}
	vs := p.Violations()
	assert.Len(t, vs, invalid, "one request violation per invalid body, none for the responses")
	for _, v := range vs {
		assert.Equal(t, conformance.DirRequest, v.Direction)
	}
}

// concurrentRequest sends request i and checks what both ends saw.
func concurrentRequest(client *http.Client, url string, i int) error {
	pad := strings.Repeat("x", (i%4)*25_000) // up to 75 kB
	body := fmt.Sprintf(`{"type":"vcloud","powerOn":true,"instanceId":"%d-%s"}`, i, pad)
	if i%3 == 0 {
		body = fmt.Sprintf(`{"type":"vcloud","powerOn":"not-a-bool-%d"}`, i)
	}
	path := fmt.Sprintf("/vm-replications/C4-00000000-0000-4000-8000-%012d/failover?site=s%d", i, i)
	req, err := http.NewRequest(http.MethodPost, url+path, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-VCAV-Auth", fmt.Sprintf("token-%d", i))
	req.Header.Set("X-Test-Id", fmt.Sprint(i))
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(body))
	var want bytes.Buffer
	_ = json.NewEncoder(&want).Encode(map[string]any{"code": "VmReplicationNotFound", "msg": "echo",
		"args": []string{http.MethodPost, path, fmt.Sprint(i), hex.EncodeToString(sum[:]), fmt.Sprint(len(body))}})
	if !bytes.Equal(got, want.Bytes()) || resp.StatusCode != http.StatusNotFound {
		return fmt.Errorf("request %d: got %d %s, want 404 %s", i, resp.StatusCode, got, want.Bytes())
	}
	return nil
}
