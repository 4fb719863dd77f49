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
	"github.com/failoverkit/failoverkit/server"
	"github.com/failoverkit/failoverkit/spec"
)

// The default fixture's vApp replications, by the state of their VMs.
const (
	vappNotStarted = "C4VAPP-ccbe771e-b685-46c7-8c7a-4ed36915d963" // app-vapp
	vappTest       = "C4VAPP-2d4f6a8c-1e3b-4d5f-9a7c-8e0b2d4f6a8c" // web-vapp
	missingVappID  = "C4VAPP-00000000-0000-4000-8000-000000000000"
)

// vappCases selects the vApp replication cases.
var vappCases = conformance.WithFilter(func(c conformance.Case) bool {
	return strings.Contains(c.Name, "Vapp") || strings.HasPrefix(c.Name, "vcav.vapp")
})

// vappChanges lists the requests that could change a vApp replication
// (every method but GET), as "METHOD path status".
func vappChanges(m *server.Mock) []server.RequestRecord {
	var out []server.RequestRecord
	for _, rec := range m.Requests() {
		if rec.API == "vcav" && strings.HasPrefix(rec.Path, "/vapp-replications") && rec.Method != http.MethodGet {
			out = append(out, rec)
		}
	}
	return out
}

// vappStates returns the recovery state of each VM of vApp replication id
// in the mock, or nil when the mock no longer has it.
func vappStates(t *testing.T, m *server.Mock, id string) []string {
	t.Helper()
	for _, v := range m.State().VCAV.VappReplications {
		if v.Id != id {
			continue
		}
		states := []string{}
		for _, vm := range *v.VmReplications {
			states = append(states, string(vm.DestinationState.RecoveryInfo.RecoveryState))
		}
		return states
	}
	return nil
}

// vappSource is the source site of vApp replication id in the mock.
func vappSource(t *testing.T, m *server.Mock, id string) string {
	t.Helper()
	for _, v := range m.State().VCAV.VappReplications {
		if v.Id == id && v.Source != nil && v.Source.Site != nil {
			return *v.Source.Site
		}
	}
	t.Fatalf("vApp replication %s has no source site", id)
	return ""
}

// TestSafety_VappDefaultRunChangesNoVapp: without --allow-destructive the
// vApp lifecycle cases skip, the reads pass, and every request that could
// change a vApp replication is aimed at one that does not exist.
func TestSafety_VappDefaultRunChangesNoVapp(t *testing.T) {
	m, target := realTarget(t)
	rep, err := conformance.Check(t.Context(), target, append(fastOpts, vappCases)...)
	require.NoError(t, err)
	require.NotEmpty(t, rep.Results)
	for _, res := range rep.Results {
		if res.Destructive {
			assert.Equal(t, conformance.StatusSkip, res.Status, res.Case)
			continue
		}
		assert.Equal(t, conformance.StatusPass, res.Status, "%s: %s %v", res.Case, res.Reason, res.Findings)
	}
	changes := vappChanges(m)
	assert.NotEmpty(t, changes, "the refusals aimed at a missing vApp still run")
	for _, rec := range changes {
		assert.Contains(t, rec.Path, missingVappID, "a safe case aimed %s %s at a real vApp replication", rec.Method, rec.Path)
	}
}

// TestSafety_VappDrillWithOneNamedVapp: with --allow-destructive and one
// NOT_STARTED vApp replication named, every vApp lifecycle case but the
// deletes runs on it alone (a test image made and cleaned up where a case
// needs TEST), and the drill leaves it NOT_STARTED, not paused, with no
// test image, replicating the way it did.
func TestSafety_VappDrillWithOneNamedVapp(t *testing.T) {
	m, target := realTarget(t)
	target.AllowDestructive = true
	target.VCAVVappReplications = []string{vappNotStarted}
	source := vappSource(t, m, vappNotStarted)
	rep, err := conformance.Check(t.Context(), target, append(fastOpts, vappCases)...)
	require.NoError(t, err)
	for _, res := range rep.Results {
		if strings.HasPrefix(res.Case, "vcav.deleteVappReplication.") && res.Destructive {
			assert.Equal(t, conformance.StatusSkip, res.Status, res.Case)
			assert.Contains(t, res.Reason, "--allow-delete", res.Case)
			continue
		}
		assert.Equal(t, conformance.StatusPass, res.Status, "%s: %s %v", res.Case, res.Reason, res.Findings)
	}
	for _, rec := range vappChanges(m) {
		if rec.Status == http.StatusAccepted {
			assert.Contains(t, rec.Path, vappNotStarted, "only the named vApp replication may change: %s %s", rec.Method, rec.Path)
		}
	}
	assert.Equal(t, []string{"NOT_STARTED", "NOT_STARTED"}, vappStates(t, m, vappNotStarted))
	assert.Equal(t, source, vappSource(t, m, vappNotStarted), "failover, reverse, migration back, reverse: replicating from where it started")
	assert.Equal(t, []string{"TEST"}, vappStates(t, m, vappTest), "a vApp not named is left alone")
}

