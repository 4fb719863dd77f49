package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	vchagen "github.com/failoverkit/failoverkit/gen/vcha"
)

// vchaFacts is what the suite knows of the vSphere API beyond its spec.
var vchaFacts apiFacts

func init() { // a function: the checks refer back to facts
	vchaFacts = apiFacts{
		envPrefix:   "FAILOVERKIT_VCHA",
		tokenHeader: vchaAuthHeader,
		decoders: map[string]func(*http.Response) error{
			"createSession":                  decodeWith(vchagen.ParseCreateSessionResponse),
			"getSession":                     decodeWith(vchagen.ParseGetSessionResponse),
			"deleteSession":                  decodeWith(vchagen.ParseDeleteSessionResponse),
			"getTask":                        decodeWith(vchagen.ParseGetTaskResponse),
			"failoverVchaClusterAsync":       decodeWith(vchagen.ParseFailoverVchaClusterAsyncResponse),
			"getVchaCluster":                 decodeWith(vchagen.ParseGetVchaClusterResponse),
			"getVchaClusterMode":             decodeWith(vchagen.ParseGetVchaClusterModeResponse),
			"setVchaClusterModeAsync":        decodeWith(vchagen.ParseSetVchaClusterModeAsyncResponse),
			"listTasks":                      decodeWith(vchagen.ParseListTasksResponse),
			"getVchaOperations":              decodeWith(vchagen.ParseGetVchaOperationsResponse),
			"getVchaClusterActive":           decodeWith(vchagen.ParseGetVchaClusterActiveResponse),
			"getVchaClusterDeploymentType":   decodeWith(vchagen.ParseGetVchaClusterDeploymentTypeResponse),
			"createSessionLegacy":            decodeWith(vchagen.ParseCreateSessionLegacyResponse),
			"deleteSessionLegacy":            decodeWith(vchagen.ParseDeleteSessionLegacyResponse),
			"getSessionLegacy":               decodeWith(vchagen.ParseGetSessionLegacyResponse),
			"getTaskLegacy":                  decodeWith(vchagen.ParseGetTaskLegacyResponse),
			"getVchaClusterLegacy":           decodeWith(vchagen.ParseGetVchaClusterLegacyResponse),
			"failoverVchaClusterAsyncLegacy": decodeWith(vchagen.ParseFailoverVchaClusterAsyncLegacyResponse),
			"getVchaClusterModeLegacy":       decodeWith(vchagen.ParseGetVchaClusterModeLegacyResponse),
			"setVchaClusterModeAsyncLegacy":  decodeWith(vchagen.ParseSetVchaClusterModeAsyncLegacyResponse),
			"invokeJsonRpc":                  decodeWith(vchagen.ParseInvokeJsonRpcResponse),
		},
		check: vchaCheckAnswer,
		probe: vchaProbe,
		login: vchaPreflightLogin,
		credentialsMissing: func(c Credentials) string {
			return missingPair(c.VCHAUser, c.VCHAPassword, EnvVCHAUser, EnvVCHAPassword)
		},
	}
}

// vapiTimeLayout is the vAPI date-time layout (Vapi_DateTime).
const vapiTimeLayout = "2006-01-02T15:04:05.000Z"

// vchaCheckAnswer holds a 2xx vSphere answer to the spec's promises beyond
// its schema.
func vchaCheckAnswer(r *caseRun, ex *exchange) error {
	if ex.status >= 300 {
		return nil
	}
	switch ex.req.op {
	case "getTask":
		if err := r.vchaTaskUnion(ex); err != nil {
			return err
		}
		if err := r.vchaTimesOrdered(ex, "start_time", "end_time"); err != nil {
			return err
		}
		total, _ := number(ex.doc, "progress.total")
		if done, ok := number(ex.doc, "progress.completed"); ok && (done > total || done < 0) {
			return r.finding(ex, InBody, "progress.completed", fmt.Sprintf("is %.0f of a total of %.0f", done, total), nil)
		}
	case "getSession":
		return r.vchaTimesOrdered(ex, "created_time", "last_accessed_time")
	}
	return nil
}

