package server_test

import (
	"errors"
	"testing"
	"time"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/server"
)

// The README's "Embedding in Go tests" snippet is this test, verbatim
// (TestREADMEGoSnippetsAreCompiled keeps them equal).

func TestMyFailoverAutomation(t *testing.T) {
	env := server.Test(t) // every API on loopback, clients logged in, cleanup registered
	ctx := t.Context()

	// The automation under test fails a VM replication over and waits...
	const id = "C4-09b2917c-bbe9-4693-ae3f-95b43a94b244"
	task, err := env.VCAV.FailoverToCloud(ctx, id, vcav.VmFailoverSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.VCAV.WaitTask(ctx, task.Id); err != nil {
		t.Fatal(err)
	}

	// ...and must give up on a vCenter HA failover task that never ends.
	hang := server.Fault{API: "vcha", OperationID: "failoverVchaClusterAsync", Task: server.TaskHangs}
	if err := env.Mock.InjectFault(hang); err != nil {
		t.Fatal(err)
	}
	taskID, err := env.VCHA.Failover(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	_, err = env.VCHA.WaitTask(ctx, taskID, client.WaitTimeout(300*time.Millisecond))
	if !errors.Is(err, client.ErrWaitTimeout) {
		t.Fatalf("want a wait timeout, got %v", err)
	}

	state := env.Mock.State() // the live state, in fixture form
	for _, r := range state.VCAV.Replications {
		if r.Id == id && r.DestinationState.RecoveryInfo.RecoveryState != vcav.RecoveryStateCOMPLETE {
			t.Errorf("replication %s: recovery state %s", id, r.DestinationState.RecoveryInfo.RecoveryState)
		}
	}
}
