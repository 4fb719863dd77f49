package server

import (
	"encoding/json"
	"fmt"
	"time"
)

// vcavHealthKind is the task of a health check (POST /diagnostics/health,
// and GET outside 3.x): workflowInfo type health, resourceType CLOUD, no
// resource id or name, resultType CloudHealthInfo (the vendor's 4.x
// example).
var vcavHealthKind = &vcavTaskKind{workflow: "health", resourceType: "CLOUD", resultType: "CloudHealthInfo"}

// healthEffect is what a health task does when it ends: on success its
// result is the cloud health at its end; it changes no state, so there is
// nothing to undo on failure. The effect runs with m.mu held.
func (m *vcavMock) healthEffect() taskEffect {
	return taskEffect{succeed: func(end time.Time) []byte {
		b, err := json.Marshal(m.cloudHealth(end))
		if err != nil {
			panic(fmt.Sprintf("encode vcav health: %v", err)) // the generated model always encodes
		}
		return b
	}}
}
