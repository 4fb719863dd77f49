package server

import (
	"time"

	"github.com/failoverkit/failoverkit/spec"
)

// The APIs the mock simulates are registered here, and only here: each is
// declared in its own files (vcav_api.go, vcha_api.go), and the shared core
// (mock.go, pipeline.go, serve.go, control.go, faults.go, fixture.go, ...)
// loops over this list and names none of them. See README, "Adding an API".

// registered lists the simulated APIs, in the order they are served. It is
// set in init, so that declarations may use the fixture machinery, which
// loops over it, without an initialization cycle.
var registered []*apiDef

func init() { registered = []*apiDef{vcavAPI, vchaAPI} }

// builtinAPIs lists the simulated APIs, in the order they are served.
func builtinAPIs() []*apiDef { return registered }

// Fixture is the mock's whole state as data: the users, the VCAV sites and
// replications, the vSphere VCHA cluster. Objects use the vendor's own JSON
// field names, exactly as the APIs return them. A fixture file is YAML or
// JSON; any section may be left out to keep the embedded default for it.
// Each section belongs to one API (apiDef.fixture).
type Fixture struct {
	VCAV *VCAVFixture `json:"vcav,omitempty"`
	VCHA *VCHAFixture `json:"vcha,omitempty"`
}

// apiDef is one simulated API, declared once beside its spec: its name
// (and through spec.Lookup its document, error schema and error code
// field), its default listener, its fixture section and how to build its
// simulation, which brings its operations (the generated strict handlers)
// and how it shapes a refusal (simulator.writeProblem). The pipeline works
// out each operation's authentication (token header or HTTP Basic) from
// the spec's security schemes.
type apiDef struct {
	api spec.API
	// defaultAddr is where `failoverkit mock` listens by default.
	defaultAddr string
	// addrHelp describes the listener flag.
	addrHelp string
	// fixture is the API's section of a Fixture; zero when it has none.
	fixture fixtureSection
	// newSim builds the API's simulation on env; New loads its fixture.
	newSim func(*env) simulator
	// mintToken makes session tokens (nil: hexToken).
	mintToken func() (string, error)
	// settings are the API's own duration settings (Config.Settings).
	settings []Setting
	// loginHelp tells people how to log in to base as each fixture user,
	// one line each, for the startup banner (banner.go); may be nil.
	loginHelp func(f *Fixture, base string, showPasswords bool) []string
}

// Setting is one API's own duration setting: a key of Config.Settings and
// a `failoverkit mock` flag of the same name.
type Setting struct {
	// Name is the key and the flag name, e.g. "vcha-outage".
	Name string
	// Help describes the flag.
	Help string
	// CommandDefault is the flag's default for the command's task duration
	// (0 when tasks are instant). A library user who leaves the setting out
	// of Config.Settings gets the API's own default, documented in Help.
	CommandDefault func(taskDuration time.Duration) time.Duration
}

// Settings lists the duration settings of every API, in API order.
func Settings() []Setting {
	var out []Setting
	for _, d := range builtinAPIs() {
		out = append(out, d.settings...)
	}
	return out
}

// fixtureSection is one API's part of a Fixture.
type fixtureSection struct {
	// file is the embedded default (under fixtures/).
	file string
	// present reports whether f has the section.
	present func(f *Fixture) bool
	// validate checks f's section, which is present.
	validate func(f *Fixture) error
	// inherit copies src's section into dst.
	inherit func(dst, src *Fixture)
}

// section builds the fixtureSection of the Fixture field that field
// points to, validated by validate.
func section[T any](file string, field func(*Fixture) **T, validate func(*T) error) fixtureSection {
	return fixtureSection{
		file:     file,
		present:  func(f *Fixture) bool { return *field(f) != nil },
		validate: func(f *Fixture) error { return validate(*field(f)) },
		inherit:  func(dst, src *Fixture) { *field(dst) = *field(src) },
	}
}

// APIInfo describes one API the mock serves, for front ends such as
// `failoverkit mock` that set up one listener per API.
type APIInfo struct {
	API spec.API
	// Title names the API for people ("VCAV", "vSphere").
	Title string
	// DefaultAddr is the default listen address.
	DefaultAddr string
	// AddrHelp describes the listen address flag.
	AddrHelp string
}

// APIs lists the APIs every mock serves, in order.
func APIs() []APIInfo { return apiInfos(builtinAPIs()) }

func apiInfos(defs []*apiDef) []APIInfo {
	out := make([]APIInfo, len(defs))
	for i, d := range defs {
		info, _ := spec.Lookup(d.api)
		out[i] = APIInfo{API: d.api, Title: info.Title, DefaultAddr: d.defaultAddr, AddrHelp: d.addrHelp}
	}
	return out
}
