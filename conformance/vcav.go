package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// VCAV wire facts the cases rely on.
const (
	vcavAuthHeader = "X-VCAV-Auth"
	// missingReplication is a well-formed C4- identifier no deployment has.
	missingReplication = "C4-00000000-0000-4000-8000-000000000000"
	// missingSite is a site name no deployment has.
	missingSite = "failoverkit-no-such-site"
	// vcavValidFailover is the vendor's documented default failover body.
	vcavValidFailover = `{"type":"vcloud","powerOn":true,"consolidate":false}`
)

// Recovery states of a VCAV replication (RecoveryState).
const (
	stateNotStarted = "NOT_STARTED"
	stateTest       = "TEST"
	stateComplete   = "COMPLETE"
)

// vcavRecoveryState is the path of a replication's recovery state.
const vcavRecoveryState = "destinationState.recoveryInfo.recoveryState"

// vcavHeader returns the header that carries a VCAV session token.
func vcavHeader(token string) http.Header {
	h := http.Header{}
	if token != "" {
		h.Set(vcavAuthHeader, token)
	}
	return h
}

// vcavLoginBody is the AuthenticationRequest of the target's login type.
func (r *caseRun) vcavLoginBody(user, password string) []byte {
	return vcavLoginBodyOf(r.target.VCAVLoginType, user, password)
}

// vcavLoginBodyOf is the AuthenticationRequest of a login type.
func vcavLoginBodyOf(loginType, user, password string) []byte {
	var body map[string]string
	switch loginType {
	case LoginVCDCredentials:
		body = map[string]string{"type": LoginVCDCredentials, "vcdUser": user, "vcdPassword": password}
	case LoginSSOCredentials:
		body = map[string]string{"type": LoginSSOCredentials, "username": user, "password": password}
	default:
		body = map[string]string{"type": LoginLocalUser, "localUser": user, "localPassword": password}
	}
	b, _ := json.Marshal(body) // a map of strings always encodes
	return b
}

// vcavLogin logs in with the target's VCAV credentials, checks the answer
// (200, the X-VCAV-Auth header, the session body) and returns the token.
// The session is logged out when the case ends.
func (r *caseRun) vcavLogin(ctx context.Context) (string, error) {
	token, _, err := r.vcavLoginEx(ctx, "")
	return token, err
}

// vcavLoginEx is vcavLogin with an Accept header ("" for application/json)
// that also returns the login answer.
func (r *caseRun) vcavLoginEx(ctx context.Context, accept string) (string, *exchange, error) {
	c := r.target.Credentials
	if c.VCAVUser == "" || c.VCAVPassword == "" {
		return "", nil, skipf("no VCAV credentials: set %s and %s (or --credentials FILE)", EnvVCAVUser, EnvVCAVPassword)
	}
	req := request{op: "login", method: http.MethodPost, path: "/sessions", body: r.vcavLoginBody(c.VCAVUser, c.VCAVPassword), accept: accept}
	ex, err := r.call(ctx, req, http.StatusOK, "")
	if ex != nil {
		r.red.add(ex.header.Get(vcavAuthHeader))
	}
	if err != nil {
		return "", ex, err
	}
	token := ex.header.Get(vcavAuthHeader)
	if token == "" {
		return "", ex, r.finding(ex, InHeader, vcavAuthHeader, "missing or empty: the session token must be in this header", nil)
	}
	r.deferCleanup(func(ctx context.Context) {
		_, _ = r.api.send(ctx, request{op: "logout", method: http.MethodDelete, path: "/sessions", header: vcavHeader(token)})
	})
	return token, ex, nil
}

// vcavFailover is a failover request of replication id.
func vcavFailover(token, id, query, body string, invalid bool) request {
	path := "/vm-replications/" + url.PathEscape(id) + "/failover"
	if query != "" {
		path += "?" + query
	}
	return request{op: "failoverVmReplication", method: http.MethodPost, path: path, header: vcavHeader(token), body: []byte(body), invalid: invalid}
}

// vcavGetReplication is a read of replication id.
func vcavGetReplication(token, id string) request {
	return request{op: "getVmReplication", method: http.MethodGet, path: "/vm-replications/" + url.PathEscape(id), header: vcavHeader(token)}
}

// vcavAim picks the replication a failover refusal is aimed at. On a mock it
// is a real NOT_STARTED replication, so a server that wrongly accepts the
// call visibly starts a failover (and the case checks the state afterwards);
// anywhere else it is one that does not exist, so nothing can happen.
func (r *caseRun) vcavAim(ctx context.Context) (id string, existing bool, err error) {
	if !r.target.Mock {
		return missingReplication, false, nil
	}
	id, err = r.vcavReplicationIn(ctx, "", stateNotStarted)
	return id, err == nil, err
}

// vcavReplicationIn finds a replication in the given recovery state: in the
// mock's state (control API), or among the replications named in
// Target.VCAVReplications, read with token. No match skips the case.
func (r *caseRun) vcavReplicationIn(ctx context.Context, token, state string) (string, error) {
	if r.target.Mock {
		doc, err := r.mockState(ctx)
		if err != nil {
			return "", err
		}
		if ids := replicationsIn(doc, state); len(ids) > 0 {
			return ids[0], nil
		}
		return "", skipf("the mock has no VM replication in recovery state %s: load a fixture with one", state)
	}
	for _, id := range r.target.VCAVReplications {
		ex, err := r.call(ctx, vcavGetReplication(token, id), http.StatusOK, "")
		if err != nil {
			return "", err
		}
		if got, _ := lookupString(ex.doc, vcavRecoveryState); got == state {
			return id, nil
		}
	}
	return "", skipf("no replication in recovery state %s was named: pass --vcav-replication ID of one (with --allow-destructive)", state)
}

