package client

import (
	"context"
	"fmt"
	"net/http"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// The operationIds of the VM replication lifecycle.
const (
	opVCAVTestFailover = "testFailoverVmReplication"
	opVCAVTestCleanup  = "cleanupTestFailoverVmReplication"
	opVCAVMigrate      = "migrateVmReplication"
	opVCAVReverse      = "reverseVmReplication"
	opVCAVSync         = "syncVmReplication"
	opVCAVPause        = "pauseVmReplication"
	opVCAVResume       = "resumeVmReplication"
	opVCAVDelete       = "deleteVmReplication"
)

// replicationOp sends one lifecycle request of replication id through send
// (given the site parameter) and decodes the 202 task into out. secrets
// are redacted from errors.
func (c *VCAV) replicationOp(ctx context.Context, op, id string, opts []CallOption, out any,
	send func(site *string) (*http.Response, error), secrets ...string) error {
	if id == "" {
		return fmt.Errorf("%s %s: empty replication id", apiVCAV, op)
	}
	resp, err := send(newCallConfig(opts).siteParam())
	_, err = c.call.do(op, resp, err, out, secrets...)
	return err
}

// replicationTask runs replicationOp for an operation whose task returns
// the replication.
func (c *VCAV) replicationTask(ctx context.Context, op, id string, opts []CallOption,
	send func(site *string) (*http.Response, error), secrets ...string) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
	var task vcav.C4ApiTaskOfSingleVmReplicationInfo
	if err := c.replicationOp(ctx, op, id, opts, &task, send, secrets...); err != nil {
		return nil, err
	}
	return &task, nil
}

// TestFailover starts a test failover of the VM replication (recovery
// state NOT_STARTED → TEST) and returns its task. A zero settings value
// tests the latest instance into Cloud Director. A recovery state that
// forbids it gives a *VCAVError with code InvalidRecoveryState.
func (c *VCAV) TestFailover(ctx context.Context, id string, settings vcav.VmReplicationFailoverTestSettings, opts ...CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
	return c.replicationTask(ctx, opVCAVTestFailover, id, opts, func(site *string) (*http.Response, error) {
		return c.raw.TestFailoverVmReplication(ctx, id, &vcav.TestFailoverVmReplicationParams{Site: site}, settings)
	})
}

// CleanupTestFailover removes the test failover image (TEST → NOT_STARTED)
// and returns the task.
func (c *VCAV) CleanupTestFailover(ctx context.Context, id string, opts ...CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
	return c.replicationTask(ctx, opVCAVTestCleanup, id, opts, func(site *string) (*http.Response, error) {
		return c.raw.CleanupTestFailoverVmReplication(ctx, id, &vcav.CleanupTestFailoverVmReplicationParams{Site: site})
	})
}

// Migrate starts a planned migration (→ COMPLETE) and returns the task.
// settings.Type defaults to vcloud when empty.
func (c *VCAV) Migrate(ctx context.Context, id string, settings vcav.VmReplicationPlannedMigrationSettings, opts ...CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
	if settings.Type == "" {
		settings.Type = vcav.VmReplicationPlannedMigrationSettingsTypeVcloud
	}
	return c.replicationTask(ctx, opVCAVMigrate, id, opts, func(site *string) (*http.Response, error) {
		return c.raw.MigrateVmReplication(ctx, id, &vcav.MigrateVmReplicationParams{Site: site}, settings)
	})
}

// Reverse re-protects a recovered replication the other way (COMPLETE →
// NOT_STARTED) and returns the task.
func (c *VCAV) Reverse(ctx context.Context, id string, opts ...CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
	return c.ReverseWithOnPremAuth(ctx, id, "", opts...)
}

// ReverseWithOnPremAuth is Reverse with the On-Prem-Auth header (sent when
// not empty, and never shown in errors).
func (c *VCAV) ReverseWithOnPremAuth(ctx context.Context, id, onPremAuth string, opts ...CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
	params := &vcav.ReverseVmReplicationParams{}
	if onPremAuth != "" {
		params.OnPremAuth = &onPremAuth
	}
	return c.replicationTask(ctx, opVCAVReverse, id, opts, func(site *string) (*http.Response, error) {
		params.Site = site
		return c.raw.ReverseVmReplication(ctx, id, params)
	}, onPremAuth)
}

// Sync takes a new instance of the replication now and returns the task.
func (c *VCAV) Sync(ctx context.Context, id string, opts ...CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
	return c.replicationTask(ctx, opVCAVSync, id, opts, func(site *string) (*http.Response, error) {
		return c.raw.SyncVmReplication(ctx, id, &vcav.SyncVmReplicationParams{Site: site})
	})
}

// Pause pauses the replication and returns the task.
func (c *VCAV) Pause(ctx context.Context, id string, opts ...CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
	return c.replicationTask(ctx, opVCAVPause, id, opts, func(site *string) (*http.Response, error) {
		return c.raw.PauseVmReplication(ctx, id, &vcav.PauseVmReplicationParams{Site: site})
	})
}

// Resume resumes the replication and returns the task.
func (c *VCAV) Resume(ctx context.Context, id string, opts ...CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
	return c.replicationTask(ctx, opVCAVResume, id, opts, func(site *string) (*http.Response, error) {
		return c.raw.ResumeVmReplication(ctx, id, &vcav.ResumeVmReplicationParams{Site: site})
	})
}

// DeleteReplication stops and removes the replication and returns the task
// (which has no result).
func (c *VCAV) DeleteReplication(ctx context.Context, id string, opts ...CallOption) (*vcav.C4ApiTask, error) {
	var task vcav.C4ApiTask
	err := c.replicationOp(ctx, opVCAVDelete, id, opts, &task, func(site *string) (*http.Response, error) {
		return c.raw.DeleteVmReplication(ctx, id, &vcav.DeleteVmReplicationParams{Site: site})
	})
	if err != nil {
		return nil, err
	}
	return &task, nil
}
