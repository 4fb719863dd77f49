package conformance_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/failoverkit/failoverkit/spec"
)

// behaviourVariants are servers whose every answer fits its schema but whose
// behaviour is wrong: each breaks one behavioural check of the suite.
func behaviourVariants() []variant {
	return append(vcavBehaviourVariants(), vchaBehaviourVariants()...)
}

func vcavBehaviourVariants() []variant {
	return []variant{
		{"task-id-of-another-task", "the polled VCAV task carries another task's id",
			onResponses(spec.VCAV, isVCAVTask, okJSON(setField("id", "3f1d7a52-8c1e-4b6a-9d2f-000000000001"))), "vcav.failover.succeeds"},
		{"task-progress-backwards", "VCAV task progress runs backwards (60 when accepted, 30 when read)",
			onResponses(spec.VCAV, func(r *http.Request) bool { return isFailover(r) || isVCAVTask(r) }, func(r *http.Request, c *capture) {
				if isFailover(r) {
					okJSON(setField("progress", 60))(r, c)
				} else {
					okJSON(setField("progress", 30))(r, c)
				}
			}), "vcav.failover.succeeds"},
		{"task-times-in-seconds", "VCAV task times are epoch seconds, not milliseconds (dates in 1970)",
			onResponses(spec.VCAV, func(r *http.Request) bool { return isFailover(r) || isVCAVTask(r) }, okJSON(scaleTimes(0.001, "startTime", "endTime", "lastUpdated"))), "vcav.failover.succeeds"},
		{"task-ends-before-start", "VCAV tasks end an hour before they start",
			onResponses(spec.VCAV, isVCAVTask, okJSON(func(doc any) any {
				m := doc.(map[string]any)
				if s, ok := m["startTime"].(float64); ok {
					m["endTime"], m["lastUpdated"] = s-3.6e6, s-3.6e6
				}
				return m
			})), "vcav.failover.succeeds"},
		{"task-integer-as-float", "VCAV task progress is written 100.0: kin-openapi accepts it, typed clients do not",
			onResponses(spec.VCAV, isVCAVTask, func(_ *http.Request, c *capture) {
				c.body = regexp.MustCompile(`"progress":(\d+)`).ReplaceAll(c.body, []byte(`"progress":$1.0`))
			}), "vcav.failover.succeeds"},
		{"tasks-list-times-in-seconds", "the task list gives times in epoch seconds",
			onResponses(spec.VCAV, func(r *http.Request) bool { return r.Method == http.MethodGet && r.URL.Path == "/tasks" }, okJSON(func(doc any) any {
				items, _ := doc.(map[string]any)["items"].([]any)
				for _, it := range items {
					scaleTimes(0.001, "startTime", "endTime", "lastUpdated")(it)
				}
				return doc
			})), "vcav.tasks.list"},
		{"tasks-list-disagrees", "the task list shows a finished task still RUNNING",
			onResponses(spec.VCAV, func(r *http.Request) bool { return r.Method == http.MethodGet && r.URL.Path == "/tasks" }, okJSON(func(doc any) any {
				items, _ := doc.(map[string]any)["items"].([]any)
				for _, it := range items {
					m := it.(map[string]any)
					m["state"], m["endTime"] = "RUNNING", -1
					delete(m, "result")
					delete(m, "resultType")
				}
				return doc
			})), "vcav.tasks.list"},
		{"task-start-time-moves", "a VCAV task's startTime changes between the 202 and the poll",
			onResponses(spec.VCAV, isVCAVTask, okJSON(scaleTimes(1, "startTime"), addTime(1000, "startTime"))), "vcav.failover.succeeds"},
		{"task-succeeded-without-result", "a SUCCEEDED VCAV task has a null result",
			onResponses(spec.VCAV, isVCAVTask, okJSON(func(doc any) any {
				m := doc.(map[string]any)
				m["result"], m["resultType"] = nil, nil
				return m
			})), "vcav.failover.succeeds"},
		{"task-result-disagrees", "the failover task's result names another VM than the replication read back",
			onResponses(spec.VCAV, isVCAVTask, okJSON(func(doc any) any {
				if res, ok := doc.(map[string]any)["result"].(map[string]any); ok {
					res["vmName"] = "some-other-vm"
				}
				return doc
			})), "vcav.failover.succeeds"},
		{"second-failover-accepted", "a second VCAV failover while the first runs is accepted", vcavSecondFailoverAccepted, "vcav.failover.while-running"},
		{"get-returns-other-replication", "GET /vm-replications/{id} answers another replication",
			onResponses(spec.VCAV, isGetReplication, okJSON(setField("id", "C4-3f6c1a2e-7d4b-4c9a-9e1f-2a3b4c5d6e7f"))), "vcav.replication.get"},
		{"get-disagrees-with-list", "a replication read alone has another owner than in the list",
			onResponses(spec.VCAV, isGetReplication, okJSON(setField("owner", "org9@site9"))), "vcav.replication.get"},
		{"replication-time-in-seconds", "replications' lastUpdated is in epoch seconds",
			onResponses(spec.VCAV, isGetReplication, okJSON(scaleTimes(0.001, "lastUpdated"))), "vcav.replication.get"},
		{"list-ignores-limit", "the list ignores limit and answers every replication",
			vcavDropQuery("limit", "offset"), "vcav.replications.paging"},
		{"list-total-counts-page", "the list's total counts the page, not the matches",
			onResponses(spec.VCAV, isList, okJSON(func(doc any) any {
				m := doc.(map[string]any)
				items, _ := m["items"].([]any)
				m["total"] = len(items)
				return m
			})), "vcav.replications.paging"},
		{"list-ignores-offset", "the list ignores offset: every page is the first", vcavDropQuery("offset"), "vcav.replications.paging"},
		{"list-ignores-ids", "the list ignores the ids filter", vcavDropQuery("ids"), "vcav.replication.get"},
		{"list-vmname-case-sensitive", "the vmName filter is a case-sensitive match",
			onResponses(spec.VCAV, isList, func(r *http.Request, c *capture) {
				name := r.URL.Query().Get("vmName")
				if name == "" || c.status != http.StatusOK {
					return
				}
				c.editJSON(func(doc any) any {
					m := doc.(map[string]any)
					var keep []any
					for _, it := range m["items"].([]any) {
						if strings.Contains(it.(map[string]any)["vmName"].(string), name) {
							keep = append(keep, it)
						}
					}
					m["items"], m["total"] = append([]any{}, keep...), len(keep)
					return m
				})
			}), "vcav.replications.filters"},
		{"list-pages-short", "pages after the first come back empty while total says there is more",
			onResponses(spec.VCAV, func(r *http.Request) bool { return isList(r) && r.URL.Query().Get("offset") > "0" }, okJSON(setField("items", []any{}))), "vcav.replications.paging"},
		{"list-duplicates-items", "the list repeats its first item",
			onResponses(spec.VCAV, isList, okJSON(func(doc any) any {
				m := doc.(map[string]any)
				if items, _ := m["items"].([]any); len(items) > 1 {
					items[1] = items[0]
				}
				return m
			})), "vcav.replications.list"},
		{"session-user-differs", "the session reads back another user than the login answered",
			onResponses(spec.VCAV, func(r *http.Request) bool { return r.Method == http.MethodGet && r.URL.Path == "/sessions" }, okJSON(setField("user", "someone-else"))), "vcav.session.login"},
		{"logout-keeps-token", "logout answers 204 but the token keeps working everywhere except the session endpoint",
			keepsTokenAfterLogout(spec.VCAV, "/sessions", "X-VCAV-Auth", `{"code":"NotAuthenticated","msg":"Not authenticated.","args":[]}`), "vcav.session.logout-everywhere"},
		{"logout-200", "VCAV logout answers 200 with a body instead of 204",
			onResponses(spec.VCAV, func(r *http.Request) bool { return r.Method == http.MethodDelete && r.URL.Path == "/sessions" }, func(_ *http.Request, c *capture) {
				if c.status == http.StatusNoContent {
					c.status, c.body = http.StatusOK, []byte(`{}`)
					c.header.Set("Content-Type", "application/json")
				}
			}), "vcav.session.logout"},
		{"wrong-password-accepted", "a wrong password for an existing user still logs in", vcavAnyPassword, "vcav.session.wrong-password"},
		{"vendor-accept-refused", "a request with the vendor's versioned Accept gets 406",
			onResponses(spec.VCAV, func(r *http.Request) bool { return strings.Contains(r.Header.Get("Accept"), "vnd.vmware") }, func(_ *http.Request, c *capture) {
				c.status = http.StatusNotAcceptable
				c.body = []byte(`{"code":"NotAcceptable","msg":"Not acceptable.","args":[]}`)
				c.header.Del("X-VCAV-Auth")
			}), "vcav.session.vendor-accept"},
		{"vendor-accept-not-json", "a request with the vendor's versioned Accept is answered in a type that is not JSON",
			onResponses(spec.VCAV, func(r *http.Request) bool { return strings.Contains(r.Header.Get("Accept"), "vnd.vmware") }, func(_ *http.Request, c *capture) {
				c.header.Set("Content-Type", "application/vnd.vmware.h4-v4+xml;charset=UTF-8")
			}), "vcav.session.vendor-accept"},
	}
}

