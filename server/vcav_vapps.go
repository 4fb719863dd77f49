package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavCodeVappNotFound is the 404 code of an unknown vApp replication
// (failoverkit choice: no vendor page names one).
const vcavCodeVappNotFound = "VappReplicationNotFound"

// vcavVapp is one vApp replication: its own fields (without
// vmReplications) and the ids of its VM replications, which live among
// the mock's VM replications.
type vcavVapp struct {
	info     vcav.VappReplicationInfo
	children []string
}

// vcavVappNotFound refuses an unknown vApp replication id.
func vcavVappNotFound(id string) *vcavRefusal {
	return &vcavRefusal{http.StatusNotFound,
		vcavError(vcavCodeVappNotFound, fmt.Sprintf("vApp replication %s not found.", id), id)}
}

// loadVapps builds the vApp replications of list over repls: each VM
// replication it names must exist and belongs to it (vappReplicationId).
func loadVapps(list []vcav.VappReplicationInfo, repls map[string]*vcav.SingleVmReplicationInfo) (map[string]*vcavVapp, []string, error) {
	vapps := make(map[string]*vcavVapp, len(list))
	order := make([]string, 0, len(list))
	for _, v := range list {
		a := &vcavVapp{info: v}
		if v.VmReplications != nil {
			for _, child := range *v.VmReplications {
				r, ok := repls[child.Id]
				if !ok {
					return nil, nil, fmt.Errorf("vcav vApp replication %s: VM replication %s is not among the replications", v.Id, child.Id)
				}
				r.VappReplicationId = new(v.Id)
				a.children = append(a.children, child.Id)
			}
		}
		a.info.VmReplications = nil
		vapps[v.Id] = a
		order = append(order, v.Id)
	}
	slices.Sort(order)
	return vapps, order, nil
}

// render is the vApp replication as the API answers it, with fresh copies
// of its VM replications. The caller holds m.mu.
func (m *vcavMock) renderVapp(a *vcavVapp) vcav.VappReplicationInfo {
	v, _ := deepCopy(&a.info)
	vms := make([]vcav.SingleVmReplicationInfo, 0, len(a.children))
	for _, id := range a.children {
		if r, ok := m.repls[id]; ok {
			vms = append(vms, vcavCloneReplication(r))
		}
	}
	v.VmReplications = &vms
	return *v
}

// vapp returns vApp replication id as a request on site may see it, or
// the refusal. The caller holds m.mu.
func (m *vcavMock) vapp(ctx context.Context, site *string, id string) (*vcavVapp, *vcavRefusal) {
	if _, refusal := m.checkSite(ctx, site); refusal != nil {
		return nil, refusal
	}
	a, ok := m.vapps[id]
	if !ok {
		return nil, vcavVappNotFound(id)
	}
	return a, nil
}

// ListVappReplications answers GET /vapp-replications: the vApp
// replications matching ids and vappName, ordered by id, paged.
func (m *vcavMock) ListVappReplications(ctx context.Context, req vcav.ListVappReplicationsRequestObject) (vcav.ListVappReplicationsResponseObject, error) {
	p := req.Params
	offset, limit, refusal := vcavPage(p.Offset, p.Limit)
	if refusal != nil {
		return nil, refusal.problem()
	}
	m.begin()
	defer m.end()
	if _, refusal := m.checkSite(ctx, p.Site); refusal != nil {
		return nil, refusal.problem()
	}
	var ids []string
	if p.Ids != nil && *p.Ids != "" {
		ids = strings.Split(*p.Ids, ",")
	}
	var matched []*vcavVapp
	for _, id := range m.vappOrder {
		a := m.vapps[id]
		if ids != nil && !slices.Contains(ids, id) {
			continue
		}
		if p.VappName != nil && !vcavNameContains(a.info.Descriptor, *p.VappName) {
			continue
		}
		if p.SourceSiteType != nil && *p.SourceSiteType != "" && *p.SourceSiteType != "vcloud" {
			continue
		}
		matched = append(matched, a)
	}
	page := vcav.QueryResultOfVappReplicationInfo{Items: []vcav.VappReplicationInfo{}, Offset: offset, Limit: limit, Total: int64(len(matched))}
	for i := int(offset); i < len(matched) && i < int(offset)+int(limit); i++ {
		page.Items = append(page.Items, m.renderVapp(matched[i]))
	}
	return vcav.ListVappReplications200JSONResponse(page), nil
}

// vcavNameContains reports whether the descriptor's name contains sub,
// ignoring case.
func vcavNameContains(d *vcav.VappDescriptor, sub string) bool {
	return d != nil && d.Name != nil && strings.Contains(strings.ToLower(*d.Name), strings.ToLower(sub))
}

// GetVappReplication answers GET /vapp-replications/{id}.
func (m *vcavMock) GetVappReplication(ctx context.Context, req vcav.GetVappReplicationRequestObject) (vcav.GetVappReplicationResponseObject, error) {
	m.begin()
	defer m.end()
	a, refusal := m.vapp(ctx, req.Params.Site, req.ReplicationId)
	if refusal != nil {
		return nil, refusal.problem()
	}
	return vcav.GetVappReplication200JSONResponse(m.renderVapp(a)), nil
}

// GetVappReplicationNetworkSettings answers GET
// /vapp-replications/{id}/network-settings: empty vApp settings (copy the
// source networks, no mappings) for both kinds of failover.
func (m *vcavMock) GetVappReplicationNetworkSettings(ctx context.Context, req vcav.GetVappReplicationNetworkSettingsRequestObject) (vcav.GetVappReplicationNetworkSettingsResponseObject, error) {
	m.begin()
	defer m.end()
	if _, refusal := m.vapp(ctx, req.Params.Site, req.ReplicationId); refusal != nil {
		return nil, refusal.problem()
	}
	empty := func() *vcav.NetworkSettingsPair {
		return &vcav.NetworkSettingsPair{VAppNetworkSettings: &vcav.VAppNetworkSettings{
			CopySourceNetworks: new(true), NetworkMappings: &[]vcav.NetworkMapping{}}}
	}
	return vcav.GetVappReplicationNetworkSettings200JSONResponse(vcav.ReplicationNetworkSettings{
		FailoverSettings: empty(), FailoverTestSettings: empty(),
	}), nil
}
