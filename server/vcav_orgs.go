package server

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// VCAVOrg is a Cloud Director organisation of the site, as
// GET /inventory/orgs lists it.
type VCAVOrg struct {
	// Name is the organisation name, spelt as the replications'
	// source.org and destination.org spell it.
	Name string `json:"name"`
}

// validateVCAVOrgs requires a non-empty name for each organisation, unique
// ignoring case (failoverkit choice: PowerVCAV matches organisations to
// replications with PowerShell's -eq, which ignores case, so two names
// that differ only in case would count the same replications twice). nil,
// the default, is valid: the organisations then come from the
// replications.
func validateVCAVOrgs(list []VCAVOrg) error {
	seen := map[string]int{}
	for i, o := range list {
		if o.Name == "" {
			return fmt.Errorf("orgs[%d].name: required", i)
		}
		key := strings.ToLower(o.Name)
		if j, dup := seen[key]; dup {
			return fmt.Errorf("orgs[%d].name: %q duplicates orgs[%d].name", i, o.Name, j)
		}
		seen[key] = i
	}
	return nil
}

// vcavOrgNames is the organisations f lists, sorted by name; when f lists
// none (nil orgs; an empty list means no organisation), the distinct
// source.org and destination.org of its VM and vApp replications, one
// spelling of each ignoring case (failoverkit choice).
func vcavOrgNames(f *VCAVFixture) []string {
	if f.Orgs != nil {
		names := make([]string, len(f.Orgs))
		for i, o := range f.Orgs {
			names[i] = o.Name
		}
		slices.Sort(names)
		return names
	}
	seen := map[string]bool{}
	add := func(org *string) {
		if org != nil && *org != "" {
			seen[*org] = true
		}
	}
	for _, r := range f.Replications {
		if r.Source != nil {
			add(r.Source.Org)
		}
		if r.Destination != nil {
			add(r.Destination.Org)
		}
	}
	for _, v := range f.VappReplications {
		if v.Source != nil {
			add(v.Source.Org)
		}
		if v.Destination != nil {
			add(v.Destination.Org)
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	// One spelling per name ignoring case (the first in byte order), so
	// the list is a valid orgs list and the state saved from it reloads:
	// spellings of a name sort next to each other, then compact.
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a), strings.ToLower(b)), cmp.Compare(a, b))
	})
	names = slices.CompactFunc(names, strings.EqualFold)
	slices.Sort(names)
	return names
}

// ListInventoryOrgs answers GET /inventory/orgs: one page of the site's
// organisations, ordered by name (failoverkit choice). total counts every
// organisation; an offset past the end gives an empty page.
func (m *vcavMock) ListInventoryOrgs(ctx context.Context, req vcav.ListInventoryOrgsRequestObject) (vcav.ListInventoryOrgsResponseObject, error) {
	m.begin()
	defer m.end()
	if _, refusal := m.checkSite(ctx, req.Params.Site); refusal != nil {
		return nil, refusal.problem()
	}
	offset, limit, refusal := vcavPage(req.Params.Offset, req.Params.Limit)
	if refusal != nil {
		return nil, refusal.problem()
	}
	page := vcav.QueryResultOfInventoryOrg{Items: []vcav.InventoryOrg{}, Offset: offset, Limit: limit, Total: int64(len(m.orgs))}
	for i := int(offset); i < len(m.orgs) && i < int(offset)+int(limit); i++ {
		page.Items = append(page.Items, vcav.InventoryOrg{Name: m.orgs[i]})
	}
	return vcav.ListInventoryOrgs200JSONResponse(page), nil
}
