package conformance

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// vcavBehaviourCases are the VCAV cases that hold answers to each other and
// to the requests: a token after logout, a wrong password, the vendor's
// Accept, the list options, a second failover while one runs.
func vcavBehaviourCases() []Case {
	return []Case{
		{Name: "vcav.session.logout-everywhere", Operation: "logout", Kind: KindAuth, run: vcavLogoutEverywhere,
			Summary: "after logout the token gets 401 NotAuthenticated on every operation, not only the session"},
		{Name: "vcav.session.wrong-password", Operation: "login", Kind: KindAuth, run: vcavWrongPassword,
			Summary: "login as the configured user with a wrong password answers 401 NotAuthenticated (opt-in against real appliances: lockout)"},
		{Name: "vcav.session.vendor-accept", Operation: "getSession", Kind: KindPositive, run: vcavVendorAccept,
			Summary: "requests with Accept application/vnd.vmware.h4-v4+json get valid answers in that type or application/json"},
		{Name: "vcav.replications.paging", Operation: "listVmReplications", Kind: KindPositive, run: vcavPaging,
			Summary: "offset and limit page the list: pages hold at most limit items, do not overlap, and add up to total"},
		{Name: "vcav.replications.filters", Operation: "listVmReplications", Kind: KindPositive, run: vcavFiltersCase,
			Summary: "every documented filter, set to a listed replication's value, finds that replication and only matching ones"},
		{Name: "vcav.replication.unknown-site", Operation: "getVmReplication", Kind: KindNegative, run: vcavGetUnknownSite,
			Summary: "reading a replication on a site that does not exist answers 404 SiteNotFound"},
	}
}

// vcavAccept is the vendor's versioned media type (vcav.md §2).
const vcavAccept = "application/vnd.vmware.h4-v4+json;charset=UTF-8"

// vcavLogoutEverywhere logs out, then tries the dead token on every
// operation the suite can call without changing anything.
func vcavLogoutEverywhere(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	if _, err := r.call(ctx, request{op: "logout", method: http.MethodDelete, path: "/sessions", header: vcavHeader(token)}, http.StatusNoContent, ""); err != nil {
		return err
	}
	id, existing, err := r.vcavAim(ctx)
	if err != nil {
		return err
	}
	for _, req := range []request{
		vcavGetSession(token, ""),
		vcavListReq(token, ""),
		vcavGetReplication(token, id),
		{op: "getTask", method: http.MethodGet, path: "/tasks/" + unknownID(), header: vcavHeader(token)},
		vcavFailover(token, id, "", vcavValidFailover, false),
		{op: "logout", method: http.MethodDelete, path: "/sessions", header: vcavHeader(token)},
	} {
		if _, err := r.call(ctx, req, http.StatusUnauthorized, "NotAuthenticated"); err != nil {
			return err
		}
	}
	if !existing {
		return nil
	}
	fresh, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	return r.vcavExpectState(ctx, fresh, id, stateNotStarted)
}

// vcavWrongPassword logs in as the configured user with a wrong password.
func vcavWrongPassword(ctx context.Context, r *caseRun) error {
	if err := r.wrongPasswordAllowed(); err != nil {
		return err
	}
	body := r.vcavLoginBody(r.target.Credentials.VCAVUser, "wrong-"+unknownID())
	ex, err := r.call(ctx, request{op: "login", method: http.MethodPost, path: "/sessions", body: body}, http.StatusUnauthorized, "NotAuthenticated")
	if ex != nil && ex.header.Get(vcavAuthHeader) != "" {
		r.red.add(ex.header.Get(vcavAuthHeader))
		return r.finding(ex, InHeader, vcavAuthHeader, "a refused login must not hand out a session token", nil)
	}
	return errors.Join(err, r.vcavLoginRefusalAsPowerCLIReadsIt(ex))
}

// wrongPasswordAllowed says whether a wrong password may be tried for the
// configured user: always on a mock, on request elsewhere.
func (r *caseRun) wrongPasswordAllowed() error {
	if r.target.Mock || r.target.TryWrongPassword {
		return nil
	}
	return skipf("a wrong password may count towards the account's lockout: pass --try-wrong-password to run it")
}

// vcavVendorAccept sends the vendor's versioned Accept on every read.
func vcavVendorAccept(ctx context.Context, r *caseRun) error {
	token, login, err := r.vcavLoginEx(ctx, vcavAccept)
	if err != nil {
		return err
	}
	exs := []*exchange{login}
	for _, req := range []request{vcavGetSession(token, vcavAccept), vcavGetSession("", vcavAccept)} {
		want := http.StatusOK
		if req.header.Get(vcavAuthHeader) == "" {
			want = http.StatusUnauthorized
		}
		ex, err := r.call(ctx, req, want, "")
		if err != nil {
			return err
		}
		exs = append(exs, ex)
	}
	list := vcavListReq(token, "limit=1")
	list.accept = vcavAccept
	ex, err := r.call(ctx, list, http.StatusOK, "")
	if err != nil {
		return err
	}
	for _, ex := range append(exs, ex) {
		mt, _, _ := mime.ParseMediaType(ex.header.Get("Content-Type"))
		switch {
		case mt == "application/json" || mt == "application/vnd.vmware.h4-v4+json":
		case vcavVendorType.MatchString(mt):
			// Appliances answer in their own generation's version (vcav.md
			// §2); answering in the requested one is a failoverkit choice.
			r.note(r.finding(ex, InHeader, "Content-Type", fmt.Sprintf("is %q: asked for %s (failoverkit choice: answer in the requested version)", mt, vcavAccept), nil))
		default:
			return r.finding(ex, InHeader, "Content-Type", fmt.Sprintf("is %q: asked for %s, want a VCDA JSON type", mt, vcavAccept), nil)
		}
	}
	return nil
}

