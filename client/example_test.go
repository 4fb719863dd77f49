package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/gen/vcav"
)

// exampleVCDA starts a tiny stand-in for a VCDA appliance: one user, one
// failover task that is RUNNING for two polls and then SUCCEEDED.
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
			reply(w, 200, task("RUNNING", 40*n))
			return
		}
		reply(w, 200, task("SUCCEEDED", 100))
	})
	mux.HandleFunc("DELETE /sessions", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) })
	return httptest.NewServer(mux)
}

// Log in to VCDA, fail a VM replication over to the cloud and wait for the
// task.
func ExampleVCAV_FailoverToCloud() {
	srv := exampleVCDA() // stands in for https://vcda.example.com
	defer srv.Close()
	ctx := context.Background()

	vc, err := client.NewVCAV(srv.URL, client.WithHTTPClient(srv.Client()))
	if err != nil {
		log.Fatal(err)
	}
	session, err := vc.LoginVCD(ctx, "admin@org1", "changeme")
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = vc.Logout(ctx) }()
	fmt.Println("logged in as", session.User)

	powerOn := true
	task, err := vc.FailoverToCloud(ctx, "C4-09b2917c-bbe9-4693-ae3f-95b43a94b244", vcav.VmFailoverSettings{PowerOn: &powerOn})
	if err != nil {
		log.Fatal(err)
	}
	done, err := vc.WaitTask(ctx, task.Id,
		client.Site(*task.Site),
		client.PollInterval(10*time.Millisecond),
		client.OnProgress(func(state string, percent int) { fmt.Printf("%s %d%%\n", state, percent) }))
	if err != nil {
		log.Fatal(err)
	}
	replication, err := vc.FailoverResult(done)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(replication.Id, replication.DestinationState.RecoveryInfo.RecoveryState)
	// Output:
	// logged in as admin@org1
	// RUNNING 40%
	// RUNNING 80%
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
