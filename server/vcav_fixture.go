package server

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/spec"
)

// VCAVFixture is the VCDA/VCAV part of a Fixture: the sites of the
// deployment, the site the mock plays, the users who may log in and the VM
// replications, which use the vendor's field names exactly as
// GET /vm-replications/{replicationId} returns them.
type VCAVFixture struct {
	// LocalSite is the site this mock plays: the destination of the
	// replications, where failovers and their tasks run. Requests without a
	// site query parameter, or with this one, run here.
	LocalSite string `json:"localSite"`
	// Sites are every site of the deployment. A site query parameter naming
	// one of the others is refused with 401 RemoteAuthenticationFailure; a
	// site not listed here with 404 SiteNotFound.
	Sites []VCAVSite `json:"sites"`
	// VcSites are the on-premises vCenter sites paired with the cloud
	// (GET /vc-sites).
	VcSites []VCAVVcSite `json:"vcSites,omitempty"`
	// Orgs are the Cloud Director organisations of the site
	// (GET /inventory/orgs, listed by name). Left out (nil), they are the
	// distinct source.org and destination.org of Replications and
	// VappReplications (failoverkit choice); an empty list means none. Not
	// omitempty, so a copy keeps an empty list apart from a missing one.
	Orgs []VCAVOrg `json:"orgs"`
	// About is what GET /diagnostics/about answers (nil: vcavDefaultAbout).
	About *vcav.AboutInfo `json:"about,omitempty"`
	// Health is the CloudHealthInfo of the health read and the health
	// task's result; currentTime is the mock's clock when it is read, and
	// productName, buildVersion, buildDate and instanceId default to About's.
	Health *vcav.CloudHealthInfo `json:"health,omitempty"`
	// Users are the accounts POST /sessions accepts; Type is the login type
	// that accepts each with a password (localUser, ssoCredentials or
	// vcdCredentials); a user with vcdCookie or vcdAccessToken also logs in
	// with that value. Names compare ignoring case for vcdCredentials users
	// (Cloud Director's rule).
	Users []User `json:"users"`
	// Replications are the VM replications, in any order (the API lists them
	// ordered by id).
	Replications []vcav.SingleVmReplicationInfo `json:"replications"`
	// VappReplications are the vApp replications ("C4VAPP-" ids), in any
	// order; each one's vmReplications names (by id) VM replications of
	// Replications, which then belong to it.
	VappReplications []vcav.VappReplicationInfo `json:"vappReplications,omitempty"`
	// Instances are the point-in-time instances of replications, by
	// replication id, newest first; a replication left out lists its
	// destinationState.latestInstance.
	Instances map[string][]vcav.InstanceInfo `json:"instances,omitempty"`
	// NetworkSettings are the stored network settings of replications, by
	// replication id; a replication left out has empty settings.
	NetworkSettings map[string]vcav.ReplicationNetworkSettings `json:"networkSettings,omitempty"`
}

// VCAVSite is one site of a VCDA deployment, as GET /sites shows it.
type VCAVSite struct {
	// Name is the site name used in site query parameters and in the
	// replications' source.site and destination.site.
	Name string `json:"name"`
	// Description is free text, answered as the site's description.
	Description string `json:"description,omitempty"`
	// APIURL, APIPublicURL, APIThumbprint, APIVersion and BuildVersion are
	// answered as apiUrl, apiPublicUrl, apiThumbprint, apiVersion and
	// buildVersion (left out when empty).
	APIURL        string `json:"apiUrl,omitempty"`
	APIPublicURL  string `json:"apiPublicUrl,omitempty"`
	APIThumbprint string `json:"apiThumbprint,omitempty"`
	APIVersion    string `json:"apiVersion,omitempty"`
	BuildVersion  string `json:"buildVersion,omitempty"`
	// Users are the Cloud Director users of a remote site: their
	// credentials, vcdCookie or vcdAccessToken extend a session to the site
	// (POST /sessions/extend). Ignored on the local site.
	Users []User `json:"users,omitempty"`
}

