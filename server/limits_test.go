package server

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

// bodyLimitCase is one operation with a body, on one API.
type bodyLimitCase struct {
	name   string
	api    spec.API
	method string
	path   string
	prefix string // the start of a JSON body the pad is appended to
	header []string
}

// bodyLimitCases lists the operations with a request body on both APIs,
// with a session where they need one.
func bodyLimitCases(t *testing.T, tm *testMock) []bodyLimitCase {
	vcavToken, vchaToken := vcavLogin(t, tm, vcavRootLogin), vchaLogin(t, tm, vchaAdmin)
	vcavAuth, vchaAuth := []string{"X-VCAV-Auth", vcavToken}, []string{"vmware-api-session-id", vchaToken}
	return []bodyLimitCase{
		{"vcav login", spec.VCAV, "POST", "/sessions", `{"type":"localUser","localUser":"root","localPassword":"`, nil},
		{"vcav failover", spec.VCAV, "POST", "/vm-replications/" + vcavReadyID + "/failover", `{"type":"vcloud","pad":"`, vcavAuth},
		{"vcha failover", spec.VCHA, "POST", "/api/vcenter/vcha/cluster?action=failover&vmw-task=true", `{"planned":true,"pad":"`, vchaAuth},
		{"vcha mode", spec.VCHA, "PUT", "/api/vcenter/vcha/cluster/mode?vmw-task=true", `{"mode":"MAINTENANCE","pad":"`, vchaAuth},
	}
}

// TestLimits_BodyOverOneMiBIs413InVendorShape sends bodies just over the
// limit to every operation that takes one, with a Content-Length and
// chunked without one, through the validating transport (the specs declare
// 413 for these operations): each is refused with 413 in the vendor's
// error shape and changes nothing.
func TestLimits_BodyOverOneMiBIs413InVendorShape(t *testing.T) {
	tm := newTestMock(t)
	for _, c := range bodyLimitCases(t, tm) {
		body := c.prefix + strings.Repeat("x", DefaultBodyLimit) + `"}`
		for _, chunked := range []bool{false, true} {
			var r io.Reader = strings.NewReader(body)
			if chunked {
				r = io.MultiReader(r) // unknown length: sent chunked
			}
			status, resp := rawDo(t, tm.hc(c.api), c.method, tm.url(c.api)+c.path, r, c.header...)
			require.Equal(t, http.StatusRequestEntityTooLarge, status, "%s chunked=%v: %.300s", c.name, chunked, resp)
			assertTooLargeShape(t, c.api, resp)
		}
	}
	assert.Zero(t, vcavTaskCount(tm))
	tm.vchaSim().mu.Lock()
	defer tm.vchaSim().mu.Unlock()
	assert.Empty(t, tm.vchaSim().tasks.byID)
}

// assertTooLargeShape checks the vendor's 413 error.
func assertTooLargeShape(t *testing.T, api spec.API, body []byte) {
	t.Helper()
	if api == spec.VCAV {
		e := vcavAPIError(t, body)
		assert.Equal(t, "RequestEntityTooLarge", e.Code)
		assert.Equal(t, []string{"1048576"}, *e.Args)
		return
	}
	e := vchaError(t, body)
	assert.Equal(t, "INVALID_REQUEST", string(*e.ErrorType))
	assert.Equal(t, msgTooLarge, e.Messages[0].Id)
}

// TestLimits_BodyAtTheLimitIsAccepted sends a failover body of exactly
// DefaultBodyLimit bytes, chunked: it is read and validated as usual.
func TestLimits_BodyAtTheLimitIsAccepted(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	prefix := `{"type":"vcloud","pad":"`
	body := prefix + strings.Repeat("x", DefaultBodyLimit-len(prefix)-2) + `"}`
	require.Len(t, body, DefaultBodyLimit)
	status, resp := rawDo(t, tm.vcavHC, "POST", tm.vcavURL+"/vm-replications/"+vcavReadyID+"/failover",
		io.MultiReader(strings.NewReader(body)), "X-VCAV-Auth", token)
	assert.Equal(t, http.StatusAccepted, status, "%.300s", resp)
}

