package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// vSphere wire facts the cases rely on.
const (
	vchaAuthHeader   = "vmware-api-session-id"
	vchaFailoverPath = "/api/vcenter/vcha/cluster?action=failover&vmw-task=true"
	vchaNonTaskPath  = "/api/vcenter/vcha/cluster?action=failover"
	vchaGetPath      = "/api/vcenter/vcha/cluster?action=get"
	vchaModePath     = "/api/vcenter/vcha/cluster/mode"
	vchaModeSetPath  = "/api/vcenter/vcha/cluster/mode?vmw-task=true"
	vchaService      = "com.vmware.vcenter.vcha.cluster"
)

// vchaHeader returns the header that carries a vSphere session token.
func vchaHeader(token string) http.Header {
	h := http.Header{}
	if token != "" {
		h.Set(vchaAuthHeader, token)
	}
	return h
}

// vchaLogin creates a session with HTTP Basic credentials, checks the answer
// (201 with the token as a JSON string) and returns the token. The session
// is deleted when the case ends.
func (r *caseRun) vchaLogin(ctx context.Context, user, password string) (string, error) {
	h := http.Header{}
	h.Set("Authorization", basicAuth(user, password))
	ex, err := r.call(ctx, request{op: "createSession", method: http.MethodPost, path: "/api/session", header: h}, http.StatusCreated, "")
	token := ""
	if ex != nil {
		token, _ = ex.doc.(string)
		r.red.add(token)
	}
	if err != nil {
		return "", err
	}
	if token == "" {
		return "", r.finding(ex, InBody, "", "the session token must be a non-empty JSON string", nil)
	}
	r.deferCleanup(func(ctx context.Context) {
		_, _ = r.api.send(ctx, request{op: "deleteSession", method: http.MethodDelete, path: "/api/session", header: vchaHeader(token)})
	})
	return token, nil
}

// vchaAdmin logs in with the target's VCHA credentials.
func (r *caseRun) vchaAdmin(ctx context.Context) (string, error) {
	c := r.target.Credentials
	if c.VCHAUser == "" || c.VCHAPassword == "" {
		return "", skipf("no VCHA credentials: set %s and %s (or --credentials FILE)", EnvVCHAUser, EnvVCHAPassword)
	}
	return r.vchaLogin(ctx, c.VCHAUser, c.VCHAPassword)
}

// basicAuth is the value of an HTTP Basic Authorization header.
func basicAuth(user, password string) string {
	req := http.Request{Header: http.Header{}}
	req.SetBasicAuth(user, password)
	return req.Header.Get("Authorization")
}

// vchaFailover is a failover request (the task form) with body.
func vchaFailover(token, body string, invalid bool) request {
	return request{op: "failoverVchaClusterAsync", method: http.MethodPost, path: vchaFailoverPath,
		header: vchaHeader(token), body: []byte(body), invalid: invalid}
}

// vchaCluster reads the cluster (POST ?action=get) and checks the answer.
func (r *caseRun) vchaCluster(ctx context.Context, token string) (*exchange, error) {
	req := request{op: "getVchaCluster", method: http.MethodPost, path: vchaGetPath, header: vchaHeader(token), body: []byte(`{}`)}
	return r.call(ctx, req, http.StatusOK, "")
}

// roles are the roles of node1 and node2.
type roles struct{ node1, node2 string }

// String renders both roles, e.g. "node1 ACTIVE, node2 PASSIVE".
func (x roles) String() string { return "node1 " + x.node1 + ", node2 " + x.node2 }

// vchaRoles reads the cluster and returns the roles of node1 and node2.
func (r *caseRun) vchaRoles(ctx context.Context, token string) (roles, *exchange, error) {
	ex, err := r.vchaCluster(ctx, token)
	if err != nil {
		return roles{}, ex, err
	}
	n1, _ := lookupString(ex.doc, "node1.runtime.role")
	n2, _ := lookupString(ex.doc, "node2.runtime.role")
	return roles{n1, n2}, ex, nil
}

// vchaExpectRoles reads the cluster back and checks the roles are want.
func (r *caseRun) vchaExpectRoles(ctx context.Context, token string, want roles, why string) error {
	got, ex, err := r.vchaRoles(ctx, token)
	if err != nil {
		return err
	}
	if got != want {
		return r.finding(ex, InState, "node1.runtime.role", fmt.Sprintf("read back %s, want %s (%s)", got, want, why), nil)
	}
	return nil
}

// pollVCHATask polls GET /api/cis/tasks/{id} until the task is SUCCEEDED or
// FAILED, holding the polls to each other: the status never moves back,
// progress.completed never decreases, start_time never changes. A vCenter
// HA failover ends every session at its switch-over: when a poll is refused
// with 401, it logs in again once with the target's credentials and goes
// on; *token is then the new session's.
func (r *caseRun) pollVCHATask(ctx context.Context, token *string, id string) (*exchange, error) {
	req := request{op: "getTask", method: http.MethodGet, path: "/api/cis/tasks/" + url.PathEscape(id), header: vchaHeader(*token)}
	again := func(ctx context.Context) (http.Header, error) {
		t, err := r.vchaAdmin(ctx)
		if err != nil {
			return nil, err
		}
		*token = t
		return vchaHeader(t), nil
	}
	var prev *exchange
	var trail []error
	final, err := r.poll(ctx, id, req, func(ex *exchange) (string, bool) {
		if prev != nil {
			trail = append(trail, r.vchaPollsAgree(prev, ex))
		}
		prev = ex
		status, _ := lookupString(ex.doc, "status")
		done, _ := lookup(ex.doc, "progress", "completed")
		return fmt.Sprintf("%s %v%%", status, done), status == "SUCCEEDED" || status == "FAILED"
	}, again)
	if err != nil {
		return final, err
	}
	r.forgetTask(id)
	return final, errors.Join(trail...)
}

