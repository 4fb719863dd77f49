package conformance

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// VCAV vApp replication wire facts the cases rely on.
const (
	// missingVapp is a well-formed C4VAPP- identifier no deployment has.
	missingVapp = "C4VAPP-00000000-0000-4000-8000-000000000000"
	// vappPrefix starts every vApp replication id.
	vappPrefix = "C4VAPP-"
	// vappNotFound is failoverkit's 404 code for an unknown vApp
	// replication (no vendor page names one: a note on a real target).
	vappNotFound = "VappReplicationNotFound"
)

// vappOp is one vApp replication request: its operationId, method, the
// path after /vapp-replications/{id} and its body ("" none).
type vappOp struct{ op, method, suffix, body string }

// The vApp operations the cases send (bodies: the vendor's minimal valid
// ones, powerOn false so nothing boots on a real system).
var (
	vappOpGet          = vappOp{"getVappReplication", http.MethodGet, "", ""}
	vappOpNetwork      = vappOp{"getVappReplicationNetworkSettings", http.MethodGet, "/network-settings", ""}
	vappOpFailover     = vappOp{"failoverVappReplication", http.MethodPost, "/failover", `{"type":"vcloud","powerOn":false}`}
	vappOpTestFailover = vappOp{"testFailoverVappReplication", http.MethodPost, "/failover-test", `{"type":"vcloud","powerOn":false}`}
	vappOpTestCleanup  = vappOp{"cleanupTestFailoverVappReplication", http.MethodDelete, "/failover-test", ""}
	vappOpReverse      = vappOp{"reverseVappReplication", http.MethodPost, "/reverse", ""}
	vappOpDelete       = vappOp{"deleteVappReplication", http.MethodDelete, "", ""}
)

// request is o on vApp replication id with token.
func (o vappOp) request(token, id string) request {
	req := request{op: o.op, method: o.method, path: "/vapp-replications/" + url.PathEscape(id) + o.suffix, header: vcavHeader(token)}
	if o.body != "" {
		req.body = []byte(o.body)
	}
	return req
}

// vappListReq lists vApp replications with a query ("" for none).
func vappListReq(token, query string) request {
	path := "/vapp-replications"
	if query != "" {
		path += "?" + query
	}
	return request{op: "listVappReplications", method: http.MethodGet, path: path, header: vcavHeader(token)}
}

// vappChildStates returns the recovery state of each VM replication of a
// vApp replication read (id → state), in the order listed.
func vappChildStates(doc any) ([]string, map[string]string) {
	raw, _ := lookup(doc, "vmReplications")
	children, _ := raw.([]any)
	var ids []string
	states := map[string]string{}
	for _, c := range children {
		id, _ := lookupString(c, "id")
		state, _ := lookupString(c, vcavRecoveryState)
		ids = append(ids, id)
		states[id] = state
	}
	return ids, states
}

// vappAllIn reports whether a vApp replication read has VMs and every one
// of them is in state: the vApp's state, as clients read it.
func vappAllIn(doc any, state string) bool {
	ids, states := vappChildStates(doc)
	if len(ids) == 0 {
		return false
	}
	for _, id := range ids {
		if states[id] != state {
			return false
		}
	}
	return true
}

// vappsIn lists, sorted, the ids of the vApp replications anywhere in a
// mock state dump whose VMs are all in state.
func vappsIn(doc any, state string) []string {
	return objectIDs(doc, func(x map[string]any, id string) bool {
		return strings.HasPrefix(id, vappPrefix) && vappAllIn(x, state)
	})
}

// vappIn finds a vApp replication whose VMs are all in state: in the
// mock's state, or among Target.VCAVVappReplications read with token. No
// match skips the case.
func (r *caseRun) vappIn(ctx context.Context, token, state string) (string, error) {
	if r.target.Mock {
		doc, err := r.mockState(ctx)
		if err != nil {
			return "", err
		}
		if ids := vappsIn(doc, state); len(ids) > 0 {
			return ids[0], nil
		}
		return "", skipf("the mock has no vApp replication with every VM in recovery state %s: load a fixture with one", state)
	}
	for _, id := range r.target.VCAVVappReplications {
		ex, err := r.call(ctx, vappOpGet.request(token, id), http.StatusOK, "")
		if err != nil {
			return "", err
		}
		if vappAllIn(ex.doc, state) {
			return id, nil
		}
	}
	return "", skipf("no vApp replication with every VM in recovery state %s was named: pass --vcav-vapp-replication ID of one (with --allow-destructive)", state)
}

// vappInTest finds a vApp replication in TEST; when none is, it runs a
// test failover of one in NOT_STARTED (cleaned up when the case ends), so
// a real system needs only a NOT_STARTED vApp named.
func (r *caseRun) vappInTest(ctx context.Context, token string) (string, error) {
	id, err := r.vappIn(ctx, token, stateTest)
	if err == nil || r.target.Mock {
		return id, err
	}
	id, err = r.vappIn(ctx, token, stateNotStarted)
	if err != nil {
		return "", skipf("no vApp replication in TEST or NOT_STARTED was named: pass --vcav-vapp-replication ID of one (with --allow-destructive)")
	}
	if _, err := r.vappRunToSuccess(ctx, token, vappOpTestFailover, id); err != nil {
		return "", err
	}
	r.deferCleanup(func(ctx context.Context) { _, _ = r.api.send(ctx, vappOpTestCleanup.request(token, id)) })
	return id, nil
}

// vappExpectState reads vApp replication id back and checks that every VM
// of it is in state want.
func (r *caseRun) vappExpectState(ctx context.Context, token, id, want string) (*exchange, error) {
	ex, err := r.call(ctx, vappOpGet.request(token, id), http.StatusOK, "")
	if err != nil {
		return ex, err
	}
	ids, states := vappChildStates(ex.doc)
	if len(ids) == 0 {
		return ex, r.finding(ex, InState, "vmReplications", fmt.Sprintf("vApp replication %s reads back without VM replications", id), nil)
	}
	for i, child := range ids {
		if states[child] != want {
			path := fmt.Sprintf("vmReplications.%d.%s", i, vcavRecoveryState)
			return ex, r.finding(ex, InState, path, fmt.Sprintf("VM replication %s of vApp replication %s read back in %s, want %s", child, id, describeValue(ex.doc, path), want), nil)
		}
	}
	return ex, nil
}

// vappRunToSuccess sends o on vApp id, requires 202 with a task about the
// vApp, and polls the task to SUCCEEDED; it returns the final task read.
func (r *caseRun) vappRunToSuccess(ctx context.Context, token string, o vappOp, id string) (*exchange, error) {
	accepted, err := r.call(ctx, o.request(token, id), http.StatusAccepted, "")
	if err != nil {
		return nil, err
	}
	taskID, _ := lookupString(accepted.doc, "id")
	r.startedTask(taskID)
	final, err := r.pollVCAVTask(ctx, token, taskID)
	if err != nil {
		return final, err
	}
	if err := r.vcavPollsAgree(accepted, final); err != nil {
		return final, err
	}
	if err := r.expectString(final, "state", "SUCCEEDED"); err != nil {
		return final, err
	}
	return final, r.expectChoice(final, "workflowInfo.resourceId", id)
}
