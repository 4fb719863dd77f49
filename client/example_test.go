package client_test

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/gen/vcha"
)

// exampleVCDA starts a tiny stand-in for a VCDA appliance: one user, one
// failover task that is QUEUED, then RUNNING, then SUCCEEDED.
func exampleVCDA() *httptest.Server {
	var polls atomic.Int32
	reply := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	task := func(state string, progress int32) map[string]any {
		t := map[string]any{"id": "3f1d7a52-8c1e-4b6a-9d2f-6a0e5c4b7e19", "site": "site2", "state": state, "progress": progress, "startTime": 1718000100000, "endTime": -1}
		if state == "SUCCEEDED" {
			t["resultType"] = "SingleVmReplicationInfo"
			t["result"] = map[string]any{"id": "C4-09b2917c-bbe9-4693-ae3f-95b43a94b244", "vmName": "web-01",
				"destinationState": map[string]any{"recoveryInfo": map[string]any{"recoveryState": "COMPLETE"}}}
		}
		return t
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /sessions", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-VCAV-Auth", "0b6e2f7c-3c1d-4e8a-9f2b-7d5c4a3b2e1f")
		reply(w, 200, map[string]any{"user": "admin@org1", "roles": []string{"EVERYONE"}, "authenticatedSites": []any{}})
	})
	mux.HandleFunc("POST /vm-replications/{id}/failover", func(w http.ResponseWriter, _ *http.Request) {
		reply(w, 202, task("RUNNING", 0))
	})
	mux.HandleFunc("GET /tasks/{id}", func(w http.ResponseWriter, _ *http.Request) {
		if n := polls.Add(1); n <= 2 {
			reply(w, 200, task([...]string{"QUEUED", "RUNNING"}[n-1], 40*(n-1)))
			return
		}
		reply(w, 200, task("SUCCEEDED", 100))
	})
	mux.HandleFunc("DELETE /sessions", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) })
	return httptest.NewTLSServer(mux)
}

// failOverVM is the VCAV example of the README: it logs in to VCDA, fails
// a VM replication over to the cloud and waits for the task.
func failOverVM(ctx context.Context, vcdaURL, caFile, password, replicationID string) error {
	vc, err := client.NewVCAV(vcdaURL, client.WithCAFile(caFile))
	if err != nil {
		return err
	}
	if _, err := vc.LoginVCD(ctx, "admin@org1", password); err != nil {
		return err
	}
	defer func() { _ = vc.Logout(context.WithoutCancel(ctx)) }()

	powerOn := true
	task, err := vc.FailoverToCloud(ctx, replicationID, vcav.VmFailoverSettings{PowerOn: &powerOn})
	if err != nil {
		return err
	}
	// QUEUED and RUNNING keep WaitTask polling; SUCCEEDED and FAILED end it.
	done, err := vc.WaitTask(ctx, task.Id, client.Site(*task.Site),
		client.OnProgress(func(state string, pct int) { fmt.Printf("%s %d%%\n", state, pct) }))
	var failed *client.TaskFailedError
	switch {
	case errors.As(err, &failed):
		return fmt.Errorf("the failover ran and failed: %w", err)
	case err != nil:
		return fmt.Errorf("waiting for the failover: %w", err)
	}
	replication, err := vc.FailoverResult(done)
	if err != nil {
		return err
	}
	fmt.Println(replication.Id, replication.DestinationState.RecoveryInfo.RecoveryState)
	return nil
}

// writeCA writes the certificate of srv to a temporary PEM file, as a
// private CA file would be, and returns its path and a function removing it.
func writeCA(srv *httptest.Server) (string, func()) {
	f, err := os.CreateTemp("", "failoverkit-example-ca-*.pem")
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	if err := pem.Encode(f, &pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}); err != nil {
		log.Fatal(err)
	}
	return f.Name(), func() { _ = os.Remove(f.Name()) }
}

