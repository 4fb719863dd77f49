package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/failoverkit/failoverkit/spec"
)

// vcavCases lists the VCAV cases in run order.
func vcavCases() []Case {
	cs := []Case{
		{Name: "vcav.session.login", Operation: "login", Kind: KindAuth, run: vcavSessionLogin,
			Summary: "login with the configured credentials answers 200 with the token in X-VCAV-Auth, and the session reads back"},
		{Name: "vcav.session.logout", Operation: "logout", Kind: KindAuth, run: vcavSessionLogout,
			Summary: "logout answers 204 and the token then gets 401 NotAuthenticated"},
		{Name: "vcav.session.bad-credentials", anonymous: true, Operation: "login", Kind: KindAuth, run: vcavBadCredentials,
			Summary: "login with wrong credentials answers 401 NotAuthenticated in the ApiError shape"},
		{Name: "vcav.session.malformed-json", anonymous: true, Operation: "login", Kind: KindNegative, run: vcavLoginMalformed,
			Summary: "login with a body that is not JSON answers 400 BadRequest"},
		{Name: "vcav.session.unknown-type", anonymous: true, Operation: "login", Kind: KindNegative, run: vcavLoginUnknownType,
			Summary: "login with an unknown AuthenticationRequest type answers 400 BadRequest"},
		{Name: "vcav.session.no-token", anonymous: true, Operation: "getSession", Kind: KindAuth, run: vcavSessionNoToken,
			Summary: "reading the session without X-VCAV-Auth answers 401 NotAuthenticated"},
		{Name: "vcav.replications.list", Operation: "listVmReplications", Kind: KindPositive, run: vcavList,
			Summary: "listing replications answers 200 with a valid page"},
		{Name: "vcav.replication.get", Operation: "getVmReplication", Kind: KindPositive, run: vcavGet,
			Summary: "reading a listed replication answers 200 with that replication"},
		{Name: "vcav.replication.unknown", Operation: "getVmReplication", Kind: KindNegative, run: vcavGetUnknown,
			Summary: "reading a replication that does not exist answers 404 VmReplicationNotFound"},
		{Name: "vcav.task.unknown", Operation: "getTask", Kind: KindNegative, run: vcavTaskUnknown,
			Summary: "reading a task that does not exist answers 404 TaskNotFound"},
		{Name: "vcav.failover.no-token", anonymous: true, Operation: "failoverVmReplication", Kind: KindAuth, run: vcavFailoverNoToken,
			Summary: "a failover without X-VCAV-Auth answers 401 NotAuthenticated and starts nothing"},
		{Name: "vcav.failover.invalid-token", anonymous: true, Operation: "failoverVmReplication", Kind: KindAuth, run: vcavFailoverBadToken,
			Summary: "a failover with an unknown token answers 401 NotAuthenticated and starts nothing"},
		{Name: "vcav.failover.unknown-replication", Operation: "failoverVmReplication", Kind: KindNegative, run: vcavFailoverUnknown,
			Summary: "a failover of a replication that does not exist answers 404 VmReplicationNotFound"},
		{Name: "vcav.failover.unknown-site", Operation: "failoverVmReplication", Kind: KindNegative, run: vcavFailoverUnknownSite,
			Summary: "a failover on a site that does not exist answers 404 SiteNotFound and starts nothing"},
	}
	cs = append(cs, vcavBehaviourCases()...)
	cs = append(cs, vcavReadCases()...)
	cs = append(cs, vcavBodyCases()...)
	cs = append(cs,
		Case{Name: "vcav.failover.test-state", Operation: "failoverVmReplication", Kind: KindStateful, Destructive: true, run: vcavFailoverTestState,
			Summary: "a failover of a replication in TEST answers 400 InvalidRecoveryState and leaves it in TEST"},
		Case{Name: "vcav.failover.succeeds", Operation: "failoverVmReplication", Kind: KindStateful, Destructive: true, run: vcavFailoverSucceeds,
			Summary: "a failover of a NOT_STARTED replication answers 202 with a task that ends SUCCEEDED, and the replication reads back COMPLETE"},
		Case{Name: "vcav.failover.while-running", Operation: "failoverVmReplication", Kind: KindStateful, Destructive: true, run: vcavFailoverWhileRunning,
			Summary: "a second failover of a replication whose failover runs answers 400 and starts nothing"},
		Case{Name: "vcav.failover.already-complete", Operation: "failoverVmReplication", Kind: KindStateful, Destructive: true, run: vcavFailoverComplete,
			Summary: "a failover of a replication already COMPLETE answers 400 InvalidRecoveryState and leaves it COMPLETE"},
	)
	cs = append(cs, vcavLifecycleCases()...)
	cs = append(cs, vcavVappCases()...)
	for i := range cs {
		cs[i].API = spec.VCAV
	}
	return cs
}

