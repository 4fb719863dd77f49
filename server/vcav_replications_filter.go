package server

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavField reads one string field of a replication; nil where it has none.
type vcavField func(r *vcav.SingleVmReplicationInfo) *string

// vcavSrc and vcavDst read the replication's source and destination, empty
// when it has none.
func vcavSrc(r *vcav.SingleVmReplicationInfo) *vcav.VmReplicationSource {
	if r.Source == nil {
		return &vcav.VmReplicationSource{}
	}
	return r.Source
}

func vcavDst(r *vcav.SingleVmReplicationInfo) *vcav.VmReplicationDestination {
	if r.Destination == nil {
		return &vcav.VmReplicationDestination{}
	}
	return r.Destination
}

// vcavFields are the replication fields the exact-match filters and sort
// use, by the name of the filter (and sort key).
var vcavFields = map[string]vcavField{
	"id":                 func(r *vcav.SingleVmReplicationInfo) *string { return &r.Id },
	"vmName":             func(r *vcav.SingleVmReplicationInfo) *string { return r.VmName },
	"vmId":               func(r *vcav.SingleVmReplicationInfo) *string { return r.VmId },
	"owner":              func(r *vcav.SingleVmReplicationInfo) *string { return r.Owner },
	"storageProfile":     func(r *vcav.SingleVmReplicationInfo) *string { return r.StorageProfile },
	"sourceOrg":          func(r *vcav.SingleVmReplicationInfo) *string { return vcavSrc(r).Org },
	"sourceSite":         func(r *vcav.SingleVmReplicationInfo) *string { return vcavSrc(r).Site },
	"sourceVdcId":        func(r *vcav.SingleVmReplicationInfo) *string { return vcavSrc(r).VdcId },
	"sourceVdcName":      func(r *vcav.SingleVmReplicationInfo) *string { return vcavSrc(r).VdcName },
	"destinationOrg":     func(r *vcav.SingleVmReplicationInfo) *string { return vcavDst(r).Org },
	"destinationVdcId":   func(r *vcav.SingleVmReplicationInfo) *string { return vcavDst(r).VdcId },
	"destinationVdcName": func(r *vcav.SingleVmReplicationInfo) *string { return vcavDst(r).VdcName },
	"sourceVimServerUuid": func(r *vcav.SingleVmReplicationInfo) *string {
		if r.VimLocation == nil {
			return nil
		}
		return r.VimLocation.VimServerInstanceUuid
	},
	"dataConnectionState": func(r *vcav.SingleVmReplicationInfo) *string { return (*string)(r.DataConnectionState) },
	"overallHealth":       func(r *vcav.SingleVmReplicationInfo) *string { return (*string)(r.OverallHealth) },
}

// vcavSortKeys are the fields sort accepts (the spec's list); lastUpdated
// is numeric and handled apart.
var vcavSortKeys = []string{
	"id", "vmName", "owner", "sourceSite", "sourceOrg", "sourceVdcName", "destinationOrg", "destinationVdcName",
	"lastUpdated", "overallHealth",
}

// vcavExactParams pairs each given exact-match filter of p with its field.
func vcavExactParams(p vcav.ListVmReplicationsParams) map[string]*string {
	return map[string]*string{
		"vmId": p.VmId, "owner": p.Owner, "storageProfile": p.StorageProfile,
		"sourceOrg": p.SourceOrg, "sourceSite": p.SourceSite, "sourceVdcId": p.SourceVdcId, "sourceVdcName": p.SourceVdcName,
		"destinationOrg": p.DestinationOrg, "destinationVdcId": p.DestinationVdcId, "destinationVdcName": p.DestinationVdcName,
		"sourceVimServerUuid": p.SourceVimServerUuid,
		"dataConnectionState": (*string)(p.DataConnectionState), "overallHealth": (*string)(p.OverallHealth),
	}
}

// vcavMatcher decides which replications a list request selects: every
// given filter must hold (AND).
type vcavMatcher struct {
	exact     []vcavExact
	vmName    string // lower-cased substring; "" matches all
	hasIDs    bool
	ids       map[string]bool
	migration *bool
	after     *int64
	before    *int64
	srcType   string
	dstType   string
	// siteType is the kind of a site: vcenter for the fixture's vc-sites,
	// vcloud otherwise.
	siteType func(site *string) string
}

