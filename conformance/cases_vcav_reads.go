package conformance

import (
	"context"
	"fmt"
	"net/http"
	"slices"
)

// vcavReadCases are the reads real clients make right after login and
// around a failover (vcav.md §10), and the 4.x health check: none changes
// state, so all are safe against a real appliance.
func vcavReadCases() []Case {
	return []Case{
		{Name: "vcav.diagnostics.about", Operation: "getAbout", Kind: KindPositive, run: vcavAbout,
			Summary: "reading the product information answers 200 with an AboutInfo"},
		{Name: "vcav.sites.list", Operation: "listSites", Kind: KindPositive, run: vcavSites,
			Summary: "listing the sites answers 200 with an array holding exactly one local site"},
		{Name: "vcav.tasks.list", Operation: "listTasks", Kind: KindPositive, run: vcavTasks,
			Summary: "listing tasks answers 200 with a valid page, limit above 100 served as 100"},
		{Name: "vcav.orgs.list", Operation: "listInventoryOrgs", Kind: KindPositive, run: vcavOrgs,
			Summary: "listing the organisations answers 200 with a valid page of named items, limit above 100 served as 100"},
		{Name: "vcav.health.check", Operation: "checkHealth", Kind: KindPositive, run: vcavHealthCheck,
			Summary: "a health check answers 202 with a task that ends SUCCEEDED with a CloudHealthInfo result"},
	}
}

func vcavAbout(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	_, err = r.call(ctx, request{op: "getAbout", method: http.MethodGet, path: "/diagnostics/about", header: vcavHeader(token)}, http.StatusOK, "")
	return err
}

func vcavSites(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	ex, err := r.call(ctx, request{op: "listSites", method: http.MethodGet, path: "/sites", header: vcavHeader(token)}, http.StatusOK, "")
	if err != nil {
		return err
	}
	sites, _ := ex.doc.([]any)
	local := 0
	for _, s := range sites {
		if m, ok := s.(map[string]any); ok && m["isLocal"] == true {
			local++
		}
	}
	if local != 1 {
		return r.finding(ex, InBody, "isLocal", fmt.Sprintf("%d sites are local: clients find the local site by isLocal, exactly one must be", local), nil)
	}
	return nil
}

// vcavOrgs reads the first page of organisations as PowerVCAV's
// summary-report.ps1 does, but with a limit above the maximum: the page
// must fit the spec (every item named) with limit 100 (the vendor's paging
// rule) and a total no smaller than the page. A page shorter than both its
// limit and what total leaves, and items out of name order, depart from
// failoverkit choices: notes against an appliance.
func vcavOrgs(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	ex, err := r.call(ctx, request{op: "listInventoryOrgs", method: http.MethodGet, path: "/inventory/orgs?offset=0&limit=500", header: vcavHeader(token)}, http.StatusOK, "")
	if err != nil {
		return err
	}
	if limit, _ := lookup(ex.doc, "limit"); limit != float64(100) {
		return r.finding(ex, InBody, "limit", fmt.Sprintf("is %v: a limit above the maximum is served as 100 (vendor paging rule)", limit), nil)
	}
	items, _ := lookup(ex.doc, "items")
	list, _ := items.([]any)
	total, _ := number(ex.doc, "total")
	if int(total) < len(list) {
		return r.finding(ex, InBody, "total", fmt.Sprintf("is %v, below the %d items of the page: total counts every item", total, len(list)), nil)
	}
	if len(list) < 100 && len(list) < int(total) {
		if err := r.choice(r.finding(ex, InBody, "items", fmt.Sprintf("holds %d of %v organisations with limit 100: clients page by item count (a failoverkit choice: min(limit, total-offset) items)", len(list), total), nil)); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(list))
	for _, it := range list {
		name, _ := lookupString(it, "name")
		names = append(names, name)
	}
	if !slices.IsSorted(names) {
		return r.choice(r.finding(ex, InBody, "items", "are not ordered by name (a failoverkit choice)", nil))
	}
	return nil
}

// vcavTasks runs a health check (a task that changes nothing), then lists
// the tasks: the list holds it, as the task read says it is.
func vcavTasks(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	task, err := r.vcavHealthTask(ctx, token)
	if err != nil {
		return err
	}
	ex, err := r.call(ctx, request{op: "listTasks", method: http.MethodGet, path: "/tasks?offset=0&limit=500", header: vcavHeader(token)}, http.StatusOK, "")
	if err != nil {
		return err
	}
	if limit, _ := lookup(ex.doc, "limit"); limit != float64(100) {
		return r.finding(ex, InBody, "limit", fmt.Sprintf("is %v: a limit above the maximum is served as 100 (vendor paging rule)", limit), nil)
	}
	id, _ := lookupString(task.doc, "id")
	items, _ := lookup(ex.doc, "items")
	list, _ := items.([]any)
	for _, it := range list {
		if got, _ := lookupString(it, "id"); got == id {
			return r.agree(ex, it, task.doc, "GET /tasks/"+id, "id", "state", "progress", "startTime", "endTime", "workflowInfo.type")
		}
	}
	if total, _ := number(ex.doc, "total"); int(total) <= len(list) {
		return r.finding(ex, InBody, "items", fmt.Sprintf("the whole list (%d tasks) lacks task %s, which reads back", len(list), id), nil)
	}
	return nil // the task may be on another page
}

// vcavHealthTask starts a health check and polls it to its end.
func (r *caseRun) vcavHealthTask(ctx context.Context, token string) (*exchange, error) {
	ex, err := r.call(ctx, request{op: "checkHealth", method: http.MethodPost, path: "/diagnostics/health", header: vcavHeader(token)}, http.StatusAccepted, "")
	if err != nil {
		return nil, err
	}
	id, ok := lookupString(ex.doc, "id")
	if !ok {
		return nil, r.finding(ex, InBody, "id", "is missing: the answer must be the task", nil)
	}
	r.startedTask(id)
	return r.pollVCAVTask(ctx, token, id)
}

func vcavHealthCheck(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	ex, err := r.call(ctx, request{op: "checkHealth", method: http.MethodPost, path: "/diagnostics/health", header: vcavHeader(token)}, http.StatusAccepted, "")
	if err != nil {
		return err
	}
	id, ok := lookupString(ex.doc, "id")
	if !ok {
		return r.finding(ex, InBody, "id", "is missing: the answer must be the task", nil)
	}
	done, err := r.pollVCAVTask(ctx, token, id)
	if err != nil {
		return err
	}
	if err := r.expectString(done, "state", "SUCCEEDED"); err != nil {
		return err
	}
	if _, ok := lookup(done.doc, "result"); !ok {
		return r.finding(done, InBody, "result", "is missing from a succeeded health task", nil)
	}
	return nil
}