// vcavBodyCases are the failover requests with a body the spec forbids.
func vcavBodyCases() []Case {
	bodies := []struct{ name, body, summary string }{
		{"malformed-json", `{"type": "vcloud", "powerOn": tru`, "a body that is not JSON"},
		{"wrong-type", `{"type": "vsphere", "powerOn": true}`, "a type discriminator outside vcloud and vcenter"},
		{"missing-type", `{"powerOn": true, "consolidate": false}`, "no type discriminator"},
		{"wrong-field-types", `{"type": "vcloud", "powerOn": "yes", "consolidate": 1}`, "fields of the wrong type"},
	}
	out := make([]Case, 0, len(bodies))
	for _, b := range bodies {
		out = append(out, Case{
			Name: "vcav.failover." + b.name, Operation: "failoverVmReplication", Kind: KindNegative,
			Summary: "a failover with " + b.summary + " answers 400 BadRequest and starts nothing",
			run: func(ctx context.Context, r *caseRun) error {
				token, err := r.vcavLogin(ctx)
				if err != nil {
					return err
				}
				id, existing, err := r.vcavAim(ctx)
				if err != nil {
					return err
				}
				return r.vcavRefusal(ctx, vcavFailover(token, id, "", b.body, true), http.StatusBadRequest, "BadRequest", id, stateIf(existing, stateNotStarted))
			},
		})
	}
	return out
}

// stateIf returns state when cond holds, else "".
func stateIf(cond bool, state string) string {
	if cond {
		return state
	}
	return ""
}

// vcavSessionLogin logs in, then reads the session: both answers name the
// same user and roles, the configured user (in any letter case).
func vcavSessionLogin(ctx context.Context, r *caseRun) error {
	token, login, err := r.vcavLoginEx(ctx, "")
	if err != nil {
		return err
	}
	sess, err := r.call(ctx, vcavGetSession(token, ""), http.StatusOK, "")
	if err != nil {
		return err
	}
	if err := r.agree(sess, sess.doc, login.doc, "the login answer", "user", "roles"); err != nil {
		return err
	}
	if got, _ := lookupString(sess.doc, "user"); !strings.EqualFold(got, r.target.Credentials.VCAVUser) {
		return r.choice(r.finding(sess, InBody, "user", fmt.Sprintf("is %q, but the session was opened as %q", got, r.target.Credentials.VCAVUser), nil))
	}
	return nil
}

// vcavGetSession reads the session of token.
func vcavGetSession(token, accept string) request {
	return request{op: "getSession", method: http.MethodGet, path: "/sessions", header: vcavHeader(token), accept: accept}
}

func vcavSessionLogout(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	if _, err := r.call(ctx, request{op: "logout", method: http.MethodDelete, path: "/sessions", header: vcavHeader(token)}, http.StatusNoContent, ""); err != nil {
		return err
	}
	_, err = r.call(ctx, request{op: "getSession", method: http.MethodGet, path: "/sessions", header: vcavHeader(token)}, http.StatusUnauthorized, "NotAuthenticated")
	return err
}

func vcavBadCredentials(ctx context.Context, r *caseRun) error {
	// A user that does not exist, so no real account can be locked out.
	body := r.vcavLoginBody("failoverkit-conformance-"+unknownID()[:8], "wrong-"+unknownID())
	ex, err := r.call(ctx, request{op: "login", method: http.MethodPost, path: "/sessions", body: body}, http.StatusUnauthorized, "NotAuthenticated")
	return errors.Join(err, r.vcavLoginRefusalAsPowerCLIReadsIt(ex))
}

