package conformance

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// vchaBehaviourCases are the vSphere cases that hold answers to each other
// and to the requests: a token after logout, a wrong password, the partial
// cluster read.
func vchaBehaviourCases() []Case {
	return []Case{
		{Name: "vcha.session.delete-everywhere", Operation: "deleteSession", Kind: KindAuth, run: vchaDeleteEverywhere,
			Summary: "after the session is deleted its token gets 401 UNAUTHENTICATED on every operation, not only the session"},
		{Name: "vcha.session.wrong-password", Operation: "createSession", Kind: KindAuth, run: vchaWrongPassword,
			Summary: "creating a session as the configured user with a wrong password answers 401 UNAUTHENTICATED (opt-in against real vCenters: lockout)"},
		{Name: "vcha.cluster.partial", Operation: "getVchaCluster", Kind: KindPositive, run: vchaClusterPartial,
			Summary: "reading the cluster with partial true answers 200, agreeing with the full read and the mode read"},
	}
}

// vchaDeleteEverywhere deletes the session, then tries the dead token on
// every read, and on the failover where a failover may be sent.
func vchaDeleteEverywhere(ctx context.Context, r *caseRun) error {
	token, err := r.vchaAdmin(ctx)
	if err != nil {
		return err
	}
	if _, err := r.call(ctx, request{op: "deleteSession", method: http.MethodDelete, path: "/api/session", header: vchaHeader(token)}, http.StatusNoContent, ""); err != nil {
		return err
	}
	reqs := []request{
		{op: "getSession", method: http.MethodGet, path: "/api/session", header: vchaHeader(token)},
		{op: "getVchaCluster", method: http.MethodPost, path: vchaGetPath, header: vchaHeader(token), body: []byte(`{}`)},
		{op: "getVchaClusterMode", method: http.MethodGet, path: vchaModePath, header: vchaHeader(token)},
		{op: "getTask", method: http.MethodGet, path: "/api/cis/tasks/" + unknownID() + ":" + vchaService, header: vchaHeader(token)},
		{op: "deleteSession", method: http.MethodDelete, path: "/api/session", header: vchaHeader(token)},
	}
	if r.target.Mock || r.target.AllowDestructive {
		reqs = append(reqs, vchaFailover(token, `{"planned": true}`, false))
	}
	for _, req := range reqs {
		if _, err := r.call(ctx, req, http.StatusUnauthorized, "UNAUTHENTICATED"); err != nil {
			return err
		}
	}
	return nil
}

// vchaWrongPassword creates a session as the configured user with a wrong
// password.
func vchaWrongPassword(ctx context.Context, r *caseRun) error {
	if err := r.wrongPasswordAllowed(); err != nil {
		return err
	}
	h := http.Header{}
	h.Set("Authorization", basicAuth(r.target.Credentials.VCHAUser, "wrong-"+randomToken()))
	ex, err := r.call(ctx, request{op: "createSession", method: http.MethodPost, path: "/api/session", header: h}, http.StatusUnauthorized, "UNAUTHENTICATED")
	if tok, ok := docString(ex); ok {
		r.red.add(tok)
	}
	return err
}

// docString returns the body of ex when it is a JSON string.
func docString(ex *exchange) (string, bool) {
	if ex == nil {
		return "", false
	}
	s, ok := ex.doc.(string)
	return s, ok
}

// vchaClusterPartial reads the cluster with and without partial, and the
// mode: the mode and configuration state agree across the three.
func vchaClusterPartial(ctx context.Context, r *caseRun) error {
	token, err := r.vchaAdmin(ctx)
	if err != nil {
		return err
	}
	full, err := r.vchaCluster(ctx, token)
	if err != nil {
		return err
	}
	req := request{op: "getVchaCluster", method: http.MethodPost, path: vchaGetPath, header: vchaHeader(token), body: []byte(`{"partial": true}`)}
	part, err := r.call(ctx, req, http.StatusOK, "")
	if err != nil {
		return err
	}
	if err := r.agree(part, part.doc, full.doc, "the full read", "config_state", "mode"); err != nil {
		return err
	}
	return r.vchaModeAgrees(ctx, token, full)
}

