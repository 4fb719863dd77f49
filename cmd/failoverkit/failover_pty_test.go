package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/conformance"
	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/server"
)

// envRunMain makes the test binary run main instead of the tests, so that
// a test can start the command as a process of its own (on a terminal).
const envRunMain = "FAILOVERKIT_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envRunMain) == "1" {
		main()
	}
	os.Exit(m.Run())
}

// ptyOutput collects what the process writes to its terminal.
type ptyOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *ptyOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *ptyOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// TestFailover_TerminalSession runs `failoverkit failover vcav` on a
// pseudo-terminal, as an operator would: it prints the preflight table,
// asks for the VM name, takes the typed answer, draws the progress bar in
// place and ends with the summary.
func TestFailover_TerminalSession(t *testing.T) {
	env := server.Test(t, server.WithTaskDuration(3*time.Second))
	creds, err := conformance.MockCredentials(conformance.LoginLocalUser)
	require.NoError(t, err)
	exe, err := os.Executable()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "failover", "vcav", "--vcav-url", env.VCAVURL,
		"--replication", replNotStarted, "--poll-interval", "100ms")
	cmd.Env = append(os.Environ(), envRunMain+"=1", "TERM=xterm",
		conformance.EnvVCAVUser+"="+creds.VCAVUser, conformance.EnvVCAVPassword+"="+creds.VCAVPassword)
	term, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	require.NoError(t, err)
	defer func() { _ = term.Close() }()
	var out ptyOutput
	copied := make(chan struct{})
	go func() { _, _ = io.Copy(&out, term); close(copied) }()

	require.Eventually(t, func() bool { return strings.Contains(out.String(), `Type "app-db-01" to confirm`) },
		30*time.Second, 20*time.Millisecond, "the prompt; got:\n%s", out.String())
	assert.Contains(t, out.String(), "recovery state   OK", "the preflight table comes first")
	_, err = term.Write([]byte("app-db-01\r")) // Enter, as a keyboard sends it
	require.NoError(t, err)
	require.NoError(t, cmd.Wait(), "exit status; output:\n%s", out.String())
	_ = term.Close()
	<-copied

	got := out.String()
	assert.Contains(t, got, "app-db-01\r\n", "the terminal echoed the answer")
	assert.Contains(t, got, "\r\x1b[K[", "the bar is redrawn in place")
	assert.Regexp(t, `\[█+░+\]\s+\d+%\s+RUNNING`, got, "a partly filled bar while the task runs")
	assert.Contains(t, got, "["+strings.Repeat("█", barWidth)+"] 100%  SUCCEEDED")
	assert.NotContains(t, got, "progress: ", "no plain progress lines on a terminal")
	assert.Contains(t, got, "succeeded: recovery state COMPLETE")
	assert.Equal(t, vcav.RecoveryStateCOMPLETE, recoveryState(t, env, replNotStarted))
}

// TestFailover_TerminalCtrlC presses Ctrl-C on the terminal while the bar
// runs: the command exits 3, says the task keeps running and how to
// follow it, and the failover goes on on the server.
func TestFailover_TerminalCtrlC(t *testing.T) {
	env := server.Test(t, server.WithTaskDuration(time.Hour))
	creds, err := conformance.MockCredentials(conformance.LoginLocalUser)
	require.NoError(t, err)
	exe, err := os.Executable()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "failover", "vcav", "--vcav-url", env.VCAVURL,
		"--replication", replNotStarted, "--poll-interval", "100ms", "--yes")
	cmd.Env = append(os.Environ(), envRunMain+"=1", "TERM=xterm",
		conformance.EnvVCAVUser+"="+creds.VCAVUser, conformance.EnvVCAVPassword+"="+creds.VCAVPassword)
	term, err := pty.Start(cmd)
	require.NoError(t, err)
	defer func() { _ = term.Close() }()
	var out ptyOutput
	copied := make(chan struct{})
	go func() { _, _ = io.Copy(&out, term); close(copied) }()

	require.Eventually(t, func() bool { return strings.Contains(out.String(), "RUNNING") },
		30*time.Second, 20*time.Millisecond, "the bar; got:\n%s", out.String())
	_, err = term.Write([]byte{3}) // Ctrl-C: the terminal sends SIGINT
	require.NoError(t, err)
	err = cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "output:\n%s", out.String())
	assert.Equal(t, exitInterrupted, ee.ExitCode())
	_ = term.Close()
	<-copied
	assert.Contains(t, out.String(), "keeps running on the server; follow it with `failoverkit failover vcav --vcav-url "+env.VCAVURL)
	assert.Equal(t, vcav.RecoveryStateINPROGRESS, recoveryState(t, env, replNotStarted))
}
