package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/conformance"
	"github.com/failoverkit/failoverkit/gen/vcha"
)

// vchaFailover fails a vCenter HA cluster over with the VCHA client.
type vchaFailover struct {
	f       *failoverFlags
	creds   conformance.Credentials
	c       *client.VCHA
	passive string // the node (node1 or node2) that should become ACTIVE
}

func newVCHAFailover(f *failoverFlags, creds conformance.Credentials) (*vchaFailover, error) {
	if creds.VCHAUser == "" || creds.VCHAPassword == "" {
		return nil, usageError("failover vcha needs %s and %s (environment or --credentials FILE)", conformance.EnvVCHAUser, conformance.EnvVCHAPassword)
	}
	c, err := client.NewVCHA(f.target.VCHAURL, f.clientOptions()...)
	if err != nil {
		return nil, usageError("%w", err)
	}
	return &vchaFailover{f: f, creds: creds, c: c}, nil
}

func (o *vchaFailover) login(ctx context.Context) error {
	return o.c.Login(ctx, o.creds.VCHAUser, o.creds.VCHAPassword)
}

func (o *vchaFailover) logout(ctx context.Context) { _ = o.c.Logout(ctx) }

// vchaMember is one member of the cluster, by its name in the cluster info.
type vchaMember struct {
	name    string
	runtime *vcha.VchaClusterNodeRuntimeInfo
}

func vchaMembers(info *vcha.VchaClusterInfo) []vchaMember {
	var ms []vchaMember
	add := func(name string, rt *vcha.VchaClusterNodeRuntimeInfo) { ms = append(ms, vchaMember{name, rt}) }
	if info.Node1 != nil {
		add("node1", info.Node1.Runtime)
	}
	if info.Node2 != nil {
		add("node2", info.Node2.Runtime)
	}
	if info.Witness != nil {
		add("witness", info.Witness.Runtime)
	}
	return ms
}

// role, state and vmName read a member's runtime, "" when missing.
func (m vchaMember) role() string  { return string(deref(m.rtRole())) }
func (m vchaMember) state() string { return string(deref(m.rtState())) }
func (m vchaMember) rtRole() *vcha.VchaClusterNodeRole {
	if m.runtime == nil {
		return nil
	}
	return m.runtime.Role
}
func (m vchaMember) rtState() *vcha.VchaClusterNodeState {
	if m.runtime == nil {
		return nil
	}
	return m.runtime.State
}
func (m vchaMember) vmName() string {
	if m.runtime == nil || m.runtime.Placement == nil {
		return ""
	}
	return m.runtime.Placement.VmName
}

// memberWithRole returns the first member with role, or false.
func memberWithRole(info *vcha.VchaClusterInfo, role vcha.VchaClusterNodeRole) (vchaMember, bool) {
	for _, m := range vchaMembers(info) {
		if m.role() == string(role) {
			return m, true
		}
	}
	return vchaMember{}, false
}

func (o *vchaFailover) preflight(ctx context.Context) (*preflight, error) {
	info, err := o.c.Cluster(ctx, false)
	if isStatus(err, http.StatusForbidden) {
		return nil, fmt.Errorf("%s may not read the cluster (the failover needs Global.VCServer): %w", o.creds.VCHAUser, err)
	}
	if err != nil {
		return nil, err
	}
	kind := "planned"
	if o.f.forced {
		kind = "forced"
	}
	pf := &preflight{subject: "the vCenter HA cluster (" + kind + " failover)", confirm: "vcha"}
	if active, ok := memberWithRole(info, vcha.VchaClusterNodeRoleACTIVE); ok && active.vmName() != "" {
		pf.confirm = active.vmName()
		pf.subject = fmt.Sprintf("the vCenter HA cluster of %s (%s failover)", active.vmName(), kind)
	}
	vchaConfigChecks(pf, info)
	o.memberChecks(pf, info)
	o.healthCheck(pf, info)
	return pf, nil
}

