package server

import (
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/failoverkit/failoverkit/gen/vcha"
	"github.com/failoverkit/failoverkit/spec"
)

// vchaMock serves the generated strict interface and plugs into the shared
// pipeline as a vendor.
var (
	_ vcha.StrictServerInterface = (*vchaMock)(nil)
	_ simulator                  = (*vchaMock)(nil)
)

// vchaMock simulates the vSphere Automation API for vCenter HA: sessions,
// one VCHA cluster, and the CIS tasks of failovers and mode changes. One
// mutex guards all of its state. Every handler takes it and first calls
// advance, so tasks move with env.clock alone: no goroutine, no sleeping.
type vchaMock struct {
	env *env

	mu      sync.Mutex
	users   []User
	cluster vcha.VchaClusterInfo
	tasks   *taskEngine[*vchaTaskKind, vcha.StdErrorsError]
	// active is the failover or mode change that holds the cluster (nil when
	// none): at most one exists, since a second is refused while it runs.
	active *vchaTask
	// rejoin is the former active node coming back after a failover (nil
	// when none).
	rejoin *vchaRejoin
	// deployType is the fixture's deployment type (default AUTO).
	deployType vcha.VchaClusterDeploymentType
	// taskSeq numbers task ids; it never goes back, so an id is never
	// reused, not even across fixture loads.
	taskSeq uint64
}

// newVCHAMock returns an empty vSphere mock; Mock.New loads its fixture.
func newVCHAMock(e *env) *vchaMock {
	m := &vchaMock{env: e}
	m.clear()
	return m
}

// api names the API the mock serves.
func (m *vchaMock) api() spec.API { return spec.VCHA }

// register mounts the generated strict handlers on e.
func (m *vchaMock) register(e *echo.Echo) {
	vcha.RegisterHandlers(e, vcha.NewStrictHandler(m, nil))
}

// clear forgets every task. The caller holds m.mu (or owns m exclusively).
func (m *vchaMock) clear() {
	m.tasks = newTaskEngine[*vchaTaskKind](m.env.taskRetention, nil, vchaInjectedFailure)
	m.tasks.finished = m.taskFinished
	m.active = nil
	m.rejoin = nil
}

// load replaces users and cluster with f.VCHA, which it keeps (an empty
// state when f or its VCHA section is nil) and drops every task.
func (m *vchaMock) load(f *Fixture) error {
	var src VCHAFixture
	if f != nil && f.VCHA != nil {
		src = *f.VCHA
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.users, m.cluster = src.Users, src.Cluster
	m.deployType = defaultDeploy
	if src.DeploymentType != nil {
		m.deployType = *src.DeploymentType
	}
	m.clear()
	return nil
}

// snapshot stores the current state in f.VCHA: users without passwords and
// the cluster with its derived fields filled in.
func (m *vchaMock) snapshot(f *Fixture) {
	m.begin()
	defer m.mu.Unlock()
	users := make([]User, len(m.users))
	for i, u := range m.users {
		users[i] = u.redacted()
	}
	f.VCHA = &VCHAFixture{Users: users, Cluster: m.clusterView(false), DeploymentType: new(m.deployType)}
}

// begin locks the mock, finishes every task that is due and returns the
// current time. The caller must unlock m.mu.
func (m *vchaMock) begin() time.Time {
	m.mu.Lock()
	now := m.env.clock.Now()
	m.advance(now)
	return now
}

// advance finishes the tasks due at now, then completes a rejoin that is
// due. The caller holds m.mu.
func (m *vchaMock) advance(now time.Time) {
	m.tasks.advance(now)
	m.rejoinDue(now)
}
