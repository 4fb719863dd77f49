package conformance_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/conformance"
	"github.com/failoverkit/failoverkit/spec"
)

// isVCAVLogin matches POST /sessions.
func isVCAVLogin(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/sessions"
}

// loginRefusedAsFormerly answers a refused VCAV login as failoverkit did
// before it followed VMware's PowerCLI module: with the expired-session
// challenge and its own msg.
func loginRefusedAsFormerly(challenge, msg bool) wrapper {
	return onResponses(spec.VCAV, isVCAVLogin, func(_ *http.Request, c *capture) {
		if c.status != http.StatusUnauthorized {
			return
		}
		if challenge {
			c.header.Set("WWW-Authenticate", "Authentication Token Required")
		}
		if msg {
			c.editJSON(setField("msg", "Authentication failed. Invalid user name or password."))
		}
	})
}

// TestLoginRefusal_AsPowerCLIReadsIt: a refused login with the
// expired-session challenge, or with another msg than "Authentication
// required.", fails the mock (which must answer as VMware's PowerCLI
// module reads it) and is a note against a real appliance: the shape is
// inferred from that client, not documented.
func TestLoginRefusal_AsPowerCLIReadsIt(t *testing.T) {
	only := conformance.WithFilter(func(c conformance.Case) bool { return c.Name == "vcav.session.bad-credentials" })
	for name, c := range map[string]struct {
		wrap  wrapper
		notes []string
	}{
		"challenge": {loginRefusedAsFormerly(true, false), []string{"WWW-Authenticate"}},
		"msg":       {loginRefusedAsFormerly(false, true), []string{"msg"}},
		"both":      {loginRefusedAsFormerly(true, true), []string{"WWW-Authenticate", "msg"}},
	} {
		t.Run(name, func(t *testing.T) {
			real := startTarget(t, c.wrap)
			real.Mock = false
			rep, err := conformance.Check(t.Context(), real, append(fastOpts, only)...)
			require.NoError(t, err)
			res := rep.Results[0]
			require.Equal(t, conformance.StatusPass, res.Status, "%s %v", res.Reason, res.Findings)
			var fields []string
			for _, f := range res.Findings {
				assert.True(t, f.IsNote(), "%v", f)
				fields = append(fields, f.Field)
			}
			assert.Equal(t, c.notes, fields)

			rep, err = conformance.Check(t.Context(), startTarget(t, c.wrap), append(fastOpts, only)...)
			require.NoError(t, err)
			assert.Equal(t, conformance.StatusFail, rep.Results[0].Status, "the mock must answer as the client reads it")
		})
	}
	rep, err := conformance.Check(t.Context(), startTarget(t, nil), append(fastOpts, only)...)
	require.NoError(t, err)
	assert.Equal(t, conformance.StatusPass, rep.Results[0].Status)
	assert.Empty(t, rep.Results[0].Findings, "the mock answers as the client reads it")
}