// vcavLoginRefusalAsPowerCLIReadsIt checks a refused login the way VMware's
// PowerCLI module for VCDA reads it (Connect-VCDA.ps1,
// Reset-VCDARootPassword.ps1): no "Authentication Token Required"
// challenge (else it reports a lost connection) and msg exactly
// "Authentication required." (else its root password retry does not run).
// Inferred from that client, not documented: a finding against the mock, a
// note against a real appliance (which would then show what it really
// sends).
func (r *caseRun) vcavLoginRefusalAsPowerCLIReadsIt(ex *exchange) error {
	if ex == nil || ex.status != http.StatusUnauthorized {
		return nil
	}
	var errs []error
	if slices.Contains(ex.header.Values("WWW-Authenticate"), "Authentication Token Required") {
		errs = append(errs, r.choice(r.finding(ex, InHeader, "WWW-Authenticate",
			"a refused login carries the expired-session challenge: VMware's PowerCLI module then reports a lost connection, not a failed login", nil)))
	}
	if msg, _ := lookupString(ex.doc, "msg"); msg != "Authentication required." {
		errs = append(errs, r.choice(r.finding(ex, InBody, "msg",
			fmt.Sprintf("got %s: VMware's PowerCLI module retries a root login with the previous password only on exactly \"Authentication required.\"", describeValue(ex.doc, "msg")), nil)))
	}
	return errors.Join(errs...)
}

func vcavLoginMalformed(ctx context.Context, r *caseRun) error {
	req := request{op: "login", method: http.MethodPost, path: "/sessions", body: []byte(`{"type": "localUser", "localUser": `), invalid: true}
	_, err := r.call(ctx, req, http.StatusBadRequest, "BadRequest")
	return err
}

func vcavLoginUnknownType(ctx context.Context, r *caseRun) error {
	req := request{op: "login", method: http.MethodPost, path: "/sessions", body: []byte(`{"type": "kerberosTicket", "ticket": "x"}`), invalid: true}
	_, err := r.call(ctx, req, http.StatusBadRequest, "BadRequest")
	return err
}

func vcavSessionNoToken(ctx context.Context, r *caseRun) error {
	_, err := r.call(ctx, request{op: "getSession", method: http.MethodGet, path: "/sessions"}, http.StatusUnauthorized, "NotAuthenticated")
	return err
}

func vcavList(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	_, err = r.call(ctx, request{op: "listVmReplications", method: http.MethodGet, path: "/vm-replications", header: vcavHeader(token)}, http.StatusOK, "")
	return err
}

// vcavGet reads a listed replication: it agrees with its list item, and
// with the list filtered by its id.
func vcavGet(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	list, err := r.call(ctx, vcavListReq(token, "limit=1"), http.StatusOK, "")
	if err != nil {
		return err
	}
	id, ok := lookupString(list.doc, "items.0.id")
	if !ok {
		return skipf("the target lists no VM replication to read")
	}
	ex, err := r.call(ctx, vcavGetReplication(token, id), http.StatusOK, "")
	if err != nil {
		return err
	}
	item, _ := lookup(list.doc, "items", "0")
	if err := r.agree(ex, ex.doc, item, "the list", vcavAgreeFields...); err != nil {
		return err
	}
	return r.vcavListAgrees(ctx, token, ex)
}

func vcavGetUnknown(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	_, err = r.call(ctx, vcavGetReplication(token, missingReplication), http.StatusNotFound, "VmReplicationNotFound")
	return err
}

func vcavTaskUnknown(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	req := request{op: "getTask", method: http.MethodGet, path: "/tasks/" + unknownID(), header: vcavHeader(token)}
	_, err = r.call(ctx, req, http.StatusNotFound, "TaskNotFound")
	return err
}

func vcavFailoverNoToken(ctx context.Context, r *caseRun) error {
	id, existing, err := r.vcavAim(ctx)
	if err != nil {
		return err
	}
	return r.vcavRefusal(ctx, vcavFailover("", id, "", vcavValidFailover, false), http.StatusUnauthorized, "NotAuthenticated", id, stateIf(existing, stateNotStarted))
}

func vcavFailoverBadToken(ctx context.Context, r *caseRun) error {
	id, existing, err := r.vcavAim(ctx)
	if err != nil {
		return err
	}
	return r.vcavRefusal(ctx, vcavFailover(unknownID(), id, "", vcavValidFailover, false), http.StatusUnauthorized, "NotAuthenticated", id, stateIf(existing, stateNotStarted))
}

func vcavFailoverUnknown(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	_, err = r.call(ctx, vcavFailover(token, missingReplication, "", vcavValidFailover, false), http.StatusNotFound, "VmReplicationNotFound")
	return err
}

func vcavFailoverUnknownSite(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	id, existing, err := r.vcavAim(ctx)
	if err != nil {
		return err
	}
	req := vcavFailover(token, id, "site="+url.QueryEscape(missingSite), vcavValidFailover, false)
	return r.vcavRefusal(ctx, req, http.StatusNotFound, "SiteNotFound", id, stateIf(existing, stateNotStarted))
}

