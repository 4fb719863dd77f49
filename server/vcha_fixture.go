package server

import (
	"fmt"

	"github.com/failoverkit/failoverkit/gen/vcha"
	"github.com/failoverkit/failoverkit/spec"
)

// VCHAFixture is the vSphere part of a Fixture: the users who may log in and
// the one VCHA cluster, as Vcha_Cluster_Info with the vendor's field names.
// The derived cluster fields (health_state, health_warnings,
// health_exception, manual_failover_allowed, auto_failover_allowed) are
// accepted but ignored: the mock computes them from the rest on every read.
type VCHAFixture struct {
	Users   []User               `json:"users"`
	Cluster vcha.VchaClusterInfo `json:"cluster"`
	// DeploymentType is what GET /api/vcenter/vcha/cluster/deployment-type
	// reports for a configured cluster (default AUTO).
	DeploymentType *vcha.VchaClusterDeploymentType `json:"deployment_type,omitempty"`
}

// validate checks the section, naming the first bad field, e.g.
// `users[1].name: required` or `cluster.node1.runtime.role: ...`.
func (f *VCHAFixture) validate() error {
	if err := validateUsers(f.Users, nil); err != nil {
		return err
	}
	if err := checkSchema(spec.VCHA, "Vcha_Cluster_Info", f.Cluster, "cluster"); err != nil {
		return err
	}
	return validateVCHACluster(f.Cluster)
}

// validateVCHACluster checks what the schema cannot: config_state and mode
// are set; node1, node2 and witness are present with a runtime state and
// role; the witness is WITNESS, the nodes are not; and a CONFIGURED cluster
// has exactly one ACTIVE and one PASSIVE node.
func validateVCHACluster(c vcha.VchaClusterInfo) error {
	switch {
	case c.ConfigState == nil:
		return fmt.Errorf("cluster.config_state: required")
	case c.Mode == nil:
		return fmt.Errorf("cluster.mode: required")
	case c.Node1 == nil:
		return fmt.Errorf("cluster.node1: required")
	case c.Node2 == nil:
		return fmt.Errorf("cluster.node2: required")
	case c.Witness == nil:
		return fmt.Errorf("cluster.witness: required")
	}
	roles := map[string]vcha.VchaClusterNodeRole{}
	for _, v := range []vchaMember{
		{name: "node1", runtime: c.Node1.Runtime},
		{name: "node2", runtime: c.Node2.Runtime},
		{name: "witness", runtime: c.Witness.Runtime},
	} {
		if err := validateVCHAMember(v); err != nil {
			return err
		}
		roles[v.name] = v.role()
	}
	if *c.ConfigState == vcha.VchaClusterConfigStateCONFIGURED && roles["node1"] == roles["node2"] {
		return fmt.Errorf("cluster.node2.runtime.role: node1 and node2 are both %s; "+
			"a CONFIGURED cluster needs one ACTIVE and one PASSIVE node", roles["node2"])
	}
	return nil
}

// validateVCHAMember checks one member's runtime state and role.
func validateVCHAMember(v vchaMember) error {
	where := "cluster." + v.name + ".runtime"
	switch {
	case v.runtime == nil:
		return fmt.Errorf("%s: required", where)
	case v.runtime.State == nil:
		return fmt.Errorf("%s.state: required", where)
	case v.runtime.Role == nil:
		return fmt.Errorf("%s.role: required", where)
	case v.name == "witness" && v.role() != vcha.VchaClusterNodeRoleWITNESS:
		return fmt.Errorf("%s.role: must be WITNESS, not %s", where, v.role())
	case v.name != "witness" && v.role() == vcha.VchaClusterNodeRoleWITNESS:
		return fmt.Errorf("%s.role: must be ACTIVE or PASSIVE, not WITNESS", where)
	}
	return nil
}
