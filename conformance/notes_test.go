package conformance_test

import (
	"bytes"
	"net/http"
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