// vcavFailoverRefusedIn checks the documented refusal of a failover of a
// replication in a state that forbids it.
func vcavFailoverRefusedIn(ctx context.Context, r *caseRun, state string) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	id, err := r.vcavReplicationIn(ctx, token, state)
	if err != nil {
		return err
	}
	if err := r.vcavStateRefusal(ctx, token, id); err != nil {
		return err
	}
	return r.vcavExpectState(ctx, token, id, state)
}

// vcavStateRefusal sends a failover the replication's state forbids (see
// stateRefusal).
func (r *caseRun) vcavStateRefusal(ctx context.Context, token, id string) error {
	return r.stateRefusal(ctx, token, vcavFailover(token, id, "", vcavValidFailover, false))
}

// stateRefusal sends req, an operation the recovery state of its object
// forbids. The refusal is failoverkit's choice: a synchronous 400
// InvalidRecoveryState. A real appliance may instead accept it and end the
// task FAILED: that is a note, polled to its end; a task that succeeds is a
// finding.
func (r *caseRun) stateRefusal(ctx context.Context, token string, req request) error {
	return r.refusal(ctx, token, req, "InvalidRecoveryState")
}

// refusal is stateRefusal with the 400 code failoverkit chose for it.
//
// On a real target an operation accepted (202) and carried out (task
// SUCCEEDED) where only a failoverkit choice refuses it (choiceOnlyRefusals)
// is a note too.
func (r *caseRun) refusal(ctx context.Context, token string, req request, code string) error {
	_, err := r.refuse(ctx, token, req, code, choiceOnlyRefusals[code])
	return err
}

// refuse is refusal; choiceOnly says only a failoverkit choice refuses req,
// so a real target that carries it out gets a note. It reports whether
// the target carried it out.
func (r *caseRun) refuse(ctx context.Context, token string, req request, code string, choiceOnly bool) (bool, error) {
	if r.target.Mock {
		_, err := r.call(ctx, req, http.StatusBadRequest, code)
		return false, err
	}
	ex, err := r.send(ctx, req)
	if err != nil {
		return false, err
	}
	if ex.status != http.StatusAccepted {
		return false, r.judge(ctx, ex, http.StatusBadRequest, code)
	}
	if err := r.judge(ctx, ex, http.StatusAccepted, ""); err != nil {
		return false, err
	}
	taskID, _ := lookupString(ex.doc, "id")
	r.startedTask(taskID)
	final, err := r.pollVCAVTask(ctx, token, taskID)
	if err != nil {
		return false, err
	}
	switch state, _ := lookupString(final.doc, "state"); {
	case state == "SUCCEEDED" && choiceOnly:
		r.note(r.finding(final, InTask, "state", fmt.Sprintf("accepted a %s (its task SUCCEEDED); failoverkit choice: refused with 400 %s", req.op, code), nil))
		return true, nil
	case state != "FAILED":
		return false, r.finding(final, InTask, "state", fmt.Sprintf("a %s the replication's state forbids ended %s", req.op, state), nil)
	}
	r.note(r.finding(ex, InStatus, "", "refused asynchronously (202, then a FAILED task); failoverkit choice: a synchronous 400 "+code, nil))
	return false, nil
}

// choiceOnlyRefusals are the refusals nothing but a failoverkit choice
// stands behind (no vendor page, no client that relies on them): a real
// appliance that carries the operation out instead gets a note, never a
// failure. A paused replication refusing sync, migrate or a second pause is
// one; a recovery state that makes the operation meaningless (failover of a
// COMPLETE replication) is not.
var choiceOnlyRefusals = map[string]bool{"ReplicationPaused": true}

func vcavFailoverTestState(ctx context.Context, r *caseRun) error {
	return vcavFailoverRefusedIn(ctx, r, stateTest)
}

func vcavFailoverComplete(ctx context.Context, r *caseRun) error {
	return vcavFailoverRefusedIn(ctx, r, stateComplete)
}

