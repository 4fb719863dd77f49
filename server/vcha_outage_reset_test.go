package server

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// resetProbe sends one request on a fresh connection and returns its
// status, or 0 and the error when the connection was reset.
func resetProbe(t *testing.T, hc *http.Client, method, url, token string) (int, error) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	req.Close = true // a fresh connection each time: no retry on a reused one
	if token != "" {
		req.Header.Set("vmware-api-session-id", token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer func() { _ = resp.Body.Close() }()
	return resp.StatusCode, nil
}

// TestVCHAOutage_ResetPhaseThen503 walks a failover's outage with a reset
// phase on the manual clock: at the switch-over every vSphere request
// (/api, /rest, logins, unknown routes) has its connection reset (the
// client sees ECONNRESET and no answer; the request log records status 0),
// the control API still answers and shows the phase; after the reset phase
// the API answers 503; after the outage the old session is refused and a
// new login works.
func TestVCHAOutage_ResetPhaseThen503(t *testing.T) {
	const run, outage, reset = 10 * time.Second, 30 * time.Second, 12 * time.Second
	tm := newTestMock(t, WithTaskDuration(run), WithVCHAOutage(outage), WithVCHAOutageReset(reset))
	old := vchaLogin(t, tm, vchaAdmin)
	startFailover(t, tm, old, true)
	tm.clock.Advance(run)

	for _, r := range []struct{ method, path string }{
		{"GET", "/api/session"}, {"POST", "/api/session"},
		{"POST", "/rest/com/vmware/cis/session"}, {"GET", "/api/no/such/route"},
	} {
		status, err := resetProbe(t, http.DefaultClient, r.method, vchaURL(tm, r.path), old)
		require.Error(t, err, "%s %s answered %d", r.method, r.path, status)
		assert.True(t, errors.Is(err, syscall.ECONNRESET), "%s %s: %v", r.method, r.path, err)
	}
	var resets int
	for _, rec := range tm.Requests() {
		if rec.Status == 0 {
			resets++
		}
	}
	assert.Equal(t, 4, resets, "the request log records each reset with status 0")

	status, body, _ := do(t, tm.vchaHC, "GET", vchaURL(tm, ControlPrefix+"/outage"), nil)
	require.Equal(t, http.StatusOK, status, "the control API stays up")
	assert.Contains(t, string(body), `"resetting":true`)
	assert.Contains(t, string(body), `"resetUntil":"`+testStart.Add(run+reset).Format(time.RFC3339)+`"`)

	tm.clock.Advance(reset - time.Millisecond)
	_, err := resetProbe(t, http.DefaultClient, "GET", vchaURL(tm, "/api/session"), old)
	require.Error(t, err, "still resetting")
	tm.clock.Advance(time.Millisecond)
	status, _, _ = do(t, tm.vchaHC, "GET", vchaURL(tm, "/api/session"), nil, "vmware-api-session-id", old)
	assert.Equal(t, http.StatusServiceUnavailable, status, "then 503 until the outage ends")

	tm.clock.Advance(outage - reset)
	status, _, _ = do(t, tm.vchaHC, "GET", vchaURL(tm, "/api/session"), nil, "vmware-api-session-id", old)
	assert.Equal(t, http.StatusUnauthorized, status, "the old session is gone")
	vchaLogin(t, tm, vchaAdmin)
}

// TestVCHAOutage_ResetFallsBackTo503OnHTTP2 checks that a connection that
// cannot be reset on its own (HTTP/2 multiplexes requests on it) gets the
// 503 during the reset phase.
func TestVCHAOutage_ResetFallsBackTo503OnHTTP2(t *testing.T) {
	m, err := New(WithClock(NewManualClock(testStart)))
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(m.Handler("vcha"))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	require.NoError(t, m.StartOutageWithReset("vcha", time.Minute, time.Minute))
	hc := srv.Client()
	resp, err := hc.Get(srv.URL + "/api/session")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, 2, resp.ProtoMajor)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)

	h1 := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: hc.Transport.(*http.Transport).TLSClientConfig.RootCAs}}}
	_, err = h1.Get(srv.URL + "/api/session")
	assert.True(t, errors.Is(err, syscall.ECONNRESET), "HTTP/1.1 over TLS is reset: %v", err)
}

// TestControl_OutageReset checks the control API's reset phase: accepted
// up to the duration, refused beyond it or negative.
func TestControl_OutageReset(t *testing.T) {
	tm := newTestMock(t)
	ctl := vchaURL(tm, ControlPrefix+"/outage")
	for _, bad := range []string{`{"api":"vcha","duration":"5s","reset":"6s"}`, `{"api":"vcha","duration":"5s","reset":"-1s"}`} {
		status, body, _ := do(t, tm.vchaHC, "POST", ctl, bad)
		assert.Equal(t, http.StatusBadRequest, status, bad)
		assert.Contains(t, string(body), "reset must be between 0 and the duration", bad)
	}
	status, body, _ := do(t, tm.vchaHC, "POST", ctl, `{"api":"vcha","duration":"5s","reset":"5s"}`)
	require.Equal(t, http.StatusCreated, status, string(body))
	_, err := resetProbe(t, http.DefaultClient, "GET", vchaURL(tm, "/api/session"), "")
	assert.True(t, errors.Is(err, syscall.ECONNRESET), "%v", err)
}