// newVCAVMatcher builds the matcher of the list parameters p; siteType
// tells a site's kind.
func newVCAVMatcher(p vcav.ListVmReplicationsParams, siteType func(*string) string) vcavMatcher {
	mt := vcavMatcher{migration: p.IsMigration,
		after: p.LastUpdatedAfter, before: p.LastUpdatedBefore, siteType: siteType}
	for name, v := range vcavExactParams(p) {
		if v != nil {
			mt.exact = append(mt.exact, vcavExact{field: vcavFields[name], want: *v})
		}
	}
	if p.VmName != nil {
		mt.vmName = strings.ToLower(*p.VmName)
	}
	if p.SourceSiteType != nil {
		mt.srcType = string(*p.SourceSiteType)
	}
	if p.DestinationSiteType != nil {
		mt.dstType = string(*p.DestinationSiteType)
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

// all reports whether the matcher selects every replication (no filter):
// a page of the id order is then O(page).
func (mt vcavMatcher) all() bool {
	return !mt.hasIDs && mt.vmName == "" && len(mt.exact) == 0 && mt.migration == nil &&
		mt.after == nil && mt.before == nil && mt.srcType == "" && mt.dstType == ""
}

// match reports whether r passes every filter.
func (mt vcavMatcher) match(r *vcav.SingleVmReplicationInfo) bool {
	switch {
	case mt.hasIDs && !mt.ids[r.Id]:
		return false
	case mt.vmName != "" && (r.VmName == nil || !containsFold(*r.VmName, mt.vmName)):
		return false
	case mt.migration != nil && derefOr(r.IsMigration, false) != *mt.migration:
		return false
	case mt.after != nil && (r.LastUpdated == nil || *r.LastUpdated <= *mt.after):
		return false
	case mt.before != nil && (r.LastUpdated == nil || *r.LastUpdated >= *mt.before):
		return false
	case mt.srcType != "" && mt.siteType(vcavSrc(r).Site) != mt.srcType:
		return false
	case mt.dstType != "" && mt.siteType(vcavDst(r).Site) != mt.dstType:
		return false
	}
	for _, e := range mt.exact {
		if got := e.field(r); got == nil || *got != e.want {
			return false
		}
	}
	return true
}

// vcavSortKey is one field of a sort: its name and direction.
type vcavSortKey struct {
	field string
	desc  bool
}

// vcavExact is one exact-match filter: the field it reads (looked up once
// per request, not once per replication) and the value it wants.
type vcavExact struct {
	field vcavField
	want  string
}

// parseVCAVSort parses sort ("vmName,lastUpdated-"): comma-separated
// fields of vcavSortKeys, a trailing "-" sorting that one descending. An
// empty sort sorts by id.
func parseVCAVSort(sort *string) ([]vcavSortKey, error) {
	if sort == nil || strings.TrimSpace(*sort) == "" {
		return []vcavSortKey{{field: "id"}}, nil
	}
	var keys []vcavSortKey
	for _, part := range strings.Split(*sort, ",") {
		part = strings.TrimSpace(part)
		name, desc := strings.CutSuffix(part, "-")
		if !slices.Contains(vcavSortKeys, name) {
			return nil, fmt.Errorf("cannot sort by %q: sort takes %s, each optionally followed by - for descending order",
				part, strings.Join(vcavSortKeys, ", "))
		}
		keys = append(keys, vcavSortKey{field: name, desc: desc})
	}
	return keys, nil
}

// vcavComparator orders replications by keys, then by id; missing values
// sort first. Each key's field is looked up once, not once per comparison
// (sorting 100,000 replications makes about 1.7 million).
func vcavComparator(keys []vcavSortKey) func(a, b *vcav.SingleVmReplicationInfo) int {
	fields := make([]vcavField, len(keys))
	for i, k := range keys {
		fields[i] = vcavFields[k.field]
	}
	return func(a, b *vcav.SingleVmReplicationInfo) int { return compareFields(a, b, keys, fields) }
}

// compareFields orders a and b by keys, whose fields are given, then by id.
func compareFields(a, b *vcav.SingleVmReplicationInfo, keys []vcavSortKey, fields []vcavField) int {
	for i, k := range keys {
		var c int
		if k.field == "lastUpdated" {
			c = cmp.Compare(derefOr(a.LastUpdated, 0), derefOr(b.LastUpdated, 0))
		} else {
			c = cmp.Compare(derefOr(fields[i](a), ""), derefOr(fields[i](b), ""))
		}
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(a.Id, b.Id)
}

// derefOr is *p, or def when p is nil.
func derefOr[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
