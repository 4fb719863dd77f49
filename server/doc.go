// Package server is failoverkit's stateful mock of the vendor APIs.
//
// The core is vendor-neutral: every request is routed and validated
// against its spec, authenticated with the token header or HTTP Basic
// scheme its spec declares, and refused in the API's own error shape
// (pipeline.go); faults, the control API, the request log and fixtures work
// the same for every API; asynchronous operations are tasks of one task
// engine (taskengine.go), each operation a task kind plus its effect on
// state, progressing on an injectable clock with no goroutine. Each API is
// declared in files of its own (vcav_*.go, vcha_*.go) and registered in
// apis.go. An API may declare duration settings of its own (Setting,
// Config.Settings, a `failoverkit mock` flag each) and an outage: a window
// of the clock in which it answers every request with 503 and after which
// its sessions are gone (outage.go; the vSphere VCHA failover opens one at
// its switch-over). Mock.Listen is the one way to start the mock's servers;
// Test and Start wrap it for Go tests.
package server
