package main

import (
	"context"
	"slices"
	"strings"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavLifecycle is one VCAV operation `failoverkit failover vcav --op`
// runs: its name, what it is called in messages, the recovery states it
// starts from (with the remedy for the others), how a paused replication
// is judged, and how it starts on a VM and on a vApp replication.
type vcavLifecycle struct {
	name, noun string
	// prompt completes "This ... Type NAME to confirm", e.g. "fails %s over".
	prompt string
	// from are the recovery states the operation starts from; remedy says
	// what to do in each other state.
	from   []vcav.RecoveryState
	remedy map[vcav.RecoveryState]string
	// paused judges a paused (true) or replicating (false) replication:
	// a check status and its detail.
	paused func(isPaused bool) (string, string)
	vm     func(ctx context.Context, c *client.VCAV, id string) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error)
	vapp   func(ctx context.Context, c *client.VCAV, id string) (*vcav.C4ApiTaskOfVappReplicationInfo, error)
}

// The remedies of the recovery states an operation does not start from.
const (
	remedyTest       = "a test failover image exists; clean up the test failover first"
	remedyInProgress = "a recovery is already running"
	remedyComplete   = "already failed over; reverse the replication first"
	remedyNotStarted = "not recovered; fail it over or migrate it first"
)

// pausedInfo shows the paused flag without judging it.
func pausedInfo(isPaused bool) (string, string) {
	if isPaused {
		return checkWarn, "paused: the operation uses the latest instance (VCDA does not refuse a paused replication)"
	}
	return checkOK, "not paused"
}

// pausedRefuses refuses a paused replication: the public clients skip it
// (pause, sync) and the mock refuses it (failoverkit choice).
func pausedRefuses(what string) func(bool) (string, string) {
	return func(isPaused bool) (string, string) {
		if isPaused {
			return checkFail, "paused: " + what + "; resume it first"
		}
		return checkOK, "not paused"
	}
}

