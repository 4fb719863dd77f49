package server_test

import (
	"context"
	"fmt"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/server"
)

// In a Go test, server.Test(t) does the same as Start and registers Close
// with t.Cleanup.
func ExampleStart() {
	env, err := server.Start()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer env.Close()
	ctx := context.Background()

	// VCAV: fail a VM replication over and wait for its task.
	const id = "C4-09b2917c-bbe9-4693-ae3f-95b43a94b244"
	task, err := env.VCAV.FailoverToCloud(ctx, id, vcav.VmFailoverSettings{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("accepted:", task.State)
	done, err := env.VCAV.WaitTask(ctx, task.Id)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, _ := env.VCAV.Replication(ctx, id)
	fmt.Println("task:", done.State, "replication:", r.DestinationState.RecoveryInfo.RecoveryState)

	// vSphere: a planned VCHA failover swaps the active and passive nodes.
	taskID, err := env.VCHA.Failover(ctx, true)
	if err != nil {
		fmt.Println(err)
		return
	}
	info, err := env.VCHA.WaitTask(ctx, taskID)
	if err != nil {
		fmt.Println(err)
		return
	}
	cluster, _ := env.VCHA.Cluster(ctx, false)
	fmt.Println("task:", info.Status, "node1:", *cluster.Node1.Runtime.Role, "node2:", *cluster.Node2.Runtime.Role)
	// Output:
	// accepted: RUNNING
	// task: SUCCEEDED replication: COMPLETE
	// task: SUCCEEDED node1: PASSIVE node2: ACTIVE
}

// Faults make the mock fail the way a vendor does, here a failover task
// that ends FAILED.
func ExampleWithFault() {
	env, err := server.Start(server.WithFault(server.Fault{
		API: "vcha", OperationID: "failoverVchaClusterAsync", Task: server.TaskFails, TaskError: "disk full",
	}))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer env.Close()
	ctx := context.Background()
	taskID, _ := env.VCHA.Failover(ctx, false)
	info, err := env.VCHA.WaitTask(ctx, taskID)
	fmt.Println(info.Status, *info.Error.ErrorType, info.Error.Messages[0].DefaultMessage, err != nil)
	// Output:
	// FAILED ERROR disk full true
}

// StartTLS (and server.TestTLS(t)) serve both APIs over HTTPS with a
// self-signed certificate; the environment's clients trust it, and
// HTTPClient gives automation that takes an *http.Client one that does.
func ExampleStartTLS() {
	env, err := server.StartTLS()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer env.Close()
	hc, err := env.HTTPClient()
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := hc.Get(env.VCAVURL + "/diagnostics/about")
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = resp.Body.Close()
	fmt.Println(resp.Request.URL.Scheme, resp.TLS != nil, resp.StatusCode)
	// Output: https true 401
}