// TestLimits_OversizedHeadersAre431InVendorShape sends header fields over
// DefaultHeaderLimit in total, below net/http's hard cap, to a spec
// operation, an unknown route and the control API of both APIs. The specs
// do not declare 431, so the answers are checked with a plain client: 431,
// JSON, the vendor's error schema. Headers just under the limit pass.
func TestLimits_OversizedHeadersAre431InVendorShape(t *testing.T) {
	m, err := New(WithClock(NewManualClock(testStart)))
	require.NoError(t, err)
	for _, api := range builtinAPINames() {
		base := serveWithLimits(t, m.Handler(api))
		v, err := oasvalidate.New(api)
		require.NoError(t, err)
		for _, path := range []string{map[spec.API]string{spec.VCAV: "/sessions", spec.VCHA: "/api/session"}[api], "/nope", ControlPrefix + "/state"} {
			req, err := http.NewRequest(http.MethodGet, base+path, nil)
			require.NoError(t, err)
			req.Header.Set("X-Pad-1", strings.Repeat("a", DefaultHeaderLimit/2))
			req.Header.Set("X-Pad-2", strings.Repeat("b", DefaultHeaderLimit/2))
			resp, body := plainDo(t, req)
			require.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode, "%s %s: %.300s", api, path, body)
			require.NoError(t, checkErrorShape(v, resp.Header, body), "%s %s", api, path)
			assert.NotContains(t, string(body), "aaaa", "the header's value is not echoed")
		}
		req, err := http.NewRequest(http.MethodGet, base+SpecPath, nil)
		require.NoError(t, err)
		req.Header.Set("X-Pad", strings.Repeat("a", DefaultHeaderLimit-100))
		resp, _ := plainDo(t, req)
		assert.Equal(t, http.StatusOK, resp.StatusCode, "%s: headers under the limit pass", api)
	}
}

// TestLimits_HeadersOverTheHardCapGetNetHTTPs431 checks that
// MaxHeaderBytes still caps what a connection may send.
func TestLimits_HeadersOverTheHardCapGetNetHTTPs431(t *testing.T) {
	m, err := New()
	require.NoError(t, err)
	base := serveWithLimits(t, m.VCAVHandler())
	req, err := http.NewRequest(http.MethodGet, base+SpecPath, nil)
	require.NoError(t, err)
	req.Header.Set("X-Pad", strings.Repeat("a", DefaultMaxHeaderBytes+8192))
	resp, _ := plainDo(t, req)
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
}

// serveWithLimits serves h on a test server configured like Serve's.
func serveWithLimits(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config = newHTTPServer(h, ServeConfig{}, nil)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

// plainDo sends req with a client that does not validate answers.
func plainDo(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, body
}

// rawDo sends a request with body r (sent chunked when its length is
// unknown) and headers given as name, value pairs.
func rawDo(t *testing.T, hc *http.Client, method, url string, r io.Reader, headers ...string) (int, []byte) {
	t.Helper()
	var body any
	if r != nil {
		body = r
	}
	status, out, _ := do(t, hc, method, url, body, headers...)
	return status, out
}

// hc and url return tm's validating client and base URL for api.
func (tm *testMock) hc(api spec.API) *http.Client {
	if api == spec.VCAV {
		return tm.vcavHC
	}
	return tm.vchaHC
}

func (tm *testMock) url(api spec.API) string {
	if api == spec.VCAV {
		return tm.vcavURL
	}
	return tm.vchaURL
}

// serveMock runs m.Serve with sc on free loopback ports until the test
// ends and returns both base URLs.
func serveMock(t *testing.T, m *Mock, sc ServeConfig) (vcavURL, vchaURL string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan [2]string, 1)
	done := make(chan error, 1)
	sc.AnyLoopbackPort = true
	sc.Ready = func(u []ServedURL) { urls <- [2]string{u[0].URL, u[1].URL} }
	go func() { done <- m.Serve(ctx, sc) }()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done)
	})
	select {
	case u := <-urls:
		return u[0], u[1]
	case err := <-done:
		t.Fatalf("serve: %v", err)
		return "", ""
	}
}

