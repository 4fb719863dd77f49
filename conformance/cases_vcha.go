package conformance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/failoverkit/failoverkit/spec"
)

// vchaCases lists the vSphere VCHA cases in run order.
func vchaCases() []Case {
	const failover = "failoverVchaClusterAsync"
	cs := []Case{
		{Name: "vcha.session.create", Operation: "createSession", Kind: KindAuth, run: vchaSessionCreate,
			Summary: "creating a session with Basic credentials answers 201 with the token as a JSON string, and the session reads back"},
		{Name: "vcha.session.delete", Operation: "deleteSession", Kind: KindAuth, run: vchaSessionDelete,
			Summary: "deleting the session answers 204 and the token then gets 401 UNAUTHENTICATED"},
		{Name: "vcha.session.bad-credentials", anonymous: true, Operation: "createSession", Kind: KindAuth, run: vchaBadCredentials,
			Summary: "creating a session with wrong credentials answers 401 UNAUTHENTICATED in the vAPI error shape"},
		{Name: "vcha.session.no-credentials", anonymous: true, Operation: "createSession", Kind: KindAuth, run: vchaNoCredentials,
			Summary: "creating a session without credentials answers 401 UNAUTHENTICATED"},
		{Name: "vcha.cluster.get", Operation: "getVchaCluster", Kind: KindPositive, run: vchaClusterGet,
			Summary: "reading the cluster answers 200 with a valid Vcha_Cluster_Info whose nodes are one ACTIVE and one PASSIVE"},
		{Name: "vcha.cluster.no-token", anonymous: true, Operation: "getVchaCluster", Kind: KindAuth, run: vchaClusterNoToken,
			Summary: "reading the cluster without a session answers 401 UNAUTHENTICATED"},
		{Name: "vcha.mode.get", Operation: "getVchaClusterMode", Kind: KindPositive, run: vchaModeGet,
			Summary: "reading the cluster mode answers 200 with a valid mode"},
		{Name: "vcha.task.unknown", Operation: "getTask", Kind: KindNegative, run: vchaTaskUnknown,
			Summary: "reading a task that does not exist answers 404 NOT_FOUND"},
		{Name: "vcha.failover.no-token", anonymous: true, Operation: failover, Kind: KindAuth, Destructive: true, run: vchaFailoverNoToken,
			Summary: "a failover without a session answers 401 UNAUTHENTICATED and swaps nothing"},
		{Name: "vcha.failover.invalid-token", anonymous: true, Operation: failover, Kind: KindAuth, Destructive: true, run: vchaFailoverBadToken,
			Summary: "a failover with an unknown session token answers 401 UNAUTHENTICATED and swaps nothing"},
		{Name: "vcha.failover.forbidden", Operation: failover, Kind: KindAuth, Destructive: true, run: vchaFailoverForbidden,
			Summary: "a failover by a user without Global.VCServer answers 403 UNAUTHORIZED and swaps nothing"},
		{Name: "vcha.failover.non-task-form", Operation: failover, Kind: KindNegative, Destructive: true, run: vchaFailoverNonTask,
			Summary: "the non-task form (?action=failover without vmw-task=true) answers 400 INVALID_REQUEST and swaps nothing"},
	}
	cs = append(cs, vchaBehaviourCases()...)
	cs = append(cs, vchaLegacyCases()...)
	cs = append(cs, vchaBodyCases()...)
	cs = append(cs,
		Case{Name: "vcha.failover.disabled-mode", Operation: failover, Kind: KindStateful, Destructive: true, run: vchaFailoverDisabled,
			Summary: "a failover while the mode is DISABLED answers 202, the task ends FAILED with NOT_ALLOWED_IN_CURRENT_STATE, and nothing swaps"},
		Case{Name: "vcha.failover.while-running", Operation: failover, Kind: KindStateful, Destructive: true, run: vchaFailoverWhileRunning,
			Summary: "a second failover while the first runs is refused (202 and a FAILED task, or a vAPI error), and the roles swap at most once"},
		Case{Name: "vcha.failover.planned", Operation: failover, Kind: KindStateful, Destructive: true, run: vchaFailoverPlanned,
			Summary: "a planned failover answers 202 with a task id, the task ends SUCCEEDED, and node1 and node2 swap roles"},
	)
	for i := range cs {
		cs[i].API = spec.VCHA
	}
	return cs
}

