package server

// failoverTask is the task of a VCHA cluster failover; its effect is
// swapRoles.
var (
	failoverTask = &vchaTaskKind{
		service: "com.vmware.vcenter.vcha.cluster", operation: "failover",
		descID: "com.vmware.vcenter.vcha.cluster.failover", desc: "Initiate failover",
		running: "Failover in progress", done: "Failover completed", failure: "Failover failed",
	}
)

// swapRoles is the effect of a successful failover: node1 and node2 swap
// their ACTIVE and PASSIVE roles.
func (m *vchaMock) swapRoles() {
	r1, r2 := runtimeOf(m.cluster.Node1), runtimeOf(m.cluster.Node2)
	if r1 != nil && r2 != nil {
		r1.Role, r2.Role = r2.Role, r1.Role
	}
}