// vchaOldSessionRefused checks, after a failover that ended the session
// old, that old stays refused (401 UNAUTHENTICATED on GET /api/session).
func (r *caseRun) vchaOldSessionRefused(ctx context.Context, old string) error {
	req := request{op: "getSession", method: http.MethodGet, path: "/api/session", header: vchaHeader(old)}
	_, err := r.call(ctx, req, http.StatusUnauthorized, "UNAUTHENTICATED")
	return err
}

// vchaStatusRank orders task statuses: a later poll never ranks lower.
var vchaStatusRank = map[string]int{"PENDING": 0, "RUNNING": 1, "BLOCKED": 1, "SUCCEEDED": 2, "FAILED": 2}

// vchaPollsAgree holds a later read of a task to an earlier one.
func (r *caseRun) vchaPollsAgree(prev, ex *exchange) error {
	s0, _ := lookupString(prev.doc, "status")
	s1, _ := lookupString(ex.doc, "status")
	c0, _ := number(prev.doc, "progress.completed")
	c1, ok := number(ex.doc, "progress.completed")
	t0, _ := lookupString(prev.doc, "start_time")
	t1, _ := lookupString(ex.doc, "start_time")
	switch {
	case vchaStatusRank[s1] < vchaStatusRank[s0] || (vchaStatusRank[s0] == 2 && s1 != s0):
		return r.finding(ex, InTask, "status", fmt.Sprintf("went from %s back to %s between two polls", s0, s1), nil)
	case ok && c1 < c0:
		return r.finding(ex, InTask, "progress.completed", fmt.Sprintf("went back from %.0f to %.0f between two polls (it only increases)", c0, c1), nil)
	case t0 != "" && t1 != t0:
		return r.finding(ex, InTask, "start_time", fmt.Sprintf("changed from %s to %s between two polls", t0, t1), nil)
	}
	return nil
}

// checkTaskInfo checks a failover task beyond its schema: the union rules,
// and the failoverkit choices (service, operation, not cancelable, no
// result).
func (r *caseRun) checkTaskInfo(ex *exchange) error {
	if err := r.vchaTaskUnion(ex); err != nil {
		return err
	}
	if err := r.expectChoice(ex, "service", vchaService); err != nil {
		return err
	}
	if err := r.expectChoice(ex, "operation", "failover"); err != nil {
		return err
	}
	if v, _ := lookup(ex.doc, "cancelable"); v != false {
		return r.choice(r.finding(ex, InBody, "cancelable", fmt.Sprintf("got %s, want false (a failoverkit choice)", describeValue(ex.doc, "cancelable")), nil))
	}
	if _, ok := lookup(ex.doc, "result"); ok {
		return r.finding(ex, InBody, "result", "a failover task has no result (the operation is void)", nil)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// vchaStartFailover sends a valid failover, checks the 202 answer and
// returns the task id.
func (r *caseRun) vchaStartFailover(ctx context.Context, token, body string) (string, error) {
	ex, err := r.call(ctx, vchaFailover(token, body, false), http.StatusAccepted, "")
	if err != nil {
		return "", err
	}
	id, ok := ex.doc.(string)
	if !ok || strings.TrimSpace(id) == "" {
		return "", r.finding(ex, InBody, "", "the task id must be a non-empty JSON string", nil)
	}
	r.startedTask(id)
	return id, nil
}

// vchaRefusal sends a failover that must be refused with status and
// error_type, then (when a token to look with is at hand) checks the roles
// did not change.
func (r *caseRun) vchaRefusal(ctx context.Context, req request, status int, errorType string) error {
	var before roles
	var token string
	if c := r.target.Credentials; c.VCHAUser != "" && c.VCHAPassword != "" {
		var err error
		if token, err = r.vchaAdmin(ctx); err != nil {
			return err
		}
		if before, _, err = r.vchaRoles(ctx, token); err != nil {
			return err
		}
	}
	if _, err := r.call(ctx, req, status, errorType); err != nil {
		return err
	}
	if token == "" {
		return nil
	}
	return r.vchaExpectRoles(ctx, token, before, "a refused failover must not swap the roles")
}

// vchaMockMode returns the cluster mode in the mock's state.
func (r *caseRun) vchaMockMode(ctx context.Context) (string, error) {
	doc, err := r.mockState(ctx)
	if err != nil {
		return "", err
	}
	mode, _ := lookupString(doc, "vcha.cluster.mode")
	return mode, nil
}

// vchaSetMode changes the cluster mode through the API (a task) and waits
// for it; used only on a mock, to create the state a case needs.
func (r *caseRun) vchaSetMode(ctx context.Context, token, mode string) error {
	body, _ := json.Marshal(map[string]string{"mode": mode})
	req := request{op: "setVchaClusterModeAsync", method: http.MethodPut, path: vchaModeSetPath, header: vchaHeader(token), body: body}
	ex, err := r.call(ctx, req, http.StatusAccepted, "")
	if err != nil {
		return err
	}
	id, _ := ex.doc.(string)
	r.startedTask(id)
	final, err := r.pollVCHATask(ctx, &token, id)
	if err != nil {
		return err
	}
	if err := r.expectString(final, "status", "SUCCEEDED"); err != nil {
		return err
	}
	back, err := r.call(ctx, request{op: "getVchaClusterMode", method: http.MethodGet, path: vchaModePath, header: vchaHeader(token)}, http.StatusOK, "")
	if err != nil {
		return err
	}
	if got, _ := lookupString(back.doc, "mode"); got != mode {
		return r.finding(back, InState, "mode", fmt.Sprintf("reads back %s after a successful set to %s", got, mode), nil)
	}
	return nil
}
