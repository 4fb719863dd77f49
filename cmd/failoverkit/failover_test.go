package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/conformance"
	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/gen/vcha"
	"github.com/failoverkit/failoverkit/server"
)

// Replications of the mock's default fixture.
const (
	replNotStarted = "C4-09b2917c-bbe9-4693-ae3f-95b43a94b244" // VM app-db-01
	replComplete   = "C4-3f6c1a2e-7d4b-4c9a-9e1f-2a3b4c5d6e7f" // VM file-srv-01
)

// failoverCLI runs `failoverkit failover` with args after the target and
// credentials flags of env, stdin as the terminal's input, and returns the
// exit code and both outputs.
func failoverCLI(ctx context.Context, t *testing.T, env *server.TestEnv, stdin io.Reader, stderr io.Writer, args ...string) (int, string) {
	t.Helper()
	full := append([]string{args[0], "--vcav-url", env.VCAVURL, "--vcha-url", env.VCHAURL,
		"--credentials", mockCredentialsFile(t), "--poll-interval", "20ms"}, args[1:]...)
	var stdout bytes.Buffer
	err := failoverCommand(ctx, full, stdin, &stdout, stderr)
	var ee *exitError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK, stdout.String()
	case errors.As(err, &ee):
		if ee.err != nil {
			_, _ = io.WriteString(stderr, ee.err.Error()+"\n")
		}
		return ee.code, stdout.String()
	default:
		_, _ = io.WriteString(stderr, err.Error()+"\n")
		return exitUsage, stdout.String()
	}
}

// mockCredentialsFile writes the default fixture's credentials to a
// --credentials file (the command takes none from flags).
func mockCredentialsFile(t *testing.T) string {
	t.Helper()
	creds, err := conformance.MockCredentials(conformance.LoginLocalUser)
	require.NoError(t, err)
	b, err := json.Marshal(map[string]string{
		conformance.EnvVCAVUser: creds.VCAVUser, conformance.EnvVCAVPassword: creds.VCAVPassword,
		conformance.EnvVCHAUser: creds.VCHAUser, conformance.EnvVCHAPassword: creds.VCHAPassword,
	})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "credentials.json")
	require.NoError(t, os.WriteFile(path, b, 0o600))
	return path
}

func recoveryState(t *testing.T, env *server.TestEnv, id string) vcav.RecoveryState {
	t.Helper()
	r, err := env.VCAV.Replication(t.Context(), id)
	require.NoError(t, err)
	return r.DestinationState.RecoveryInfo.RecoveryState
}

func activeNode(t *testing.T, env *server.TestEnv) string {
	t.Helper()
	info, err := env.VCHA.Cluster(t.Context(), false)
	require.NoError(t, err)
	m, ok := memberWithRole(info, vcha.VchaClusterNodeRoleACTIVE)
	require.True(t, ok)
	return m.name
}

func TestFailoverVCAV_DryRunChangesNothing(t *testing.T) {
	env := server.Test(t)
	var stderr bytes.Buffer
	code, out := failoverCLI(t.Context(), t, env, strings.NewReader(""), &stderr, "vcav", "--replication", replNotStarted, "--dry-run")
	require.Equal(t, exitOK, code, "stderr: %s", stderr.String())
	assert.Contains(t, out, "Preflight: VM replication "+replNotStarted+" (VM app-db-01)")
	assert.Regexp(t, `recovery state\s+OK\s+NOT_STARTED`, out)
	assert.Contains(t, out, "dry run: the checks passed; nothing was started")
	assert.NotContains(t, stderr.String(), "Type", "a dry run asks for no confirmation")
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, recoveryState(t, env, replNotStarted))
}

func TestFailoverVCHA_DryRunChangesNothing(t *testing.T) {
	env := server.Test(t)
	var stderr bytes.Buffer
	code, out := failoverCLI(t.Context(), t, env, strings.NewReader(""), &stderr, "vcha", "--dry-run")
	require.Equal(t, exitOK, code, "stderr: %s", stderr.String())
	assert.Regexp(t, `roles\s+OK\s+node1 is ACTIVE; node2 takes over`, out)
	assert.Regexp(t, `manual failover\s+OK\s+allowed`, out)
	assert.Equal(t, "node1", activeNode(t, env))
}

