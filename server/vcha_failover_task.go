package server

import "time"

// failoverTask is the task of a VCHA cluster failover; its effect is
// swapRoles.
var (
	failoverTask = &vchaTaskKind{
		service: "com.vmware.vcenter.vcha.cluster", operation: "failover",
		descID: "com.vmware.vcenter.vcha.cluster.failover", desc: "Initiate failover",
		running: "Failover in progress", done: "Failover completed", failure: "Failover failed",
	}
)

// failoverEffect is the effect of a successful failover at its
// switch-over point end: node1 and node2 swap their ACTIVE and PASSIVE
// roles, then the switch-over plays out (see switchOver).
func failoverEffect(m *vchaMock, end time.Time) {
	m.swapRoles()
	m.switchOver(end)
}

// swapRoles swaps the ACTIVE and PASSIVE roles of node1 and node2.
func (m *vchaMock) swapRoles() {
	r1, r2 := runtimeOf(m.cluster.Node1), runtimeOf(m.cluster.Node2)
	if r1 != nil && r2 != nil {
		r1.Role, r2.Role = r2.Role, r1.Role
	}
}
