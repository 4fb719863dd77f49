package conformance_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/conformance"
	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/spec"
)

// vendorTypes rewrites the Content-Type of the mock's VCAV answers as a
// real appliance of one generation sends it (vcav.md §2): typeOf returns
// the media type for a request and status, "" to keep the mock's.
func vendorTypes(typeOf func(r *http.Request, status int) string) wrapper {
	return onResponses(spec.VCAV, any_, func(r *http.Request, c *capture) {
		if mt := typeOf(r, c.status); mt != "" && strings.Contains(c.header.Get("Content-Type"), "json") {
			c.header.Set("Content-Type", mt+";charset=UTF-8")
		}
	})
}

// vendorGenerations are the media-type behaviours of real appliances: 3.x
// answers everything in h4-v3.5+json; 4.5 answers application/json but
// versioned errors; 4.6 mixes (login application/json, tasks and errors
// h4-v4.6+json).
var vendorGenerations = map[string]wrapper{
	"v3.5": vendorTypes(func(*http.Request, int) string { return "application/vnd.vmware.h4-v3.5+json" }),
	"v4.5-errors": vendorTypes(func(_ *http.Request, status int) string {
		if status >= 400 {
			return "application/vnd.vmware.h4-v4.5+json"
		}
		return "application/json"
	}),
	"v4.6": vendorTypes(func(r *http.Request, status int) string {
		if r.URL.Path == "/sessions" && status < 400 {
			return "application/json"
		}
		return "application/vnd.vmware.h4-v4.6+json"
	}),
}

// TestVendorMediaTypes_CheckPasses runs the whole suite against a server
// that answers in each generation's vendor media types: the same JSON
// under application/vnd.vmware.h4-v<N>+json conforms.
func TestVendorMediaTypes_CheckPasses(t *testing.T) {
	t.Parallel()
	for name, wrap := range vendorGenerations {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rep, err := conformance.Check(t.Context(), startTarget(t, wrap), fastOpts...)
			require.NoError(t, err)
			for _, res := range rep.Results {
				assert.Equal(t, conformance.StatusPass, res.Status, "%s: %s %v", res.Case, res.Reason, res.Findings)
			}
		})
	}
}

// TestVendorMediaTypes_ProxyPasses drives a login, a list, an unknown
// replication (an error), a failover and its task through the proxy in
// front of each generation: no violation.
func TestVendorMediaTypes_ProxyPasses(t *testing.T) {
	for name, wrap := range vendorGenerations {
		t.Run(name, func(t *testing.T) {
			h := mockHandlers(t, wrap)
			p, url, logs := proxied(t, spec.VCAV, h[spec.VCAV])
			c, err := vcav.NewClientWithResponses(url)
			require.NoError(t, err)
			tok := vcavLogin(t, c, "vmware")
			list, err := c.ListVmReplicationsWithResponse(t.Context(), nil, withVCAVToken(tok))
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, list.StatusCode())
			require.NotNil(t, list.JSON200, "the generated client decodes +json answers")
			missing, err := c.GetVmReplicationWithResponse(t.Context(), "C4-00000000-0000-4000-8000-000000000000", nil, withVCAVToken(tok))
			require.NoError(t, err)
			require.Equal(t, http.StatusNotFound, missing.StatusCode())
			fo, err := c.FailoverVmReplicationWithBodyWithResponse(t.Context(), replNotStarted, nil, "application/json",
				strings.NewReader(`{"type":"vcloud","powerOn":true}`), withVCAVToken(tok))
			require.NoError(t, err)
			require.Equal(t, http.StatusAccepted, fo.StatusCode(), string(fo.Body))
			task, err := c.GetTaskWithResponse(t.Context(), fo.JSON202.Id, nil, withVCAVToken(tok))
			require.NoError(t, err)
			require.Equal(t, http.StatusOK, task.StatusCode())
			assert.Empty(t, p.Violations(), logs.String())
			assert.Equal(t, int64(5), p.Summary().Requests)
		})
	}
}

// TestNotes_UndocumentedCodeIsANote runs the suite against a server, not
// known to be a mock, that answers an unknown task with another 404 code
// than failoverkit's choice (TaskNotFound): the case passes, with a note
// naming the code. (A mock must honour its choices: TestNotes_ChoiceDepartureIsANoteOnARealTarget.)
func TestNotes_UndocumentedCodeIsANote(t *testing.T) {
	t.Parallel()
	wrap := onResponses(spec.VCAV, isVCAVTask, func(_ *http.Request, c *capture) {
		if c.status == http.StatusNotFound {
			c.editJSON(setField("code", "NotFound"))
		}
	})
	target := startTarget(t, wrap)
	target.Mock = false
	rep, err := conformance.Check(t.Context(), target, fastOpts...)
	require.NoError(t, err)
	assert.True(t, rep.OK(), rep.Summary())
	var noted *conformance.Result
	for i, res := range rep.Results {
		if res.Case == "vcav.task.unknown" {
			noted = &rep.Results[i]
		}
	}
	require.NotNil(t, noted)
	assert.Equal(t, conformance.StatusPass, noted.Status)
	require.Len(t, noted.Findings, 1)
	assert.Equal(t, conformance.LevelNote, noted.Findings[0].Level)
	assert.Contains(t, noted.Findings[0].Reason, `want "TaskNotFound"`)
	var text strings.Builder
	require.NoError(t, rep.WriteText(&text, false))
	assert.Contains(t, text.String(), "note: getTask")
}

// TestProxy_KeepsTheVendorHeaderSpelling logs in through the proxy over a
// raw HTTP/1.1 connection: the client sees X-VCAV-Auth spelled exactly so,
// as the mock (and the vendor) send it, although Go's client canonicalises
// the names it reads from the target (VMware KB 315136 greps for it).
func TestProxy_KeepsTheVendorHeaderSpelling(t *testing.T) {
	h := mockHandlers(t, nil)
	_, front, _ := proxied(t, spec.VCAV, h[spec.VCAV])
	conn, err := net.Dial("tcp", strings.TrimPrefix(front, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	body := `{"type":"localUser","localUser":"root","localPassword":"vmware"}`
	_, err = fmt.Fprintf(conn, "POST /sessions HTTP/1.1\r\nHost: vcav\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
	require.NoError(t, err)
	raw, err := io.ReadAll(conn)
	require.NoError(t, err)
	assert.Contains(t, string(raw), "\r\nX-VCAV-Auth: ")
	assert.NotContains(t, string(raw), "X-Vcav-Auth")
}