// TestSafety_VappDeleteOnlyWithAllowDelete: --allow-delete lets the delete
// cases delete the named vApp replication (and nothing else).
func TestSafety_VappDeleteOnlyWithAllowDelete(t *testing.T) {
	m, target := realTarget(t)
	target.AllowDestructive, target.AllowDelete = true, true
	target.VCAVVappReplications = []string{vappNotStarted}
	only := conformance.WithFilter(func(c conformance.Case) bool {
		return strings.HasPrefix(c.Name, "vcav.deleteVappReplication.") && c.Destructive
	})
	rep, err := conformance.Check(t.Context(), target, append(fastOpts, only)...)
	require.NoError(t, err)
	require.Len(t, rep.Results, 2)
	for _, res := range rep.Results {
		assert.Equal(t, conformance.StatusPass, res.Status, "%s: %s %v", res.Case, res.Reason, res.Findings)
	}
	assert.Nil(t, vappStates(t, m, vappNotStarted), "deleted")
	assert.Equal(t, []string{"TEST"}, vappStates(t, m, vappTest))
}

// TestNotes_VappChoicesAreNotes: a real appliance that answers an unknown
// vApp with another 404 code, a summary in another shape, or refuses a vApp
// failover in TEST with 202 and a FAILED task, passes with notes; the mock
// fails the first two.
func TestNotes_VappChoicesAreNotes(t *testing.T) {
	otherCode := onResponses(spec.VCAV, isVapp, func(_ *http.Request, c *capture) {
		c.body = bytes.ReplaceAll(c.body, []byte(`"VappReplicationNotFound"`), []byte(`"NotFound"`))
	})
	only := func(name string) conformance.Option {
		return conformance.WithFilter(func(c conformance.Case) bool { return c.Name == name })
	}
	real := startTarget(t, otherCode)
	real.Mock = false
	rep, err := conformance.Check(t.Context(), real, append(fastOpts, only("vcav.vapp.unknown"))...)
	require.NoError(t, err)
	res := rep.Results[0]
	require.Equal(t, conformance.StatusPass, res.Status, "%s %v", res.Reason, res.Findings)
	require.Len(t, res.Findings, 1)
	assert.True(t, res.Findings[0].IsNote())

	rep, err = conformance.Check(t.Context(), startTarget(t, otherCode), append(fastOpts, only("vcav.vapp.unknown"))...)
	require.NoError(t, err)
	assert.Equal(t, conformance.StatusFail, rep.Results[0].Status, "the mock must honour its own choices")

	// A summary in another shape than failoverkit's: notes only.
	otherSummary := onResponses(spec.VCAV, func(r *http.Request) bool { return r.URL.Path == "/vapp-replications/summary" }, func(_ *http.Request, c *capture) {
		c.body = []byte(`{"vappCount":3,"vmCount":4}`)
	})
	real = startTarget(t, otherSummary)
	real.Mock = false
	rep, err = conformance.Check(t.Context(), real, append(fastOpts, only("vcav.vapps.summary"))...)
	require.NoError(t, err)
	res = rep.Results[0]
	require.Equal(t, conformance.StatusPass, res.Status, "%s %v", res.Reason, res.Findings)
	require.NotEmpty(t, res.Findings)
	assert.True(t, res.Findings[0].IsNote())
	assert.Contains(t, res.Findings[0].Reason, "the summary's schema is a failoverkit choice")
	rep, err = conformance.Check(t.Context(), startTarget(t, otherSummary), append(fastOpts, only("vcav.vapps.summary"))...)
	require.NoError(t, err)
	assert.Equal(t, conformance.StatusFail, rep.Results[0].Status, "the mock must answer its own schema")

	async := startTarget(t, asyncRefusals)
	async.Mock, async.AllowDestructive, async.VCAVVappReplications = false, true, []string{vappTest}
	rep, err = conformance.Check(t.Context(), async, append(fastOpts, only("vcav.failoverVappReplication.refused-in-TEST"))...)
	require.NoError(t, err)
	res = rep.Results[0]
	require.Equal(t, conformance.StatusPass, res.Status, "%s %v", res.Reason, res.Findings)
	require.Len(t, res.Findings, 1)
	assert.Contains(t, res.Findings[0].Reason, "refused asynchronously")
}