// VCAVVcSite is an on-premises vCenter site (GET /vc-sites).
type VCAVVcSite struct {
	// Name is the site name.
	Name string `json:"name"`
	// Description is free text, answered as the site's description.
	Description string `json:"description,omitempty"`
}

// vcavLoginTypes are the login types a fixture user may have: the ones the
// mock checks credentials for.
var vcavLoginTypes = []string{"localUser", "ssoCredentials", "vcdCredentials"}

// validate checks the section, naming the first bad field, e.g.
// `replications[2].id: must start with C4-` or `users[0].type: ...`.
func (f *VCAVFixture) validate() error {
	sites, err := validateVCAVSites(f.Sites)
	if err != nil {
		return err
	}
	switch {
	case f.LocalSite == "":
		return fmt.Errorf("localSite: required")
	case !sites[f.LocalSite]:
		return fmt.Errorf("localSite: %q is not one of the sites", f.LocalSite)
	}
	if err := validateUsers(f.Users, vcavUserType); err != nil {
		return err
	}
	for i, site := range f.Sites {
		if err := validateUsers(site.Users, vcavUserType); err != nil {
			return fmt.Errorf("sites[%d].%w", i, err)
		}
	}
	for _, v := range f.VcSites {
		sites[v.Name] = true // replications may come from (or go to) a vCenter site
	}
	if err := validateVCAVReplications(f.Replications, sites); err != nil {
		return err
	}
	return f.validateReads()
}

