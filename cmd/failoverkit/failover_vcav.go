package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/conformance"
	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavFailover runs a lifecycle operation (--op, the failover by default)
// on a VM replication with the VCAV client.
type vcavFailover struct {
	*vcavSession
	l *vcavLifecycle
}

func newVCAVFailover(f *failoverFlags, creds conformance.Credentials) (*vcavFailover, error) {
	s, err := newVCAVSession(f, creds)
	if err != nil {
		return nil, err
	}
	return &vcavFailover{vcavSession: s, l: f.lifecycle}, nil
}

func (o *vcavFailover) preflight(ctx context.Context) (*preflight, error) {
	id := o.f.replication
	pf := &preflight{subject: "VM replication " + id, confirm: id}
	defer func() { pf.prompt = fmt.Sprintf(o.l.prompt, pf.subject) }()
	r, err := o.c.Replication(ctx, id)
	if client.IsVCAVCode(err, "VmReplicationNotFound") || isStatus(err, http.StatusNotFound) {
		pf.add("replication", checkFail, "%s not found (or not visible to %s)", id, o.creds.VCAVUser)
		return pf, nil
	}
	if err != nil {
		return nil, err
	}
	if name := deref(r.VmName); name != "" {
		pf.subject, pf.confirm = fmt.Sprintf("VM replication %s (VM %s)", id, name), name
	}
	pf.add("replication", checkOK, "%s, VM %s, owner %s", id, orDash(deref(r.VmName)), orDash(deref(r.Owner)))
	status, detail := lifecycleStateCheck(o.l, recoveryStateOf(r))
	pf.add("recovery state", status, "%s", detail)
	status, detail = o.l.paused(r.IsPaused != nil && *r.IsPaused)
	pf.add("paused", status, "%s", detail)
	vcavInstanceCheck(pf, r)
	src, dst := "", ""
	if r.Source != nil {
		src = deref(r.Source.Site)
	}
	if r.Destination != nil {
		dst = deref(r.Destination.Site)
	}
	o.siteCheck(pf, src, dst)
	if h := r.OverallHealth; h != nil && *h != vcav.SingleVmReplicationInfoOverallHealthGREEN {
		pf.add("health", checkWarn, "overall health %s", *h)
	} else if h != nil {
		pf.add("health", checkOK, "overall health %s", *h)
	}
	return pf, nil
}

// vcavInstanceCheck shows the latest instance the operation works from.
func vcavInstanceCheck(pf *preflight, r *vcav.SingleVmReplicationInfo) {
	ds := r.DestinationState
	if ds == nil || ds.LatestInstance == nil || ds.LatestInstance.Timestamp == nil {
		pf.add("latest instance", checkWarn, "none reported: there may be nothing to recover")
		return
	}
	at := time.UnixMilli(*ds.LatestInstance.Timestamp).UTC()
	pf.add("latest instance", checkOK, "%s (%s ago)", at.Format(time.RFC3339), time.Since(at).Round(time.Second))
}

func (o *vcavFailover) start(ctx context.Context) (string, error) {
	task, err := o.l.vm(ctx, o.c, o.f.replication)
	if err != nil {
		return "", err
	}
	o.site = deref(task.Site)
	return task.Id, nil
}

func (o *vcavFailover) wait(ctx context.Context, id string, progress func(string, int)) (string, map[string]string, error) {
	done, err := o.waitTask(ctx, id, progress)
	if err != nil {
		return "", nil, err
	}
	r, err := o.c.FailoverResult(done)
	if err != nil || r.DestinationState == nil || r.DestinationState.RecoveryInfo == nil {
		return fmt.Sprintf("%s of VM replication %s succeeded (task %s)", o.l.noun, o.f.replication, id), nil, nil
	}
	ri := r.DestinationState.RecoveryInfo
	paused := r.IsPaused != nil && *r.IsPaused
	details := map[string]string{"recoveryState": string(ri.RecoveryState), "vAppId": deref(ri.VAppId), "vcdVmId": deref(ri.VcdVmId), "isPaused": fmt.Sprint(paused)}
	summary := fmt.Sprintf("%s of VM replication %s (VM %s) succeeded: recovery state %s", o.l.noun, r.Id, orDash(deref(r.VmName)), ri.RecoveryState)
	switch o.l.name {
	case "failover", "migrate":
		summary += ", recovered vApp " + orDash(deref(ri.VAppId))
	case "pause", "resume":
		summary += fmt.Sprintf(", paused %v", paused)
	}
	return summary, details, nil
}
