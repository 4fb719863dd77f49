package server

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// The vSphere privileges the VCHA operations check.
const (
	privGlobalVCServer = "Global.VCServer"
	privSystemRead     = "System.Read"
)

// vchaMember is one of the three cluster members, by its field name.
type vchaMember struct {
	name    string
	runtime *vcha.VchaClusterNodeRuntimeInfo
}

// members lists node1, node2 and witness; a missing member or runtime has a
// nil runtime. The caller holds m.mu.
func (m *vchaMock) members() []vchaMember {
	c := m.cluster
	out := []vchaMember{{name: "node1"}, {name: "node2"}, {name: "witness"}}
	if c.Node1 != nil {
		out[0].runtime = c.Node1.Runtime
	}
	if c.Node2 != nil {
		out[1].runtime = c.Node2.Runtime
	}
	if c.Witness != nil {
		out[2].runtime = c.Witness.Runtime
	}
	return out
}

// up reports whether the member is known to be UP.
func (v vchaMember) up() bool {
	return v.runtime != nil && v.runtime.State != nil && *v.runtime.State == vcha.VchaClusterNodeStateUP
}

// role is the member's role, or "" when unknown.
func (v vchaMember) role() vcha.VchaClusterNodeRole {
	if v.runtime == nil || v.runtime.Role == nil {
		return ""
	}
	return *v.runtime.Role
}

// firstDown names the first member that is not UP, or "" when all are.
func (m *vchaMock) firstDown() string {
	for _, v := range m.members() {
		if !v.up() {
			return v.name
		}
	}
	return ""
}

// configured reports whether config_state is CONFIGURED.
func (m *vchaMock) configured() bool {
	return m.cluster.ConfigState != nil && *m.cluster.ConfigState == vcha.VchaClusterConfigStateCONFIGURED
}

// mode is the cluster mode, or "" when the state has none.
func (m *vchaMock) mode() vcha.VchaClusterClusterMode {
	if m.cluster.Mode == nil {
		return ""
	}
	return *m.cluster.Mode
}

// health is HEALTHY when node1, node2 and witness are all UP, else DEGRADED.
func (m *vchaMock) health() vcha.VchaClusterClusterState {
	if m.firstDown() == "" {
		return vcha.VchaClusterClusterStateHEALTHY
	}
	return vcha.VchaClusterClusterStateDEGRADED
}

// clusterView returns a deep copy of the cluster (safe to encode after the
// lock is released) with every derived field computed from the state:
// health_state, health_warnings, health_exception (never set),
// manual_failover_allowed and auto_failover_allowed. When partial is true
// the nodes' placement, which needs the management vCenter, is left out.
func (m *vchaMock) clusterView(partial bool) vcha.VchaClusterInfo {
	c := cloneCluster(m.cluster)
	c.HealthState = new(m.health())
	c.HealthException = nil
	c.HealthWarnings = m.healthWarnings()
	c.ManualFailoverAllowed = new(m.failoverRefusal() == "")
	c.AutoFailoverAllowed = new(m.mode() == vcha.VchaClusterClusterModeENABLED && m.configured() && m.firstDown() == "")
	if partial {
		for _, rt := range []*vcha.VchaClusterNodeRuntimeInfo{runtimeOf(c.Node1), runtimeOf(c.Node2), witnessRuntime(c.Witness)} {
			if rt != nil {
				rt.Placement = nil
			}
		}
	}
	return c
}

// healthWarnings describes each member that is not UP; nil when all are.
func (m *vchaMock) healthWarnings() *[]vcha.VchaClusterErrorCondition {
	var out []vcha.VchaClusterErrorCondition
	for _, v := range m.members() {
		if v.up() {
			continue
		}
		role := strings.ToLower(string(v.role()))
		if role == "" {
			role = v.name
		}
		id := "com.vmware.vcenter.vcha.cluster.health." + role + "_down"
		out = append(out, vcha.VchaClusterErrorCondition{
			Error: vapiMessage(id, fmt.Sprintf("The %s node (%s) is down.", role, v.name)),
			Recommendation: new(vapiMessage(id+".recommendation",
				fmt.Sprintf("Power on the %s node or redeploy it.", role))),
		})
	}
	if out == nil {
		return nil
	}
	return &out
}

// runtimeOf returns a node's runtime, nil-safe.
func runtimeOf(n *vcha.VchaClusterNodeInfo) *vcha.VchaClusterNodeRuntimeInfo {
	if n == nil {
		return nil
	}
	return n.Runtime
}

// witnessRuntime returns the witness's runtime, nil-safe.
func witnessRuntime(w *vcha.VchaClusterWitnessInfo) *vcha.VchaClusterNodeRuntimeInfo {
	if w == nil {
		return nil
	}
	return w.Runtime
}

// cloneCluster deep-copies c through JSON. The generated model always
// round-trips, so an error here is a bug and panics.
func cloneCluster(c vcha.VchaClusterInfo) vcha.VchaClusterInfo {
	b, err := json.Marshal(c)
	if err != nil {
		panic(fmt.Sprintf("copy vcha cluster: %v", err))
	}
	var out vcha.VchaClusterInfo
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("copy vcha cluster: %v", err))
	}
	return out
}

// GetVchaCluster answers POST /api/vcenter/vcha/cluster?action=get with the
// cluster and its derived fields. It needs Global.VCServer, or System.Read
// when partial is true. vc_spec is accepted and not checked.
func (m *vchaMock) GetVchaCluster(ctx context.Context, req vcha.GetVchaClusterRequestObject) (vcha.GetVchaClusterResponseObject, error) {
	m.begin()
	defer m.mu.Unlock()
	partial := req.Body != nil && req.Body.Partial != nil && *req.Body.Partial
	if priv, ok := clusterReadAllowed(ctx, partial); !ok {
		return vcha.GetVchaCluster403JSONResponse(unauthorizedError(priv)), nil
	}
	return vcha.GetVchaCluster200JSONResponse(m.clusterView(partial)), nil
}

// GetVchaClusterMode answers GET /api/vcenter/vcha/cluster/mode. It needs
// System.Read; a cluster that is not CONFIGURED gets 400
// NOT_ALLOWED_IN_CURRENT_STATE.
func (m *vchaMock) GetVchaClusterMode(ctx context.Context, _ vcha.GetVchaClusterModeRequestObject) (vcha.GetVchaClusterModeResponseObject, error) {
	m.begin()
	defer m.mu.Unlock()
	if sess, _ := sessionFrom(ctx); !sess.User.HasPrivilege(privSystemRead) {
		return vcha.GetVchaClusterMode403JSONResponse(unauthorizedError(privSystemRead)), nil
	}
	if !m.configured() || m.mode() == "" {
		return vcha.GetVchaClusterMode400JSONResponse(vapiError(vcha.StdErrorsErrorTypeNOTALLOWEDINCURRENTSTATE,
			vapiMessage(msgNotConfigured, "vCenter HA is not configured."))), nil
	}
	return vcha.GetVchaClusterMode200JSONResponse{Mode: m.mode()}, nil
}

// clusterReadAllowed reports whether the session of ctx may read the
// cluster (or its active node): Global.VCServer, or System.Read for a
// partial read. priv is the privilege the read needs.
func clusterReadAllowed(ctx context.Context, partial bool) (priv string, ok bool) {
	priv = privGlobalVCServer
	if partial {
		priv = privSystemRead
	}
	sess, _ := sessionFrom(ctx)
	return priv, sess.User.HasPrivilege(priv)
}
