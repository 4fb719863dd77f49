package client

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vappAndWait starts a vApp operation with start (given the call options
// the wait options imply), waits for its task with WaitTask and returns
// the vApp replication the task left (its result).
func (c *VCAV) vappAndWait(ctx context.Context, opts []WaitOption,
	start func(call []CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error)) (*vcav.VappReplicationInfo, error) {
	task, err := start(waitCallOptions(opts))
	if err != nil {
		return nil, err
	}
	done, err := c.WaitTask(ctx, task.Id, opts...)
	if err != nil {
		return nil, err
	}
	return c.VappResult(done)
}

// VappResult decodes the result of a succeeded vApp task: the vApp
// replication with its VMs. It returns an error wrapping ErrNoTaskResult
// when the task did not succeed or has no result.
func (c *VCAV) VappResult(task *vcav.C4ApiTask) (*vcav.VappReplicationInfo, error) {
	if task == nil {
		return nil, fmt.Errorf("%s vApp result: nil task: %w", apiVCAV, ErrNoTaskResult)
	}
	if task.State != vcav.TaskStateSUCCEEDED || task.Result == nil {
		return nil, fmt.Errorf("%s vApp result of task %s (state %s): %w", apiVCAV, task.Id, task.State, ErrNoTaskResult)
	}
	b, err := json.Marshal(task.Result)
	if err != nil {
		return nil, fmt.Errorf("%s vApp result of task %s: %w", apiVCAV, task.Id, err)
	}
	var info vcav.VappReplicationInfo
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, fmt.Errorf("%s vApp result of task %s: not a vApp replication: %w", apiVCAV, task.Id, err)
	}
	if info.Id == "" {
		return nil, fmt.Errorf("%s vApp result of task %s: the result has no replication id: %w", apiVCAV, task.Id, ErrNoTaskResult)
	}
	return &info, nil
}

// FailoverVappAndWait runs FailoverVapp and waits for it; it returns the
// vApp as the failover left it. A FAILED task gives a *TaskFailedError.
func (c *VCAV) FailoverVappAndWait(ctx context.Context, id string, settings vcav.VappReplicationFailoverSettings, opts ...WaitOption) (*vcav.VappReplicationInfo, error) {
	return c.vappAndWait(ctx, opts, func(call []CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
		return c.FailoverVapp(ctx, id, settings, call...)
	})
}

// TestFailoverVappAndWait runs TestFailoverVapp and waits for it.
func (c *VCAV) TestFailoverVappAndWait(ctx context.Context, id string, settings vcav.VappReplicationFailoverSettings, opts ...WaitOption) (*vcav.VappReplicationInfo, error) {
	return c.vappAndWait(ctx, opts, func(call []CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
		return c.TestFailoverVapp(ctx, id, settings, call...)
	})
}

// CleanupTestFailoverVappAndWait runs CleanupTestFailoverVapp and waits for it.
func (c *VCAV) CleanupTestFailoverVappAndWait(ctx context.Context, id string, opts ...WaitOption) (*vcav.VappReplicationInfo, error) {
	return c.vappAndWait(ctx, opts, func(call []CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
		return c.CleanupTestFailoverVapp(ctx, id, call...)
	})
}

// MigrateVappAndWait runs MigrateVapp and waits for it.
func (c *VCAV) MigrateVappAndWait(ctx context.Context, id string, settings vcav.VappReplicationPlannedMigrationSettings, opts ...WaitOption) (*vcav.VappReplicationInfo, error) {
	return c.vappAndWait(ctx, opts, func(call []CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
		return c.MigrateVapp(ctx, id, settings, call...)
	})
}

// ReverseVappAndWait runs ReverseVapp and waits for it.
func (c *VCAV) ReverseVappAndWait(ctx context.Context, id string, opts ...WaitOption) (*vcav.VappReplicationInfo, error) {
	return c.vappAndWait(ctx, opts, func(call []CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
		return c.ReverseVapp(ctx, id, call...)
	})
}

// SyncVappAndWait runs SyncVapp and waits for it.
func (c *VCAV) SyncVappAndWait(ctx context.Context, id string, opts ...WaitOption) (*vcav.VappReplicationInfo, error) {
	return c.vappAndWait(ctx, opts, func(call []CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
		return c.SyncVapp(ctx, id, call...)
	})
}

// PauseVappAndWait runs PauseVapp and waits for it.
func (c *VCAV) PauseVappAndWait(ctx context.Context, id string, opts ...WaitOption) (*vcav.VappReplicationInfo, error) {
	return c.vappAndWait(ctx, opts, func(call []CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
		return c.PauseVapp(ctx, id, call...)
	})
}

// ResumeVappAndWait runs ResumeVapp and waits for it.
func (c *VCAV) ResumeVappAndWait(ctx context.Context, id string, opts ...WaitOption) (*vcav.VappReplicationInfo, error) {
	return c.vappAndWait(ctx, opts, func(call []CallOption) (*vcav.C4ApiTaskOfVappReplicationInfo, error) {
		return c.ResumeVapp(ctx, id, call...)
	})
}

// DeleteVappReplicationAndWait runs DeleteVappReplication and waits for its
// task.
func (c *VCAV) DeleteVappReplicationAndWait(ctx context.Context, id string, opts ...WaitOption) error {
	task, err := c.DeleteVappReplication(ctx, id, waitCallOptions(opts)...)
	if err != nil {
		return err
	}
	_, err = c.WaitTask(ctx, task.Id, opts...)
	return err
}
