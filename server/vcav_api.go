package server

import (
	"net/http"

	"github.com/failoverkit/failoverkit/spec"
)

// DefaultVCAVAddr is where `failoverkit mock` serves the VCAV API.
const DefaultVCAVAddr = "127.0.0.1:8441"

// vcavAPI declares the VCDA/VCAV API (spec/vcav.yaml, spec/vcav.go).
var vcavAPI = &apiDef{
	api: spec.VCAV, defaultAddr: DefaultVCAVAddr, addrHelp: "VCAV/VCDA API listen address",
	fixture:   section("fixtures/vcav.yaml", func(f *Fixture) **VCAVFixture { return &f.VCAV }, (*VCAVFixture).validate),
	newSim:    func(e *env) simulator { return newVCAVMock(e) },
	loginHelp: vcavLoginHelp,
}

// VCAVHandler serves the VCDA/VCAV API.
func (m *Mock) VCAVHandler() http.Handler { return m.Handler(spec.VCAV) }