func TestFailoverVCAV_RefusedPreflightExits2WithTheReason(t *testing.T) {
	env := server.Test(t)
	var stderr bytes.Buffer
	code, out := failoverCLI(t.Context(), t, env, strings.NewReader("file-srv-01\n"), &stderr, "vcav", "--replication", replComplete)
	assert.Equal(t, exitUsage, code)
	assert.Regexp(t, `recovery state\s+FAIL\s+COMPLETE: already failed over; reverse the replication first`, out)
	assert.Contains(t, stderr.String(), "preflight refused the failover: recovery state: COMPLETE")
	assert.NotContains(t, stderr.String(), "Type", "a refused preflight asks for no confirmation")

	code, _ = failoverCLI(t.Context(), t, env, nil, &stderr, "vcav", "--replication", "C4-00000000-0000-4000-8000-000000000000", "--yes")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr.String(), "replication: C4-00000000-0000-4000-8000-000000000000 not found")
}

func TestFailoverVCHA_DisabledClusterExits2WithTheReason(t *testing.T) {
	env := server.Test(t)
	id, err := env.VCHA.SetMode(t.Context(), vcha.VchaClusterClusterModeDISABLED)
	require.NoError(t, err)
	_, err = env.VCHA.WaitTask(t.Context(), id)
	require.NoError(t, err)
	var stderr bytes.Buffer
	code, out := failoverCLI(t.Context(), t, env, nil, &stderr, "vcha", "--yes", "--output", "json")
	assert.Equal(t, exitUsage, code)
	var rep failoverReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.Equal(t, outcomeRefused, rep.Outcome)
	assert.Equal(t, exitUsage, rep.ExitCode)
	assert.Contains(t, rep.Error, "mode: DISABLED: state replication is off")
	assert.Contains(t, stderr.String(), "mode: DISABLED")
	assert.Empty(t, rep.TaskID)
	assert.Equal(t, "node1", activeNode(t, env))
}

func TestFailoverVCAV_ConfirmedRunShowsProgressAndExits0(t *testing.T) {
	env := server.Test(t, server.WithTaskDuration(300*time.Millisecond))
	var stderr bytes.Buffer
	code, out := failoverCLI(t.Context(), t, env, strings.NewReader("app-db-01\n"), &stderr, "vcav", "--replication", replNotStarted)
	require.Equal(t, exitOK, code, "stderr: %s", stderr.String())
	assert.Contains(t, stderr.String(), `Type "app-db-01" to confirm`)
	assert.Contains(t, stderr.String(), "started: task ")
	assert.Regexp(t, `progress: RUNNING \d+%`, stderr.String(), "plain progress lines when stderr is not a terminal")
	assert.Contains(t, stderr.String(), "progress: SUCCEEDED 100%")
	assert.NotContains(t, stderr.String(), "\r", "no bar when stderr is not a terminal")
	assert.Contains(t, out, "(VM app-db-01) succeeded: recovery state COMPLETE")
	assert.Equal(t, vcav.RecoveryStateCOMPLETE, recoveryState(t, env, replNotStarted))
}

func TestFailover_WrongOrNoConfirmationStartsNothing(t *testing.T) {
	env := server.Test(t)
	for _, answer := range []string{"app-db-02\n", ""} {
		var stderr bytes.Buffer
		code, _ := failoverCLI(t.Context(), t, env, strings.NewReader(answer), &stderr, "vcav", "--replication", replNotStarted)
		assert.Equal(t, exitUsage, code, "answer %q", answer)
		assert.Contains(t, stderr.String(), "not confirmed")
		assert.Contains(t, stderr.String(), "nothing was started")
	}
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, recoveryState(t, env, replNotStarted))
}

func TestFailoverVCHA_JSONOutputParses(t *testing.T) {
	env := server.Test(t)
	var stderr bytes.Buffer
	code, out := failoverCLI(t.Context(), t, env, nil, &stderr, "vcha", "--yes", "--output", "json")
	require.Equal(t, exitOK, code, "stderr: %s", stderr.String())
	var rep failoverReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep), "stdout holds the JSON report only:\n%s", out)
	assert.Equal(t, "vcha", rep.API)
	assert.Equal(t, env.VCHAURL, rep.URL)
	assert.Equal(t, outcomeSucceeded, rep.Outcome)
	assert.Equal(t, "vcsa01", rep.Name, "the confirmation name is the active node's VM")
	assert.NotEmpty(t, rep.TaskID)
	assert.Equal(t, "node2", rep.Details["active"])
	assert.NotEmpty(t, rep.Preflight)
	for _, c := range rep.Preflight {
		assert.Equal(t, checkOK, c.Status, c.Name)
	}
	assert.Equal(t, "node2", activeNode(t, env))
}