// vcavFailoverSucceeds is the happy path: 202 with a valid task, the task
// polled to SUCCEEDED with the failed-over replication as its result, and
// the replication read back COMPLETE, agreeing with the task's result and
// with the list.
func vcavFailoverSucceeds(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	id, err := r.vcavReplicationIn(ctx, token, stateNotStarted)
	if err != nil {
		return err
	}
	final, err := r.vcavFailoverToEnd(ctx, token, id)
	if err != nil {
		return err
	}
	if err := r.vcavTaskSucceeded(final, id); err != nil {
		return err
	}
	back, err := r.call(ctx, vcavGetReplication(token, id), http.StatusOK, "")
	if err != nil {
		return err
	}
	if got, _ := lookupString(back.doc, vcavRecoveryState); got != stateComplete {
		return r.finding(back, InState, vcavRecoveryState, fmt.Sprintf("replication %s read back in %s, want %s", id, describeValue(back.doc, vcavRecoveryState), stateComplete), nil)
	}
	if v, _ := lookupString(back.doc, "destination.recoveredVappId"); v == "" {
		return r.choice(r.finding(back, InState, "destination.recoveredVappId", "is not set after a successful failover", nil))
	}
	if res, ok := lookup(final.doc, "result"); ok && res != nil {
		if err := r.agree(back, back.doc, res, "the task's result", vcavAgreeFields...); err != nil {
			return err
		}
	}
	return r.vcavListAgrees(ctx, token, back)
}

// vcavFailoverToEnd starts a failover of id, checks the 202 task and polls
// it to its end, the polls agreeing with the accepted task.
func (r *caseRun) vcavFailoverToEnd(ctx context.Context, token, id string) (*exchange, error) {
	accepted, err := r.call(ctx, vcavFailover(token, id, "", vcavValidFailover, false), http.StatusAccepted, "")
	if err != nil {
		return nil, err
	}
	taskID, _ := lookupString(accepted.doc, "id")
	r.startedTask(taskID)
	if err := r.checkVCAVTask(accepted, id); err != nil {
		return nil, err
	}
	final, err := r.pollVCAVTask(ctx, token, taskID)
	if err != nil {
		return nil, err
	}
	return final, r.vcavPollsAgree(accepted, final)
}

// vcavAgreeFields are the replication fields every read of one replication
// must agree on.
var vcavAgreeFields = []string{"id", "vmId", "vmName", "owner", vcavRecoveryState, "destination.recoveredVappId", "destination.site", "source.site"}

// agree checks that got (a read of an object, in ex) and other (another
// read of it, described by what) hold the same values at paths.
func (r *caseRun) agree(ex *exchange, got, other any, what string, paths ...string) error {
	for _, p := range paths {
		a, okA := lookup(got, strings.Split(p, ".")...)
		b, okB := lookup(other, strings.Split(p, ".")...)
		if okA && okB && !reflect.DeepEqual(a, b) {
			return r.finding(ex, InState, p, fmt.Sprintf("is %s here but %s in %s", describeValue(got, p), describeValue(other, p), what), nil)
		}
	}
	return nil
}

// vcavListAgrees lists the replication of get (ids filter) and checks the
// item agrees with the read of it.
func (r *caseRun) vcavListAgrees(ctx context.Context, token string, get *exchange) error {
	id, _ := lookupString(get.doc, "id")
	list, err := r.call(ctx, vcavListReq(token, "ids="+url.QueryEscape(id)), http.StatusOK, "")
	if err != nil {
		return err
	}
	item, ok := lookup(list.doc, "items", "0")
	if !ok {
		return r.finding(list, InBody, "items", fmt.Sprintf("listing ids=%s finds nothing, yet the replication reads back", id), nil)
	}
	return r.agree(list, item, get.doc, "GET /vm-replications/"+id, vcavAgreeFields...)
}

// vcavListReq is a list request with a query ("" for none).
func vcavListReq(token, query string) request {
	path := "/vm-replications"
	if query != "" {
		path += "?" + query
	}
	return request{op: "listVmReplications", method: http.MethodGet, path: path, header: vcavHeader(token)}
}

// vcavTaskSucceeded checks a finished failover task: SUCCEEDED, with the
// failed-over replication as its result (failoverkit choice).
func (r *caseRun) vcavTaskSucceeded(ex *exchange, id string) error {
	if err := r.expectString(ex, "state", "SUCCEEDED"); err != nil {
		var f *Finding
		if code, ok := lookupString(ex.doc, "error.code"); ok && errors.As(err, &f) {
			f.In, f.Reason = InTask, f.Reason+fmt.Sprintf(" (task error code %q)", code)
		}
		return err
	}
	if err := r.checkVCAVTask(ex, id); err != nil {
		return err
	}
	for _, kv := range [][2]string{{"resultType", "SingleVmReplicationInfo"}, {"result.id", id}, {"result." + vcavRecoveryState, stateComplete}} {
		if err := r.expectChoice(ex, kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}