// Log in to VCDA, fail a VM replication over to the cloud and wait for the
// task, which is QUEUED before it runs.
func ExampleVCAV_FailoverToCloud() {
	srv := exampleVCDA() // stands in for https://vcda.example.com
	defer srv.Close()
	caFile, remove := writeCA(srv)
	defer remove()

	err := failOverVM(context.Background(), srv.URL, caFile, "changeme", "C4-09b2917c-bbe9-4693-ae3f-95b43a94b244")
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// QUEUED 0%
	// RUNNING 40%
	// SUCCEEDED 100%
	// C4-09b2917c-bbe9-4693-ae3f-95b43a94b244 COMPLETE
}

// exampleVCenter starts a tiny stand-in for a vCenter Server: a failover
// task that is PENDING, then RUNNING, then SUCCEEDED.
func exampleVCenter() *httptest.Server {
	var polls atomic.Int32
	reply := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/session", func(w http.ResponseWriter, _ *http.Request) {
		reply(w, 201, "b00db39f948d13ea1e59b4d6fce56389")
	})
	mux.HandleFunc("POST /api/vcenter/vcha/cluster", func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("server got", r.Method, r.URL.RequestURI())
		reply(w, 202, "52b0c3d4-1e2f-7a8b-9c0d-e1f2a3b4c5d6:com.vmware.vcenter.vcha.cluster")
	})
	mux.HandleFunc("GET /api/cis/tasks/{task}", func(w http.ResponseWriter, _ *http.Request) {
		status := [...]string{"PENDING", "RUNNING", "SUCCEEDED"}[min(polls.Add(1), 3)-1]
		t := map[string]any{"description": map[string]any{"id": "failover", "default_message": "Initiate failover", "args": []string{}},
			"service": "com.vmware.vcenter.vcha.cluster", "operation": "failover", "status": status, "cancelable": false}
		if status != "PENDING" {
			t["progress"] = map[string]any{"total": 100, "completed": map[string]int{"RUNNING": 50, "SUCCEEDED": 100}[status],
				"message": map[string]any{"id": "p", "default_message": "Failover", "args": []string{}}}
		}
		reply(w, 200, t)
	})
	mux.HandleFunc("DELETE /api/session", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) })
	return httptest.NewServer(mux)
}

// Log in to vCenter, start a planned VCHA failover and wait for the CIS
// task.
func ExampleVCHA_Failover() {
	srv := exampleVCenter() // stands in for https://vcsa.example.com
	defer srv.Close()
	ctx := context.Background()

	vc, err := client.NewVCHA(srv.URL, client.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	if err := vc.Login(ctx, "administrator@vsphere.local", "changeme"); err != nil {
		log.Fatal(err)
	}
	defer func() { _ = vc.Logout(ctx) }()
	fmt.Println("logged in:", vc.LoggedIn())

	taskID, err := vc.Failover(ctx, true)
	if err != nil {
		log.Fatal(err)
	}
	task, err := vc.WaitTask(ctx, taskID,
		client.PollInterval(10*time.Millisecond),
		client.OnProgress(func(state string, percent int) { fmt.Printf("%s %d%%\n", state, percent) }))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("failover", task.Status)
	// Output:
	// logged in: true
	// server got POST /api/vcenter/vcha/cluster?action=failover&vmw-task=true
	// PENDING 0%
	// RUNNING 50%
	// SUCCEEDED 100%
	// failover SUCCEEDED
}

// exampleReply writes v as a JSON response.
func exampleReply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// exampleStdErr returns a vSphere Std_Errors_Error body.
func exampleStdErr(errorType, msg string) map[string]any {
	return map[string]any{"error_type": errorType, "messages": []any{map[string]any{"id": "x", "default_message": msg, "args": []string{}}}}
}

// exampleVCHAFailover starts a stand-in for a vCenter HA cluster whose
// failover behaves as in vcha.md §7: the task is RUNNING, then the API
// answers 503 while the passive node takes over, then the new active node
// refuses the old session and does not know the old task; node2 is now
// the active node.
func exampleVCHAFailover() *httptest.Server {
	var (
		mu         sync.Mutex
		polls      int
		tookOver   bool
		validToken string
	)
	reply, stdErr := exampleReply, exampleStdErr
	authorized := func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("vmware-api-session-id") != validToken {
			reply(w, 401, stdErr("UNAUTHENTICATED", "Authentication required."))
			return false
		}
		return true
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/session", func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		validToken = map[bool]string{false: "b00db39f948d13ea1e59b4d6fce56389", true: "c11ec4a0059e24fb2f60c5e7adf67490"}[tookOver]
		reply(w, 201, validToken)
	})
	mux.HandleFunc("POST /api/vcenter/vcha/cluster", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if !authorized(w, r) {
			return
		}
		if r.URL.Query().Get("action") == "failover" {
			reply(w, 202, "52b0c3d4-1e2f-7a8b-9c0d-e1f2a3b4c5d6:com.vmware.vcenter.vcha.cluster")
			return
		}
		node := func(role, state string) map[string]any {
			return map[string]any{"ha_ip": map[string]any{"ip_family": "IPV4"}, "runtime": map[string]any{"role": role, "state": state}}
		}
		reply(w, 200, map[string]any{"config_state": "CONFIGURED", "mode": "ENABLED", "health_state": "DEGRADED",
			"node1": node("PASSIVE", "DOWN"), "node2": node("ACTIVE", "UP")})
	})
	mux.HandleFunc("GET /api/cis/tasks/{task}", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch polls++; {
		case polls == 2: // the passive node is taking over; the sessions are lost
			tookOver, validToken = true, ""
			reply(w, 503, stdErr("SERVICE_UNAVAILABLE", "Service not available."))
		case !authorized(w, r):
		case tookOver:
			reply(w, 404, stdErr("NOT_FOUND", "Task not found."))
		default:
			reply(w, 200, map[string]any{"description": map[string]any{"id": "failover", "default_message": "Initiate failover", "args": []string{}},
				"service": "com.vmware.vcenter.vcha.cluster", "operation": "failover", "status": "RUNNING", "cancelable": false})
		}
	})
	mux.HandleFunc("DELETE /api/session", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) })
	return httptest.NewTLSServer(mux)
}

