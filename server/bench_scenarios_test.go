package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/failoverkit/failoverkit/spec"
)

// loginCall is api's login request.
func loginCall(api spec.API) benchCall {
	if api == spec.VCAV {
		return vcavLoginCall()
	}
	return vchaLoginCall()
}

// loginStatus is the status of a successful login on api.
func loginStatus(api spec.API) int {
	if api == spec.VCAV {
		return http.StatusOK
	}
	return http.StatusCreated
}

// tokenOf reads the session token from a login answer.
func tokenOf(api spec.API, a benchAnswer) (string, error) {
	if a.status != loginStatus(api) {
		return "", fmt.Errorf("%s login: status %d: %.300s", api, a.status, a.body)
	}
	if api == spec.VCAV {
		return exactHeader(a.header, "X-VCAV-Auth"), nil
	}
	var token string
	err := json.Unmarshal(a.body, &token)
	return token, err
}

// mustCapture captures c from base or ends the benchmark.
func mustCapture(tb testing.TB, base string, c benchCall, want int) benchAnswer {
	tb.Helper()
	a, err := capture(base, c)
	if err == nil {
		err = expect(c.method+" "+c.target, want, a.status, a.body)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// captureSession logs in to the mock at base and returns the token.
func captureSession(tb testing.TB, api spec.API, base string) (string, benchAnswer) {
	tb.Helper()
	a := mustCapture(tb, base, loginCall(api), loginStatus(api))
	token, err := tokenOf(api, a)
	if err != nil {
		tb.Fatal(err)
	}
	return token, a
}

// prepareLogin: every operation is one login with the default fixture's
// administrator.
func prepareLogin(api spec.API) func(testing.TB, *Mock, string) loadRun {
	return func(tb testing.TB, _ *Mock, base string) loadRun {
		_, a := captureSession(tb, api, base)
		call, want := loginCall(api), loginStatus(api)
		bare := &bareServer{}
		bare.add(call.method, call.target, a)
		return loadRun{bare: bare, op: func(lc *loadClient) error {
			status, body, err := lc.do(call)
			if err != nil {
				return err
			}
			return expect("login", want, status, body)
		}}
	}
}

// prepareTaskRead: one failover is run and finished, then every operation
// reads its task.
func prepareTaskRead(api spec.API) func(testing.TB, *Mock, string) loadRun {
	return func(tb testing.TB, _ *Mock, base string) loadRun {
		token, _ := captureSession(tb, api, base)
		failover, prefix := vcavFailoverCall(token, vcavReadyID), "/tasks/"
		if api == spec.VCHA {
			failover, prefix = vchaFailoverCall(token), "/api/cis/tasks/"
		}
		id, err := taskIDOf(api, mustCapture(tb, base, failover, http.StatusAccepted).body)
		if err != nil {
			tb.Fatal(err)
		}
		read := vcavTaskCall(token, id)
		if api == spec.VCHA {
			read = vchaTaskCall(token, id)
		}
		bare := &bareServer{}
		bare.add(http.MethodGet, prefix, mustCapture(tb, base, read, http.StatusOK))
		return loadRun{bare: bare, token: token, read: read, op: func(lc *loadClient) error {
			status, body, err := lc.do(read)
			if err != nil {
				return err
			}
			return expect("task read", http.StatusOK, status, body)
		}}
	}
}

// prepareVCAVFailover: every operation fails over the next generated
// NOT_STARTED replication and polls its task until it has finished. Before
// each phase on the mock, a generated fixture with just enough
// replications is loaded (Mock.LoadFixture, which also ends sessions) and
// a new session opened, so the mock's state stays the size a phase needs.
// The bare server's answers are captured with the default fixture's ready
// replication.
func prepareVCAVFailover(tb testing.TB, m *Mock, base string) loadRun {
	token, _ := captureSession(tb, spec.VCAV, base)
	fa := mustCapture(tb, base, vcavFailoverCall(token, vcavReadyID), http.StatusAccepted)
	id, err := taskIDOf(spec.VCAV, fa.body)
	if err != nil {
		tb.Fatal(err)
	}
	bare := &bareServer{}
	bare.add(http.MethodPost, "/vm-replications/", fa)
	bare.add(http.MethodGet, "/tasks/", mustCapture(tb, base, vcavTaskCall(token, id), http.StatusOK))
	fixture := benchFixture(tb, max(*loadWarmup, *loadOps/loadRoundCount()))
	var session atomic.Pointer[string]
	session.Store(&token)
	reset := func(tb testing.TB) {
		if err := m.LoadFixture(fixture); err != nil {
			tb.Fatal(err)
		}
		token, _ := captureSession(tb, spec.VCAV, base)
		session.Store(&token)
	}
	return loadRun{bare: bare, reset: reset, token: token, op: func(lc *loadClient) error {
		token := *session.Load()
		status, body, err := lc.do(vcavFailoverCall(token, benchReplicationID(lc.next())))
		if err != nil {
			return err
		}
		if err := expect("failover", http.StatusAccepted, status, body); err != nil {
			return err
		}
		id, err := taskIDOf(spec.VCAV, body)
		if err != nil {
			return err
		}
		return pollTask(lc, vcavTaskCall(token, id), "RUNNING")
	}}
}

// prepareVCHAFailover: every operation fails the cluster over and polls
// the task until it has finished.
func prepareVCHAFailover(tb testing.TB, _ *Mock, base string) loadRun {
	token, _ := captureSession(tb, spec.VCHA, base)
	failover := vchaFailoverCall(token)
	fa := mustCapture(tb, base, failover, http.StatusAccepted)
	id, err := taskIDOf(spec.VCHA, fa.body)
	if err != nil {
		tb.Fatal(err)
	}
	bare := &bareServer{}
	bare.add(http.MethodPost, "/api/vcenter/vcha/cluster", fa)
	bare.add(http.MethodGet, "/api/cis/tasks/", mustCapture(tb, base, vchaTaskCall(token, id), http.StatusOK))
	return loadRun{bare: bare, token: token, op: func(lc *loadClient) error {
		status, body, err := lc.do(failover)
		if err != nil {
			return err
		}
		if err := expect("failover", http.StatusAccepted, status, body); err != nil {
			return err
		}
		id, err := taskIDOf(spec.VCHA, body)
		if err != nil {
			return err
		}
		return pollTask(lc, vchaTaskCall(token, id), "PENDING", "RUNNING")
	}}
}

// pollTask reads the task until its state (VCAV) or status (vSphere) is
// none of the unfinished values (at most 100 reads).
func pollTask(lc *loadClient, read benchCall, unfinished ...string) error {
	for range 100 {
		status, body, err := lc.do(read)
		if err != nil {
			return err
		}
		if err := expect("task read", http.StatusOK, status, body); err != nil {
			return err
		}
		var task struct {
			State  string `json:"state"`  // VCAV
			Status string `json:"status"` // vSphere
		}
		if err := json.Unmarshal(body, &task); err != nil {
			return err
		}
		state := task.State + task.Status
		if state == "" {
			return fmt.Errorf("task without a state: %.300s", body)
		}
		if !slices.Contains(unfinished, state) {
			return nil
		}
	}
	return fmt.Errorf("task %s never finished", read.target)
}