// vchaModeAgrees reads the mode and checks it is the cluster read's.
func (r *caseRun) vchaModeAgrees(ctx context.Context, token string, cluster *exchange) error {
	mode, err := r.call(ctx, request{op: "getVchaClusterMode", method: http.MethodGet, path: vchaModePath, header: vchaHeader(token)}, http.StatusOK, "")
	if err != nil {
		return err
	}
	return r.agree(mode, mode.doc, cluster.doc, "the cluster read", "mode")
}

// vchaFailoverWhileRunning starts a failover and, while its task runs,
// sends a second one: it must be refused, in any of the styles vcha.md
// §10 item 11 lists (202 and a FAILED task, or a synchronous vAPI error),
// and the roles must swap at most once. On a mock the first task hangs.
func vchaFailoverWhileRunning(ctx context.Context, r *caseRun) error {
	token, err := r.vchaAdmin(ctx)
	if err != nil {
		return err
	}
	before, _, err := r.vchaRoles(ctx, token)
	if err != nil {
		return err
	}
	if r.target.Mock {
		if err := r.hangNextTask(ctx, "failoverVchaClusterAsync"); err != nil {
			return err
		}
	}
	first, err := r.vchaStartFailover(ctx, token, `{"planned": true}`)
	if err != nil {
		return err
	}
	if err := r.vchaStillRunning(ctx, token, first); err != nil {
		return err
	}
	if err := r.vchaRefusedWhileRunning(ctx, token); err != nil {
		return err
	}
	if r.target.Mock {
		return r.vchaExpectRoles(ctx, token, before, "the first failover still runs and the second was refused")
	}
	if _, err := r.pollVCHATask(ctx, &token, first); err != nil {
		return err
	}
	return r.vchaExpectRoles(ctx, token, roles{before.node2, before.node1}, "only the first failover may swap the roles")
}

// vchaStillRunning skips the case when the task already finished.
func (r *caseRun) vchaStillRunning(ctx context.Context, token, id string) error {
	req := request{op: "getTask", method: http.MethodGet, path: "/api/cis/tasks/" + id, header: vchaHeader(token)}
	ex, err := r.call(ctx, req, http.StatusOK, "")
	if err != nil {
		return err
	}
	if status, _ := lookupString(ex.doc, "status"); status == "SUCCEEDED" || status == "FAILED" {
		return skipf("the first failover task was %s before a second one could be sent", status)
	}
	return nil
}

// vchaRefusedWhileRunning sends the second failover and accepts any
// documented refusal style.
func (r *caseRun) vchaRefusedWhileRunning(ctx context.Context, token string) error {
	ex, err := r.send(ctx, vchaFailover(token, `{"planned": true}`, false))
	if err != nil {
		return err
	}
	if ex.status != http.StatusAccepted {
		if ex.status < 400 {
			return r.finding(ex, InStatus, "", fmt.Sprintf("got %d: a second failover while one runs must be refused", ex.status), nil)
		}
		r.note(r.finding(ex, InStatus, "", fmt.Sprintf("refused synchronously with %d (failoverkit choice: 202 and a FAILED task)", ex.status), nil))
		return r.judge(ctx, ex, ex.status, "")
	}
	if err := r.judge(ctx, ex, http.StatusAccepted, ""); err != nil {
		return err
	}
	id, _ := docString(ex)
	r.startedTask(id)
	final, err := r.pollVCHATask(ctx, &token, strings.TrimSpace(id))
	if err != nil {
		return err
	}
	if err := r.expectString(final, "status", "FAILED"); err != nil {
		return err
	}
	return r.expectChoice(final, "error.error_type", "NOT_ALLOWED_IN_CURRENT_STATE")
}
