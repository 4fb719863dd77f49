package server

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// TestVCHAFixture_ValidationNamesTheField checks that fixture errors name the
// offending field.
func TestVCHAFixture_ValidationNamesTheField(t *testing.T) {
	cases := map[string]struct {
		edit func(f *VCHAFixture)
		want string
	}{
		"bad role": {func(f *VCHAFixture) {
			f.Cluster.Node1.Runtime.Role = new(vcha.VchaClusterNodeRole("LEADER"))
		}, "vcha: cluster.node1.runtime.role: value is not one of the allowed values"},
		"missing node2":  {func(f *VCHAFixture) { f.Cluster.Node2 = nil }, "vcha: cluster.node2: required"},
		"bad mode":       {func(f *VCHAFixture) { f.Cluster.Mode = new(vcha.VchaClusterClusterMode("SIDEWAYS")) }, "vcha: cluster.mode: value is not one of"},
		"missing mode":   {func(f *VCHAFixture) { f.Cluster.Mode = nil }, "vcha: cluster.mode: required"},
		"no runtime":     {func(f *VCHAFixture) { f.Cluster.Witness.Runtime = nil }, "vcha: cluster.witness.runtime: required"},
		"no state":       {func(f *VCHAFixture) { f.Cluster.Node1.Runtime.State = nil }, "vcha: cluster.node1.runtime.state: required"},
		"duplicate user": {func(f *VCHAFixture) { f.Users[1].Name = f.Users[0].Name }, "vcha: users[1].name: "},
		"empty name":     {func(f *VCHAFixture) { f.Users[0].Name = "" }, "vcha: users[0].name: required"},
		"empty password": {func(f *VCHAFixture) { f.Users[1].Password = "" }, "vcha: users[1].password: required"},
		"witness not witness": {func(f *VCHAFixture) {
			f.Cluster.Witness.Runtime.Role = new(vcha.VchaClusterNodeRolePASSIVE)
		}, "vcha: cluster.witness.runtime.role: must be WITNESS"},
		"node as witness": {func(f *VCHAFixture) {
			f.Cluster.Node2.Runtime.Role = new(vcha.VchaClusterNodeRoleWITNESS)
		}, "vcha: cluster.node2.runtime.role: must be ACTIVE or PASSIVE"},
		"two active": {func(f *VCHAFixture) {
			f.Cluster.Node2.Runtime.Role = new(vcha.VchaClusterNodeRoleACTIVE)
		}, "vcha: cluster.node2.runtime.role: node1 and node2 are both ACTIVE"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(vchaFixture(t, c.edit))
			require.NoError(t, err)
			_, err = ParseFixture(b)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			_, err = New(WithFixture(vchaFixture(t, c.edit)))
			assert.Error(t, err, "New refuses the fixture too")
		})
	}
}

// TestVCHAFixture_RolesFreeWhenNotConfigured checks that the ACTIVE/PASSIVE
// rule applies to CONFIGURED clusters only.
func TestVCHAFixture_RolesFreeWhenNotConfigured(t *testing.T) {
	f := vchaFixture(t, func(f *VCHAFixture) {
		f.Cluster.ConfigState = new(vcha.VchaClusterConfigStatePREPARED)
		f.Cluster.Node2.Runtime.Role = new(vcha.VchaClusterNodeRoleACTIVE)
	})
	assert.NoError(t, f.Validate())
}

// TestVCHAFixture_DerivedFieldsAreIgnored checks that derived cluster fields
// in a fixture are recomputed, not trusted.
func TestVCHAFixture_DerivedFieldsAreIgnored(t *testing.T) {
	tm := newTestMock(t, WithFixture(vchaFixture(t, func(f *VCHAFixture) {
		f.Cluster.HealthState = new(vcha.VchaClusterClusterStateISOLATED)
		f.Cluster.ManualFailoverAllowed = new(false)
		f.Cluster.AutoFailoverAllowed = new(false)
		f.Cluster.HealthException = &[]vcha.StdLocalizableMessage{vapiMessage("x", "stale")}
	})))
	admin := vchaLogin(t, tm, vchaAdmin)
	c := getCluster(t, tm, admin)
	assert.Equal(t, vcha.VchaClusterClusterStateHEALTHY, *c.HealthState)
	assert.True(t, *c.ManualFailoverAllowed)
	assert.True(t, *c.AutoFailoverAllowed)
	assert.Nil(t, c.HealthException)
	assert.Nil(t, c.HealthWarnings, "missing when healthy")
}

// TestVCHAFixture_StateAndLoad checks the state dump (no passwords, derived
// fields filled) and that loading a fixture drops tasks and copies the data.
func TestVCHAFixture_StateAndLoad(t *testing.T) {
	tm := newTestMock(t, WithVCHARejoin(0))
	admin := vchaLogin(t, tm, vchaAdmin)
	startFailover(t, tm, admin, true)
	tm.clock.Advance(DefaultTaskDuration)
	pending := startFailover(t, tm, admin, true)

	st := tm.State()
	require.NotNil(t, st.VCHA)
	for _, u := range st.VCHA.Users {
		assert.Empty(t, u.Password, "state never shows passwords")
	}
	n1, _ := roles(st.VCHA.Cluster)
	assert.Equal(t, vcha.VchaClusterNodeRolePASSIVE, n1, "state reflects the finished failover")
	assert.False(t, *st.VCHA.Cluster.ManualFailoverAllowed, "derived fields are filled in")
	assert.Equal(t, vcha.VchaClusterClusterStateHEALTHY, *st.VCHA.Cluster.HealthState)

	def, err := DefaultFixture()
	require.NoError(t, err)
	require.NoError(t, tm.LoadFixture(def))
	admin = vchaLogin(t, tm, vchaAdmin)
	status, _, _ := do(t, tm.vchaHC, "GET", vchaURL(tm, "/api/cis/tasks/"+pending), nil, "vmware-api-session-id", admin)
	assert.Equal(t, 404, status, "loading a fixture drops tasks")
	n1, _ = roles(getCluster(t, tm, admin))
	assert.Equal(t, vcha.VchaClusterNodeRoleACTIVE, n1)
	def.VCHA.Cluster.Node1.Runtime.Role = new(vcha.VchaClusterNodeRolePASSIVE)
	n1, _ = roles(getCluster(t, tm, admin))
	assert.Equal(t, vcha.VchaClusterNodeRoleACTIVE, n1, "the mock keeps its own copy")
}
