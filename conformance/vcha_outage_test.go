package conformance

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/server"
)

// TestVCHAFailover_ThroughTheOutage runs the planned-failover case against a
// mock whose failover has its switch-over outage on (the default of
// `failoverkit mock`): the poller sees reset connections (when the outage
// starts with a reset phase), then 503s, then 401 once the sessions are
// gone, logs in again and finds the task SUCCEEDED; the case then checks
// the old token stays refused and reads the swapped roles with the new
// session. The mock runs on the real clock with short durations (the suite
// polls on wall time).
func TestVCHAFailover_ThroughTheOutage(t *testing.T) {
	t.Run("503", func(t *testing.T) { suiteWaitsThroughOutage(t, 0) })
	t.Run("reset then 503", func(t *testing.T) { suiteWaitsThroughOutage(t, 700*time.Millisecond) })
}

// suiteWaitsThroughOutage runs that case with the outage's first reset
// resetting connections: the poller reports them as unreachable.
func suiteWaitsThroughOutage(t *testing.T, reset time.Duration) {
	em, err := StartMock(server.WithTaskDuration(200*time.Millisecond), server.WithVCHAOutage(1500*time.Millisecond),
		server.WithVCHAOutageReset(reset))
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, em.Close()) })
	target, err := em.Target()
	require.NoError(t, err)

	var mu sync.Mutex
	var lines []string
	rep, err := Check(context.Background(), target,
		WithFilter(func(c Case) bool { return c.Name == "vcha.failover.planned" }),
		WithPollInterval(50*time.Millisecond), WithTaskTimeout(30*time.Second),
		WithProgress(func(line string) { mu.Lock(); lines = append(lines, line); mu.Unlock() }))
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	res := rep.Results[0]
	assert.Equal(t, StatusPass, res.Status, "%s %+v", res.Reason, res.Findings)

	mu.Lock()
	progress := strings.Join(lines, "\n")
	mu.Unlock()
	assert.Contains(t, progress, "unavailable (503)", "the poller saw the outage")
	if reset > 0 {
		assert.Contains(t, progress, "unreachable", "the poller saw reset connections")
	}
	assert.Contains(t, progress, "refused with 401", "the sessions were gone after it")
	assert.Contains(t, progress, "logging in again")
	assert.Contains(t, progress, "SUCCEEDED")

	state := em.Mock.State().VCHA.Cluster
	assert.Equal(t, "PASSIVE", string(*state.Node1.Runtime.Role), "the failover happened")
}
