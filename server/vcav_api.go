package server

import (
	"net/http"
	"time"

	"github.com/failoverkit/failoverkit/spec"
)

// DefaultVCAVAddr is where `failoverkit mock` serves the VCAV API.
const DefaultVCAVAddr = "127.0.0.1:8441"

// vcavAPI declares the VCDA/VCAV API (spec/vcav.yaml, spec/vcav.go).
var vcavAPI = &apiDef{
	api: spec.VCAV, defaultAddr: DefaultVCAVAddr, addrHelp: "VCAV/VCDA API listen address",
	fixture:   section("fixtures/vcav.yaml", func(f *Fixture) **VCAVFixture { return &f.VCAV }, (*VCAVFixture).validate),
	newSim:    func(e *env) simulator { return newVCAVMock(e) },
	mintToken: base64Token,
	loginHelp: vcavLoginHelp,
	settings:  vcavSettings,
}

// VCAVHandler serves the VCDA/VCAV API.
func (m *Mock) VCAVHandler() http.Handler { return m.Handler(spec.VCAV) }

// settingVCAVQueue is the VCAV API's setting (Config.Settings, the
// `failoverkit mock --vcav-queue` flag): how long its tasks wait QUEUED.
const settingVCAVQueue = "vcav-queue"

// vcavSettings declares it: off unless asked for, by the command as by the
// library.
var vcavSettings = []Setting{{
	Name: settingVCAVQueue,
	Help: "how long VCAV tasks wait QUEUED before they run (0: off, they run at once); VMware's terraform provider " +
		"polls through QUEUED, the community PowerShell module treats it as a failure",
	CommandDefault: func(time.Duration) time.Duration { return 0 },
}}

// WithVCAVQueue makes VCAV tasks wait QUEUED for d before they run
// (`failoverkit mock --vcav-queue`); off by default.
func WithVCAVQueue(d time.Duration) Option { return withSetting(settingVCAVQueue, d) }
