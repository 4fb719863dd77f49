package conformance

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// The vApp operations beyond recovery: planned migration, sync, pause and
// resume (bodies: the vendor's minimal valid ones), and the summary.
var (
	vappOpMigrate = vappOp{"migrateVappReplication", http.MethodPost, "/migrate", `{"type":"vcloud","powerOn":false}`}
	vappOpSync    = vappOp{"syncVappReplication", http.MethodPost, "/sync", ""}
	vappOpPause   = vappOp{"pauseVappReplication", http.MethodPost, "/pause", ""}
	vappOpResume  = vappOp{"resumeVappReplication", http.MethodPost, "/resume", ""}
)

// vappSummaryReq reads the dashboard summary of the vApp replications.
func vappSummaryReq(token string) request {
	return request{op: "getVappReplicationsSummary", method: http.MethodGet, path: "/vapp-replications/summary", header: vcavHeader(token)}
}

// vappSummary reads the summary. It exists (the community PowerShell
// module reads it), but its schema is failoverkit's: against a real
// appliance only the 200 binds and every other departure is a note;
// against the mock its counts must agree with the list.
func vappSummary(ctx context.Context, r *caseRun) error {
	token, err := r.vcavLogin(ctx)
	if err != nil {
		return err
	}
	ex, err := r.send(ctx, vappSummaryReq(token))
	if err != nil {
		return err
	}
	judged := r.judge(ctx, ex, http.StatusOK, "")
	if !r.target.Mock {
		if ex.status != http.StatusOK {
			return judged
		}
		for _, f := range collectFindings(judged) {
			f.Reason += " (the summary's schema is a failoverkit choice)"
			r.note(f)
		}
		return nil
	}
	if judged != nil {
		return judged
	}
	return r.vappSummaryAgrees(ctx, token, ex)
}

// vappSummaryAgrees holds the summary's counts to the list of every vApp.
func (r *caseRun) vappSummaryAgrees(ctx context.Context, token string, summary *exchange) error {
	list, err := r.call(ctx, vappListReq(token, "limit=100"), http.StatusOK, "")
	if err != nil {
		return err
	}
	items, _ := lookup(list.doc, "items")
	vapps, _ := items.([]any)
	vms, paused := 0, 0
	for _, v := range vapps {
		children, _ := lookup(v, "vmReplications")
		list, _ := children.([]any)
		vms += len(list)
		for _, c := range list {
			if p, _ := lookup(c, "isPaused"); p == true {
				paused++
			}
		}
	}
	total, _ := number(list.doc, "total")
	for _, want := range []struct {
		field string
		n     float64
	}{{"vappReplications", total}, {"vmReplications", float64(vms)}, {"pausedVmReplications", float64(paused)}} {
		if got, _ := number(summary.doc, want.field); got != want.n || int(total) != len(vapps) {
			return r.finding(summary, InBody, want.field, fmt.Sprintf("is %v, but the list of vApp replications counts %v", got, want.n), nil)
		}
	}
	return nil
}

// vappSyncSucceeds syncs a NOT_STARTED vApp: the task ends SUCCEEDED, the
// VMs stay NOT_STARTED, each with a new latest instance (failoverkit
// choice: the instance is taken by the time the task ends).
func vappSyncSucceeds(ctx context.Context, r *caseRun) error {
	token, id, err := r.loginForVapp(ctx, vappInState(stateNotStarted))
	if err != nil {
		return err
	}
	before, err := r.call(ctx, vappOpGet.request(token, id), http.StatusOK, "")
	if err != nil {
		return err
	}
	final, err := r.vappRunToSuccess(ctx, token, vappOpSync, id)
	if err != nil {
		return err
	}
	after, err := r.vappExpectState(ctx, token, id, stateNotStarted)
	if err != nil {
		return err
	}
	ids, _ := vappChildStates(after.doc)
	for i := range ids {
		path := fmt.Sprintf("vmReplications.%d.destinationState.latestInstance.key", i)
		old, _ := lookupString(before.doc, path)
		if now, _ := lookupString(after.doc, path); now == "" || now == old {
			return r.choice(r.finding(after, InState, path, fmt.Sprintf("is %s after a sync, as before it: no new instance", describeValue(after.doc, path)), nil))
		}
	}
	return r.vappResultAgrees(final, after, false)
}

// vappPauseResume pauses a NOT_STARTED vApp, checks every VM paused and a
// sync refused (400 ReplicationPaused, failoverkit choice: a note
// otherwise), then resumes it and checks every VM replicating again.
func vappPauseResume(ctx context.Context, r *caseRun) error {
	token, id, err := r.loginForVapp(ctx, vappInState(stateNotStarted))
	if err != nil {
		return err
	}
	// Never leave a real vApp paused, whatever happens below.
	r.deferCleanup(func(ctx context.Context) { _, _ = r.api.send(ctx, vappOpResume.request(token, id)) })
	for _, step := range []struct {
		o      vappOp
		paused bool
	}{{vappOpPause, true}, {vappOpResume, false}} {
		if _, err := r.vappRunToSuccess(ctx, token, step.o, id); err != nil {
			return err
		}
		if err := r.vappExpectPaused(ctx, token, id, step.paused); err != nil {
			return err
		}
		if step.paused {
			if err := r.refusal(ctx, token, vappOpSync.request(token, id), "ReplicationPaused"); err != nil {
				return err
			}
		}
	}
	return nil
}

// vappExpectPaused reads vApp id back and checks every VM's isPaused.
func (r *caseRun) vappExpectPaused(ctx context.Context, token, id string, want bool) error {
	ex, err := r.call(ctx, vappOpGet.request(token, id), http.StatusOK, "")
	if err != nil {
		return err
	}
	ids, _ := vappChildStates(ex.doc)
	for i, child := range ids {
		path := fmt.Sprintf("vmReplications.%d.isPaused", i)
		if got, _ := lookup(ex.doc, strings.Split(path, ".")...); got != want {
			return r.finding(ex, InState, path, fmt.Sprintf("VM replication %s of vApp replication %s: isPaused is %v, want %v", child, id, got, want), nil)
		}
	}
	return nil
}
