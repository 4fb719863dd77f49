package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/conformance"
	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavSession is what the VM and vApp operations of `failover vcav`
// share: the flags, the client, the session's sites and the site of the
// started task.
type vcavSession struct {
	f     *failoverFlags
	creds conformance.Credentials
	c     *client.VCAV
	sites []string // the sites the session is authenticated to
	site  string   // the site of the started task, for its reads
}

func newVCAVSession(f *failoverFlags, creds conformance.Credentials) (*vcavSession, error) {
	if creds.VCAVUser == "" || creds.VCAVPassword == "" {
		return nil, usageError("failover vcav needs %s and %s (environment or --credentials FILE)", conformance.EnvVCAVUser, conformance.EnvVCAVPassword)
	}
	c, err := client.NewVCAV(f.target.VCAVURL, f.clientOptions()...)
	if err != nil {
		return nil, usageError("%w", err)
	}
	return &vcavSession{f: f, creds: creds, c: c}, nil
}

func (o *vcavSession) login(ctx context.Context) error {
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

func (o *vcavSession) logout(ctx context.Context) { _ = o.c.Logout(ctx) }

// waitTask waits for task id, on the site it was started on.
func (o *vcavSession) waitTask(ctx context.Context, id string, progress func(string, int)) (*vcav.C4ApiTask, error) {
	opts := o.f.waitOptions(progress)
	if o.site != "" {
		opts = append(opts, client.Site(o.site))
	}
	return o.c.WaitTask(ctx, id, opts...)
}

// siteCheck compares the destination site with the session's sites.
func (o *vcavSession) siteCheck(pf *preflight, src, dst string) {
	switch {
	case dst == "":
		pf.add("site", checkWarn, "no destination site reported")
	case slices.Contains(o.sites, dst):
		pf.add("site", checkOK, "%s -> %s (the session is authenticated to %s)", orDash(src), dst, dst)
	default:
		pf.add("site", checkWarn, "%s -> %s; the session is authenticated to %v only", orDash(src), dst, o.sites)
	}
}

// follow is the command that waits for task id again, and its URL.
func (o *vcavSession) follow(id string) string {
	what := "--replication " + o.f.replication
	if o.f.vapp != "" {
		what = "--vapp " + o.f.vapp
	}
	if o.f.op != "" && o.f.op != "failover" {
		what += " --op " + o.f.op
	}
	return fmt.Sprintf("`failoverkit failover vcav --vcav-url %s %s --follow %s` (or GET %s/tasks/%s)",
		o.f.target.VCAVURL, what, id, o.f.target.VCAVURL, id)
}

// lifecycleStateCheck judges a recovery state for the operation l.
func lifecycleStateCheck(l *vcavLifecycle, state vcav.RecoveryState) (string, string) {
	if l.startsFrom(state) {
		return checkOK, string(state)
	}
	if remedy, ok := l.remedy[state]; ok {
		return checkFail, fmt.Sprintf("%s: %s", state, remedy)
	}
	return checkFail, fmt.Sprintf("%q: not a state a %s starts from", state, l.noun)
}

// recoveryStateOf is the recovery state of a VM replication ("" unknown).
func recoveryStateOf(r *vcav.SingleVmReplicationInfo) vcav.RecoveryState {
	if ds := r.DestinationState; ds != nil && ds.RecoveryInfo != nil {
		return ds.RecoveryInfo.RecoveryState
	}
	return ""
}
