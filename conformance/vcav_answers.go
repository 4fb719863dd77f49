package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	vcavgen "github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavFacts is what the suite knows of VCAV beyond its spec.
var vcavFacts apiFacts

func init() { // a function: the checks refer back to facts
	vcavFacts = apiFacts{
		envPrefix:   "FAILOVERKIT_VCAV",
		tokenHeader: vcavAuthHeader,
		decoders: map[string]func(*http.Response) error{
			"login":                              decodeWith(vcavgen.ParseLoginResponse),
			"getSession":                         decodeWith(vcavgen.ParseGetSessionResponse),
			"logout":                             decodeWith(vcavgen.ParseLogoutResponse),
			"getTask":                            decodeWith(vcavgen.ParseGetTaskResponse),
			"listVmReplications":                 decodeWith(vcavgen.ParseListVmReplicationsResponse),
			"getVmReplication":                   decodeWith(vcavgen.ParseGetVmReplicationResponse),
			"failoverVmReplication":              decodeWith(vcavgen.ParseFailoverVmReplicationResponse),
			"extendSession":                      decodeWith(vcavgen.ParseExtendSessionResponse),
			"getAbout":                           decodeWith(vcavgen.ParseGetAboutResponse),
			"getHealth":                          decodeWith(vcavgen.ParseGetHealthResponse),
			"checkHealth":                        decodeWith(vcavgen.ParseCheckHealthResponse),
			"listSites":                          decodeWith(vcavgen.ParseListSitesResponse),
			"listVcSites":                        decodeWith(vcavgen.ParseListVcSitesResponse),
			"listTasks":                          decodeWith(vcavgen.ParseListTasksResponse),
			"listVmReplicationInstances":         decodeWith(vcavgen.ParseListVmReplicationInstancesResponse),
			"getVmReplicationNetworkSettings":    decodeWith(vcavgen.ParseGetVmReplicationNetworkSettingsResponse),
			"testFailoverVmReplication":          decodeWith(vcavgen.ParseTestFailoverVmReplicationResponse),
			"cleanupTestFailoverVmReplication":   decodeWith(vcavgen.ParseCleanupTestFailoverVmReplicationResponse),
			"migrateVmReplication":               decodeWith(vcavgen.ParseMigrateVmReplicationResponse),
			"reverseVmReplication":               decodeWith(vcavgen.ParseReverseVmReplicationResponse),
			"syncVmReplication":                  decodeWith(vcavgen.ParseSyncVmReplicationResponse),
			"pauseVmReplication":                 decodeWith(vcavgen.ParsePauseVmReplicationResponse),
			"resumeVmReplication":                decodeWith(vcavgen.ParseResumeVmReplicationResponse),
			"deleteVmReplication":                decodeWith(vcavgen.ParseDeleteVmReplicationResponse),
			"listVappReplications":               decodeWith(vcavgen.ParseListVappReplicationsResponse),
			"getVappReplication":                 decodeWith(vcavgen.ParseGetVappReplicationResponse),
			"getVappReplicationNetworkSettings":  decodeWith(vcavgen.ParseGetVappReplicationNetworkSettingsResponse),
			"deleteVappReplication":              decodeWith(vcavgen.ParseDeleteVappReplicationResponse),
			"failoverVappReplication":            decodeWith(vcavgen.ParseFailoverVappReplicationResponse),
			"testFailoverVappReplication":        decodeWith(vcavgen.ParseTestFailoverVappReplicationResponse),
			"cleanupTestFailoverVappReplication": decodeWith(vcavgen.ParseCleanupTestFailoverVappReplicationResponse),
			"reverseVappReplication":             decodeWith(vcavgen.ParseReverseVappReplicationResponse),
			"migrateVappReplication":             decodeWith(vcavgen.ParseMigrateVappReplicationResponse),
			"syncVappReplication":                decodeWith(vcavgen.ParseSyncVappReplicationResponse),
			"pauseVappReplication":               decodeWith(vcavgen.ParsePauseVappReplicationResponse),
			"resumeVappReplication":              decodeWith(vcavgen.ParseResumeVappReplicationResponse),
			"getVappReplicationsSummary":         decodeWith(vcavgen.ParseGetVappReplicationsSummaryResponse),
			"listInventoryOrgs":                  decodeWith(vcavgen.ParseListInventoryOrgsResponse),
		},
		check:   vcavCheckAnswer,
		probe:   vcavProbe,
		login:   vcavPreflightLogin,
		objects: vcavPreflightReplications,
		credentialsMissing: func(c Credentials) string {
			return missingPair(c.VCAVUser, c.VCAVPassword, EnvVCAVUser, EnvVCAVPassword)
		},
	}
}

