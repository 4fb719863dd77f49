package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/server"
)

func TestFailoverVCHA_FailedTaskExits1(t *testing.T) {
	env := server.Test(t, server.WithFault(server.Fault{
		API: "vcha", OperationID: "failoverVchaClusterAsync", Task: server.TaskFails, TaskError: "disk full",
	}))
	var stderr bytes.Buffer
	code, out := failoverCLI(t.Context(), t, env, nil, &stderr, "vcha", "--yes", "--output", "json")
	assert.Equal(t, exitFindings, code)
	var rep failoverReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.Equal(t, outcomeFailed, rep.Outcome)
	assert.Contains(t, rep.Error, "disk full")
	assert.Equal(t, "node1", activeNode(t, env))
}

func TestFailoverVCAV_TimeoutIsAnUnknownOutcome(t *testing.T) {
	env := server.Test(t, server.WithFault(server.Fault{
		API: "vcav", OperationID: "failoverVmReplication", Task: server.TaskHangs,
	}))
	var stderr bytes.Buffer
	code, out := failoverCLI(t.Context(), t, env, nil, &stderr, "vcav", "--replication", replNotStarted, "--yes",
		"--timeout", "300ms", "--output", "json")
	assert.Equal(t, exitFindings, code)
	var rep failoverReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.Equal(t, outcomeUnknown, rep.Outcome)
	assert.Contains(t, rep.Error, "wait timeout exceeded")
	assert.Contains(t, rep.Follow, "--replication "+replNotStarted+" --follow "+rep.TaskID)
	assert.Contains(t, rep.Follow, env.VCAVURL+"/tasks/"+rep.TaskID)
}

func TestFailover_InterruptedAtThePromptStartsNothing(t *testing.T) {
	env := server.Test(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stdin, w := io.Pipe() // an operator who never answers
	defer func() { _ = w.Close() }()
	stderr := &cancelOn{text: "to confirm", cancel: cancel}
	code, _ := failoverCLI(ctx, t, env, stdin, stderr, "vcav", "--replication", replNotStarted)
	assert.Equal(t, exitInterrupted, code)
	assert.Contains(t, stderr.buf.String(), "interrupted before the failover started; nothing was started")
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, recoveryState(t, env, replNotStarted))
}

// TestFailover_WrongPasswordRefusesWithoutShowingIt: a failed login exits
// 2 and neither output holds the password.
func TestFailover_WrongPasswordRefusesWithoutShowingIt(t *testing.T) {
	env := server.Test(t)
	const secret = "Wr0ng-Passw0rd-7f3a"
	path := filepath.Join(t.TempDir(), "creds.yaml")
	require.NoError(t, os.WriteFile(path, []byte("FAILOVERKIT_VCAV_USER: root\nFAILOVERKIT_VCAV_PASSWORD: "+secret+
		"\nFAILOVERKIT_VCHA_USER: administrator@vsphere.local\nFAILOVERKIT_VCHA_PASSWORD: "+secret+"\n"), 0o600))
	for _, api := range [][]string{{"vcav", "--replication", replNotStarted}, {"vcha"}} {
		var stderr bytes.Buffer
		args := append(api, "--yes", "--output", "json", "--credentials", path) // the later --credentials wins
		code, out := failoverCLI(t.Context(), t, env, nil, &stderr, args...)
		assert.Equal(t, exitUsage, code, api[0])
		assert.Contains(t, stderr.String(), "log in:", api[0])
		assert.NotContains(t, out+stderr.String(), secret, api[0])
		assert.True(t, strings.Contains(out, `"outcome": "refused"`), out)
	}
}

// TestFailoverVCHA_UserWithoutThePrivilegeIsRefused: a user without
// Global.VCServer cannot read the full cluster, so the preflight refuses
// and says why.
func TestFailoverVCHA_UserWithoutThePrivilegeIsRefused(t *testing.T) {
	env := server.Test(t)
	path := filepath.Join(t.TempDir(), "creds.yaml")
	require.NoError(t, os.WriteFile(path, []byte("FAILOVERKIT_VCHA_USER: readonly@vsphere.local\nFAILOVERKIT_VCHA_PASSWORD: vmware\n"), 0o600))
	var stderr bytes.Buffer
	code, _ := failoverCLI(t.Context(), t, env, nil, &stderr, "vcha", "--dry-run", "--credentials", path)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr.String(), "readonly@vsphere.local may not read the cluster (the failover needs Global.VCServer)")
	assert.Equal(t, "node1", activeNode(t, env))
}