// validateVCAVReplications checks each replication (validateVCAVReplication)
// and that no id repeats, and reports what a check of each replication in
// order, its id last, would find first. The schema check is most of the
// time a large fixture takes to load, so it runs on every core, up to the
// first repeated id (found first: it is cheap).
func validateVCAVReplications(rs []vcav.SingleVmReplicationInfo, sites map[string]bool) error {
	var dupErr error
	checked := len(rs)
	seen := make(map[string]int, len(rs))
	for i, r := range rs {
		if j, dup := seen[r.Id]; dup {
			dupErr = fmt.Errorf("replications[%d].id: %q duplicates replications[%d].id", i, r.Id, j)
			checked = i + 1
			break
		}
		seen[r.Id] = i
	}
	err := forEachRange(checked, func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			if err := validateVCAVReplication(&rs[i], i, sites); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return dupErr
}

// validateReads checks the fixture's read-only parts: vc-sites and orgs
// have names (orgs unique ones), and instances and network settings belong to listed replications.
func (f *VCAVFixture) validateReads() error {
	for i, s := range f.VcSites {
		if s.Name == "" {
			return fmt.Errorf("vcSites[%d].name: required", i)
		}
	}
	if err := validateVCAVOrgs(f.Orgs); err != nil {
		return err
	}
	known := map[string]bool{}
	for _, r := range f.Replications {
		known[r.Id] = true
	}
	for id := range f.Instances {
		if !known[id] {
			return fmt.Errorf("instances.%s: not one of the replications", id)
		}
	}
	for id := range f.NetworkSettings {
		if !known[id] {
			return fmt.Errorf("networkSettings.%s: not one of the replications", id)
		}
	}
	return f.validateVapps(known)
}

// validateVapps checks the vApp replications against the
// VappReplicationInfo schema and what it cannot say: a unique C4VAPP-<uuid>
// id, and VM replications that the fixture lists and that belong to this
// vApp only. A VM replication's own vappReplicationId, when set, must name
// the vApp that lists it.
func (f *VCAVFixture) validateVapps(known map[string]bool) error {
	seen := map[string]int{}
	owner := map[string]string{}
	for i, v := range f.VappReplications {
		where := fmt.Sprintf("vappReplications[%d]", i)
		if err := checkSchema(spec.VCAV, "VappReplicationInfo", v, where); err != nil {
			return err
		}
		if err := checkUUIDID(v.Id, "C4VAPP-"); err != nil {
			return fmt.Errorf("%s.id: %w", where, err)
		}
		if j, dup := seen[v.Id]; dup {
			return fmt.Errorf("%s.id: %q duplicates vappReplications[%d].id", where, v.Id, j)
		}
		seen[v.Id] = i
		if v.VmReplications == nil {
			continue
		}
		for k, child := range *v.VmReplications {
			at := fmt.Sprintf("%s.vmReplications[%d].id", where, k)
			if !known[child.Id] {
				return fmt.Errorf("%s: %q is not one of the replications", at, child.Id)
			}
			if other, taken := owner[child.Id]; taken {
				return fmt.Errorf("%s: %q already belongs to vApp replication %s", at, child.Id, other)
			}
			owner[child.Id] = v.Id
		}
	}
	for i, r := range f.Replications {
		if r.VappReplicationId != nil && owner[r.Id] != *r.VappReplicationId {
			return fmt.Errorf("replications[%d].vappReplicationId: %q does not list it among its vmReplications", i, *r.VappReplicationId)
		}
	}
	return nil
}

// validateVCAVSites requires at least one site and a non-empty, unique name
// for each, and returns the set of names.
func validateVCAVSites(list []VCAVSite) (map[string]bool, error) {
	if len(list) == 0 {
		return nil, fmt.Errorf("sites: at least one site is required")
	}
	names := map[string]bool{}
	for i, s := range list {
		switch {
		case s.Name == "":
			return nil, fmt.Errorf("sites[%d].name: required", i)
		case names[s.Name]:
			return nil, fmt.Errorf("sites[%d].name: %q is listed twice", i, s.Name)
		}
		names[s.Name] = true
	}
	return names, nil
}

// vcavUserType requires one of the login types the mock checks.
func vcavUserType(i int, u User) error {
	if !slices.Contains(vcavLoginTypes, u.Type) {
		return fmt.Errorf("users[%d].type: %q is not one of %s", i, u.Type, strings.Join(vcavLoginTypes, ", "))
	}
	return nil
}

// validateVCAVReplication checks replication r at index i against the
// SingleVmReplicationInfo schema and what the schema cannot say: a
// C4-<uuid> id, a recovery state, and sites that the fixture lists.
func validateVCAVReplication(r *vcav.SingleVmReplicationInfo, i int, sites map[string]bool) error {
	where := fmt.Sprintf("replications[%d]", i)
	if err := checkSchema(spec.VCAV, "SingleVmReplicationInfo", r, where); err != nil {
		return err
	}
	if err := checkVCAVReplicationID(r.Id); err != nil {
		return fmt.Errorf("%s.id: %w", where, err)
	}
	if r.DestinationState == nil || r.DestinationState.RecoveryInfo == nil || r.DestinationState.RecoveryInfo.RecoveryState == "" {
		return fmt.Errorf("%s.destinationState.recoveryInfo.recoveryState: required", where)
	}
	if r.Source != nil && r.Source.Site != nil && !sites[*r.Source.Site] {
		return fmt.Errorf("%s.source.site: %q is not one of the sites", where, *r.Source.Site)
	}
	if r.Destination != nil && r.Destination.Site != nil && !sites[*r.Destination.Site] {
		return fmt.Errorf("%s.destination.site: %q is not one of the sites", where, *r.Destination.Site)
	}
	return nil
}

// checkVCAVReplicationID accepts "C4-" followed by a UUID in its canonical
// 36-character form.
func checkVCAVReplicationID(id string) error {
	return checkUUIDID(id, "C4-")
}

// checkUUIDID accepts prefix followed by a UUID in its canonical
// 36-character form.
func checkUUIDID(id, prefix string) error {
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok {
		return fmt.Errorf("must start with %s", prefix)
	}
	if _, err := uuid.Parse(rest); err != nil || len(rest) != 36 {
		return fmt.Errorf("must be %s followed by a UUID such as 09b2917c-bbe9-4693-ae3f-95b43a94b244", prefix)
	}
	return nil
}