// missingPair says which credential variables are unset, or "".
func missingPair(user, password, userVar, passwordVar string) string {
	if user != "" && password != "" {
		return ""
	}
	return fmt.Sprintf("set %s and %s (or --credentials FILE)", userVar, passwordVar)
}

// vcavCheckAnswer holds a 2xx VCAV answer to the spec's promises beyond its
// schema.
func vcavCheckAnswer(r *caseRun, ex *exchange) error {
	if ex.status >= 300 {
		return nil
	}
	switch ex.req.op {
	case "getTask":
		if got, _ := lookupString(ex.doc, "id"); got != ex.params["taskId"] {
			return r.finding(ex, InBody, "id", fmt.Sprintf("task %q read back as %s: the id must be the one asked for", ex.params["taskId"], describeValue(ex.doc, "id")), nil)
		}
		return r.vcavTaskTimes(ex)
	case "failoverVmReplication":
		return r.vcavTaskTimes(ex)
	case "listTasks":
		items, _ := lookup(ex.doc, "items")
		list, _ := items.([]any)
		for i, it := range list {
			if err := r.vcavTaskTimesOf(ex, it, fmt.Sprintf("items.%d.", i)); err != nil {
				return err
			}
		}
	case "getVmReplication":
		if got, _ := lookupString(ex.doc, "id"); got != ex.params["replicationId"] {
			return r.finding(ex, InBody, "id", fmt.Sprintf("replication %q read back as %s", ex.params["replicationId"], describeValue(ex.doc, "id")), nil)
		}
		return r.vcavReplicationTimes(ex, ex.doc, "")
	case "listVmReplications":
		return r.vcavCheckPage(ex)
	}
	return nil
}

// vcavTaskTimes checks a task's time fields (plausible epoch milliseconds,
// -1 where documented, ordered) and the result/error promises of its state.
func (r *caseRun) vcavTaskTimes(ex *exchange) error { return r.vcavTaskTimesOf(ex, ex.doc, "") }

// vcavTaskTimesOf is vcavTaskTimes for the task task found at the path
// prefix at ("" or "items.3.") of ex's body.
func (r *caseRun) vcavTaskTimesOf(ex *exchange, task any, at string) error {
	start, _ := number(task, "startTime")
	if why := plausibleMillis(start); why != "" {
		return r.finding(ex, InBody, at+"startTime", why, nil)
	}
	for _, f := range []string{"endTime", "lastUpdated"} {
		v, ok := number(task, f)
		if !ok || v <= 0 { // -1 is documented as "not yet"; 0 read as unset
			continue
		}
		if why := plausibleMillis(v); why != "" {
			return r.finding(ex, InBody, at+f, why, nil)
		}
		if v < start {
			return r.finding(ex, InBody, at+f, fmt.Sprintf("%.0f is before startTime %.0f", v, start), nil)
		}
	}
	state, _ := lookupString(task, "state")
	res, _ := lookup(task, "result")
	taskErr, _ := lookup(task, "error")
	switch {
	case state != "SUCCEEDED" && res != nil:
		return r.finding(ex, InBody, at+"result", "is set in a "+state+" task: the result is populated only if the execution was successful", nil)
	case state == "FAILED" && taskErr == nil:
		return r.finding(ex, InBody, at+"error", "is missing in a FAILED task: the failure reason must be in error", nil)
	case state == "SUCCEEDED" && res == nil && !vcavVoidTask(task):
		return r.choice(r.finding(ex, InBody, at+"result", "is null in a SUCCEEDED task (the spec promises the result is filled in)", nil))
	}
	return nil
}

