package server_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/server"
)

func TestTest_ReadyClientsAndLiveState(t *testing.T) {
	env := server.Test(t)
	require.True(t, env.VCAV.LoggedIn())
	require.True(t, env.VCHA.LoggedIn())
	ctx := context.Background()

	_, err := env.VCAV.FailoverToCloud(ctx, "C4-00000000-0000-0000-0000-000000000000", vcav.VmFailoverSettings{})
	assert.True(t, client.IsVCAVCode(err, "VmReplicationNotFound"), "typed vendor error: %v", err)

	// A second, logged-out client gets 401 in the vendor shape.
	anon, err := env.NewVCAV()
	require.NoError(t, err)
	_, err = anon.Session(ctx)
	var ve *client.VCAVError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, 401, ve.Status)

	// Faults set from Go reach the API.
	require.NoError(t, env.Mock.InjectFault(server.Fault{API: "vcav", OperationID: "getSession", Status: 500, Times: 1}))
	_, err = env.VCAV.Session(ctx)
	assert.True(t, client.IsVCAVCode(err, "GeneralServerFailure"), "%v", err)
}

func TestTest_ManualClockStepsThroughProgress(t *testing.T) {
	clock := server.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	env := server.Test(t, server.WithClock(clock), server.WithTaskDuration(10*time.Second))
	ctx := context.Background()
	task, err := env.VCAV.FailoverToCloud(ctx, "C4-09b2917c-bbe9-4693-ae3f-95b43a94b244", vcav.VmFailoverSettings{})
	require.NoError(t, err)
	clock.Advance(4 * time.Second)
	got, err := env.VCAV.Task(ctx, task.Id)
	require.NoError(t, err)
	assert.Equal(t, vcav.TaskStateRUNNING, got.State)
	assert.Equal(t, int32(40), got.Progress)
	clock.Advance(6 * time.Second)
	got, err = env.VCAV.Task(ctx, task.Id)
	require.NoError(t, err)
	assert.Equal(t, vcav.TaskStateSUCCEEDED, got.State)
}

// failingTB records a Fatalf instead of stopping the goroutine.
type failingTB struct {
	testing.TB
	failed bool
}

func (f *failingTB) Helper()                  {}
func (f *failingTB) Fatalf(string, ...any)    { f.failed = true }
func (f *failingTB) Cleanup(func())           {}
func (f *failingTB) Errorf(string, ...any)    { f.failed = true }
func (f *failingTB) Logf(string, ...any)      {}
func (f *failingTB) Name() string             { return "failing" }
func (f *failingTB) Failed() bool             { return f.failed }
func (f *failingTB) Context() context.Context { return context.Background() }
func (f *failingTB) TempDir() string          { return "" }
func (f *failingTB) Setenv(string, string)    {}
func (f *failingTB) Skipf(string, ...any)     {}
func (f *failingTB) Fatal(...any)             { f.failed = true }
func (f *failingTB) Error(...any)             { f.failed = true }

func TestTest_FailsThroughTNotPanic(t *testing.T) {
	bad := &server.Fixture{VCHA: &server.VCHAFixture{}}
	ftb := &failingTB{}
	assert.NotPanics(t, func() { server.Test(ftb, server.WithFixture(bad)) })
	assert.True(t, ftb.failed, "an invalid fixture fails the test")
}