// vchaBodyCases are the failover requests with a body the spec forbids. They
// are destructive: there is only one cluster to aim them at.
func vchaBodyCases() []Case {
	bodies := []struct{ name, body, summary string }{
		{"malformed-json", `{"planned": tru`, "a body that is not JSON"},
		{"missing-planned", `{}`, "no planned field"},
		{"wrong-field-types", `{"planned": "yes"}`, "planned of the wrong type"},
		{"unexpected-field", `{"planned": true, "force": true}`, "an unexpected field"},
	}
	out := make([]Case, 0, len(bodies))
	for _, b := range bodies {
		out = append(out, Case{
			Name: "vcha.failover." + b.name, Operation: "failoverVchaClusterAsync", Kind: KindNegative, Destructive: true,
			Summary: "a failover with " + b.summary + " answers 400 INVALID_ARGUMENT and swaps nothing",
			run: func(ctx context.Context, r *caseRun) error {
				token, err := r.vchaAdmin(ctx)
				if err != nil {
					return err
				}
				return r.vchaRefusal(ctx, vchaFailover(token, b.body, true), http.StatusBadRequest, "INVALID_ARGUMENT")
			},
		})
	}
	return out
}

// randomToken is a session token no server has issued.
func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return hex.EncodeToString(b)
}

func vchaSessionCreate(ctx context.Context, r *caseRun) error {
	token, err := r.vchaAdmin(ctx)
	if err != nil {
		return err
	}
	ex, err := r.call(ctx, request{op: "getSession", method: http.MethodGet, path: "/api/session", header: vchaHeader(token)}, http.StatusOK, "")
	if err != nil {
		return err
	}
	if got, _ := lookupString(ex.doc, "user"); !sameVSphereUser(got, r.target.Credentials.VCHAUser) {
		return r.choice(r.finding(ex, InBody, "user", fmt.Sprintf("is %q, but the session was created as %q", got, r.target.Credentials.VCHAUser), nil))
	}
	return nil
}

// sameVSphereUser compares two vSphere login names in any of their forms
// (user@domain, DOMAIN\user) and letter case.
func sameVSphereUser(a, b string) bool {
	norm := func(s string) string {
		s = strings.ToLower(s)
		if d, u, ok := strings.Cut(s, "\\"); ok {
			return u + "@" + d
		}
		return s
	}
	return norm(a) == norm(b)
}

func vchaSessionDelete(ctx context.Context, r *caseRun) error {
	token, err := r.vchaAdmin(ctx)
	if err != nil {
		return err
	}
	if _, err := r.call(ctx, request{op: "deleteSession", method: http.MethodDelete, path: "/api/session", header: vchaHeader(token)}, http.StatusNoContent, ""); err != nil {
		return err
	}
	_, err = r.call(ctx, request{op: "getSession", method: http.MethodGet, path: "/api/session", header: vchaHeader(token)}, http.StatusUnauthorized, "UNAUTHENTICATED")
	return err
}

func vchaBadCredentials(ctx context.Context, r *caseRun) error {
	// A user that does not exist, so no real account can be locked out.
	h := http.Header{}
	h.Set("Authorization", basicAuth("failoverkit-conformance-"+randomToken()[:8]+"@vsphere.local", "wrong-"+randomToken()))
	_, err := r.call(ctx, request{op: "createSession", method: http.MethodPost, path: "/api/session", header: h}, http.StatusUnauthorized, "UNAUTHENTICATED")
	return err
}

