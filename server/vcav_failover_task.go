package server

import (
	"time"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavFailoverKind is the task of a VM replication failover: its result is
// the failed-over replication.
var vcavFailoverKind = &vcavTaskKind{
	workflow: "failover", resourceType: vcavResourceReplication, resultType: vcavResultReplicationType,
}

// The resource and result types of tasks that act on a VM replication.
const (
	vcavResourceReplication   = "vmReplication"
	vcavResultReplicationType = "SingleVmReplicationInfo"
)

// failoverEffect is what a failover task of replication id does when it
// ends: on success the replication is failed over (vcavCompleteFailover)
// and becomes the task's result; on failure it is put back to NOT_STARTED.
func (m *vcavMock) failoverEffect(id string) taskEffect {
	return m.replicationEffect(id, vcavCompleteFailover, vcav.RecoveryStateNOTSTARTED)
}

// replicationEffect is the effect of a task on replication id: apply on
// success, the result being the replication as it left it; on failure the
// recovery state becomes undo. A replication the mock no longer holds is
// left alone. The effect runs with m.mu held.
func (m *vcavMock) replicationEffect(id string, apply func(*vcav.SingleVmReplicationInfo, time.Time), undo vcav.RecoveryState) taskEffect {
	return taskEffect{
		succeed: func(end time.Time) []byte {
			r, ok := m.repls[id]
			if !ok {
				return nil
			}
			apply(r, end)
			return vcavEncodeReplication(r)
		},
		fail: func(end time.Time) {
			if r, ok := m.repls[id]; ok {
				vcavSetRecoveryState(r, undo, end)
			}
		},
	}
}
