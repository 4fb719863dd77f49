package conformance_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/conformance"
	"github.com/failoverkit/failoverkit/server"
	"github.com/failoverkit/failoverkit/spec"
)

// The default fixture's replications in each recovery state.
const (
	replNotStarted = "C4-09b2917c-bbe9-4693-ae3f-95b43a94b244"
	replTest       = "C4-ec991bd5-af9d-446a-8599-5b693842c4a3"
	replComplete   = "C4-3f6c1a2e-7d4b-4c9a-9e1f-2a3b4c5d6e7f"
)

// realTarget starts a mock and returns a target for it that does NOT say it
// is a mock: the suite must treat it like a vendor's server.
func realTarget(t *testing.T) (*server.Mock, conformance.Target) {
	t.Helper()
	m, err := server.New(server.WithInstantTasks())
	require.NoError(t, err)
	urls := map[spec.API]string{}
	for _, api := range spec.APIs() {
		srv := httptest.NewServer(m.Handler(api))
		t.Cleanup(srv.Close)
		urls[api] = srv.URL
	}
	target, err := conformance.MockTarget(urls[spec.VCAV], urls[spec.VCHA])
	require.NoError(t, err)
	target.Mock = false
	return m, target
}

func resultsByCase(rep *conformance.Report) map[string]conformance.Result {
	out := map[string]conformance.Result{}
	for _, r := range rep.Results {
		out[r.Case] = r
	}
	return out
}

// TestSafety_DefaultRunCannotStartAFailover: against a target that is not a
// mock and without --allow-destructive, every destructive case is skipped,
// every other case passes, and the request log shows that no failover was
// ever aimed at an existing replication and no vSphere failover was sent.
func TestSafety_DefaultRunCannotStartAFailover(t *testing.T) {
	m, target := realTarget(t)
	rep, err := conformance.Check(t.Context(), target, fastOpts...)
	require.NoError(t, err)
	for _, res := range rep.Results {
		if res.Destructive {
			assert.Equal(t, conformance.StatusSkip, res.Status, res.Case)
			assert.Contains(t, res.Reason, "--allow-destructive", res.Case)
			continue
		}
		if strings.HasSuffix(res.Case, ".wrong-password") {
			assert.Equal(t, conformance.StatusSkip, res.Status, "a wrong password is opt-in against a real target")
			assert.Contains(t, res.Reason, "--try-wrong-password", res.Case)
			continue
		}
		assert.Equal(t, conformance.StatusPass, res.Status, "%s: %s %v", res.Case, res.Reason, res.Findings)
	}
	var failovers int
	for _, rec := range m.Requests() {
		switch {
		case rec.API == "vcav" && strings.HasSuffix(rec.Path, "/failover"):
			failovers++
			assert.Regexp(t, `/C4(VAPP)?-00000000-0000-4000-8000-000000000000/`, rec.Path, "a safe case aimed a failover at a real VM or vApp replication")
		case rec.API == "vcha" && rec.Path == "/api/vcenter/vcha/cluster" && strings.Contains(rec.Query, "failover"):
			t.Errorf("a safe case sent a vSphere failover: %s?%s", rec.Path, rec.Query)
		}
	}
	assert.Positive(t, failovers, "the safe VCAV failover refusals still run")
	state := m.State()
	for _, r := range state.VCAV.Replications {
		if r.Id == replNotStarted {
			assert.Equal(t, "NOT_STARTED", string(r.DestinationState.RecoveryInfo.RecoveryState))
		}
	}
}

// TestSafety_AllowDestructiveUsesOnlyNamedReplications: with
// --allow-destructive but no replication named, the stateful VCAV cases are
// skipped; with named ones, each case picks the one in the state it needs.
func TestSafety_AllowDestructiveUsesOnlyNamedReplications(t *testing.T) {
	_, target := realTarget(t)
	target.AllowDestructive = true
	rep, err := conformance.Check(t.Context(), target, fastOpts...)
	require.NoError(t, err)
	got := resultsByCase(rep)
	for _, name := range []string{"vcav.failover.test-state", "vcav.failover.succeeds", "vcav.failover.already-complete"} {
		assert.Equal(t, conformance.StatusSkip, got[name].Status, name)
		assert.Contains(t, got[name].Reason, "--vcav-replication", name)
	}
	assert.Equal(t, conformance.StatusSkip, got["vcha.failover.disabled-mode"].Status, "a real cluster's mode is never changed")

	m, target := realTarget(t)
	target.AllowDestructive = true
	target.VCAVReplications = []string{replComplete, replTest, replNotStarted}
	rep, err = conformance.Check(t.Context(), target, fastOpts...)
	require.NoError(t, err)
	got = resultsByCase(rep)
	for _, name := range []string{"vcav.failover.test-state", "vcav.failover.succeeds", "vcav.failover.already-complete", "vcha.failover.planned"} {
		assert.Equal(t, conformance.StatusPass, got[name].Status, "%s: %s %v", name, got[name].Reason, got[name].Findings)
	}
	for _, rec := range m.Requests() {
		if rec.API == "vcav" && strings.HasSuffix(rec.Path, "/failover") && rec.Status == 202 {
			assert.Contains(t, rec.Path, replNotStarted, "only the named NOT_STARTED replication may be failed over")
		}
	}
}

// TestSafety_ModeChangeOnlyWhenAllowed: on a real cluster the DISABLED-mode
// case skips unless --allow-mode-change, and then puts the mode back.
func TestSafety_ModeChangeOnlyWhenAllowed(t *testing.T) {
	only := conformance.WithFilter(func(c conformance.Case) bool { return c.Name == "vcha.failover.disabled-mode" })
	m, target := realTarget(t)
	target.AllowDestructive = true
	rep, err := conformance.Check(t.Context(), target, append(fastOpts, only)...)
	require.NoError(t, err)
	assert.Equal(t, conformance.StatusSkip, rep.Results[0].Status)
	assert.Contains(t, rep.Results[0].Reason, "--allow-mode-change")

	target.AllowModeChange = true
	rep, err = conformance.Check(t.Context(), target, append(fastOpts, only)...)
	require.NoError(t, err)
	assert.Equal(t, conformance.StatusPass, rep.Results[0].Status, "%s %v", rep.Results[0].Reason, rep.Results[0].Findings)
	mode := m.State().VCHA.Cluster.Mode
	require.NotNil(t, mode)
	assert.Equal(t, "ENABLED", string(*mode), "the mode is put back")
}

// TestSafety_WrongPasswordOnlyWhenAllowed: against a real target no login
// with a wrong password for a configured user is sent unless asked for.
func TestSafety_WrongPasswordOnlyWhenAllowed(t *testing.T) {
	only := conformance.WithFilter(func(c conformance.Case) bool { return strings.HasSuffix(c.Name, ".wrong-password") })
	for _, allow := range []bool{false, true} {
		m, target := realTarget(t)
		target.TryWrongPassword = allow
		rep, err := conformance.Check(t.Context(), target, append(fastOpts, only)...)
		require.NoError(t, err)
		refused := 0
		for _, rec := range m.Requests() {
			if rec.Method == "POST" && (rec.Path == "/sessions" || rec.Path == "/api/session") && rec.Status == 401 {
				refused++
			}
		}
		want := map[bool]int{false: 0, true: 2}[allow]
		assert.Equal(t, want, refused, "allow=%v: refused logins", allow)
		for _, res := range rep.Results {
			assert.Equal(t, map[bool]conformance.Status{false: conformance.StatusSkip, true: conformance.StatusPass}[allow], res.Status, res.Case)
		}
	}
}