func vchaNoCredentials(ctx context.Context, r *caseRun) error {
	_, err := r.call(ctx, request{op: "createSession", method: http.MethodPost, path: "/api/session"}, http.StatusUnauthorized, "UNAUTHENTICATED")
	return err
}

func vchaClusterGet(ctx context.Context, r *caseRun) error {
	token, err := r.vchaAdmin(ctx)
	if err != nil {
		return err
	}
	got, ex, err := r.vchaRoles(ctx, token)
	if err != nil {
		return err
	}
	if state, _ := lookupString(ex.doc, "config_state"); state != "CONFIGURED" {
		return nil // roles are only meaningful in a configured cluster
	}
	if got != (roles{"ACTIVE", "PASSIVE"}) && got != (roles{"PASSIVE", "ACTIVE"}) {
		return r.finding(ex, InState, "node1.runtime.role", "a configured cluster has one ACTIVE and one PASSIVE node, got "+got.String(), nil)
	}
	return nil
}

func vchaClusterNoToken(ctx context.Context, r *caseRun) error {
	req := request{op: "getVchaCluster", method: http.MethodPost, path: vchaGetPath, body: []byte(`{}`)}
	_, err := r.call(ctx, req, http.StatusUnauthorized, "UNAUTHENTICATED")
	return err
}

func vchaModeGet(ctx context.Context, r *caseRun) error {
	token, err := r.vchaAdmin(ctx)
	if err != nil {
		return err
	}
	_, err = r.call(ctx, request{op: "getVchaClusterMode", method: http.MethodGet, path: vchaModePath, header: vchaHeader(token)}, http.StatusOK, "")
	return err
}

func vchaTaskUnknown(ctx context.Context, r *caseRun) error {
	token, err := r.vchaAdmin(ctx)
	if err != nil {
		return err
	}
	req := request{op: "getTask", method: http.MethodGet, path: "/api/cis/tasks/" + unknownID() + ":" + vchaService, header: vchaHeader(token)}
	_, err = r.call(ctx, req, http.StatusNotFound, "NOT_FOUND")
	return err
}

func vchaFailoverNoToken(ctx context.Context, r *caseRun) error {
	return r.vchaRefusal(ctx, vchaFailover("", `{"planned": true}`, false), http.StatusUnauthorized, "UNAUTHENTICATED")
}

func vchaFailoverBadToken(ctx context.Context, r *caseRun) error {
	return r.vchaRefusal(ctx, vchaFailover(randomToken(), `{"planned": true}`, false), http.StatusUnauthorized, "UNAUTHENTICATED")
}

func vchaFailoverForbidden(ctx context.Context, r *caseRun) error {
	c := r.target.Credentials
	if c.VCHALowPrivUser == "" || c.VCHALowPrivPassword == "" {
		return skipf("no low-privilege vSphere credential: set %s and %s", EnvVCHALowPrivUser, EnvVCHALowPrivPassword)
	}
	token, err := r.vchaLogin(ctx, c.VCHALowPrivUser, c.VCHALowPrivPassword)
	if err != nil {
		return err
	}
	return r.vchaRefusal(ctx, vchaFailover(token, `{"planned": true}`, false), http.StatusForbidden, "UNAUTHORIZED")
}

func vchaFailoverNonTask(ctx context.Context, r *caseRun) error {
	token, err := r.vchaAdmin(ctx)
	if err != nil {
		return err
	}
	req := request{method: http.MethodPost, path: vchaNonTaskPath, header: vchaHeader(token), body: []byte(`{"planned": true}`)}
	return r.vchaRefusal(ctx, req, http.StatusBadRequest, "INVALID_REQUEST")
}

