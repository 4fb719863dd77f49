package server

import (
	"time"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// modeSetTask is the task of a VCHA cluster mode change; its effect is
// setModeEffect.
var (
	modeSetTask = &vchaTaskKind{
		service: "com.vmware.vcenter.vcha.cluster.mode", operation: "set",
		descID: "com.vmware.vcenter.vcha.cluster.mode.set", desc: "Set VCHA cluster mode",
		running: "Changing the cluster mode", done: "Cluster mode changed", failure: "Cluster mode change failed",
	}
)

// setModeEffect is the effect of a successful mode change: the cluster's
// mode becomes to.
func setModeEffect(to vcha.VchaClusterClusterMode) func(*vchaMock, time.Time) {
	return func(m *vchaMock, _ time.Time) { m.cluster.Mode = new(to) }
}