// replicationsIn lists, sorted, the ids of the VM replications anywhere in a
// mock state dump whose recovery state is state.
func replicationsIn(doc any, state string) []string {
	return objectIDs(doc, func(x map[string]any, id string) bool {
		got, _ := lookupString(x, vcavRecoveryState)
		return strings.HasPrefix(id, "C4-") && got == state
	})
}

// objectIDs lists, sorted and without repeats, the "id" of every object
// anywhere in doc that match accepts.
func objectIDs(doc any, match func(x map[string]any, id string) bool) []string {
	var ids []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if id, _ := x["id"].(string); match(x, id) {
				ids = append(ids, id)
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(doc)
	slices.Sort(ids)
	return slices.Compact(ids)
}

// vcavExpectState reads replication id back and checks its recovery state.
func (r *caseRun) vcavExpectState(ctx context.Context, token, id, want string) error {
	ex, err := r.call(ctx, vcavGetReplication(token, id), http.StatusOK, "")
	if err != nil {
		return err
	}
	if got, _ := lookupString(ex.doc, vcavRecoveryState); got != want {
		return r.finding(ex, InState, vcavRecoveryState, fmt.Sprintf("replication %s read back in %s, want %s", id, describeValue(ex.doc, vcavRecoveryState), want), nil)
	}
	return nil
}

// vcavRefusal sends a failover that must be refused with status and code;
// when it was aimed at a real replication, that replication must still be in
// the state it started in (state: "" when unknown).
func (r *caseRun) vcavRefusal(ctx context.Context, req request, status int, code, id, state string) error {
	if _, err := r.call(ctx, req, status, code); err != nil {
		return err
	}
	if state == "" || r.target.Credentials.VCAVUser == "" {
		return nil
	}
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	return r.vcavExpectState(ctx, token, id, state)
}

// vcavTerminal reports whether a task state is final. SUCCEEDED and FAILED
// are; every other state (RUNNING, QUEUED, one the suite does not know) is
// pending, as VMware's terraform provider treats QUEUED.
func vcavTerminal(state string) bool { return state == "SUCCEEDED" || state == "FAILED" }

// pollVCAVTask polls GET /tasks/{id} until the task reaches a final state,
// holding the polls to each other: progress never decreases, the state
// never changes once final, startTime never changes.
func (r *caseRun) pollVCAVTask(ctx context.Context, token, id string) (*exchange, error) {
	req := request{op: "getTask", method: http.MethodGet, path: "/tasks/" + url.PathEscape(id), header: vcavHeader(token)}
	var prev *exchange
	var trail []error
	final, err := r.poll(ctx, id, req, func(ex *exchange) (string, bool) {
		if prev != nil {
			trail = append(trail, r.vcavPollsAgree(prev, ex))
		}
		prev = ex
		state, _ := lookupString(ex.doc, "state")
		progress, _ := lookup(ex.doc, "progress")
		return fmt.Sprintf("%s %v%%", state, progress), vcavTerminal(state)
	}, nil)
	if err != nil {
		return final, err
	}
	r.forgetTask(id)
	return final, errors.Join(trail...)
}

// vcavPending reports a state in which a task has not finished.
func vcavPending(state string) bool { return !vcavTerminal(state) }

// vcavPollsAgree holds a later read of a task to an earlier one.
func (r *caseRun) vcavPollsAgree(prev, ex *exchange) error {
	p0, _ := number(prev.doc, "progress")
	p1, _ := number(ex.doc, "progress")
	s0, _ := lookupString(prev.doc, "state")
	s1, _ := lookupString(ex.doc, "state")
	t0, _ := number(prev.doc, "startTime")
	t1, _ := number(ex.doc, "startTime")
	switch {
	case p1 < p0:
		return r.finding(ex, InTask, "progress", fmt.Sprintf("went back from %.0f to %.0f between two polls", p0, p1), nil)
	case !vcavPending(s0) && s1 != s0:
		return r.finding(ex, InTask, "state", fmt.Sprintf("changed from the final %s to %s between two polls", s0, s1), nil)
	case t0 != t1:
		return r.finding(ex, InTask, "startTime", fmt.Sprintf("changed from %.0f to %.0f between two polls", t0, t1), nil)
	}
	return nil
}

// checkVCAVTask checks what the spec says about a failover task of
// replication id beyond its schema: endTime is -1 exactly while pending, and
// the workflow names the replication (failoverkit choice).
func (r *caseRun) checkVCAVTask(ex *exchange, id string) error {
	state, _ := lookupString(ex.doc, "state")
	end, _ := lookup(ex.doc, "endTime")
	if running := !vcavTerminal(state); running != (end == float64(-1)) {
		return r.finding(ex, InBody, "endTime", fmt.Sprintf("is %v in a %s task: it must be -1 exactly while the task runs", end, state), nil)
	}
	for _, kv := range [][2]string{{"workflowInfo.type", "failover"}, {"workflowInfo.resourceType", "vmReplication"}, {"workflowInfo.resourceId", id}} {
		if err := r.expectChoice(ex, kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}

// unknownID is a fresh random UUID: an identifier (of a task, a user, a
// token) no server has issued.
func unknownID() string { return uuid.NewString() }