// carriedOut answers a vApp operation the mock refuses with 400 code (a
// request of method whose path ends in suffix) as an appliance that
// carries it out would: 202 with a task of workflow type wf that reads
// SUCCEEDED with result.
func carriedOut(method, suffix, code, wf, result string) func(spec.API, http.Handler) http.Handler {
	const id = "7c1d2e3f-0000-4b55-9c0e-3d1f8c2b6a42"
	task := `{"id":"` + id + `","state":"%s","progress":%d,"startTime":1718000100000,"endTime":%d,"lastUpdated":1718000100000,` +
		`"error":null,"result":%s,"workflowInfo":{"type":"` + wf + `","resourceType":"vappReplication","resourceId":"%s"}}`
	return func(api spec.API, h http.Handler) http.Handler {
		if api != spec.VCAV {
			return h
		}
		var vapp string
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/tasks/"+id {
				w.Header().Set("Content-Type", "application/json")
				_, _ = fmt.Fprintf(w, task, "SUCCEEDED", 100, 1718000160000, result, vapp)
				return
			}
			if r.Method != method || !strings.HasSuffix(r.URL.Path, suffix) {
				h.ServeHTTP(w, r)
				return
			}
			c := serve(h, r)
			if c.status == http.StatusBadRequest && bytes.Contains(c.body, []byte(code)) {
				vapp = strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/vapp-replications/"), suffix)
				c.status, c.body = http.StatusAccepted, fmt.Appendf(nil, task, "RUNNING", 0, -1, "null", vapp)
			}
			c.write(w)
		})
	}
}

// TestNotes_SyncWhilePausedCarriedOutIsANote: refusing a sync of a paused
// vApp is only failoverkit's choice, so a real appliance that carries it
// out passes vcav.vapp-pause-resume.succeeds with a note; the mock must
// refuse it.
func TestNotes_SyncWhilePausedCarriedOutIsANote(t *testing.T) {
	syncWhilePaused := carriedOut(http.MethodPost, "/sync", "ReplicationPaused", "sync", `{"id":"`+vappNotStarted+`"}`)
	choiceIsANote(t, syncWhilePaused, "vcav.vapp-pause-resume.succeeds", vappNotStarted, "failoverkit choice: refused with 400 ReplicationPaused")
}

// TestNotes_DeleteInTestCarriedOutIsANote: refusing to delete a vApp in
// TEST is only failoverkit's choice, so a real appliance that deletes it
// passes vcav.deleteVappReplication.refused-in-TEST with a note (and the
// suite does not read back a vApp that is gone); the mock must refuse it.
func TestNotes_DeleteInTestCarriedOutIsANote(t *testing.T) {
	deletes := carriedOut(http.MethodDelete, "", "InvalidRecoveryState", "delete", "null")
	choiceIsANote(t, deletes, "vcav.deleteVappReplication.refused-in-TEST", vappTest, "failoverkit choice: refused with 400 InvalidRecoveryState")
}

// choiceIsANote runs case name against the mock behind wrap as a real
// appliance (destructive, deletes allowed, vApp replication vapp named):
// it passes with one note whose reason contains want; run against the
// mock itself, it fails.
func choiceIsANote(t *testing.T, wrap func(spec.API, http.Handler) http.Handler, name, vapp, want string) {
	t.Helper()
	only := conformance.WithFilter(func(c conformance.Case) bool { return c.Name == name })
	real := startTarget(t, wrap)
	real.Mock, real.AllowDestructive, real.AllowDelete, real.VCAVVappReplications = false, true, true, []string{vapp}
	rep, err := conformance.Check(t.Context(), real, append(fastOpts, only)...)
	require.NoError(t, err)
	res := rep.Results[0]
	require.Equal(t, conformance.StatusPass, res.Status, "%s %v", res.Reason, res.Findings)
	require.Len(t, res.Findings, 1)
	assert.True(t, res.Findings[0].IsNote())
	assert.Contains(t, res.Findings[0].Reason, want)

	rep, err = conformance.Check(t.Context(), startTarget(t, wrap), append(fastOpts, only)...)
	require.NoError(t, err)
	assert.Equal(t, conformance.StatusFail, rep.Results[0].Status, "the mock must honour its own choice")
}
