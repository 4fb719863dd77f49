package main

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/conformance"
	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavVappOp runs a lifecycle operation (--op) on a vApp replication
// (--vapp): the VM rules judged on each of its VMs, one task for all.
type vcavVappOp struct {
	*vcavSession
	l *vcavLifecycle
}

func newVCAVVappOp(f *failoverFlags, creds conformance.Credentials) (*vcavVappOp, error) {
	s, err := newVCAVSession(f, creds)
	if err != nil {
		return nil, err
	}
	return &vcavVappOp{vcavSession: s, l: f.lifecycle}, nil
}

func (o *vcavVappOp) preflight(ctx context.Context) (*preflight, error) {
	id := o.f.vapp
	pf := &preflight{subject: "vApp replication " + id, confirm: id}
	defer func() { pf.prompt = fmt.Sprintf(o.l.prompt, pf.subject) }()
	v, err := o.c.VappReplication(ctx, id)
	if client.IsVCAVCode(err, "VappReplicationNotFound") || isStatus(err, http.StatusNotFound) {
		pf.add("vApp replication", checkFail, "%s not found (or not visible to %s)", id, o.creds.VCAVUser)
		return pf, nil
	}
	if err != nil {
		return nil, err
	}
	name := ""
	if v.Descriptor != nil {
		name = deref(v.Descriptor.Name)
	}
	if name != "" {
		pf.subject, pf.confirm = fmt.Sprintf("vApp replication %s (vApp %s)", id, name), name
	}
	vms := vappVMs(v)
	pf.add("vApp replication", checkOK, "%s, vApp %s, owner %s, %d VM(s)", id, orDash(name), orDash(deref(v.Owner)), len(vms))
	if len(vms) == 0 {
		pf.add("VMs", checkFail, "the vApp replication lists no VM replication: nothing to act on")
	}
	for _, r := range vms {
		o.vmChecks(pf, &r)
	}
	src, dst := "", ""
	if v.Source != nil {
		src = deref(v.Source.Site)
	}
	if v.Destination != nil {
		dst = deref(v.Destination.Site)
	}
	o.siteCheck(pf, src, dst)
	return pf, nil
}

// vmChecks judges one VM of the vApp: its recovery state and paused flag
// for the operation, on one line named after the VM.
func (o *vcavVappOp) vmChecks(pf *preflight, r *vcav.SingleVmReplicationInfo) {
	label := "VM " + orDash(deref(r.VmName))
	status, detail := lifecycleStateCheck(o.l, recoveryStateOf(r))
	pstatus, pdetail := o.l.paused(r.IsPaused != nil && *r.IsPaused)
	if rank(pstatus) > rank(status) {
		status = pstatus
	}
	pf.add(label, status, "%s: %s, %s", r.Id, detail, pdetail)
}

// rank orders check statuses by weight.
func rank(status string) int {
	return map[string]int{checkOK: 0, checkWarn: 1, checkFail: 2}[status]
}

// vappVMs are the VM replications of a vApp replication.
func vappVMs(v *vcav.VappReplicationInfo) []vcav.SingleVmReplicationInfo {
	if v.VmReplications == nil {
		return nil
	}
	return *v.VmReplications
}

func (o *vcavVappOp) start(ctx context.Context) (string, error) {
	task, err := o.l.vapp(ctx, o.c, o.f.vapp)
	if err != nil {
		return "", err
	}
	o.site = deref(task.Site)
	return task.Id, nil
}

func (o *vcavVappOp) wait(ctx context.Context, id string, progress func(string, int)) (string, map[string]string, error) {
	done, err := o.waitTask(ctx, id, progress)
	if err != nil {
		return "", nil, err
	}
	v, err := o.c.VappResult(done)
	if err != nil {
		return fmt.Sprintf("%s of vApp replication %s succeeded (task %s)", o.l.noun, o.f.vapp, id), nil, nil
	}
	counts := map[string]int{}
	paused := 0
	for _, r := range vappVMs(v) {
		counts[string(recoveryStateOf(&r))]++
		if r.IsPaused != nil && *r.IsPaused {
			paused++
		}
	}
	details := map[string]string{"recoveryStates": countsText(counts), "pausedVMs": fmt.Sprint(paused), "VMs": fmt.Sprint(len(vappVMs(v)))}
	summary := fmt.Sprintf("%s of vApp replication %s succeeded: %d VM(s), recovery state %s, %d paused",
		o.l.noun, v.Id, len(vappVMs(v)), countsText(counts), paused)
	if v.Destination != nil && v.Destination.RecoveredVappId != nil {
		details["recoveredVappId"] = *v.Destination.RecoveredVappId
		summary += ", recovered vApp " + *v.Destination.RecoveredVappId
	}
	return summary, details, nil
}

// countsText renders state counts as "COMPLETE x2, TEST x1", sorted.
func countsText(counts map[string]int) string {
	parts := make([]string, 0, len(counts))
	for state, n := range counts {
		parts = append(parts, fmt.Sprintf("%s x%d", orDash(state), n))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}