// vcavLifecycles are the operations of `failoverkit failover vcav --op`,
// the first the default.
var vcavLifecycles = []*vcavLifecycle{
	{name: "failover", noun: "failover", prompt: "fails %s over",
		from:   []vcav.RecoveryState{vcav.RecoveryStateNOTSTARTED},
		remedy: map[vcav.RecoveryState]string{vcav.RecoveryStateTEST: remedyTest, vcav.RecoveryStateINPROGRESS: remedyInProgress, vcav.RecoveryStateCOMPLETE: remedyComplete},
		paused: pausedInfo,
		vm: func(ctx context.Context, c *client.VCAV, id string) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
			return c.FailoverToCloud(ctx, id, vcav.VmFailoverSettings{})
		},
		vapp: func(ctx context.Context, c *client.VCAV, id string) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
			return c.FailoverVapp(ctx, id, vcav.VappReplicationFailoverSettings{})
		}},
	{name: "test", noun: "test failover", prompt: "runs a test failover of %s",
		from:   []vcav.RecoveryState{vcav.RecoveryStateNOTSTARTED},
		remedy: map[vcav.RecoveryState]string{vcav.RecoveryStateTEST: "a test failover image already exists; clean it up first", vcav.RecoveryStateINPROGRESS: remedyInProgress, vcav.RecoveryStateCOMPLETE: remedyComplete},
		paused: pausedInfo,
		vm: func(ctx context.Context, c *client.VCAV, id string) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
			return c.TestFailover(ctx, id, vcav.VmReplicationFailoverTestSettings{})
		},
		vapp: func(ctx context.Context, c *client.VCAV, id string) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
			return c.TestFailoverVapp(ctx, id, vcav.VappReplicationFailoverSettings{})
		}},
	{name: "cleanup", noun: "test cleanup", prompt: "removes the test failover image of %s",
		from:   []vcav.RecoveryState{vcav.RecoveryStateTEST},
		remedy: map[vcav.RecoveryState]string{vcav.RecoveryStateNOTSTARTED: "no test failover image to clean up; run a test failover first", vcav.RecoveryStateINPROGRESS: remedyInProgress, vcav.RecoveryStateCOMPLETE: "failed over, no test failover image to clean up"},
		paused: pausedInfo, vm: vmCall((*client.VCAV).CleanupTestFailover), vapp: vappCall((*client.VCAV).CleanupTestFailoverVapp)},
	{name: "migrate", noun: "planned migration", prompt: "migrates %s (the source is powered off)",
		from:   []vcav.RecoveryState{vcav.RecoveryStateNOTSTARTED},
		remedy: map[vcav.RecoveryState]string{vcav.RecoveryStateTEST: remedyTest, vcav.RecoveryStateINPROGRESS: remedyInProgress, vcav.RecoveryStateCOMPLETE: remedyComplete},
		paused: pausedRefuses("a migration syncs first"),
		vm: func(ctx context.Context, c *client.VCAV, id string) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
			return c.Migrate(ctx, id, vcav.VmReplicationPlannedMigrationSettings{})
		},
		vapp: func(ctx context.Context, c *client.VCAV, id string) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
			return c.MigrateVapp(ctx, id, vcav.VappReplicationPlannedMigrationSettings{})
		}},
	{name: "reverse", noun: "reverse", prompt: "reverses %s (it then replicates the other way)",
		from:   []vcav.RecoveryState{vcav.RecoveryStateCOMPLETE},
		remedy: map[vcav.RecoveryState]string{vcav.RecoveryStateNOTSTARTED: remedyNotStarted, vcav.RecoveryStateTEST: remedyTest, vcav.RecoveryStateINPROGRESS: remedyInProgress},
		paused: pausedInfo, vm: vmCall((*client.VCAV).Reverse), vapp: vappCall((*client.VCAV).ReverseVapp)},
	{name: "sync", noun: "sync", prompt: "syncs %s now",
		from:   []vcav.RecoveryState{vcav.RecoveryStateNOTSTARTED, vcav.RecoveryStateTEST},
		remedy: map[vcav.RecoveryState]string{vcav.RecoveryStateINPROGRESS: remedyInProgress, vcav.RecoveryStateCOMPLETE: "failed over, nothing replicates; reverse the replication first"},
		paused: pausedRefuses("a paused replication does not sync"), vm: vmCall((*client.VCAV).Sync), vapp: vappCall((*client.VCAV).SyncVapp)},
	{name: "pause", noun: "pause", prompt: "pauses %s",
		from:   []vcav.RecoveryState{vcav.RecoveryStateNOTSTARTED, vcav.RecoveryStateTEST, vcav.RecoveryStateCOMPLETE},
		remedy: map[vcav.RecoveryState]string{vcav.RecoveryStateINPROGRESS: remedyInProgress},
		paused: func(isPaused bool) (string, string) {
			if isPaused {
				return checkFail, "already paused"
			}
			return checkOK, "not paused"
		}, vm: vmCall((*client.VCAV).Pause), vapp: vappCall((*client.VCAV).PauseVapp)},
	{name: "resume", noun: "resume", prompt: "resumes %s",
		from:   []vcav.RecoveryState{vcav.RecoveryStateNOTSTARTED, vcav.RecoveryStateTEST, vcav.RecoveryStateCOMPLETE},
		remedy: map[vcav.RecoveryState]string{vcav.RecoveryStateINPROGRESS: remedyInProgress},
		paused: func(isPaused bool) (string, string) {
			if isPaused {
				return checkOK, "paused"
			}
			return checkWarn, "not paused: nothing to resume"
		}, vm: vmCall((*client.VCAV).Resume), vapp: vappCall((*client.VCAV).ResumeVapp)},
}

// vmCall adapts a client method of a VM replication operation without body.
func vmCall(f func(*client.VCAV, context.Context, string, ...client.CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error)) func(context.Context, *client.VCAV, string) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
	return func(ctx context.Context, c *client.VCAV, id string) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
		return f(c, ctx, id)
	}
}

// vappCall adapts a client method of a vApp replication operation without
// body.
func vappCall(f func(*client.VCAV, context.Context, string, ...client.CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error)) func(context.Context, *client.VCAV, string) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
	return func(ctx context.Context, c *client.VCAV, id string) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
		return f(c, ctx, id)
	}
}

// lookupLifecycle returns the operation named name.
func lookupLifecycle(name string) (*vcavLifecycle, bool) {
	i := slices.IndexFunc(vcavLifecycles, func(l *vcavLifecycle) bool { return l.name == name })
	if i < 0 {
		return nil, false
	}
	return vcavLifecycles[i], true
}

// lifecycleNames lists the operation names, for usage texts.
func lifecycleNames() string {
	names := make([]string, len(vcavLifecycles))
	for i, l := range vcavLifecycles {
		names[i] = l.name
	}
	return strings.Join(names, ", ")
}

// startsFrom reports whether the operation starts from state.
func (l *vcavLifecycle) startsFrom(state vcav.RecoveryState) bool {
	return slices.Contains(l.from, state)
}
