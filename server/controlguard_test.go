package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/spec"
)

// TestControlGuard_WhoMayUseTheControlAPI replays what an attacker on the
// network or a web page in the user's browser can send to the control API
// on a mock whose vendor listeners are reachable from anywhere: only
// loopback peers naming a loopback Host, or peers presenting the control
// token, get through, and no page can post to it.
func TestControlGuard_WhoMayUseTheControlAPI(t *testing.T) {
	const token = "ctl-Token-4471"
	fault := `{"api":"vcav","operationId":"failoverVmReplication","status":500}`
	cases := []struct {
		name   string
		token  string // the mock's ControlToken
		remote string
		host   string
		header []string
		ctype  string
		want   int
	}{
		{"loopback curl", "", "127.0.0.1:5000", "localhost:8441", nil, "application/json", http.StatusCreated},
		{"loopback ipv6", "", "[::1]:5000", "[::1]:8441", nil, "application/json", http.StatusCreated},
		{"loopback curl -d (form type)", "", "127.0.0.1:5000", "127.0.0.1:8441", nil, "application/x-www-form-urlencoded", http.StatusCreated},
		{"network peer", "", "192.0.2.7:5000", "mock.example:8441", nil, "application/json", http.StatusForbidden},
		{"network peer, token not configured", "", "192.0.2.7:5000", "mock.example:8441", []string{"Authorization", "Bearer " + token}, "application/json", http.StatusForbidden},
		{"network peer with the token", token, "192.0.2.7:5000", "mock.example:8441", []string{"Authorization", "Bearer " + token}, "application/json", http.StatusCreated},
		{"network peer with a wrong token", token, "192.0.2.7:5000", "mock.example:8441", []string{"Authorization", "Bearer nope"}, "application/json", http.StatusUnauthorized},
		{"DNS rebinding: loopback peer, foreign Host", "", "127.0.0.1:5000", "attacker.example:8441", nil, "application/json", http.StatusForbidden},
		{"page of another origin", "", "127.0.0.1:5000", "localhost:8441", []string{"Origin", "https://attacker.example"}, "application/json", http.StatusForbidden},
		{"cross-site fetch", "", "127.0.0.1:5000", "localhost:8441", []string{"Sec-Fetch-Site", "cross-site"}, "application/json", http.StatusForbidden},
		{"text/plain post", "", "127.0.0.1:5000", "localhost:8441", nil, "text/plain", http.StatusUnsupportedMediaType},
		{"form post from a local page", "", "127.0.0.1:5000", "localhost:8441", []string{"Origin", "http://localhost:3000"}, "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := New(WithConfig(Config{ControlToken: c.token}))
			require.NoError(t, err)
			req := httptest.NewRequest(http.MethodPost, ControlPrefix+"/faults", strings.NewReader(fault))
			req.RemoteAddr, req.Host = c.remote, c.host
			req.Header.Set("Content-Type", c.ctype)
			for i := 0; i+1 < len(c.header); i += 2 {
				req.Header.Set(c.header[i], c.header[i+1])
			}
			rec := httptest.NewRecorder()
			m.Handler(spec.VCAV).ServeHTTP(rec, req)
			assert.Equal(t, c.want, rec.Code, rec.Body.String())
			if c.want >= 400 {
				assert.Empty(t, m.Faults(), "a refused request changes nothing")
				e := vcavAPIError(t, rec.Body.Bytes())
				assert.NotContains(t, e.Msg, token)
			}
		})
	}
}
