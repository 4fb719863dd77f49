package client

import (
	"context"
	"net/http"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// The operationIds of the vApp replication lifecycle.
const (
	opVCAVVappFailover     = "failoverVappReplication"
	opVCAVVappTestFailover = "testFailoverVappReplication"
	opVCAVVappTestCleanup  = "cleanupTestFailoverVappReplication"
	opVCAVVappMigrate      = "migrateVappReplication"
	opVCAVVappReverse      = "reverseVappReplication"
	opVCAVVappSync         = "syncVappReplication"
	opVCAVVappPause        = "pauseVappReplication"
	opVCAVVappResume       = "resumeVappReplication"
	opVCAVVappDelete       = "deleteVappReplication"
)

// vappTask runs replicationOp for a vApp operation, whose task returns the
// vApp replication with its VMs.
func (c *VCAV) vappTask(ctx context.Context, op, id string, opts []CallOption,
	send func(site *string) (*http.Response, error), secrets ...string) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
	var task vcav.C4ApiTaskOfVappReplicationInfo
	if err := c.replicationOp(ctx, op, id, opts, &task, send, secrets...); err != nil {
		return nil, err
	}
	return &task, nil
}

// vappSettingsType sets a missing settings type to vcloud.
func vappSettingsType(s vcav.VappReplicationFailoverSettings) vcav.VappReplicationFailoverSettings {
	if s.Type == nil {
		t := vcav.VappReplicationFailoverSettingsTypeVcloud
		s.Type = &t
	}
	return s
}

// FailoverVapp fails every VM of the vApp replication over into one
// recovered vApp (NOT_STARTED → COMPLETE) and returns the task. A zero
// settings value fails the latest instances over into Cloud Director
// (type vcloud). A VM whose state forbids it refuses the whole vApp with a
// *VCAVError (code InvalidRecoveryState).
func (c *VCAV) FailoverVapp(ctx context.Context, id string, settings vcav.VappReplicationFailoverSettings, opts ...CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
	body := vappSettingsType(settings)
	return c.vappTask(ctx, opVCAVVappFailover, id, opts, func(site *string) (*http.Response, error) {
		return c.raw.FailoverVappReplication(ctx, id, &vcav.FailoverVappReplicationParams{Site: site}, body)
	})
}

// TestFailoverVapp starts a test failover of every VM of the vApp
// (NOT_STARTED → TEST) and returns the task; settings as for FailoverVapp.
func (c *VCAV) TestFailoverVapp(ctx context.Context, id string, settings vcav.VappReplicationFailoverSettings, opts ...CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
	body := vappSettingsType(settings)
	return c.vappTask(ctx, opVCAVVappTestFailover, id, opts, func(site *string) (*http.Response, error) {
		return c.raw.TestFailoverVappReplication(ctx, id, &vcav.TestFailoverVappReplicationParams{Site: site}, body)
	})
}

// CleanupTestFailoverVapp removes the vApp's test failover images (TEST →
// NOT_STARTED) and returns the task.
func (c *VCAV) CleanupTestFailoverVapp(ctx context.Context, id string, opts ...CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
	return c.vappTask(ctx, opVCAVVappTestCleanup, id, opts, func(site *string) (*http.Response, error) {
		return c.raw.CleanupTestFailoverVappReplication(ctx, id, &vcav.CleanupTestFailoverVappReplicationParams{Site: site})
	})
}

// MigrateVapp starts a planned migration of every VM of the vApp (→
// COMPLETE, after a final sync) and returns the task. settings.Type
// defaults to vcloud when empty. A paused VM refuses the whole vApp with
// code ReplicationPaused.
func (c *VCAV) MigrateVapp(ctx context.Context, id string, settings vcav.VappReplicationPlannedMigrationSettings, opts ...CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
	if settings.Type == "" {
		settings.Type = vcav.VappReplicationPlannedMigrationSettingsTypeVcloud
	}
	return c.vappTask(ctx, opVCAVVappMigrate, id, opts, func(site *string) (*http.Response, error) {
		return c.raw.MigrateVappReplication(ctx, id, &vcav.MigrateVappReplicationParams{Site: site}, settings)
	})
}

// ReverseVapp re-protects a recovered vApp the other way (COMPLETE →
// NOT_STARTED) and returns the task.
func (c *VCAV) ReverseVapp(ctx context.Context, id string, opts ...CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
	return c.ReverseVappWithOnPremAuth(ctx, id, "", opts...)
}

// ReverseVappWithOnPremAuth is ReverseVapp with the On-Prem-Auth header
// (sent when not empty, and never shown in errors).
func (c *VCAV) ReverseVappWithOnPremAuth(ctx context.Context, id, onPremAuth string, opts ...CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
	params := &vcav.ReverseVappReplicationParams{}
	if onPremAuth != "" {
		params.OnPremAuth = &onPremAuth
	}
	return c.vappTask(ctx, opVCAVVappReverse, id, opts, func(site *string) (*http.Response, error) {
		params.Site = site
		return c.raw.ReverseVappReplication(ctx, id, params)
	}, onPremAuth)
}

// SyncVapp takes a new instance of every VM of the vApp now and returns
// the task.
func (c *VCAV) SyncVapp(ctx context.Context, id string, opts ...CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
	return c.vappTask(ctx, opVCAVVappSync, id, opts, func(site *string) (*http.Response, error) {
		return c.raw.SyncVappReplication(ctx, id, &vcav.SyncVappReplicationParams{Site: site})
	})
}

// PauseVapp pauses every VM of the vApp and returns the task.
func (c *VCAV) PauseVapp(ctx context.Context, id string, opts ...CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
	return c.vappTask(ctx, opVCAVVappPause, id, opts, func(site *string) (*http.Response, error) {
		return c.raw.PauseVappReplication(ctx, id, &vcav.PauseVappReplicationParams{Site: site})
	})
}

// ResumeVapp resumes every VM of the vApp and returns the task.
func (c *VCAV) ResumeVapp(ctx context.Context, id string, opts ...CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
	return c.vappTask(ctx, opVCAVVappResume, id, opts, func(site *string) (*http.Response, error) {
		return c.raw.ResumeVappReplication(ctx, id, &vcav.ResumeVappReplicationParams{Site: site})
	})
}

// DeleteVappReplication stops and removes the vApp replication and its VM
// replications, and returns the task (which has no result).
func (c *VCAV) DeleteVappReplication(ctx context.Context, id string, opts ...CallOption) (*vcav.C4ApiTask, error) {
	var task vcav.C4ApiTask
	err := c.replicationOp(ctx, opVCAVVappDelete, id, opts, &task, func(site *string) (*http.Response, error) {
		return c.raw.DeleteVappReplication(ctx, id, &vcav.DeleteVappReplicationParams{Site: site})
	})
	if err != nil {
		return nil, err
	}
	return &task, nil
}
