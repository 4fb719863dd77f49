package server

import (
	"context"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavDefaultAbout is the about information of a fixture without one.
var vcavDefaultAbout = vcav.AboutInfo{
	ProductName: "VMware Cloud Director Availability", BuildVersion: "4.7.0.1234567-0123456789",
	BuildDate: 1718000000000, InstanceId: "2b7e3c1d-4f5a-4b6c-8d7e-9f0a1b2c3d4e", ServiceType: "CLOUD",
}

// aboutInfo is the fixture's about information, or vcavDefaultAbout. The
// caller holds m.mu.
func (m *vcavMock) aboutInfo() vcav.AboutInfo {
	if m.about != nil {
		return *m.about
	}
	return vcavDefaultAbout
}

// GetAbout answers GET /diagnostics/about with the fixture's about
// information.
func (m *vcavMock) GetAbout(_ context.Context, _ vcav.GetAboutRequestObject) (vcav.GetAboutResponseObject, error) {
	m.begin()
	defer m.end()
	return vcav.GetAbout200JSONResponse(m.aboutInfo()), nil
}

// ListSites answers GET /sites: every site of the fixture, the local one
// with isLocal true, and no communication errors.
func (m *vcavMock) ListSites(_ context.Context, _ vcav.ListSitesRequestObject) (vcav.ListSitesResponseObject, error) {
	m.begin()
	defer m.end()
	out := make([]vcav.Site, len(m.sites))
	for i, s := range m.sites {
		out[i] = vcav.Site{
			Site: s.Name, IsLocal: s.Name == m.localSite, Description: emptyNil(s.Description),
			ApiUrl: emptyNil(s.APIURL), ApiPublicUrl: emptyNil(s.APIPublicURL), ApiThumbprint: emptyNil(s.APIThumbprint),
			ApiVersion: emptyNil(s.APIVersion), BuildVersion: emptyNil(s.BuildVersion), State: &vcav.SiteState{},
		}
	}
	return vcav.ListSites200JSONResponse(out), nil
}

// ListVcSites answers GET /vc-sites with the fixture's vCenter sites.
func (m *vcavMock) ListVcSites(_ context.Context, _ vcav.ListVcSitesRequestObject) (vcav.ListVcSitesResponseObject, error) {
	m.begin()
	defer m.end()
	out := make([]vcav.VcSite, len(m.vcSites))
	for i, s := range m.vcSites {
		out[i] = vcav.VcSite{Site: s.Name, Description: emptyNil(s.Description), IsLocal: new(false), State: &vcav.SiteState{}}
	}
	return vcav.ListVcSites200JSONResponse(out), nil
}

// ListVmReplicationInstances answers GET /vm-replications/{id}/instances:
// the fixture's instances of the replication, or its latest instance.
func (m *vcavMock) ListVmReplicationInstances(ctx context.Context, req vcav.ListVmReplicationInstancesRequestObject) (vcav.ListVmReplicationInstancesResponseObject, error) {
	m.begin()
	defer m.end()
	r, refusal := m.replication(ctx, req.Params.Site, req.ReplicationId)
	if refusal != nil {
		return nil, refusal.problem()
	}
	return vcav.ListVmReplicationInstances200JSONResponse(m.instancesOf(r)), nil
}

// instancesOf returns a fresh list of r's instances, newest first: the
// fixture's (or those the mock took since), or else its
// destinationState.latestInstance alone, or else none. The caller holds
// m.mu.
func (m *vcavMock) instancesOf(r *vcav.SingleVmReplicationInfo) []vcav.InstanceInfo {
	out := []vcav.InstanceInfo{}
	if list, ok := m.instances[r.Id]; ok {
		out = append(out, list...)
	} else if c := vcavCloneReplication(r); c.DestinationState != nil && c.DestinationState.LatestInstance != nil {
		out = append(out, *c.DestinationState.LatestInstance)
	}
	return out
}

// GetVmReplicationNetworkSettings answers GET
// /vm-replications/{id}/network-settings: the fixture's settings of the
// replication, or empty ones (no NICs, no mappings).
func (m *vcavMock) GetVmReplicationNetworkSettings(ctx context.Context, req vcav.GetVmReplicationNetworkSettingsRequestObject) (vcav.GetVmReplicationNetworkSettingsResponseObject, error) {
	m.begin()
	defer m.end()
	r, refusal := m.replication(ctx, req.Params.Site, req.ReplicationId)
	if refusal != nil {
		return nil, refusal.problem()
	}
	if ns, ok := m.networks[r.Id]; ok {
		return vcav.GetVmReplicationNetworkSettings200JSONResponse(ns), nil
	}
	empty := func() *vcav.NetworkSettingsPair {
		return &vcav.NetworkSettingsPair{VmNetworkSettings: &vcav.VmNetworkSettings{
			CopySourceNicSettings: new(true), PrimaryNicIndex: new(int32(0)), Nics: &[]vcav.VmNicSettings{},
		}}
	}
	return vcav.GetVmReplicationNetworkSettings200JSONResponse(vcav.ReplicationNetworkSettings{
		FailoverSettings: empty(), FailoverTestSettings: empty(),
	}), nil
}

// emptyNil is a pointer to s, or nil when s is empty.
func emptyNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
