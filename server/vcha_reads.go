package server

import (
	"context"
	"slices"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// VCHA operation ids, as GET /api/vcenter/vcha/operations lists them.
const (
	opIDFailover  = "com.vmware.vcenter.vcha.cluster.failover"
	opIDModeSet   = "com.vmware.vcenter.vcha.cluster.mode.set"
	opIDDeploy    = "com.vmware.vcenter.vcha.cluster.deploy"
	opIDUndeploy  = "com.vmware.vcenter.vcha.cluster.undeploy"
	msgNotStatic  = "com.vmware.vcenter.vcha.cluster.active.ip_not_static"
	defaultDeploy = vcha.VchaClusterDeploymentTypeAUTO
)

// GetVchaOperations answers GET /api/vcenter/vcha/operations (System.Read):
// the failover is disabled whenever it would be refused and active while one
// runs, the mode set likewise; deploy is disabled while the cluster is
// configured, undeploy while it is not (the mock runs neither).
func (m *vchaMock) GetVchaOperations(ctx context.Context, _ vcha.GetVchaOperationsRequestObject) (vcha.GetVchaOperationsResponseObject, error) {
	m.begin()
	defer m.mu.Unlock()
	if sess, _ := sessionFrom(ctx); !sess.User.HasPrivilege(privSystemRead) {
		return vcha.GetVchaOperations403JSONResponse{UnauthorizedJSONResponse: vcha.UnauthorizedJSONResponse(unauthorizedError(privSystemRead))}, nil
	}
	info := vcha.VchaOperationsInfo{Disabled: []string{}, Active: []string{}}
	if m.configured() {
		info.Disabled = append(info.Disabled, opIDDeploy)
	} else {
		info.Disabled = append(info.Disabled, opIDUndeploy)
	}
	if m.failoverRefusal() != "" {
		info.Disabled = append(info.Disabled, opIDFailover)
	}
	if m.active != nil || !m.configured() {
		info.Disabled = append(info.Disabled, opIDModeSet)
	}
	if m.active != nil {
		id := opIDFailover
		if m.active.kind != failoverTask {
			id = opIDModeSet
		}
		info.Active = append(info.Active, id)
	}
	slices.Sort(info.Disabled)
	return vcha.GetVchaOperations200JSONResponse(info), nil
}

// GetVchaClusterDeploymentType answers GET
// /api/vcenter/vcha/cluster/deployment-type (System.Read): NONE when the
// cluster is not configured, else the fixture's type (default AUTO).
func (m *vchaMock) GetVchaClusterDeploymentType(ctx context.Context, _ vcha.GetVchaClusterDeploymentTypeRequestObject) (vcha.GetVchaClusterDeploymentTypeResponseObject, error) {
	m.begin()
	defer m.mu.Unlock()
	if sess, _ := sessionFrom(ctx); !sess.User.HasPrivilege(privSystemRead) {
		return vcha.GetVchaClusterDeploymentType403JSONResponse{UnauthorizedJSONResponse: vcha.UnauthorizedJSONResponse(unauthorizedError(privSystemRead))}, nil
	}
	t := vcha.VchaClusterDeploymentTypeNONE
	if m.configured() {
		t = m.deployType
	}
	return vcha.GetVchaClusterDeploymentType200JSONResponse{DeploymentType: t}, nil
}

// GetVchaClusterActive answers POST
// /api/vcenter/vcha/cluster/active?action=get from the node whose role is
// ACTIVE: management from its failover_ip, ha from its ha_ip, its placement
// unless partial. Global.VCServer, or System.Read with partial. Not
// configured: 400 NOT_ALLOWED_IN_CURRENT_STATE; an active node without a
// failover_ip: 500 ERROR (the vendor's "management IP not static").
func (m *vchaMock) GetVchaClusterActive(ctx context.Context, req vcha.GetVchaClusterActiveRequestObject) (vcha.GetVchaClusterActiveResponseObject, error) {
	m.begin()
	defer m.mu.Unlock()
	partial := req.Body != nil && req.Body.Partial != nil && *req.Body.Partial
	if priv, ok := clusterReadAllowed(ctx, partial); !ok {
		return vcha.GetVchaClusterActive403JSONResponse{UnauthorizedJSONResponse: vcha.UnauthorizedJSONResponse(unauthorizedError(priv))}, nil
	}
	node := m.activeNode()
	if !m.configured() || node == nil {
		return vcha.GetVchaClusterActive400JSONResponse(vapiError(vcha.StdErrorsErrorTypeNOTALLOWEDINCURRENTSTATE,
			vapiMessage(msgNotConfigured, "vCenter HA is not configured."))), nil
	}
	if node.FailoverIp == nil {
		return vcha.GetVchaClusterActive500JSONResponse{ServerErrorJSONResponse: vcha.ServerErrorJSONResponse(vapiError(vcha.StdErrorsErrorTypeERROR,
			vapiMessage(msgNotStatic, "The management interface IP address assignment of the active node is not static.")))}, nil
	}
	info := vcha.VchaClusterActiveInfo{Management: ipSpec(*node.FailoverIp), Ha: new(ipSpec(node.HaIp))}
	if rt := node.Runtime; !partial && rt != nil && rt.Placement != nil {
		p, err := deepCopy(rt.Placement)
		if err != nil {
			return nil, err
		}
		info.Placement = p
	}
	return vcha.GetVchaClusterActive200JSONResponse(info), nil
}

// activeNode returns node1 or node2, whichever is ACTIVE, or nil.
func (m *vchaMock) activeNode() *vcha.VchaClusterNodeInfo {
	for _, n := range []*vcha.VchaClusterNodeInfo{m.cluster.Node1, m.cluster.Node2} {
		if rt := runtimeOf(n); rt != nil && rt.Role != nil && *rt.Role == vcha.VchaClusterNodeRoleACTIVE {
			return n
		}
	}
	return nil
}

// ipSpec turns a node's IpInfo into the IpSpec the active-node read shows.
func ipSpec(ip vcha.VchaClusterIpInfo) vcha.VchaIpSpec {
	s := vcha.VchaIpSpec{IpFamily: ip.IpFamily}
	if ip.GatewayIp != nil {
		s.DefaultGateway = new(*ip.GatewayIp)
	}
	if v4 := ip.Ipv4; v4 != nil {
		s.Ipv4 = &vcha.VchaIpv4Spec{Address: v4.Address, SubnetMask: new(v4.SubnetMask)}
		if v4.Prefix != nil {
			s.Ipv4.Prefix = new(*v4.Prefix)
		}
	}
	if v6 := ip.Ipv6; v6 != nil {
		s.Ipv6 = &vcha.VchaIpv6Spec{Address: v6.Address, Prefix: v6.Prefix}
	}
	return s
}