// vcavVendorType matches the vendor's versioned JSON media types.
var vcavVendorType = regexp.MustCompile(`^application/vnd\.vmware\.h4-v[0-9.]+\+json$`)

// vcavPaging pages through the list one item at a time (up to 5 pages).
func vcavPaging(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	all, err := r.call(ctx, vcavListReq(token, "limit=100"), http.StatusOK, "")
	if err != nil {
		return err
	}
	total, _ := number(all.doc, "total")
	if total < 2 {
		return skipf("the target lists fewer than 2 VM replications: paging cannot be seen")
	}
	seen := map[string]int{}
	for off := 0; off < min(int(total), 5); off++ {
		page, err := r.call(ctx, vcavListReq(token, fmt.Sprintf("offset=%d&limit=1", off)), http.StatusOK, "")
		if err != nil {
			return err
		}
		items, _ := lookup(page.doc, "items")
		if list, _ := items.([]any); len(list) != 1 {
			return r.finding(page, InBody, "items", fmt.Sprintf("holds %d items at offset %d of %.0f with limit=1: a page holds min(limit, remaining) items (clients page by the item count)", len(list), off, total), nil)
		}
		id, _ := lookupString(page.doc, "items.0.id")
		if prev, dup := seen[id]; dup {
			return r.finding(page, InBody, "items.0.id", fmt.Sprintf("%s was already on the page at offset %d: pages overlap", id, prev), nil)
		}
		seen[id] = off
		if t, _ := number(page.doc, "total"); t != total {
			return r.finding(page, InBody, "total", fmt.Sprintf("is %.0f with limit=1, %.0f without: total counts every match", t, total), nil)
		}
	}
	return nil
}

// vcavFiltersCase sets each documented filter to the value of the first listed
// replication.
func vcavFiltersCase(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	first, err := r.call(ctx, vcavListReq(token, "limit=1"), http.StatusOK, "")
	if err != nil {
		return err
	}
	item, ok := lookup(first.doc, "items", "0")
	if !ok {
		return skipf("the target lists no VM replication to filter on")
	}
	id, _ := lookupString(item, "id")
	filters := append([]struct{ param, field string }{{"ids", "id"}, {"vmName", "vmName"}}, vcavFilters...)
	for _, f := range filters {
		v, ok := lookupString(item, f.field)
		if !ok || v == "" {
			continue
		}
		if f.param == "vmName" {
			v = strings.ToUpper(v[:len(v)/2+1]) // a substring, in another letter case
		}
		ex, err := r.call(ctx, vcavListReq(token, f.param+"="+url.QueryEscape(v)), http.StatusOK, "")
		if err != nil {
			return err
		}
		if !listHolds(ex.doc, id) {
			return r.finding(ex, InBody, "items", fmt.Sprintf("filtering on %s=%q leaves out %s, whose %s matches", f.param, v, id, f.field), nil)
		}
	}
	return nil
}

// listHolds reports whether a page lists the replication id.
func listHolds(doc any, id string) bool {
	items, _ := lookup(doc, "items")
	list, _ := items.([]any)
	for _, it := range list {
		if got, _ := lookupString(it, "id"); got == id {
			return true
		}
	}
	return false
}

func vcavGetUnknownSite(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	req := vcavGetReplication(token, missingReplication)
	req.path += "?site=" + url.QueryEscape(missingSite)
	_, err = r.call(ctx, req, http.StatusNotFound, "SiteNotFound")
	return err
}

// vcavFailoverWhileRunning starts a failover and, while its task runs,
// sends a second one: it must be refused (400; InvalidRecoveryState is a
// failoverkit choice) and start nothing. On a mock the first task is made
// to hang; on a real target the first failover must still run when the
// second is sent, and it is then polled to its end.
func vcavFailoverWhileRunning(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	id, err := r.vcavReplicationIn(ctx, token, stateNotStarted)
	if err != nil {
		return err
	}
	if r.target.Mock {
		if err := r.hangNextTask(ctx, "failoverVmReplication"); err != nil {
			return err
		}
	}
	first, err := r.call(ctx, vcavFailover(token, id, "", vcavValidFailover, false), http.StatusAccepted, "")
	if err != nil {
		return err
	}
	taskID, _ := lookupString(first.doc, "id")
	r.startedTask(taskID)
	if state, _ := lookupString(first.doc, "state"); !vcavPending(state) {
		return skipf("the first failover was %s at once: a second one cannot be sent while it runs", state)
	}
	if err := r.vcavStateRefusal(ctx, token, id); err != nil {
		return err
	}
	if r.target.Mock {
		return r.vcavExpectState(ctx, token, id, "IN_PROGRESS")
	}
	final, err := r.pollVCAVTask(ctx, token, taskID)
	if err != nil {
		return err
	}
	return r.vcavTaskSucceeded(final, id)
}
