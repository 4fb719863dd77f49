package conformance

import (
	"fmt"

	"github.com/failoverkit/failoverkit/server"
	"github.com/failoverkit/failoverkit/spec"
)

// privFailover is the vSphere privilege the VCHA failover needs.
const privFailover = "Global.VCServer"

// MockCredentials returns credentials of the mock's embedded default
// fixture: the first VCAV user of the login type (LoginLocalUser when
// empty), the first vSphere user with Global.VCServer, and the first without
// it as the low-privilege user.
func MockCredentials(loginType string) (Credentials, error) {
	f, err := server.DefaultFixture()
	if err != nil {
		return Credentials{}, err
	}
	if loginType == "" {
		loginType = LoginLocalUser
	}
	var c Credentials
	for _, u := range f.VCAV.Users {
		if u.Type == loginType && c.VCAVUser == "" {
			c.VCAVUser, c.VCAVPassword = u.Name, u.Password
		}
	}
	for _, u := range f.VCHA.Users {
		switch {
		case u.HasPrivilege(privFailover) && c.VCHAUser == "":
			c.VCHAUser, c.VCHAPassword = u.Name, u.Password
		case !u.HasPrivilege(privFailover) && c.VCHALowPrivUser == "":
			c.VCHALowPrivUser, c.VCHALowPrivPassword = u.Name, u.Password
		}
	}
	if c.VCAVUser == "" || c.VCHAUser == "" {
		return Credentials{}, fmt.Errorf("the mock's default fixture has no %s VCAV user or no vSphere user with %s", loginType, privFailover)
	}
	return c, nil
}

// MockTarget returns the Target of a failoverkit mock that serves its
// default fixture at these base URLs (either may be empty) with its control
// API on: the fixture's credentials, Mock set. Wrap the mock's handlers to
// test a deliberately broken server the same way.
func MockTarget(vcavURL, vchaURL string) (Target, error) {
	creds, err := MockCredentials(LoginLocalUser)
	if err != nil {
		return Target{}, err
	}
	return Target{VCAVURL: vcavURL, VCHAURL: vchaURL, Credentials: creds, Mock: true}, nil
}

// EmbeddedMock is a failoverkit mock serving every API in-process on
// loopback listeners; `failoverkit check` without a target runs the suite
// against one.
type EmbeddedMock struct {
	// Mock is the running mock.
	Mock *server.Mock
	// VCAVURL and VCHAURL are the base URLs it serves.
	VCAVURL, VCHAURL string

	servers *server.Servers
}

// StartMock starts a mock with instant tasks (then opts) on free loopback
// ports, the way every mock starts (server.Mock.Listen: the same timeouts
// and limits as `failoverkit mock`). Close it when done.
func StartMock(opts ...server.Option) (*EmbeddedMock, error) {
	m, err := server.New(append([]server.Option{server.WithInstantTasks()}, opts...)...)
	if err != nil {
		return nil, err
	}
	srv, err := m.Listen(server.ServeConfig{AnyLoopbackPort: true})
	if err != nil {
		return nil, fmt.Errorf("start the embedded mock: %w", err)
	}
	return &EmbeddedMock{Mock: m, VCAVURL: srv.URL(spec.VCAV), VCHAURL: srv.URL(spec.VCHA), servers: srv}, nil
}

// Target returns the Target of the embedded mock.
func (em *EmbeddedMock) Target() (Target, error) { return MockTarget(em.VCAVURL, em.VCHAURL) }

// Close stops the listeners, letting requests in flight finish.
func (em *EmbeddedMock) Close() error { return em.servers.Close() }