// vchaFailoverDisabled needs the cluster in DISABLED mode: on a mock it puts
// it there (and the next case's reset undoes it); on a real vCenter it runs
// only when the cluster already is DISABLED.
func vchaFailoverDisabled(ctx context.Context, r *caseRun) error {
	token, err := r.vchaAdmin(ctx)
	if err != nil {
		return err
	}
	if err := r.vchaEnsureDisabled(ctx, token); err != nil {
		return err
	}
	before, _, err := r.vchaRoles(ctx, token)
	if err != nil {
		return err
	}
	id, err := r.vchaStartFailover(ctx, token, `{"planned": true}`)
	if err != nil {
		return err
	}
	final, err := r.pollVCHATask(ctx, &token, id)
	if err != nil {
		return err
	}
	if err := r.expectString(final, "status", "FAILED"); err != nil {
		return err
	}
	if err := r.checkTaskInfo(final); err != nil {
		return err
	}
	if err := r.expectString(final, "error.error_type", "NOT_ALLOWED_IN_CURRENT_STATE"); err != nil {
		return err
	}
	return r.vchaExpectRoles(ctx, token, before, "a failover refused by the mode must not swap the roles")
}

// vchaEnsureDisabled finds or creates a cluster in DISABLED mode: on a
// mock, or on a real vCenter with --allow-mode-change (the mode is then put
// back when the case ends).
func (r *caseRun) vchaEnsureDisabled(ctx context.Context, token string) error {
	var mode string
	if r.target.Mock {
		m, err := r.vchaMockMode(ctx)
		if err != nil {
			return err
		}
		mode = m
	} else {
		ex, err := r.vchaCluster(ctx, token)
		if err != nil {
			return err
		}
		mode, _ = lookupString(ex.doc, "mode")
	}
	switch {
	case mode == "DISABLED":
		return nil
	case !r.target.Mock && !r.target.AllowModeChange:
		return skipf("the cluster mode is %s: this case needs it DISABLED; pass --allow-mode-change to let the suite set it and put it back", mode)
	}
	if err := r.vchaSetMode(ctx, token, "DISABLED"); err != nil {
		return err
	}
	if !r.target.Mock {
		r.deferCleanup(func(ctx context.Context) { _ = r.vchaSetMode(ctx, token, mode) })
	}
	return nil
}

// vchaFailoverPlanned is the happy path: 202 with a task id, the task polled
// to SUCCEEDED (union rules and failoverkit choices checked), and the roles
// of node1 and node2 swapped.
func vchaFailoverPlanned(ctx context.Context, r *caseRun) error {
	token, err := r.vchaAdmin(ctx)
	if err != nil {
		return err
	}
	before, ex, err := r.vchaRoles(ctx, token)
	if err != nil {
		return err
	}
	if allowed, _ := lookup(ex.doc, "manual_failover_allowed"); allowed == false {
		// The case runs only when destructive cases were asked for: a
		// server's own claim that blocks it is what the run must show.
		return r.finding(ex, InState, "manual_failover_allowed", "is false: the cluster refuses the manual failover the run asked for (check its health, mode and nodes)", nil)
	}
	id, err := r.vchaStartFailover(ctx, token, `{"planned": true}`)
	if err != nil {
		return err
	}
	old := token
	final, err := r.pollVCHATask(ctx, &token, id)
	switch {
	case errors.Is(err, errTaskLost):
		r.progressf("%s: the target forgot the task in the switch-over; checking the roles instead", r.c.Name)
	case err != nil:
		return err
	default:
		if err := r.expectString(final, "status", "SUCCEEDED"); err != nil {
			return err
		}
		if err := r.checkTaskInfo(final); err != nil {
			return err
		}
	}
	if token != old {
		// The switch-over ended the session (the poll logged in again): the
		// old token must stay refused, and the new session reads the roles.
		if err := r.vchaOldSessionRefused(ctx, old); err != nil {
			return err
		}
	}
	return r.vchaExpectRoles(ctx, token, roles{before.node2, before.node1}, "a successful failover swaps node1 and node2")
}
