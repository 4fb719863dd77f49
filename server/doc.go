// Package server is failoverkit's stateful mock of the vendor failover
// APIs: VMware Cloud Director Availability (VCAV) and the vSphere
// Automation API of a vCenter HA cluster (VCHA). Embed it in Go tests to
// exercise failover automation without an appliance; the same mock runs as
// `failoverkit mock` for other languages.
//
// # In a test
//
// Test starts every API on loopback listeners for the duration of a test,
// logs a client in to each and registers the cleanup; it fails the test,
// never panics, when it cannot start:
//
//	env := server.Test(t)
//	task, err := env.VCAV.FailoverToCloud(ctx, "C4-09b2917c-bbe9-4693-ae3f-95b43a94b244", vcav.VmFailoverSettings{})
//	...
//	done, err := env.VCAV.WaitTask(ctx, task.Id)
//
// TestEnv carries the base URLs (VCAVURL, VCHAURL) for the code under
// test, logged-in clients (VCAV, VCHA; NewVCAV and NewVCHA make more) and
// the Mock itself. Start does the same without a testing.TB; call Close.
// The README's "Embedding in Go tests" snippet is a test of this package
// (readme_example_test.go), and ExampleStart and ExampleWithFault run with
// go test.
//
// # What the mock does
//
// Every request is routed and validated against the API's OpenAPI document
// (package spec) before a handler runs, authenticated the way that API
// does (a token header, or HTTP Basic at login), and refused in that
// vendor's own error shape, never with a panic or a bare 500. An API's
// declared media-type policy and header spellings shape every answer
// (negotiate.go): VCAV answers the versioned vendor type a client asks
// for, and spells X-VCAV-Auth so on the wire. Asynchronous
// operations return tasks that run through RUNNING to SUCCEEDED or FAILED
// and then change state: a VCAV failover moves the replication's recovery
// state from NOT_STARTED through IN_PROGRESS to COMPLETE; a VCHA failover
// swaps the ACTIVE and PASSIVE nodes. Preconditions are the vendor's (a
// replication in TEST or COMPLETE is refused with InvalidRecoveryState; a
// DISABLED cluster makes the failover task fail). What the vendor leaves
// open is a documented failoverkit choice (README, spec descriptions).
//
// A VCHA failover can also play out its switch-over as clients of a real
// vCenter see it (WithVCHAOutage; on by default in `failoverkit mock`):
// for the outage every vSphere request has its connection reset, then gets
// 503 (WithVCHAOutageReset sets the split), every session ends, and
// the former active node stays DOWN until it has rejoined (WithVCHARejoin).
// The vSphere listener serves the deprecated /rest calls govmomi and
// Ansible log in with beside /api, and the vAPI JSON-RPC 2.0 calls of
// VMware's Python SDK at POST /api (session, VCHA failover, task get, mode
// get; vcha_jsonrpc*.go), all on the same state and sessions.
//
// # Time and tasks
//
// Nothing in the mock sleeps or runs a goroutine per task: tasks progress
// on a Clock when they are read. Test and Start make tasks finish on their
// first read (WithInstantTasks). To step through progress, pass a
// ManualClock and a duration and move the clock yourself:
//
//	clock := server.NewManualClock(time.Now())
//	env := server.Test(t, server.WithClock(clock), server.WithTaskDuration(10*time.Second))
//	... start a failover; its task reads RUNNING ...
//	clock.Advance(10 * time.Second) // the next read sees it SUCCEEDED
//
// # Faults, fixtures and state
//
// A Fault makes one operation answer an HTTP status (with the vendor's
// error body or one of yours), add latency, or start a task that fails
// (TaskFails) or never ends (TaskHangs), for a number of requests or until
// cleared: WithFault at start, Mock.InjectFault and Mock.ClearFaults in a
// running test. A Fixture is the whole state as data (users, replications,
// the cluster), in the vendors' own JSON field names; DefaultFixture is the
// embedded one, ParseFixture and LoadFixtureFile read YAML or JSON,
// WithFixture and Mock.LoadFixture use one. Mock.State returns the live
// state in fixture form (passwords left out), Mock.Requests the request
// log, Mock.Reset goes back to the fixture.
//
// # Serving
//
// New builds a Mock; Mock.Handler(api) (VCAVHandler, VCHAHandler) is an
// http.Handler to mount anywhere. Mock.Listen and Mock.Serve are the one
// way the mock's own servers start, with the same timeouts and limits for
// `failoverkit mock`, the mock `failoverkit check` embeds, and Test and
// Start. Every listener also serves, without a session, its OpenAPI
// document at SpecPath, a browsable reference of it at DocsPath (Redoc,
// embedded: the page requests nothing from another host), and, unless
// WithoutControlAPI, the control API under ControlPrefix (state, fixtures,
// faults, the request log, reset) for tests in other languages. Banner
// describes a running mock for people.
//
// # Safety
//
// A Mock is safe for concurrent use. Session tokens are random and stored
// hashed; passwords and tokens never appear in logs, the request log, the
// state dump or error answers.
//
// # Inside
//
// The core is vendor-neutral: the pipeline (pipeline.go), faults, the
// control API, the request log and fixtures work the same for every API;
// asynchronous operations are tasks of one task engine (taskengine.go),
// each operation a task kind plus its effect on state. An API may declare
// duration settings of its own (Setting, Config.Settings, one `failoverkit
// mock` flag each) and open an outage, a window of the clock in which it
// resets connections, then answers 503, and after which its sessions are
// gone (outage.go, connreset.go). Each API is
// declared in files of its own (vcav_*.go, vcha_*.go) and registered in
// apis.go; the README's "Adding an API" and "Adding an operation" say how.
package server
