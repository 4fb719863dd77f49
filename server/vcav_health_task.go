package server

import (
	"encoding/json"
	"fmt"
	"time"
)

// vcavHealthKind is the task of a health check (POST /diagnostics/health,
// and GET outside 3.x): workflowInfo type health, resourceType CLOUD, no
// resource id or name, resultType CloudHealthInfo (the vendor's 4.x
// example). failoverkit choice: a health check is quick, at most one second
// (less when tasks are shorter): the Ansible VCDA module reads the task
// once, two seconds after starting it, and needs its result.
var vcavHealthKind = &vcavTaskKind{
	workflow: "health", resourceType: "CLOUD", resultType: "CloudHealthInfo", maxDuration: vcavHealthDuration,
}

// vcavHealthDuration is the longest a health task runs.
const vcavHealthDuration = time.Second

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