func TestFailoverVCAV_JSONOutputParses(t *testing.T) {
	env := server.Test(t)
	var stderr bytes.Buffer
	code, out := failoverCLI(t.Context(), t, env, nil, &stderr, "vcav", "--replication", replNotStarted, "--yes", "--output", "json")
	require.Equal(t, exitOK, code, "stderr: %s", stderr.String())
	var rep failoverReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.Equal(t, outcomeSucceeded, rep.Outcome)
	assert.Equal(t, "app-db-01", rep.Name)
	assert.Equal(t, "COMPLETE", rep.Details["recoveryState"])
	assert.NotEmpty(t, rep.Details["vAppId"])
}

// cancelOn is a writer that cancels when what was written contains text.
type cancelOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	text   string
	cancel context.CancelFunc
}

func (w *cancelOn) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.text) {
		w.cancel()
	}
	return n, err
}

func TestFailover_InterruptedLeavesTheTaskRunningAndFollowWaitsForIt(t *testing.T) {
	clock := server.NewManualClock(time.Now())
	env := server.Test(t, server.WithClock(clock), server.WithTaskDuration(10*time.Minute))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stderr := &cancelOn{text: "progress: RUNNING", cancel: cancel}
	code, _ := failoverCLI(ctx, t, env, nil, stderr, "vcav", "--replication", replNotStarted, "--yes")
	assert.Equal(t, exitInterrupted, code)
	msg := stderr.buf.String()
	assert.Contains(t, msg, "interrupted: the failover task ")
	assert.Contains(t, msg, "keeps running on the server; follow it with `failoverkit failover vcav --vcav-url "+env.VCAVURL)
	assert.Equal(t, vcav.RecoveryStateINPROGRESS, recoveryState(t, env, replNotStarted), "the task was left running")

	// The printed --follow waits for the same task, without preflight.
	m := regexp.MustCompile("--follow (\\S+)`").FindStringSubmatch(msg)
	require.Len(t, m, 2, msg)
	clock.Advance(10 * time.Minute) // less than the sessions' idle timeout
	var followErr bytes.Buffer
	code, out := failoverCLI(t.Context(), t, env, nil, &followErr, "vcav", "--replication", replNotStarted, "--follow", m[1])
	require.Equal(t, exitOK, code, "stderr: %s", followErr.String())
	assert.NotContains(t, out, "Preflight", "following skips the preflight")
	assert.Contains(t, out, "succeeded: recovery state COMPLETE")
	assert.Equal(t, vcav.RecoveryStateCOMPLETE, recoveryState(t, env, replNotStarted))
}

func TestFailover_Usage(t *testing.T) {
	env := server.Test(t)
	for _, args := range [][]string{
		{"vcav"}, // no --replication
		{"vcav", "--replication", replNotStarted, "--output", "yaml"},
		{"vcha", "--replication", replNotStarted},
		{"vcav", "--replication", replNotStarted, "--forced"},
		{"vcha", "extra"},
		{"vcha", "--follow", "some-task", "--dry-run"},
	} {
		var stderr bytes.Buffer
		code, _ := failoverCLI(t.Context(), t, env, nil, &stderr, args...)
		assert.Equal(t, exitUsage, code, "%v", args)
	}
	t.Setenv(conformance.EnvVCAVUser, "")
	var stderr bytes.Buffer
	assert.Equal(t, exitUsage, run(t.Context(), []string{"failover"}, io.Discard, &stderr))
	assert.Contains(t, stderr.String(), "say what to fail over: vcav or vcha")
	assert.Equal(t, exitUsage, run(t.Context(), []string{"failover", "vcav", "--vcav-url", env.VCAVURL, "--replication", replNotStarted}, io.Discard, &stderr),
		"without credentials")
}