func vchaBehaviourVariants() []variant {
	return []variant{
		{"vcha-task-progress-backwards", "vSphere task progress.completed goes from 80 back to 40", vchaTaskReads(func(n int, m map[string]any) {
			if n == 1 {
				m["status"] = "RUNNING"
				delete(m, "end_time")
				m["progress"].(map[string]any)["completed"] = 80
			} else {
				m["progress"].(map[string]any)["completed"] = 40
			}
		}), "vcha.failover.planned"},
		{"vcha-task-status-regresses", "a vSphere task goes from RUNNING back to PENDING", vchaTaskReads(func(n int, m map[string]any) {
			switch n {
			case 1:
				m["status"] = "RUNNING"
				delete(m, "end_time")
			case 2:
				m["status"] = "PENDING"
				for _, f := range []string{"end_time", "start_time", "progress"} {
					delete(m, f)
				}
			}
		}), "vcha.failover.planned"},
		{"vcha-task-start-time-moves", "a vSphere task's start_time changes between polls", vchaTaskReads(func(n int, m map[string]any) {
			if n == 1 {
				m["status"] = "RUNNING"
				delete(m, "end_time")
				m["start_time"] = "2020-01-01T00:00:00.000Z"
			}
		}), "vcha.failover.planned"},
		{"vcha-task-ends-before-start", "vSphere tasks end before they start", vchaTaskReads(func(_ int, m map[string]any) {
			if _, ok := m["end_time"]; ok {
				m["end_time"] = "2000-01-01T00:00:00.000Z"
			}
		}), "vcha.failover.planned"},
		{"vcha-task-date-1970", "vSphere task times are in 1970 (seconds read as milliseconds)", vchaTaskReads(func(_ int, m map[string]any) {
			m["start_time"] = "1970-01-20T17:33:20.000Z"
		}), "vcha.failover.planned"},
		{"vcha-task-completed-over-total", "a vSphere task completed more work than its total", vchaTaskReads(func(_ int, m map[string]any) {
			if p, ok := m["progress"].(map[string]any); ok {
				p["completed"] = 150
			}
		}), "vcha.failover.planned"},
		{"vcha-task-integer-as-float", "vSphere task progress.total is written 100.0",
			onResponses(spec.VCHA, isVCHATask, func(_ *http.Request, c *capture) {
				c.body = regexp.MustCompile(`"total":(\d+)`).ReplaceAll(c.body, []byte(`"total":$1.0`))
			}), "vcha.failover.planned"},
		{"vcha-session-user-differs", "the vSphere session reads back another user",
			onResponses(spec.VCHA, isVCHASessionGet, okJSON(setField("user", "VSPHERE.LOCAL\\someone-else"))), "vcha.session.create"},
		{"vcha-session-times-reversed", "the vSphere session was last accessed before it was created",
			onResponses(spec.VCHA, isVCHASessionGet, okJSON(setField("created_time", "2199-01-01T00:00:00.000Z"))), "vcha.session.create"},
		{"vcha-delete-keeps-token", "deleting the session answers 204 but the token keeps working except on the session endpoint",
			keepsTokenAfterLogout(spec.VCHA, "/api/session", "vmware-api-session-id",
				`{"error_type":"UNAUTHENTICATED","messages":[{"id":"com.vmware.vapi.endpoint.method.authentication.required","default_message":"Authentication required.","args":[]}]}`),
			"vcha.session.delete-everywhere"},
		{"vcha-wrong-password-accepted", "a wrong password for an existing vSphere user still creates a session", vchaAnyPassword, "vcha.session.wrong-password"},
		{"vcha-mode-disagrees", "the mode read says MAINTENANCE while the cluster read says ENABLED",
			onResponses(spec.VCHA, isVCHAModeGet, okJSON(setField("mode", "MAINTENANCE"))), "vcha.cluster.partial"},
		{"vcha-partial-disagrees", "the partial cluster read reports another configuration state",
			onResponses(spec.VCHA, func(r *http.Request) bool { return isVCHAClusterGet(r) && r.ContentLength > 2 }, okJSON(setField("config_state", "NOTCONFIGURED"))), "vcha.cluster.partial"},
		{"vcha-mode-set-does-not-stick", "a successful mode set reads back the old mode",
			onResponses(spec.VCHA, isVCHAModeGet, okJSON(setField("mode", "ENABLED"))), "vcha.failover.disabled-mode"},
		{"vcha-delete-session-200", "deleting the vSphere session answers 200 with a body instead of 204",
			onResponses(spec.VCHA, func(r *http.Request) bool { return r.Method == http.MethodDelete && r.URL.Path == "/api/session" }, func(_ *http.Request, c *capture) {
				if c.status == http.StatusNoContent {
					c.status, c.body = http.StatusOK, []byte(`{}`)
					c.header.Set("Content-Type", "application/json")
				}
			}), "vcha.session.delete"},
		{"vcha-mode-set-task-object", "the mode set answers its task id wrapped in an object",
			onResponses(spec.VCHA, func(r *http.Request) bool {
				return r.Method == http.MethodPut && r.URL.Path == "/api/vcenter/vcha/cluster/mode"
			}, func(_ *http.Request, c *capture) {
				if c.status == http.StatusAccepted {
					c.editJSON(func(doc any) any { return map[string]any{"value": doc} })
				}
			}), "vcha.failover.disabled-mode"},
		{"vcha-claims-failover-not-allowed", "the cluster claims a manual failover is not allowed while it is",
			onResponses(spec.VCHA, isVCHAClusterGet, okJSON(setField("manual_failover_allowed", false))), "vcha.failover.planned"},
		{"vcha-second-failover-accepted", "a second vSphere failover while the first runs ends SUCCEEDED",
			onResponses(spec.VCHA, isVCHATask, okJSON(func(doc any) any {
				m := doc.(map[string]any)
				if m["status"] == "FAILED" && m["operation"] == "failover" {
					m["status"] = "SUCCEEDED"
					delete(m, "error")
				}
				return m
			})), "vcha.failover.while-running"},
	}
}