// vcavReplicationTimes checks a replication's timestamps; at is the path
// prefix of the replication in ex's body ("" for the whole body).
func (r *caseRun) vcavReplicationTimes(ex *exchange, rep any, at string) error {
	for _, f := range []string{"lastUpdated", "destinationState.latestInstance.timestamp"} {
		if v, ok := number(rep, f); ok && v > 0 { // 0 and -1 read as unset
			if why := plausibleMillis(v); why != "" {
				return r.finding(ex, InBody, joinPath(at, f), why, nil)
			}
		}
	}
	return nil
}

// vcavCheckPage checks a page of replications against the query that asked
// for it: no more items than the limit, unique ids, a total that counts
// them, and every documented filter honoured.
func (r *caseRun) vcavCheckPage(ex *exchange) error {
	q := queryOf(ex.req.path)
	items, _ := lookup(ex.doc, "items")
	list, _ := items.([]any)
	limit, _ := number(ex.doc, "limit")
	total, _ := number(ex.doc, "total")
	offset, _ := number(ex.doc, "offset")
	if want, err := strconv.Atoi(q.Get("limit")); err == nil && len(list) > want {
		return r.finding(ex, InBody, "items", fmt.Sprintf("holds %d items, more than the limit %d asked for", len(list), want), nil)
	}
	if float64(len(list)) > limit || len(list) > 100 {
		return r.finding(ex, InBody, "items", fmt.Sprintf("holds %d items, more than the page's limit %.0f (at most 100)", len(list), limit), nil)
	}
	if want, err := strconv.Atoi(q.Get("offset")); err == nil && float64(want) != offset {
		return r.choice(r.finding(ex, InBody, "offset", fmt.Sprintf("is %.0f, the request asked for offset %d", offset, want), nil))
	}
	if len(list) > 0 && total < offset+float64(len(list)) {
		return r.finding(ex, InBody, "total", fmt.Sprintf("is %.0f, fewer than the offset %.0f plus the %d items on this page", total, offset, len(list)), nil)
	}
	seen := map[string]bool{}
	for i, it := range list {
		id, _ := lookupString(it, "id")
		if seen[id] {
			return r.finding(ex, InBody, fmt.Sprintf("items.%d.id", i), fmt.Sprintf("%s appears twice on one page", id), nil)
		}
		seen[id] = true
		if err := r.vcavFilterHonoured(ex, q, it, i); err != nil {
			return err
		}
		if err := r.vcavReplicationTimes(ex, it, fmt.Sprintf("items.%d", i)); err != nil {
			return err
		}
	}
	return nil
}

// vcavFilters maps each documented string filter of listVmReplications to
// the item field it filters on.
var vcavFilters = []struct{ param, field string }{
	{"vmId", "vmId"}, {"sourceOrg", "source.org"}, {"sourceVdcId", "source.vdcId"}, {"sourceVdcName", "source.vdcName"},
	{"destinationOrg", "destination.org"}, {"destinationVdcId", "destination.vdcId"}, {"destinationVdcName", "destination.vdcName"},
}

// vcavFilterHonoured checks item i of a page against the request's filters:
// ids and vmName (a substring, documented) strictly, exact matches of the
// other filters as the failoverkit choice they are.
func (r *caseRun) vcavFilterHonoured(ex *exchange, q url.Values, it any, i int) error {
	at := func(f string) string { return fmt.Sprintf("items.%d.%s", i, f) }
	if ids := q.Get("ids"); ids != "" {
		if id, _ := lookupString(it, "id"); !contains(strings.Split(ids, ","), id) {
			return r.finding(ex, InBody, at("id"), fmt.Sprintf("%s is not among the ids asked for", id), nil)
		}
	}
	if name := q.Get("vmName"); name != "" {
		if got, _ := lookupString(it, "vmName"); !strings.Contains(strings.ToLower(got), strings.ToLower(name)) {
			return r.finding(ex, InBody, at("vmName"), fmt.Sprintf("%q does not contain the vmName filter %q", got, name), nil)
		}
	}
	for _, f := range vcavFilters {
		if want := q.Get(f.param); want != "" {
			if got, _ := lookupString(it, f.field); got != want {
				return r.choice(r.finding(ex, InBody, at(f.field), fmt.Sprintf("%q does not match the %s filter %q", got, f.param, want), nil))
			}
		}
	}
	return nil
}

