package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/gen/vcha"
)

func TestDefaultHTTPClient(t *testing.T) {
	cfg, err := newConfig(nil)
	require.NoError(t, err)
	assert.Equal(t, DefaultTimeout, cfg.timeout)
	assert.Equal(t, defaultUserAgent, cfg.userAgent)

	tr, ok := cfg.httpClient.Transport.(*http.Transport)
	require.True(t, ok)
	require.NotNil(t, tr.TLSClientConfig)
	assert.Equal(t, uint16(tls.VersionTLS12), tr.TLSClientConfig.MinVersion)
	assert.False(t, tr.TLSClientConfig.InsecureSkipVerify)
	assert.Nil(t, tr.TLSClientConfig.RootCAs, "system roots by default")
	assert.NotNil(t, tr.Proxy, "proxy from the environment is kept")
	require.NotNil(t, cfg.httpClient.CheckRedirect)
	assert.ErrorIs(t, cfg.httpClient.CheckRedirect(nil, nil), http.ErrUseLastResponse)

	cfg, err = newConfig([]Option{WithInsecureSkipVerify(), WithTimeout(0)})
	require.NoError(t, err)
	tr = cfg.httpClient.Transport.(*http.Transport)
	assert.True(t, tr.TLSClientConfig.InsecureSkipVerify)
	assert.Equal(t, uint16(tls.VersionTLS12), tr.TLSClientConfig.MinVersion)
	assert.Zero(t, cfg.timeout)
}

func TestHTTPClientUsedAsIs(t *testing.T) {
	hc := &http.Client{}
	cfg, err := newConfig([]Option{WithHTTPClient(hc)})
	require.NoError(t, err)
	assert.Same(t, hc, cfg.httpClient)
	assert.Nil(t, hc.Transport, "not modified")
}

func TestExcerpt(t *testing.T) {
	assert.Equal(t, "short", excerpt("short"))
	assert.Len(t, excerpt(strings.Repeat("a", 1000)), maxExcerpt)

	// A 3-byte rune straddling byte 512 is dropped whole.
	s := strings.Repeat("a", 511) + "€" + "tail"
	got := excerpt(s)
	assert.Equal(t, strings.Repeat("a", 511), got)

	assert.Equal(t, "a\uFFFDb", excerpt("a\xffb"))
}

func TestBackoff(t *testing.T) {
	c := newWaitConfig(nil)
	assert.Equal(t, DefaultPollInterval, c.initial)
	assert.Equal(t, DefaultMaxPollInterval, c.max)
	assert.Equal(t, DefaultWaitTimeout, c.timeout)
	assert.Equal(t, DefaultRetryBudget, c.budget)
	assert.Equal(t, -1, c.retries, "no count limit by default: only the budget")
	assert.Equal(t, 750*time.Millisecond, c.next(500*time.Millisecond))
	assert.Equal(t, 5*time.Second, c.next(4*time.Second))
	assert.Equal(t, time.Duration(0), c.next(0))

	c = newWaitConfig([]WaitOption{PollInterval(-time.Second), TransientRetries(-2), RetryBudget(-time.Second), Site("site2")})
	assert.Zero(t, c.initial)
	assert.Zero(t, c.retries)
	assert.Zero(t, c.budget)
	assert.Equal(t, "site2", c.site)
}

func TestIsTransient(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", &TransportError{Err: errors.New("dial tcp: connection refused")}, true},
		{"per-request timeout", &TransportError{Err: fmt.Errorf("get: %w", context.DeadlineExceeded)}, true},
		{"cancelled", &TransportError{Err: fmt.Errorf("get: %w", context.Canceled)}, false},
		{"certificate", &TransportError{Err: &tls.CertificateVerificationError{Err: errors.New("x509")}}, false},
		{"503 html", &UnexpectedResponseError{Status: 503}, true},
		{"429", &UnexpectedResponseError{Status: 429}, true},
		{"504 vendor", &VCHAError{Status: 504}, true},
		{"502 vendor", &VCAVError{Status: 502}, true},
		{"500 vendor", &VCAVError{Status: 500}, false},
		{"404", &VCHAError{Status: 404}, false},
		{"task failed", &TaskFailedError{Err: &VCAVError{}}, false},
		{"plain", errors.New("x"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, isTransient(tc.err))
		})
	}
}

// blockingBody is a response body that records whether it was closed.
type blockingBody struct {
	io.Reader
	closed bool
}

func (b *blockingBody) Close() error { b.closed = true; return nil }

// doerFunc adapts a function to httpDoer.
type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func TestTimeoutDoerReleasesContextOnClose(t *testing.T) {
	var reqCtx context.Context
	body := &blockingBody{Reader: strings.NewReader("{}")}
	d := timeoutDoer{timeout: time.Hour, next: doerFunc(func(r *http.Request) (*http.Response, error) {
		reqCtx = r.Context()
		return &http.Response{StatusCode: 200, Body: body}, nil
	})}
	req, err := http.NewRequest(http.MethodGet, "http://example.invalid/", nil)
	require.NoError(t, err)

	resp, err := d.Do(req)
	require.NoError(t, err)
	_, hasDeadline := reqCtx.Deadline()
	assert.True(t, hasDeadline)
	assert.NoError(t, reqCtx.Err(), "the context lives while the body is read")
	require.NoError(t, resp.Body.Close())
	assert.True(t, body.closed)
	assert.ErrorIs(t, reqCtx.Err(), context.Canceled, "closing the body releases the context")
}

func TestErrorStrings(t *testing.T) {
	et := "UNAUTHORIZED"
	assert.Equal(t, "vcav task: GeneralServerFailure: boom", (&VCAVError{Op: "task", Body: vcavAPIError("GeneralServerFailure", "boom")}).Error())
	assert.Equal(t, "vcha getTask: 503 UNKNOWN: (no message)", (&VCHAError{Status: 503, Op: "getTask"}).Error())
	he := &VCHAError{Status: 403, Op: "getVchaCluster"}
	he.Body.ErrorType = ptrErrorType(et)
	assert.Equal(t, "vcha getVchaCluster: 403 UNAUTHORIZED: (no message)", he.Error())
	assert.Equal(t, `vcav getTask: unexpected 502 response (no content type): ""`, (&UnexpectedResponseError{API: "vcav", Op: "getTask", Status: 502}).Error())
	assert.Equal(t, "vcha getTask: boom", (&TransportError{API: "vcha", Op: "getTask", Err: errors.New("boom")}).Error())
}

// vcavAPIError builds a vcav.ApiError.
func vcavAPIError(code, msg string) vcav.ApiError { return vcav.ApiError{Code: code, Msg: msg} }

// ptrErrorType returns a pointer to an error type.
func ptrErrorType(s string) *vcha.StdErrorsErrorType {
	t := vcha.StdErrorsErrorType(s)
	return &t
}
