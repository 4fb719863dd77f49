package server

import (
	"net/http"

	"github.com/failoverkit/failoverkit/spec"
)

// DefaultVCHAAddr is where `failoverkit mock` serves the vSphere API.
const DefaultVCHAAddr = "127.0.0.1:8442"

// vchaAPI declares the vSphere VCHA API (spec/vcha.yaml, spec/vcha.go).
var vchaAPI = &apiDef{
	api: spec.VCHA, defaultAddr: DefaultVCHAAddr, addrHelp: "vSphere VCHA API listen address",
	fixture:   section("fixtures/vcha.yaml", func(f *Fixture) **VCHAFixture { return &f.VCHA }, (*VCHAFixture).validate),
	newSim:    func(e *env) simulator { return newVCHAMock(e) },
	loginHelp: vchaLoginHelp,
	settings:  vchaSettings,
}

// VCHAHandler serves the vSphere VCHA API.
func (m *Mock) VCHAHandler() http.Handler { return m.Handler(spec.VCHA) }
