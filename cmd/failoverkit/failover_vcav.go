package main

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/conformance"
	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavFailover fails a VM replication over with the VCAV client.
type vcavFailover struct {
	f     *failoverFlags
	creds conformance.Credentials
	c     *client.VCAV
	sites []string // the sites the session is authenticated to
	site  string   // the site of the failover task, for its reads
}

func newVCAVFailover(f *failoverFlags, creds conformance.Credentials) (*vcavFailover, error) {
	if creds.VCAVUser == "" || creds.VCAVPassword == "" {
		return nil, usageError("failover vcav needs %s and %s (environment or --credentials FILE)", conformance.EnvVCAVUser, conformance.EnvVCAVPassword)
	}
	c, err := client.NewVCAV(f.target.VCAVURL, f.clientOptions()...)
	if err != nil {
		return nil, usageError("%w", err)
	}
	return &vcavFailover{f: f, creds: creds, c: c}, nil
}

func (o *vcavFailover) login(ctx context.Context) error {
	var details *vcav.C4SessionDetails
	var err error
	user, pw := o.creds.VCAVUser, o.creds.VCAVPassword
	switch o.f.target.VCAVLoginType {
	case conformance.LoginVCDCredentials:
		details, err = o.c.LoginVCD(ctx, user, pw)
	case conformance.LoginSSOCredentials:
		var req vcav.AuthenticationRequest
		if err = req.FromSsoCredentialsAuthenticationRequest(vcav.SsoCredentialsAuthenticationRequest{
			Type: vcav.SsoCredentialsAuthenticationRequestTypeSsoCredentials, Username: user, Password: pw,
		}); err == nil {
			details, err = o.c.Login(ctx, req)
		}
	case "", conformance.LoginLocalUser:
		details, err = o.c.LoginLocal(ctx, user, pw)
	default:
		return fmt.Errorf("--vcav-login-type %q: want localUser, vcdCredentials or ssoCredentials", o.f.target.VCAVLoginType)
	}
	if err != nil {
		return err
	}
	for _, s := range details.AuthenticatedSites {
		if s.Site != nil {
			o.sites = append(o.sites, *s.Site)
		}
	}
	return nil
}

func (o *vcavFailover) logout(ctx context.Context) { _ = o.c.Logout(ctx) }

func (o *vcavFailover) preflight(ctx context.Context) (*preflight, error) {
	id := o.f.replication
	pf := &preflight{subject: "VM replication " + id, confirm: id}
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
	vcavRecoveryCheck(pf, r)
	if r.IsPaused != nil && *r.IsPaused {
		pf.add("paused", checkWarn, "paused: the failover recovers the latest instance (VCDA does not refuse a paused replication)")
	} else {
		pf.add("paused", checkOK, "not paused")
	}
	vcavInstanceCheck(pf, r)
	o.siteCheck(pf, r)
	if h := r.OverallHealth; h != nil && *h != vcav.SingleVmReplicationInfoOverallHealthGREEN {
		pf.add("health", checkWarn, "overall health %s", *h)
	} else if h != nil {
		pf.add("health", checkOK, "overall health %s", *h)
	}
	return pf, nil
}

// vcavRecoveryCheck judges the recovery state: only NOT_STARTED may fail
// over.
func vcavRecoveryCheck(pf *preflight, r *vcav.SingleVmReplicationInfo) {
	var state vcav.RecoveryState
	if ds := r.DestinationState; ds != nil && ds.RecoveryInfo != nil {
		state = ds.RecoveryInfo.RecoveryState
	}
	switch state {
	case vcav.RecoveryStateNOTSTARTED:
		pf.add("recovery state", checkOK, "NOT_STARTED")
	case vcav.RecoveryStateTEST:
		pf.add("recovery state", checkFail, "TEST: a test failover image exists; clean up the test failover first")
	case vcav.RecoveryStateINPROGRESS:
		pf.add("recovery state", checkFail, "IN_PROGRESS: a recovery is already running")
	case vcav.RecoveryStateCOMPLETE:
		pf.add("recovery state", checkFail, "COMPLETE: already failed over; reverse the replication first")
	default:
		pf.add("recovery state", checkFail, "%q: not a state a failover starts from", state)
	}
}

// vcavInstanceCheck shows the latest instance the failover recovers.
func vcavInstanceCheck(pf *preflight, r *vcav.SingleVmReplicationInfo) {
	ds := r.DestinationState
	if ds == nil || ds.LatestInstance == nil || ds.LatestInstance.Timestamp == nil {
		pf.add("latest instance", checkWarn, "none reported: there may be nothing to recover")
		return
	}
	at := time.UnixMilli(*ds.LatestInstance.Timestamp).UTC()
	pf.add("latest instance", checkOK, "%s (%s ago)", at.Format(time.RFC3339), time.Since(at).Round(time.Second))
}

// siteCheck compares the destination site with the session's sites.
func (o *vcavFailover) siteCheck(pf *preflight, r *vcav.SingleVmReplicationInfo) {
	src, dst := "", ""
	if r.Source != nil {
		src = deref(r.Source.Site)
	}
	if r.Destination != nil {
		dst = deref(r.Destination.Site)
	}
	switch {
	case dst == "":
		pf.add("site", checkWarn, "no destination site reported")
	case slices.Contains(o.sites, dst):
		pf.add("site", checkOK, "%s -> %s (the session is authenticated to %s)", orDash(src), dst, dst)
	default:
		pf.add("site", checkWarn, "%s -> %s; the session is authenticated to %v only", orDash(src), dst, o.sites)
	}
}

func (o *vcavFailover) start(ctx context.Context) (string, error) {
	task, err := o.c.FailoverToCloud(ctx, o.f.replication, vcav.VmFailoverSettings{})
	if err != nil {
		return "", err
	}
	o.site = deref(task.Site)
	return task.Id, nil
}

func (o *vcavFailover) wait(ctx context.Context, id string, progress func(string, int)) (string, map[string]string, error) {
	opts := o.f.waitOptions(progress)
	if o.site != "" {
		opts = append(opts, client.Site(o.site))
	}
	done, err := o.c.WaitTask(ctx, id, opts...)
	if err != nil {
		return "", nil, err
	}
	r, err := o.c.FailoverResult(done)
	if err != nil || r.DestinationState == nil || r.DestinationState.RecoveryInfo == nil {
		return fmt.Sprintf("failover of VM replication %s succeeded (task %s)", o.f.replication, id), nil, nil
	}
	ri := r.DestinationState.RecoveryInfo
	details := map[string]string{"recoveryState": string(ri.RecoveryState), "vAppId": deref(ri.VAppId), "vcdVmId": deref(ri.VcdVmId)}
	return fmt.Sprintf("failover of VM replication %s (VM %s) succeeded: recovery state %s, recovered vApp %s",
		r.Id, orDash(deref(r.VmName)), ri.RecoveryState, orDash(deref(ri.VAppId))), details, nil
}

func (o *vcavFailover) follow(id string) string {
	return fmt.Sprintf("`failoverkit failover vcav --vcav-url %s --replication %s --follow %s` (or GET %s/tasks/%s)",
		o.f.target.VCAVURL, o.f.replication, id, o.f.target.VCAVURL, id)
}