// failOverVCenter is the VCHA example of the README: it starts a planned
// vCenter HA failover, waits for it through the outage the failover causes,
// and verifies the outcome on the cluster.
func failOverVCenter(ctx context.Context, vcURL, caFile, password string) error {
	vs, err := client.NewVCHA(vcURL, client.WithCAFile(caFile))
	if err != nil {
		return err
	}
	if err := vs.Login(ctx, "administrator@vsphere.local", password); err != nil {
		return err
	}
	defer func() { _ = vs.Logout(context.WithoutCancel(ctx)) }()

	taskID, err := vs.Failover(ctx, true)
	if err != nil {
		return err
	}
	// WaitTask rides out the outage (503s, refused connections) for up to
	// the retry budget, and logs in again when the new active node refuses
	// the old session.
	_, err = vs.WaitTask(ctx, taskID, client.RetryBudget(10*time.Minute))
	var lost *client.TaskLostError
	switch {
	case errors.As(err, &lost):
		fmt.Println("the new active node does not know task", lost.TaskID)
	case err != nil:
		return err
	}
	// Verify the outcome on the cluster rather than trusting the task.
	cluster, err := vs.Cluster(ctx, false)
	if err != nil {
		return err
	}
	for i, node := range []*vcha.VchaClusterNodeInfo{cluster.Node1, cluster.Node2} {
		if node != nil && node.Runtime != nil && node.Runtime.Role != nil {
			fmt.Printf("node%d: %s\n", i+1, *node.Runtime.Role)
		}
	}
	return nil
}

// Fail a vCenter HA cluster over and wait through the API outage: WaitTask
// retries the 503 answers, logs in again after the failover ended the
// session, and reports the task the new active node does not know as a
// *client.TaskLostError; the cluster roles tell the outcome.
func ExampleVCHA_WaitTask_vchaFailover() {
	srv := exampleVCHAFailover() // stands in for https://vcsa.example.com
	defer srv.Close()
	caFile, remove := writeCA(srv)
	defer remove()

	if err := failOverVCenter(context.Background(), srv.URL, caFile, "changeme"); err != nil {
		log.Fatal(err)
	}
	// Output:
	// the new active node does not know task 52b0c3d4-1e2f-7a8b-9c0d-e1f2a3b4c5d6:com.vmware.vcenter.vcha.cluster
	// node1: PASSIVE
	// node2: ACTIVE
}
