package conformance_test

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/failoverkit/failoverkit/spec"
)

// vappVariants break the vApp replication endpoints: each must be caught
// by the vApp cases (cases_vcav_vapp*.go).
func vappVariants() []variant {
	return []variant{
		{"vapp-not-found-as-400", "an unknown vApp replication answers 400 BadRequest instead of 404",
			onResponses(spec.VCAV, isVapp, func(_ *http.Request, c *capture) {
				if c.status == http.StatusNotFound {
					c.status = http.StatusBadRequest
					c.editJSON(setField("code", "BadRequest"))
				}
			}), "vcav.vapp.unknown"},
		{"vapp-state-not-updated", "a failed-over vApp replication still reads back with its VMs NOT_STARTED",
			onResponses(spec.VCAV, func(r *http.Request) bool { return r.Method == http.MethodGet && isVapp(r) }, func(_ *http.Request, c *capture) {
				c.body = bytes.ReplaceAll(c.body, []byte(`"recoveryState":"COMPLETE"`), []byte(`"recoveryState":"NOT_STARTED"`))
			}), "vcav.failoverVappReplication.succeeds"},
		{"vapp-refusal-as-500", "a vApp operation the recovery state forbids crashes with 500 instead of a 400 refusal",
			onResponses(spec.VCAV, isVapp, func(_ *http.Request, c *capture) {
				if c.status == http.StatusBadRequest && bytes.Contains(c.body, []byte("InvalidRecoveryState")) {
					c.status = http.StatusInternalServerError
					c.editJSON(setField("code", "GeneralServerFailure"))
				}
			}), "vcav.testFailoverVappReplication.refused-in-TEST"},
		{"vapp-list-ignores-ids", "the vApp replication list ignores the ids filter", vappDropIDs, "vcav.vapp.get"},
		{"vapp-vm-names-other-vapp", "VM replications listed inside a vApp name another vApp as theirs",
			onResponses(spec.VCAV, func(r *http.Request) bool { return r.URL.Path == "/vapp-replications" }, func(_ *http.Request, c *capture) {
				c.body = bytes.ReplaceAll(c.body, []byte(`"vappReplicationId":"C4VAPP-`), []byte(`"vappReplicationId":"C4VAPP-0`))
			}), "vcav.vapps.list"},
		{"vapp-pause-does-not-stick", "a paused vApp's VMs read back isPaused false",
			onResponses(spec.VCAV, func(r *http.Request) bool { return r.Method == http.MethodGet && isVapp(r) }, func(_ *http.Request, c *capture) {
				c.body = bytes.ReplaceAll(c.body, []byte(`"isPaused":true`), []byte(`"isPaused":false`))
			}), "vcav.vapp-pause-resume.succeeds"},
		{"vapp-summary-miscounts", "the vApp summary counts one vApp replication too many",
			onResponses(spec.VCAV, func(r *http.Request) bool { return r.URL.Path == "/vapp-replications/summary" }, okJSON(func(doc any) any {
				if m, ok := doc.(map[string]any); ok {
					if n, ok := m["vappReplications"].(float64); ok {
						m["vappReplications"] = n + 1
					}
				}
				return doc
			})), "vcav.vapps.summary"},
		{"vapp-task-result-of-a-vm", "a vApp test failover task describes a VM replication, not the vApp",
			onResponses(spec.VCAV, isVCAVTask, okJSON(func(doc any) any {
				if m, ok := doc.(map[string]any); ok && m["resultType"] == "VappReplicationInfo" {
					m["resultType"] = "SingleVmReplicationInfo"
				}
				return doc
			})), "vcav.testFailoverVappReplication.succeeds"},
	}
}

func isVapp(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/vapp-replications") }

// vappDropIDs removes the ids filter from vApp list requests.
func vappDropIDs(api spec.API, h http.Handler) http.Handler {
	if api != spec.VCAV {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/vapp-replications" {
			q := r.URL.Query()
			q.Del("ids")
			r.URL.RawQuery = q.Encode()
		}
		h.ServeHTTP(w, r)
	})
}
