package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavDefaultLimit is the default and largest page size of
// GET /vm-replications (the spec's).
const vcavDefaultLimit = 100

// vcavExactFilters is how many exact-match string filters GET
// /vm-replications has.
const vcavExactFilters = 9

// vcavFilterValues lists the exact-match filter values of p (nil when not
// given), in the order vcavFilterFields reads the fields they compare.
// vmName and ids are matched separately (substring and list).
func vcavFilterValues(p vcav.ListVmReplicationsParams) [vcavExactFilters]*string {
	return [vcavExactFilters]*string{
		p.VmId, p.Owner, p.SourceOrg, p.SourceSite, p.SourceVdcId, p.SourceVdcName,
		p.DestinationOrg, p.DestinationVdcId, p.DestinationVdcName,
	}
}

// vcavFilterFields reads the fields of r that the exact-match filters
// compare, nil where r has none.
func vcavFilterFields(r *vcav.SingleVmReplicationInfo) [vcavExactFilters]*string {
	src, dst := r.Source, r.Destination
	if src == nil {
		src = &vcav.VmReplicationSource{}
	}
	if dst == nil {
		dst = &vcav.VmReplicationDestination{}
	}
	return [vcavExactFilters]*string{
		r.VmId, r.Owner, src.Org, src.Site, src.VdcId, src.VdcName,
		dst.Org, dst.VdcId, dst.VdcName,
	}
}

// vcavMatcher decides which replications a list request selects: every
// given filter must hold (AND).
type vcavMatcher struct {
	exact  [vcavExactFilters]*string
	vmName string // lower-cased substring; "" matches all
	hasIDs bool
	ids    map[string]bool
}

// newVCAVMatcher builds the matcher of the list parameters p.
func newVCAVMatcher(p vcav.ListVmReplicationsParams) vcavMatcher {
	mt := vcavMatcher{exact: vcavFilterValues(p)}
	if p.VmName != nil {
		mt.vmName = strings.ToLower(*p.VmName)
	}
	if p.Ids != nil {
		mt.hasIDs, mt.ids = true, map[string]bool{}
		for _, id := range strings.Split(*p.Ids, ",") {
			if id = strings.TrimSpace(id); id != "" {
				mt.ids[id] = true
			}
		}
	}
	return mt
}

// all reports whether the matcher selects every replication (no filter).
func (mt vcavMatcher) all() bool {
	return !mt.hasIDs && mt.vmName == "" && mt.exact == [vcavExactFilters]*string{}
}

// match reports whether r passes every filter: ids lists it, its vmName
// contains vmName ignoring case, and each exact filter equals its field.
func (mt vcavMatcher) match(r *vcav.SingleVmReplicationInfo) bool {
	if mt.hasIDs && !mt.ids[r.Id] {
		return false
	}
	if mt.vmName != "" && (r.VmName == nil || !containsFold(*r.VmName, mt.vmName)) {
		return false
	}
	fields := vcavFilterFields(r)
	for i, want := range mt.exact {
		if want != nil && (fields[i] == nil || *fields[i] != *want) {
			return false
		}
	}
	return true
}

// ListVmReplications answers GET /vm-replications: one page of the
// replications that match every filter, ordered by id. total counts every
// match; an offset past the end gives an empty page. Every user sees every
// replication.
func (m *vcavMock) ListVmReplications(_ context.Context, req vcav.ListVmReplicationsRequestObject) (vcav.ListVmReplicationsResponseObject, error) {
	m.begin()
	defer m.end()
	if refusal := m.checkSite(req.Params.Site); refusal != nil {
		if refusal.status == http.StatusUnauthorized {
			return vcav.ListVmReplications401JSONResponse{UnauthorizedJSONResponse: vcav.UnauthorizedJSONResponse(refusal.body)}, nil
		}
		return vcav.ListVmReplications404JSONResponse{SiteNotFoundJSONResponse: vcav.SiteNotFoundJSONResponse(refusal.body)}, nil
	}
	offset, limit := int32(0), int32(vcavDefaultLimit)
	if req.Params.Offset != nil {
		offset = *req.Params.Offset
	}
	if req.Params.Limit != nil {
		limit = *req.Params.Limit
	}
	if offset < 0 || limit < 1 || limit > vcavDefaultLimit {
		return vcav.ListVmReplications400JSONResponse{BadRequestJSONResponse: vcav.BadRequestJSONResponse(
			vcavError(vcavCodeBadRequest, "offset must be at least 0 and limit between 1 and 100."))}, nil
	}
	page := vcav.QueryResultOfSingleVmReplicationInfo{Items: []vcav.SingleVmReplicationInfo{}, Offset: offset, Limit: limit}
	mt := newVCAVMatcher(req.Params)
	if mt.all() { // O(page): the order is the list
		page.Total = int64(len(m.inOrder))
		for _, r := range m.inOrder[min(int(offset), len(m.inOrder)):min(int(offset)+int(limit), len(m.inOrder))] {
			page.Items = append(page.Items, vcavCloneReplication(r))
		}
		return vcav.ListVmReplications200JSONResponse(page), nil
	}
	for _, r := range m.inOrder {
		if !mt.match(r) {
			continue
		}
		if page.Total >= int64(offset) && len(page.Items) < int(limit) {
			page.Items = append(page.Items, vcavCloneReplication(r))
		}
		page.Total++
	}
	return vcav.ListVmReplications200JSONResponse(page), nil
}

// GetVmReplication answers GET /vm-replications/{replicationId} with the
// replication, or 404 VmReplicationNotFound for an unknown id.
func (m *vcavMock) GetVmReplication(_ context.Context, req vcav.GetVmReplicationRequestObject) (vcav.GetVmReplicationResponseObject, error) {
	m.begin()
	defer m.end()
	refusal := m.checkSite(req.Params.Site)
	if refusal == nil {
		if r, ok := m.repls[req.ReplicationId]; ok {
			return vcav.GetVmReplication200JSONResponse(vcavCloneReplication(r)), nil
		}
		refusal = vcavReplicationNotFound(req.ReplicationId)
	}
	if refusal.status == http.StatusUnauthorized {
		return vcav.GetVmReplication401JSONResponse{UnauthorizedJSONResponse: vcav.UnauthorizedJSONResponse(refusal.body)}, nil
	}
	return vcav.GetVmReplication404JSONResponse{NotFoundJSONResponse: vcav.NotFoundJSONResponse(refusal.body)}, nil
}
