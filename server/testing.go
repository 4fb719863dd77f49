package server

import (
	"context"
	"fmt"
	"testing"

	"github.com/failoverkit/failoverkit/client"
	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/spec"
)

// TestEnv is a mock serving both APIs on loopback, with logged-in clients.
type TestEnv struct {
	// Mock is the live mock: inject faults, load fixtures, read State.
	Mock *Mock
	// VCAVURL and VCHAURL are the base URLs of the two APIs.
	VCAVURL, VCHAURL string
	// VCAV is logged in as the fixture's first VCAV user.
	VCAV *client.VCAV
	// VCHA is logged in as the fixture's first vSphere user holding
	// Global.VCServer (the one that may fail over).
	VCHA *client.VCHA
	// CertPEM is the PEM of the certificate the APIs present when they
	// serve HTTPS (TestTLS, StartTLS), nil otherwise. The clients of
	// NewVCAV, NewVCHA and HTTPClient trust it.
	CertPEM []byte

	servers *Servers
}

// Test starts the mock for the duration of t (see Start), registers its
// cleanup, and fails t, never panics, when it cannot be set up.
func Test(t testing.TB, opts ...Option) *TestEnv {
	t.Helper()
	env, err := Start(opts...)
	if err != nil {
		t.Fatalf("failoverkit mock: %v", err)
	}
	t.Cleanup(env.Close)
	return env
}

// Start runs the mock on loopback listeners (Mock.Listen, with the same
// timeouts and limits as `failoverkit mock`) and logs a client in to each
// API.
// Tasks finish on their first read unless an option says otherwise
// (WithTaskDuration together with WithClock(NewManualClock(...)) lets a test
// step through progress). Call Close when done.
func Start(opts ...Option) (*TestEnv, error) {
	return startEnv(ServeConfig{AnyLoopbackPort: true}, opts)
}

// startEnv is Start with sc as the listeners' configuration.
func startEnv(sc ServeConfig, opts []Option) (*TestEnv, error) {
	m, err := New(append([]Option{WithInstantTasks()}, opts...)...)
	if err != nil {
		return nil, err
	}
	srv, err := m.Listen(sc)
	if err != nil {
		return nil, err
	}
	env := &TestEnv{Mock: m, servers: srv, CertPEM: srv.CertPEM()}
	env.VCAVURL, env.VCHAURL = srv.URL(spec.VCAV), srv.URL(spec.VCHA)
	if env.VCAV, err = env.NewVCAV(); err == nil {
		env.VCHA, err = env.NewVCHA()
	}
	if err == nil {
		err = env.login(context.Background())
	}
	if err != nil {
		env.Close()
		return nil, err
	}
	return env, nil
}

// Close stops the servers.
func (e *TestEnv) Close() { _ = e.servers.Close() }

// NewVCAV returns a new, logged-out VCAV client for the test server
// (trusting its certificate under TLS; opts come after, so they can
// override that).
func (e *TestEnv) NewVCAV(opts ...client.Option) (*client.VCAV, error) {
	return client.NewVCAV(e.VCAVURL, e.clientOptions(opts)...)
}

// NewVCHA returns a new, logged-out vSphere client for the test server
// (trusting its certificate under TLS; opts come after).
func (e *TestEnv) NewVCHA(opts ...client.Option) (*client.VCHA, error) {
	return client.NewVCHA(e.VCHAURL, e.clientOptions(opts)...)
}

// clientOptions puts trust in the test certificate, if any, before opts.
func (e *TestEnv) clientOptions(opts []client.Option) []client.Option {
	if e.CertPEM == nil {
		return opts
	}
	return append([]client.Option{client.WithCAPEM(e.CertPEM)}, opts...)
}

// login signs the two clients in with the loaded fixture's users.
func (e *TestEnv) login(ctx context.Context) error {
	base, err := e.Mock.baselineFixture()
	if err != nil {
		return err
	}
	if len(base.VCAV.Users) > 0 {
		req, err := vcavLoginRequest(base.VCAV.Users[0])
		if err != nil {
			return err
		}
		if _, err := e.VCAV.Login(ctx, req); err != nil {
			return fmt.Errorf("log in to VCAV as %s: %w", base.VCAV.Users[0], err)
		}
	}
	for _, u := range base.VCHA.Users {
		if u.HasPrivilege(privGlobalVCServer) {
			if err := e.VCHA.Login(ctx, u.Name, u.Password); err != nil {
				return fmt.Errorf("log in to vSphere as %s: %w", u, err)
			}
			break
		}
	}
	return nil
}

// vcavLoginRequest builds the login body for u's login type.
func vcavLoginRequest(u User) (vcav.AuthenticationRequest, error) {
	var req vcav.AuthenticationRequest
	var err error
	switch u.Type {
	case "vcdCredentials":
		err = req.FromVcdCredentialsAuthenticationRequest(vcav.VcdCredentialsAuthenticationRequest{VcdUser: u.Name, VcdPassword: u.Password})
	case "ssoCredentials":
		err = req.FromSsoCredentialsAuthenticationRequest(vcav.SsoCredentialsAuthenticationRequest{Username: u.Name, Password: u.Password})
	default:
		err = req.FromLocalUserAuthenticationRequest(vcav.LocalUserAuthenticationRequest{LocalUser: u.Name, LocalPassword: u.Password})
	}
	if err != nil {
		return req, fmt.Errorf("build VCAV login for %s: %w", u, err)
	}
	return req, nil
}
