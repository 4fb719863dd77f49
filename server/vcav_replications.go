package server

import (
	"context"
	"slices"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavMaxLimit is the default and largest page size of the VCAV lists: a
// larger limit is served as this one (the vendor's documented rule).
const vcavMaxLimit = 100

// vcavPage works out the offset and limit of a list request: defaults 0
// and 100, a limit above 100 clamped to 100. A negative offset or a limit
// below 1 never gets here (the parameters' schema refuses it with 400
// BadRequest, failoverkit choice); the check stays for callers that skip
// validation.
func vcavPage(offset, limit *int32) (int32, int32, *vcavRefusal) {
	o, l := derefOr(offset, 0), derefOr(limit, vcavMaxLimit)
	if o < 0 || l < 1 {
		return 0, 0, vcavBadUserInput("offset must be at least 0 and limit at least 1.")
	}
	return o, min(l, vcavMaxLimit), nil
}

// siteType is the kind of a site: vcenter for one of the fixture's
// vc-sites, vcloud for any other (failoverkit choice). The caller holds
// m.mu.
func (m *vcavMock) siteType(site *string) string {
	if site != nil && slices.ContainsFunc(m.vcSites, func(s VCAVVcSite) bool { return s.Name == *site }) {
		return "vcenter"
	}
	return "vcloud"
}

// ListVmReplications answers GET /vm-replications: one page of the
// replications that match every filter, in sort order (by id without
// one). total counts every match; an offset past the end gives an empty
// page. Every user sees every replication.
func (m *vcavMock) ListVmReplications(ctx context.Context, req vcav.ListVmReplicationsRequestObject) (vcav.ListVmReplicationsResponseObject, error) {
	m.begin()
	defer m.end()
	if _, refusal := m.checkSite(ctx, req.Params.Site); refusal != nil {
		return nil, refusal.problem()
	}
	offset, limit, refusal := vcavPage(req.Params.Offset, req.Params.Limit)
	if refusal != nil {
		return nil, refusal.problem()
	}
	keys, err := parseVCAVSort(req.Params.Sort)
	if err != nil {
		return nil, vcavBadUserInput(err.Error(), "sort").problem()
	}
	mt := newVCAVMatcher(req.Params, m.siteType)
	byID := len(keys) == 1 && keys[0] == vcavSortKey{field: "id"} // m.inOrder's order
	matched := m.inOrder
	if !mt.all() {
		matched = nil
		for _, r := range m.inOrder {
			if mt.match(r) {
				matched = append(matched, r)
			}
		}
	}
	if !byID {
		matched = slices.Clone(matched)
		slices.SortStableFunc(matched, vcavComparator(keys))
	}
	page := vcav.QueryResultOfSingleVmReplicationInfo{
		Items: []vcav.SingleVmReplicationInfo{}, Offset: offset, Limit: limit, Total: int64(len(matched)),
	}
	for i := int(offset); i < len(matched) && len(page.Items) < int(limit); i++ {
		page.Items = append(page.Items, vcavCloneReplication(matched[i]))
	}
	return vcav.ListVmReplications200JSONResponse(page), nil
}

// replication returns the replication id as a request on site may see it,
// or the refusal: the site's, or 404 VmReplicationNotFound. The caller
// holds m.mu.
func (m *vcavMock) replication(ctx context.Context, site *string, id string) (*vcav.SingleVmReplicationInfo, *vcavRefusal) {
	if _, refusal := m.checkSite(ctx, site); refusal != nil {
		return nil, refusal
	}
	r, ok := m.repls[id]
	if !ok {
		return nil, vcavReplicationNotFound(id)
	}
	return r, nil
}

// GetVmReplication answers GET /vm-replications/{replicationId} with the
// replication, or 404 VmReplicationNotFound for an unknown id.
func (m *vcavMock) GetVmReplication(ctx context.Context, req vcav.GetVmReplicationRequestObject) (vcav.GetVmReplicationResponseObject, error) {
	m.begin()
	defer m.end()
	r, refusal := m.replication(ctx, req.Params.Site, req.ReplicationId)
	if refusal != nil {
		return nil, refusal.problem()
	}
	return vcav.GetVmReplication200JSONResponse(vcavCloneReplication(r)), nil
}