// TestServe_SlowHeadersAreCutOff trickles a request's headers one byte at
// a time: the server closes the connection once ReadHeaderTimeout has
// passed, long before the client would have finished.
func TestServe_SlowHeadersAreCutOff(t *testing.T) {
	m, err := New()
	require.NoError(t, err)
	const timeout = 200 * time.Millisecond
	vcavURL, _ := serveMock(t, m, ServeConfig{ReadHeaderTimeout: timeout, ReadTimeout: timeout})
	conn, err := net.Dial("tcp", strings.TrimPrefix(vcavURL, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	closed := make(chan time.Time, 1)
	go func() {
		_, _ = io.Copy(io.Discard, conn) // returns when the server closes
		closed <- time.Now()
	}()
	start := time.Now()
	slow := "GET " + SpecPath + " HTTP/1.1\r\nHost: mock\r\nX-Slow: " + strings.Repeat("a", 500)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < len(slow); i++ {
		select {
		case at := <-closed:
			elapsed := at.Sub(start)
			assert.GreaterOrEqual(t, elapsed, timeout-20*time.Millisecond)
			assert.Less(t, elapsed, 10*timeout, "cut off soon after the timeout")
			assert.Less(t, i, len(slow), "before the headers were complete")
			return
		case <-tick.C:
			_, _ = conn.Write([]byte{slow[i]})
		}
	}
	t.Fatal("the server kept a connection whose headers trickled in for 5s")
}

// TestServe_TLSRefusesOldVersions serves HTTPS and checks that the server
// refuses TLS 1.0 and 1.1 handshakes (a client offering only those gets the
// server's protocol_version alert) while TLS 1.2 and 1.3 succeed.
func TestServe_TLSRefusesOldVersions(t *testing.T) {
	m, err := New()
	require.NoError(t, err)
	vcavURL, _ := serveMock(t, m, ServeConfig{TLS: true})
	addr := strings.TrimPrefix(vcavURL, "https://")
	for _, v := range []uint16{tls.VersionTLS10, tls.VersionTLS11} {
		conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, MinVersion: v, MaxVersion: v}) //nolint:gosec // testing the refusal
		if err == nil {
			conn.Close()
		}
		require.Error(t, err, "%s must be refused", tls.VersionName(v))
		assert.Contains(t, err.Error(), "remote error: tls: protocol version not supported", "the server refuses it")
	}
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, MinVersion: v, MaxVersion: v}) //nolint:gosec // self-signed test certificate
		require.NoError(t, err, tls.VersionName(v))
		assert.Equal(t, v, conn.ConnectionState().Version)
		conn.Close()
	}
}

// TestServeConfig_TimeoutsDefaultAndOverride checks the defaults and that
// each ServeConfig field reaches the http.Server.
func TestServeConfig_TimeoutsDefaultAndOverride(t *testing.T) {
	def := newHTTPServer(http.NotFoundHandler(), ServeConfig{}, nil)
	assert.Equal(t, DefaultReadHeaderTimeout, def.ReadHeaderTimeout)
	assert.Equal(t, DefaultReadTimeout, def.ReadTimeout)
	assert.Equal(t, DefaultWriteTimeout, def.WriteTimeout)
	assert.Equal(t, DefaultIdleTimeout, def.IdleTimeout)
	assert.Equal(t, DefaultMaxHeaderBytes, def.MaxHeaderBytes)
	set := newHTTPServer(http.NotFoundHandler(), ServeConfig{ReadHeaderTimeout: 1, ReadTimeout: 2, WriteTimeout: 3, IdleTimeout: 4, MaxHeaderBytes: 5}, nil)
	assert.Equal(t, []time.Duration{1, 2, 3, 4}, []time.Duration{set.ReadHeaderTimeout, set.ReadTimeout, set.WriteTimeout, set.IdleTimeout})
	assert.Equal(t, 5, set.MaxHeaderBytes)
}

// TestSessionStore_SweepIsAmortized logs in many times while older
// sessions expire: the store stays within about twice its live sessions
// (plus minSweepAt) without scanning on every login.
func TestSessionStore_SweepIsAmortized(t *testing.T) {
	clock := NewManualClock(testStart)
	s := newSessionStore(clock, time.Minute, nil)
	for i := range 20 * minSweepAt {
		_, _, err := s.create(User{Name: "root"})
		require.NoError(t, err)
		if i%100 == 0 {
			clock.Advance(30 * time.Second) // about 200 sessions live at any time
		}
		require.LessOrEqual(t, len(s.byKey), 2*minSweepAt+1, "after %d logins", i+1)
	}
}

// stringsReader returns a reader of s, for rawDo.
func stringsReader(s string) io.Reader { return strings.NewReader(s) }
