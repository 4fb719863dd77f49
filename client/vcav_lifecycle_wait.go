package client

import (
	"context"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// andWait starts an operation with start (given the call options the wait
// options imply), waits for its task with WaitTask and returns the
// replication the task left (its result).
func (c *VCAV) andWait(ctx context.Context, opts []WaitOption,
	start func(call []CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error)) (*vcav.SingleVmReplicationInfo, error) {
	task, err := start(waitCallOptions(opts))
	if err != nil {
		return nil, err
	}
	done, err := c.WaitTask(ctx, task.Id, opts...)
	if err != nil {
		return nil, err
	}
	return c.FailoverResult(done)
}

// waitCallOptions are the call options the wait options carry (the site).
func waitCallOptions(opts []WaitOption) []CallOption {
	if site := newWaitConfig(opts).site; site != "" {
		return []CallOption{Site(site)}
	}
	return nil
}

// TestFailoverAndWait runs TestFailover and waits for its task; it returns
// the replication as the test left it. A FAILED task gives a
// *TaskFailedError.
func (c *VCAV) TestFailoverAndWait(ctx context.Context, id string, settings vcav.VmReplicationFailoverTestSettings, opts ...WaitOption) (*vcav.SingleVmReplicationInfo, error) {
	return c.andWait(ctx, opts, func(call []CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
		return c.TestFailover(ctx, id, settings, call...)
	})
}

// CleanupTestFailoverAndWait runs CleanupTestFailover and waits for it.
func (c *VCAV) CleanupTestFailoverAndWait(ctx context.Context, id string, opts ...WaitOption) (*vcav.SingleVmReplicationInfo, error) {
	return c.andWait(ctx, opts, func(call []CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
		return c.CleanupTestFailover(ctx, id, call...)
	})
}

// FailoverToCloudAndWait runs FailoverToCloud and waits for it.
func (c *VCAV) FailoverToCloudAndWait(ctx context.Context, id string, settings vcav.VmFailoverSettings, opts ...WaitOption) (*vcav.SingleVmReplicationInfo, error) {
	return c.andWait(ctx, opts, func(call []CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
		return c.FailoverToCloud(ctx, id, settings, call...)
	})
}

// MigrateAndWait runs Migrate and waits for it.
func (c *VCAV) MigrateAndWait(ctx context.Context, id string, settings vcav.VmReplicationPlannedMigrationSettings, opts ...WaitOption) (*vcav.SingleVmReplicationInfo, error) {
	return c.andWait(ctx, opts, func(call []CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
		return c.Migrate(ctx, id, settings, call...)
	})
}

// ReverseAndWait runs Reverse and waits for it.
func (c *VCAV) ReverseAndWait(ctx context.Context, id string, opts ...WaitOption) (*vcav.SingleVmReplicationInfo, error) {
	return c.andWait(ctx, opts, func(call []CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
		return c.Reverse(ctx, id, call...)
	})
}

// SyncAndWait runs Sync and waits for it.
func (c *VCAV) SyncAndWait(ctx context.Context, id string, opts ...WaitOption) (*vcav.SingleVmReplicationInfo, error) {
	return c.andWait(ctx, opts, func(call []CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
		return c.Sync(ctx, id, call...)
	})
}

// PauseAndWait runs Pause and waits for it.
func (c *VCAV) PauseAndWait(ctx context.Context, id string, opts ...WaitOption) (*vcav.SingleVmReplicationInfo, error) {
	return c.andWait(ctx, opts, func(call []CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
		return c.Pause(ctx, id, call...)
	})
}

// ResumeAndWait runs Resume and waits for it.
func (c *VCAV) ResumeAndWait(ctx context.Context, id string, opts ...WaitOption) (*vcav.SingleVmReplicationInfo, error) {
	return c.andWait(ctx, opts, func(call []CallOption) (*vcav.C4ApiTaskOfSingleVmReplicationInfo, error) {
		return c.Resume(ctx, id, call...)
	})
}

// DeleteReplicationAndWait runs DeleteReplication and waits for its task.
func (c *VCAV) DeleteReplicationAndWait(ctx context.Context, id string, opts ...WaitOption) error {
	task, err := c.DeleteReplication(ctx, id, waitCallOptions(opts)...)
	if err != nil {
		return err
	}
	_, err = c.WaitTask(ctx, task.Id, opts...)
	return err
}
