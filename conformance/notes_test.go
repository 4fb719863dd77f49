package conformance_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/conformance"
	"github.com/failoverkit/failoverkit/spec"
)

// TestNotes_ChoiceDepartureIsANoteOnARealTarget: a real appliance that
// answers an unknown task with the right status and shape but another code
// than failoverkit's choice (TaskNotFound) gets a note and passes; the
// mock, which must honour every choice, fails with the same answer.
func TestNotes_ChoiceDepartureIsANoteOnARealTarget(t *testing.T) {
	otherCode := onResponses(spec.VCAV, isVCAVTask, func(_ *http.Request, c *capture) {
		c.body = bytes.ReplaceAll(c.body, []byte(`"TaskNotFound"`), []byte(`"NotFound"`))
	})
	only := conformance.WithFilter(func(c conformance.Case) bool { return c.Name == "vcav.task.unknown" })

	real := startTarget(t, otherCode)
	real.Mock = false
	rep, err := conformance.Check(t.Context(), real, append(fastOpts, only)...)
	require.NoError(t, err)
	res := rep.Results[0]
	require.Equal(t, conformance.StatusPass, res.Status, res.Reason)
	require.Len(t, res.Findings, 1)
	assert.True(t, res.Findings[0].IsNote())
	assert.Contains(t, res.Findings[0].Reason, "failoverkit choice")
	assert.Equal(t, 1, rep.Counts().Notes)
	assert.True(t, rep.OK())
	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text, false))
	assert.Contains(t, text.String(), "note: getTask")

	rep, err = conformance.Check(t.Context(), startTarget(t, otherCode), append(fastOpts, only)...)
	require.NoError(t, err)
	assert.Equal(t, conformance.StatusFail, rep.Results[0].Status, "the mock must honour its own choices")

	// A code the vendor documents stays a failure on a real target.
	vendorCode := onResponses(spec.VCAV, any_, func(_ *http.Request, c *capture) {
		c.body = bytes.ReplaceAll(c.body, []byte(`"VmReplicationNotFound"`), []byte(`"NotFound"`))
	})
	real = startTarget(t, vendorCode)
	real.Mock = false
	rep, err = conformance.Check(t.Context(), real, append(fastOpts, conformance.WithFilter(func(c conformance.Case) bool {
		return c.Name == "vcav.replication.unknown"
	}))...)
	require.NoError(t, err)
	assert.Equal(t, conformance.StatusFail, rep.Results[0].Status)
}

// asyncRefusals answers a VCAV failover refused for its recovery state with
// 202 and a task that ends FAILED: the other refusal style a real
// appliance may have.
func asyncRefusals(api spec.API, h http.Handler) http.Handler {
	if api != spec.VCAV {
		return h
	}
	const task = `{"id":"5e0c2f6e-0000-4a55-9c0e-3d1f8c2b6a41","state":"%s","progress":%d,"startTime":1718000100000,"endTime":%d,"lastUpdated":1718000100000,` +
		`"error":%s,"workflowInfo":{"type":"failover","resourceType":"vmReplication","resourceId":"%s"}}`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/tasks/5e0c2f6e-0000-4a55-9c0e-3d1f8c2b6a41" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprintf(w, task, "FAILED", 100, 1718000160000, `{"code":"InvalidRecoveryState","msg":"no"}`, replTest)
			return
		}
		if !isFailover(r) {
			h.ServeHTTP(w, r)
			return
		}
		c := serve(h, r)
		if c.status == http.StatusBadRequest && bytes.Contains(c.body, []byte("InvalidRecoveryState")) {
			c.status = http.StatusAccepted
			c.body = fmt.Appendf(nil, task, "RUNNING", 0, -1, "null", strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/vm-replications/"), "/failover"))
		}
		c.write(w)
	})
}

// TestNotes_AsyncRefusalIsANote: a real appliance that refuses a failover
// of a replication in TEST with 202 and a FAILED task, instead of
// failoverkit's synchronous 400, passes with a note.
func TestNotes_AsyncRefusalIsANote(t *testing.T) {
	target := startTarget(t, asyncRefusals)
	target.Mock, target.AllowDestructive, target.VCAVReplications = false, true, []string{replTest}
	rep, err := conformance.Check(t.Context(), target, append(fastOpts, conformance.WithFilter(func(c conformance.Case) bool {
		return c.Name == "vcav.failover.test-state"
	}))...)
	require.NoError(t, err)
	res := rep.Results[0]
	require.Equal(t, conformance.StatusPass, res.Status, "%s %v", res.Reason, res.Findings)
	require.Len(t, res.Findings, 1)
	assert.Contains(t, res.Findings[0].Reason, "refused asynchronously")
}

// TestCheck_ResultsStream: WithResult sees every case as it finishes, in
// order, before the next case starts.
func TestCheck_ResultsStream(t *testing.T) {
	var seen []string
	rep, err := conformance.Check(t.Context(), startTarget(t, nil), append(fastOpts,
		conformance.WithResult(func(res conformance.Result) { seen = append(seen, res.Case) }),
		conformance.WithProgress(func(line string) {
			// a progress line of a case comes after every earlier case's result
			name, _, _ := strings.Cut(line, ":")
			assert.NotContains(t, seen, name, "a case's result was streamed before it finished")
		}))...)
	require.NoError(t, err)
	require.Len(t, seen, len(rep.Results))
	for i, res := range rep.Results {
		assert.Equal(t, res.Case, seen[i])
	}
}