// vchaTime parses the vAPI date-time at field: ok false when absent, a
// finding when it is no real time or not a plausible one.
func (r *caseRun) vchaTime(ex *exchange, field string) (time.Time, bool, error) {
	s, ok := lookupString(ex.doc, field)
	if !ok {
		return time.Time{}, false, nil
	}
	t, err := time.Parse(vapiTimeLayout, s)
	if err != nil {
		return t, false, r.finding(ex, InBody, field, "is not a vAPI date-time (YYYY-MM-DDTHH:MM:SS.sssZ)", nil)
	}
	if why := plausibleMillis(float64(t.UnixMilli())); why != "" {
		return t, false, r.finding(ex, InBody, field, fmt.Sprintf("%s is not a plausible time (year %d)", s, t.Year()), nil)
	}
	return t, true, nil
}

// vchaTimesOrdered checks two date-times parse and the first is not after
// the second.
func (r *caseRun) vchaTimesOrdered(ex *exchange, first, second string) error {
	a, okA, err := r.vchaTime(ex, first)
	if err != nil {
		return err
	}
	b, okB, err := r.vchaTime(ex, second)
	if err != nil {
		return err
	}
	if okA && okB && b.Before(a) {
		return r.finding(ex, InBody, second, fmt.Sprintf("is before %s", first), nil)
	}
	return nil
}

// taskUnion says, per task status, which of the status-dependent Task_Info
// fields must be present and which may be (the vAPI union rules the spec
// states in Task_Info's description).
var taskUnion = map[string]struct{ must, may []string }{
	"PENDING":   {},
	"RUNNING":   {must: []string{"start_time", "progress"}, may: []string{"result"}},
	"BLOCKED":   {must: []string{"start_time", "progress"}, may: []string{"result"}},
	"SUCCEEDED": {must: []string{"start_time", "end_time", "progress"}, may: []string{"result"}},
	"FAILED":    {must: []string{"start_time", "end_time", "progress"}, may: []string{"result", "error"}},
}

// vchaTaskUnion checks the vAPI union rules of a task.
func (r *caseRun) vchaTaskUnion(ex *exchange) error {
	status, _ := lookupString(ex.doc, "status")
	rule := taskUnion[status]
	for _, f := range []string{"start_time", "end_time", "progress", "result", "error"} {
		_, present := lookup(ex.doc, f)
		must, may := contains(rule.must, f), contains(rule.may, f)
		switch {
		case must && !present:
			return r.finding(ex, InBody, f, fmt.Sprintf("is missing in a %s task (vAPI union rules)", status), nil)
		case present && !must && !may:
			return r.finding(ex, InBody, f, fmt.Sprintf("must not be present in a %s task (vAPI union rules)", status), nil)
		}
	}
	return nil
}

// vchaProbe checks that a URL answers as a vSphere API: reading the session
// without a token answers 401 (the body's shape is the cases' business).
func vchaProbe(ctx context.Context, c *apiClient) error {
	ex, err := c.send(ctx, request{op: "getSession", method: http.MethodGet, path: "/api/session"})
	if err != nil {
		return err
	}
	if _, hasType := lookup(ex.doc, "error_type"); ex.status == http.StatusUnauthorized || (hasType && ex.status >= 400) {
		return nil // vSphere, if perhaps a broken one
	}
	if _, ok := lookupString(ex.doc, "code"); ok {
		return errors.New("it answers like VCDA (an ApiError), not a vCenter: are the VCAV and VCHA URLs swapped?")
	}
	return fmt.Errorf("it does not answer as a vCenter: GET /api/session without a session answered %d %s, want 401 (is it the vCenter endpoint?)",
		ex.status, contentKind(ex))
}

// vchaPreflightLogin creates a session with the target's credentials.
func vchaPreflightLogin(ctx context.Context, c *apiClient, t Target, red *redactor) (string, func(), error) {
	h := http.Header{}
	h.Set("Authorization", basicAuth(t.Credentials.VCHAUser, t.Credentials.VCHAPassword))
	ex, err := c.send(ctx, request{op: "createSession", method: http.MethodPost, path: "/api/session", header: h})
	if err != nil {
		return "", nil, err
	}
	token, _ := ex.doc.(string)
	learnSecretFields(red, ex.doc) // a broken server may wrap the token
	if refused(ex.status) {
		et, _ := lookupString(ex.doc, "error_type")
		return "", nil, fmt.Errorf("the VCHA credentials were refused (%d %s): check %s and %s", ex.status, et, EnvVCHAUser, EnvVCHAPassword)
	}
	return token, func() {
		_, _ = c.send(context.WithoutCancel(ctx), request{op: "deleteSession", method: http.MethodDelete, path: "/api/session", header: vchaHeader(token)})
	}, nil
}