// okJSON edits the JSON body of 2xx answers with each f in turn.
func okJSON(fs ...func(any) any) func(*http.Request, *capture) {
	return func(_ *http.Request, c *capture) {
		if c.status/100 == 2 {
			for _, f := range fs {
				c.editJSON(func(doc any) any {
					if _, ok := doc.(map[string]any); !ok {
						return doc
					}
					return f(doc)
				})
			}
		}
	}
}

// scaleTimes multiplies number fields (left alone when -1).
func scaleTimes(k float64, fields ...string) func(any) any {
	return func(doc any) any {
		m := doc.(map[string]any)
		for _, f := range fields {
			if v, ok := m[f].(float64); ok && v > 0 {
				m[f] = float64(int64(v * k))
			}
		}
		return m
	}
}

// addTime adds d milliseconds to number fields.
func addTime(d float64, fields ...string) func(any) any {
	return func(doc any) any {
		m := doc.(map[string]any)
		for _, f := range fields {
			if v, ok := m[f].(float64); ok {
				m[f] = v + d
			}
		}
		return m
	}
}

func isGetReplication(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/vm-replications/")
}

func isList(r *http.Request) bool {
	return r.Method == http.MethodGet && r.URL.Path == "/vm-replications"
}

func isVCHATask(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/cis/tasks/") }

func isVCHASessionGet(r *http.Request) bool {
	return r.Method == http.MethodGet && r.URL.Path == "/api/session"
}

func isVCHAModeGet(r *http.Request) bool {
	return r.Method == http.MethodGet && r.URL.Path == "/api/vcenter/vcha/cluster/mode"
}

func isVCHAClusterGet(r *http.Request) bool {
	return r.URL.Path == "/api/vcenter/vcha/cluster" && r.URL.Query().Get("action") == "get"
}

// vcavDropQuery removes query parameters from list requests: the server
// ignores them.
func vcavDropQuery(params ...string) wrapper {
	return func(api spec.API, h http.Handler) http.Handler {
		if api != spec.VCAV {
			return h
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isList(r) {
				q := r.URL.Query()
				for _, p := range params {
					q.Del(p)
				}
				r.URL.RawQuery = q.Encode()
			}
			h.ServeHTTP(w, r)
		})
	}
}