// vchaConfigChecks judges the configuration state, the mode and
// manual_failover_allowed.
func vchaConfigChecks(pf *preflight, info *vcha.VchaClusterInfo) {
	if cs := deref(info.ConfigState); cs == vcha.VchaClusterConfigStateCONFIGURED {
		pf.add("config state", checkOK, "CONFIGURED")
	} else {
		pf.add("config state", checkFail, "%s: the cluster is not configured", orDash(string(cs)))
	}
	switch mode := deref(info.Mode); mode {
	case vcha.VchaClusterClusterModeENABLED:
		pf.add("mode", checkOK, "ENABLED")
	case vcha.VchaClusterClusterModeMAINTENANCE:
		pf.add("mode", checkOK, "MAINTENANCE (no automatic failover; a manual one is possible)")
	default:
		pf.add("mode", checkFail, "%s: state replication is off; set the mode to ENABLED or MAINTENANCE first", orDash(string(mode)))
	}
	switch {
	case info.ManualFailoverAllowed == nil:
		pf.add("manual failover", checkWarn, "manual_failover_allowed not reported")
	case *info.ManualFailoverAllowed:
		pf.add("manual failover", checkOK, "allowed")
	default:
		pf.add("manual failover", checkFail, "the cluster says manual_failover_allowed is false")
	}
}

// memberChecks judges each member's state and the roles.
func (o *vchaFailover) memberChecks(pf *preflight, info *vcha.VchaClusterInfo) {
	for _, m := range vchaMembers(info) {
		st := checkOK
		if m.state() != string(vcha.VchaClusterNodeStateUP) {
			st = checkFail
		}
		pf.add(m.name, st, "%s %s%s", orDash(m.role()), orDash(m.state()), vmSuffix(m.vmName()))
	}
	active, okA := memberWithRole(info, vcha.VchaClusterNodeRoleACTIVE)
	passive, okP := memberWithRole(info, vcha.VchaClusterNodeRolePASSIVE)
	if !okA || !okP {
		pf.add("roles", checkFail, "no ACTIVE and PASSIVE node pair")
		return
	}
	o.passive = passive.name
	pf.add("roles", checkOK, "%s is ACTIVE; %s takes over", active.name, passive.name)
}

// healthCheck: a planned failover needs a HEALTHY cluster (the passive
// node in sync); a forced one goes on with a warning.
func (o *vchaFailover) healthCheck(pf *preflight, info *vcha.VchaClusterInfo) {
	h := deref(info.HealthState)
	switch {
	case h == vcha.VchaClusterClusterStateHEALTHY:
		pf.add("health", checkOK, "HEALTHY")
	case o.f.forced:
		pf.add("health", checkWarn, "%s: a forced failover may lose data", orDash(string(h)))
	default:
		pf.add("health", checkFail, "%s: a planned failover needs HEALTHY (the passive node in sync); --forced fails over anyway and may lose data", orDash(string(h)))
	}
}

func vmSuffix(name string) string {
	if name == "" {
		return ""
	}
	return " (VM " + name + ")"
}

func (o *vchaFailover) start(ctx context.Context) (string, error) {
	return o.c.Failover(ctx, !o.f.forced)
}

// wait waits for the task through the outage. A task lost in it (the new
// active node does not know it) is judged by the cluster roles.
func (o *vchaFailover) wait(ctx context.Context, id string, progress func(string, int)) (string, map[string]string, error) {
	_, err := o.c.WaitTask(ctx, id, o.f.waitOptions(progress)...)
	var lost *client.TaskLostError
	if err != nil && !errors.As(err, &lost) {
		return "", nil, err
	}
	info, rerr := o.c.Cluster(ctx, false)
	if rerr != nil {
		if lost != nil {
			return "", nil, fmt.Errorf("%w; reading the cluster roles failed too: %w", err, rerr)
		}
		return fmt.Sprintf("failover task %s succeeded", id), nil, nil
	}
	active, _ := memberWithRole(info, vcha.VchaClusterNodeRoleACTIVE)
	details := map[string]string{"active": active.name, "activeVM": active.vmName()}
	switch {
	case lost == nil:
		return fmt.Sprintf("failover succeeded: %s%s is now ACTIVE", active.name, vmSuffix(active.vmName())), details, nil
	case o.passive == "": // --follow: the roles before the failover are unknown
		return "", details, fmt.Errorf("%w; the cluster roles now show %s ACTIVE: compare with the roles before the failover", err, orDash(active.name))
	case active.name == o.passive:
		details["verifiedBy"] = "cluster roles"
		return fmt.Sprintf("failover succeeded: the task was lost in the outage, but the cluster roles show %s%s, the former passive node, ACTIVE",
			active.name, vmSuffix(active.vmName())), details, nil
	default:
		return "", details, fmt.Errorf("%w; the cluster roles still show %s ACTIVE, not %s", err, orDash(active.name), o.passive)
	}
}

func (o *vchaFailover) follow(id string) string {
	return fmt.Sprintf("`failoverkit failover vcha --vcha-url %s --follow %s` (or GET %s/api/cis/tasks/%s)",
		o.f.target.VCHAURL, id, o.f.target.VCHAURL, id)
}