// queryOf parses the query of a request path.
func queryOf(path string) url.Values {
	_, raw, _ := strings.Cut(path, "?")
	q, _ := url.ParseQuery(raw)
	return q
}

// vcavProbe checks that a URL answers as a VCDA API: reading the session
// without a token answers 401 (the body's shape is the cases' business).
func vcavProbe(ctx context.Context, c *apiClient) error {
	ex, err := c.send(ctx, request{op: "getSession", method: http.MethodGet, path: "/sessions"})
	if err != nil {
		return err
	}
	if _, hasCode := lookup(ex.doc, "code"); ex.status == http.StatusUnauthorized || (hasCode && ex.status >= 400) {
		return nil // VCDA, if perhaps a broken one
	}
	if _, ok := lookupString(ex.doc, "error_type"); ok {
		return errors.New("it answers like a vCenter (a vSphere error), not VCDA: are the VCAV and VCHA URLs swapped?")
	}
	return fmt.Errorf("it does not answer as a VCDA API: GET /sessions without a token answered %d %s, want 401 (is it the VCDA endpoint?)",
		ex.status, contentKind(ex))
}

// contentKind describes a response body for a preflight message.
func contentKind(ex *exchange) string {
	ct := ex.header.Get("Content-Type")
	if ct == "" {
		return "without a content type"
	}
	return "with " + strings.SplitN(ct, ";", 2)[0]
}

// vcavPreflightLogin logs in with the target's credentials.
func vcavPreflightLogin(ctx context.Context, c *apiClient, t Target, red *redactor) (string, func(), error) {
	body := vcavLoginBodyOf(t.VCAVLoginType, t.Credentials.VCAVUser, t.Credentials.VCAVPassword)
	ex, err := c.send(ctx, request{op: "login", method: http.MethodPost, path: "/sessions", body: body})
	if err != nil {
		return "", nil, err
	}
	token := ex.header.Get(vcavAuthHeader)
	if refused(ex.status) {
		code, _ := lookupString(ex.doc, "code")
		return "", nil, fmt.Errorf("the VCAV credentials were refused (login type %s answered %d %s): check %s, %s and --vcav-login-type",
			orDefault(t.VCAVLoginType, LoginLocalUser), ex.status, code, EnvVCAVUser, EnvVCAVPassword)
	}
	return token, func() {
		_, _ = c.send(context.WithoutCancel(ctx), request{op: "logout", method: http.MethodDelete, path: "/sessions", header: vcavHeader(token)})
	}, nil
}

// vcavPreflightReplications checks that every named replication (VM and
// vApp) exists.
func vcavPreflightReplications(ctx context.Context, c *apiClient, t Target, token string) error {
	if token == "" {
		return nil // login answered without a token: the cases report it
	}
	for _, id := range t.VCAVReplications {
		ex, err := c.send(ctx, vcavGetReplication(token, id))
		if err != nil {
			return err
		}
		if ex.status != http.StatusOK {
			return fmt.Errorf("the VCAV replication %s named with --vcav-replication cannot be read (%d %s): is the id mistyped?", id, ex.status, contentKind(ex))
		}
	}
	for _, id := range t.VCAVVappReplications {
		ex, err := c.send(ctx, vappOpGet.request(token, id))
		if err != nil {
			return err
		}
		if ex.status != http.StatusOK {
			return fmt.Errorf("the VCAV vApp replication %s named with --vcav-vapp-replication cannot be read (%d %s): is the id mistyped?", id, ex.status, contentKind(ex))
		}
	}
	return nil
}

// refused reports a login status that means the credentials (or the
// login type) were not accepted: what follows is the user's to fix.
func refused(status int) bool {
	return status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusBadRequest
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// vcavVoidTask reports a task without result: a stop (delete) of a
// replication answers C4ApiTaskOfVoid / C4ApiTask_of_object (vcav.md §9).
func vcavVoidTask(task any) bool {
	kind, _ := lookupString(task, "workflowInfo.type")
	return kind == "delete"
}
