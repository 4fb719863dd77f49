package server

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/spec"
)

var (
	_ vcav.StrictServerInterface = (*vcavMock)(nil)
	_ simulator                  = (*vcavMock)(nil)
)

// vcavMock simulates the VCDA/VCAV cloud API of one site: sessions, the VM
// replications whose destination it is, and the tasks of their failovers.
// One mutex guards all of its state. Every handler takes it and first calls
// advance, so tasks move with env.clock alone: no goroutine, no sleeping.
type vcavMock struct {
	env *env

	mu        sync.Mutex
	localSite string
	sites     []VCAVSite
	vcSites   []VCAVVcSite
	// orgs are the organisation names GET /inventory/orgs lists, sorted.
	orgs      []string
	about     *vcav.AboutInfo
	health    *vcav.CloudHealthInfo
	users     []User
	repls     map[string]*vcav.SingleVmReplicationInfo
	instances map[string][]vcav.InstanceInfo
	networks  map[string]vcav.ReplicationNetworkSettings
	// order holds the replication ids sorted, the order lists use;
	// inOrder the replications in that order (lists scan it rather than
	// look every id up).
	order   []string
	inOrder []*vcav.SingleVmReplicationInfo
	// vapps are the vApp replications, vappOrder their ids sorted.
	vapps     map[string]*vcavVapp
	vappOrder []string
	// tasks are the tasks of the replications' operations; end deflates
	// the results that left the plain window once the lock is released
	// (see resultWindow).
	tasks *taskEngine[*vcavTaskKind, vcav.ApiError]
	codec *resultCodec
}

// newVCAVMock returns an empty VCAV mock; Mock.New loads its fixture.
func newVCAVMock(e *env) *vcavMock {
	m := &vcavMock{env: e, repls: map[string]*vcav.SingleVmReplicationInfo{}, codec: newVCAVResultCodec()}
	m.clearTasks()
	return m
}

// api names the API the mock serves.
func (m *vcavMock) api() spec.API { return spec.VCAV }

// register mounts the generated strict handlers on e.
func (m *vcavMock) register(e *echo.Echo) {
	vcav.RegisterHandlers(e, vcav.NewStrictHandler(m, nil))
}

// clearTasks forgets every task. The caller holds m.mu (or owns m
// exclusively).
func (m *vcavMock) clearTasks() {
	m.tasks = newTaskEngine[*vcavTaskKind](m.env.taskRetention, m.codec, vcavInjectedFailure)
}

// load replaces sites, users and replications with f.VCAV, which it keeps
// (an empty state when f or its VCAV section is nil) and drops every task.
func (m *vcavMock) load(f *Fixture) error {
	var src VCAVFixture
	if f != nil && f.VCAV != nil {
		src = *f.VCAV
	}
	repls := make(map[string]*vcav.SingleVmReplicationInfo, len(src.Replications))
	order := make([]string, 0, len(src.Replications))
	for i := range src.Replications {
		r := &src.Replications[i]
		repls[r.Id] = r
		order = append(order, r.Id)
	}
	slices.Sort(order)
	vapps, vappOrder, err := loadVapps(src.VappReplications, repls)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.localSite, m.sites, m.vcSites, m.users = src.LocalSite, src.Sites, src.VcSites, src.Users
	m.about, m.health = src.About, src.Health
	m.orgs = vcavOrgNames(&src)
	m.repls, m.order = repls, order
	m.vapps, m.vappOrder = vapps, vappOrder
	m.instances, m.networks = src.Instances, src.NetworkSettings
	m.inOrder = make([]*vcav.SingleVmReplicationInfo, len(order))
	for i, id := range order {
		m.inOrder[i] = repls[id]
	}
	m.clearTasks()
	return nil
}

// snapshot stores the current state in f.VCAV: users without passwords and
// the replications, ordered by id, as the API would return them now.
func (m *vcavMock) snapshot(f *Fixture) {
	m.begin()
	defer m.end()
	users := make([]User, len(m.users))
	for i, u := range m.users {
		users[i] = u.redacted()
	}
	repls := make([]vcav.SingleVmReplicationInfo, len(m.order))
	for i, id := range m.order {
		repls[i] = vcavCloneReplication(m.repls[id])
	}
	vapps := make([]vcav.VappReplicationInfo, len(m.vappOrder))
	for i, id := range m.vappOrder {
		vapps[i] = m.renderVapp(m.vapps[id])
	}
	sites := slices.Clone(m.sites)
	for i := range sites {
		sites[i].Users = make([]User, len(m.sites[i].Users))
		for j, u := range m.sites[i].Users {
			sites[i].Users[j] = u.redacted()
		}
	}
	orgs := make([]VCAVOrg, len(m.orgs))
	for i, name := range m.orgs {
		orgs[i] = VCAVOrg{Name: name}
	}
	f.VCAV = &VCAVFixture{
		LocalSite: m.localSite, Sites: sites, VcSites: slices.Clone(m.vcSites), Orgs: orgs, About: m.about, Health: m.health,
		Users: users, Replications: repls, VappReplications: vapps, Instances: maps.Clone(m.instances), NetworkSettings: maps.Clone(m.networks),
	}
}

// begin locks the mock, finishes every task that is due and returns the
// current time. The caller must call end (or unlock m.mu).
func (m *vcavMock) begin() time.Time {
	m.mu.Lock()
	now := m.env.clock.Now()
	m.tasks.advance(now)
	return now
}

// end unlocks the mock, then deflates the results of the tasks that
// finished while it was held (see resultWindow). Compression happens
// outside the lock, so requests waiting for it do not wait for that.
func (m *vcavMock) end() {
	todo := m.tasks.results.takePending()
	m.mu.Unlock()
	m.tasks.results.packPending(todo)
}

// checkSite decides where a request with the site query parameter runs
// and returns that site: the local site when the parameter is absent,
// empty or names it; a remote site the caller's session has been extended
// to (failoverkit choice: served from the same replication state, its
// tasks carrying that site). A site the deployment does not know is
// refused with 404 SiteNotFound, a remote site the session was not
// extended to with 401 RemoteAuthenticationFailure. The caller holds m.mu.
func (m *vcavMock) checkSite(ctx context.Context, site *string) (string, *vcavRefusal) {
	if site == nil || *site == "" || *site == m.localSite {
		return m.localSite, nil
	}
	if m.site(*site) == nil {
		return "", vcavSiteNotFound(*site)
	}
	if sess, ok := sessionFrom(ctx); ok {
		if _, extended := sess.Realms[*site]; extended {
			return *site, nil
		}
	}
	return "", vcavRemoteAuthenticationFailure(*site)
}

// site returns the deployment's site named name, or nil.
func (m *vcavMock) site(name string) *VCAVSite {
	for i := range m.sites {
		if m.sites[i].Name == name {
			return &m.sites[i]
		}
	}
	return nil
}

// vcavCloneReplication deep-copies r through JSON, so a response can be
// encoded after the lock is released.
func vcavCloneReplication(r *vcav.SingleVmReplicationInfo) vcav.SingleVmReplicationInfo {
	return vcavDecodeReplication(vcavEncodeReplication(r))
}