// vchaTaskReads rewrites the n-th read (from 1) of each vSphere task.
func vchaTaskReads(edit func(n int, m map[string]any)) wrapper {
	var mu sync.Mutex
	reads := map[string]int{}
	return onResponses(spec.VCHA, isVCHATask, func(r *http.Request, c *capture) {
		if c.status != http.StatusOK {
			return
		}
		mu.Lock()
		reads[r.URL.Path]++
		n := reads[r.URL.Path]
		mu.Unlock()
		c.editJSON(func(doc any) any {
			if m, ok := doc.(map[string]any); ok {
				edit(n, m)
			}
			return doc
		})
	})
}

// keepsTokenAfterLogout answers logout 204 without ending the session,
// and then answers the session endpoint 401 for that token: the token
// keeps working everywhere else.
func keepsTokenAfterLogout(target spec.API, path, header, unauthorized string) wrapper {
	return func(api spec.API, h http.Handler) http.Handler {
		if api != target {
			return h
		}
		var mu sync.Mutex
		dead := map[string]bool{}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tok := r.Header.Get(header)
			mu.Lock()
			gone := dead[tok]
			if r.Method == http.MethodDelete && r.URL.Path == path && tok != "" && !gone {
				dead[tok] = true
				mu.Unlock()
				w.WriteHeader(http.StatusNoContent)
				return
			}
			mu.Unlock()
			if gone && r.URL.Path == path {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = io.WriteString(w, unauthorized)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
}

// vcavAnyPassword logs in any existing VCAV user whatever the password.
func vcavAnyPassword(api spec.API, h http.Handler) http.Handler {
	if api != spec.VCAV {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/sessions" {
			body, _ := io.ReadAll(r.Body)
			var m map[string]any
			if json.Unmarshal(body, &m) == nil && m["localUser"] == "root" {
				m["localPassword"] = "vmware"
				body, _ = json.Marshal(m)
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		h.ServeHTTP(w, r)
	})
}

// vchaAnyPassword creates a session for the administrator whatever the
// password.
func vchaAnyPassword(api spec.API, h http.Handler) http.Handler {
	if api != spec.VCHA {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user, _, ok := r.BasicAuth(); ok && user == "administrator@vsphere.local" {
			r.SetBasicAuth(user, "vmware")
		}
		h.ServeHTTP(w, r)
	})
}

// vcavSecondFailoverAccepted answers a failover refused because a recovery
// runs with 202 and a copy of the running task.
func vcavSecondFailoverAccepted(api spec.API, h http.Handler) http.Handler {
	if api != spec.VCAV {
		return h
	}
	var mu sync.Mutex
	var last []byte
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isFailover(r) {
			h.ServeHTTP(w, r)
			return
		}
		c := serve(h, r)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case c.status == http.StatusAccepted:
			last = c.body
		case c.status == http.StatusBadRequest && bytes.Contains(c.body, []byte("IN_PROGRESS")) && last != nil:
			c.status, c.body = http.StatusAccepted, last
		}
		c.write(w)
	})
}

// brokenOp names the operation a variant breaks when it is not the
// operation of the case that must kill it (a task read broken, found by the
// failover case that polls it).
var brokenOp = map[string]string{
	"missing-required-field": "vcav getTask", "task-never-finishes": "vcav getTask",
	"enum-value-outside": "vcav getVmReplication", "state-not-updated": "vcav getVmReplication",
	"wrong-field-type": "vcha getTask", "task-failure-reported-as-success": "vcha getTask",
	"task-id-of-another-task": "vcav getTask", "task-progress-backwards": "vcav getTask",
	"task-times-in-seconds": "vcav getTask", "task-ends-before-start": "vcav getTask",
	"task-integer-as-float": "vcav getTask", "task-start-time-moves": "vcav getTask",
	"task-succeeded-without-result": "vcav getTask", "task-result-disagrees": "vcav getTask",
	"session-user-differs": "vcav getSession", "tasks-list-times-in-seconds": "vcav listTasks", "tasks-list-disagrees": "vcav listTasks", "logout-keeps-token": "vcav logout",
	"vcha-task-progress-backwards": "vcha getTask", "vcha-task-status-regresses": "vcha getTask",
	"vcha-task-start-time-moves": "vcha getTask", "vcha-task-ends-before-start": "vcha getTask",
	"vcha-task-date-1970": "vcha getTask", "vcha-task-completed-over-total": "vcha getTask",
	"vcha-task-integer-as-float": "vcha getTask",
	"vcha-session-user-differs":  "vcha getSession", "vcha-session-times-reversed": "vcha getSession",
	"vcha-delete-keeps-token": "vcha deleteSession",
	"vcha-mode-disagrees":     "vcha getVchaClusterMode", "vcha-mode-set-does-not-stick": "vcha setVchaClusterModeAsync",
	"vcha-mode-set-task-object":        "vcha setVchaClusterModeAsync",
	"vcha-claims-failover-not-allowed": "vcha getVchaCluster",
	"vapp-state-not-updated":           "vcav getVappReplication", "vapp-list-ignores-ids": "vcav listVappReplications",
	"vapp-task-result-of-a-vm": "vcav getTask", "vapp-pause-does-not-stick": "vcav getVappReplication",
}
