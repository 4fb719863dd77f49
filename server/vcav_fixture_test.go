package server

import (
	"net/http"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavFixture returns the default fixture with its VCAV section edited.
func vcavFixture(t testing.TB, edit func(f *VCAVFixture)) *Fixture {
	t.Helper()
	f, err := DefaultFixture()
	require.NoError(t, err)
	edit(f.VCAV)
	return f
}

func TestVCAVFixture_DefaultIsValid(t *testing.T) {
	f, err := DefaultFixture()
	require.NoError(t, err)
	require.NoError(t, f.VCAV.validate())
	assert.Equal(t, "site2", f.VCAV.LocalSite)
	assert.GreaterOrEqual(t, len(f.VCAV.Replications), 6)
	states := map[vcav.RecoveryState]int{}
	for _, r := range f.VCAV.Replications {
		states[vcavRecovery(r)]++
	}
	assert.Positive(t, states[vcav.RecoveryStateTEST])
	assert.Positive(t, states[vcav.RecoveryStateCOMPLETE])
	assert.GreaterOrEqual(t, states[vcav.RecoveryStateNOTSTARTED], 4)
}

func TestVCAVFixture_ValidationNamesTheField(t *testing.T) {
	for want, edit := range map[string]func(f *VCAVFixture){
		"vcav: replications[2].destinationState.recoveryInfo.recoveryState: value is not one of the allowed values": func(f *VCAVFixture) {
			f.Replications[2].DestinationState.RecoveryInfo.RecoveryState = "FAILED_OVER"
		},
		"vcav: replications[1].id: \"" + vcavReadyID + "\" duplicates replications[0].id": func(f *VCAVFixture) {
			f.Replications[1].Id = vcavReadyID
		},
		"vcav: replications[2].id: must start with C4-": func(f *VCAVFixture) {
			f.Replications[2].Id = "H4-09b2917c-bbe9-4693-ae3f-95b43a94b244"
		},
		"vcav: replications[0].id: must be C4- followed by a UUID": func(f *VCAVFixture) { f.Replications[0].Id = "C4-1234" },
		"vcav: replications[0].source.site: \"site9\" is not one of the sites": func(f *VCAVFixture) {
			f.Replications[0].Source.Site = new("site9")
		},
		"vcav: replications[3].destination.site: \"x\" is not one of the sites": func(f *VCAVFixture) {
			f.Replications[3].Destination.Site = new("x")
		},
		"vcav: replications[0].destinationState.recoveryInfo.recoveryState: required": func(f *VCAVFixture) {
			f.Replications[0].DestinationState = nil
		},
		"vcav: replications[0].overallHealth: value is not one of the allowed values [\"GREEN\",\"YELLOW\",\"RED\"]": func(f *VCAVFixture) {
			f.Replications[0].OverallHealth = new(vcav.SingleVmReplicationInfoOverallHealth("BLUE"))
		},
		"vcav: users[0].type: \"root\" is not one of localUser, ssoCredentials, vcdCredentials": func(f *VCAVFixture) {
			f.Users[0].Type = "root"
		},
		"vcav: users[1].name: \"root\" duplicates users[0].name": func(f *VCAVFixture) { f.Users[1].Name = "root" },
		"vcav: users[0].password: required":                      func(f *VCAVFixture) { f.Users[0].Password = "" },
		"vcav: localSite: \"site3\" is not one of the sites":     func(f *VCAVFixture) { f.LocalSite = "site3" },
		"vcav: localSite: required":                              func(f *VCAVFixture) { f.LocalSite = "" },
		"vcav: sites[1].name: \"site1\" is listed twice":         func(f *VCAVFixture) { f.Sites[1].Name = "site1" },
		"vcav: sites: at least one site is required":             func(f *VCAVFixture) { f.Sites = nil },
		"vcav: vappReplications[0].id: must start with C4VAPP-": func(f *VCAVFixture) {
			f.VappReplications[0].Id = "C4-ccbe771e-b685-46c7-8c7a-4ed36915d963"
		},
		"vcav: vappReplications[1].id: \"" + vcavVappReadyID + "\" duplicates vappReplications[0].id": func(f *VCAVFixture) {
			f.VappReplications[1].Id = vcavVappReadyID
		},
		"vcav: vappReplications[0].vmReplications[0].id: \"\" is not one of the replications": func(f *VCAVFixture) {
			(*f.VappReplications[0].VmReplications)[0].Id = ""
		},
		"vcav: vappReplications[1].vmReplications[0].id: \"" + vcavReadyID + "\" already belongs to vApp replication " + vcavVappReadyID: func(f *VCAVFixture) {
			(*f.VappReplications[1].VmReplications)[0].Id = vcavReadyID
		},
		"vcav: replications[5].vappReplicationId: \"" + vcavVappTestID + "\" does not list it among its vmReplications": func(f *VCAVFixture) {
			f.Replications[5].VappReplicationId = new(vcavVappTestID)
		},
		"vcav: vappReplications[0].overallHealth: value is not one of the allowed values [\"GREEN\",\"YELLOW\",\"RED\"]": func(f *VCAVFixture) {
			f.VappReplications[0].OverallHealth = new(vcav.VappReplicationInfoOverallHealth("BLUE"))
		},
	} {
		t.Run(want, func(t *testing.T) {
			err := vcavFixture(t, edit).Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), want)
		})
	}
}

func TestVCAVFixture_ParseErrorsNameTheField(t *testing.T) {
	_, err := ParseFixture([]byte(`
vcav:
  localSite: s
  sites: [{name: s}]
  users: []
  replications:
    - id: C4-09b2917c-bbe9-4693-ae3f-95b43a94b244
      destinationState: {recoveryInfo: {recoveryState: DONE}}
`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "replications[0].destinationState.recoveryInfo.recoveryState")
	_, err = ParseFixture([]byte("vcav:\n  localSite: s\n  bogus: 1\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bogus")
}

func TestVCAVFixture_LoadStateAndReset(t *testing.T) {
	f := vcavFixture(t, func(f *VCAVFixture) {
		f.Replications, f.VappReplications = f.Replications[:1], nil
		f.Replications[0].VappReplicationId = nil // its vApp is gone
		f.Users = append(f.Users, User{Name: "sso-admin@vsphere.local", Password: "sso-pw", Type: "ssoCredentials"})
	})
	tm := newTestMock(t, WithFixture(f), WithInstantTasks())
	token := vcavLogin(t, tm, `{"type":"ssoCredentials","username":"sso-admin@vsphere.local","password":"sso-pw"}`)
	vcavStartFailover(t, tm, token, vcavReadyID)

	st := tm.State()
	require.Len(t, st.VCAV.Replications, 1)
	assert.Equal(t, vcav.RecoveryStateCOMPLETE, vcavRecovery(st.VCAV.Replications[0]), "State finishes due tasks")
	for _, u := range st.VCAV.Users {
		assert.Empty(t, u.Password)
		assert.Empty(t, u.VcdCookie, "cookies are secrets too")
		assert.Empty(t, u.VcdAccessToken)
	}
	for _, site := range st.VCAV.Sites {
		for _, u := range site.Users {
			assert.Empty(t, u.Password+u.VcdCookie+u.VcdAccessToken, "remote users are redacted too")
		}
	}
	assert.NotEmpty(t, tm.vcavSim().sites[0].Users[0].VcdCookie, "the dump is a copy: the mock keeps them")
	assert.Equal(t, "vmware", f.VCAV.Users[0].Password, "the caller's fixture is not touched")
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, vcavRecovery(f.VCAV.Replications[0]))

	status, _, _ := do(t, tm.vcavHC, "POST", tm.vcavURL+ControlPrefix+"/reset", nil)
	require.Equal(t, http.StatusNoContent, status)
	status, body, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+"/sessions", nil, "X-VCAV-Auth", token)
	vcavRequireError(t, http.StatusUnauthorized, "NotAuthenticated", status, body)
	token = vcavLogin(t, tm, vcavRootLogin)
	assert.Equal(t, vcav.RecoveryStateNOTSTARTED, vcavRecovery(vcavGetReplication(t, tm, token, vcavReadyID)))
	assert.Zero(t, vcavTaskCount(tm))
}

func TestVCAVFixture_ControlFixtureUpload(t *testing.T) {
	tm := newTestMock(t)
	yaml := `
vcav:
  localSite: dr
  sites: [{name: prod}, {name: dr}]
  users: [{name: ops, password: pw-1, type: localUser}]
  replications:
    - id: C4-11111111-2222-4333-8444-555555555555
      vmName: only-one
      source: {site: prod}
      destination: {site: dr}
      destinationState: {recoveryInfo: {recoveryState: NOT_STARTED}}
`
	status, body, _ := do(t, tm.vcavHC, "PUT", tm.vcavURL+ControlPrefix+"/fixture", yaml)
	require.Equal(t, http.StatusNoContent, status, "%s", body)
	token := vcavLogin(t, tm, `{"type":"localUser","localUser":"ops","localPassword":"pw-1"}`)
	task := vcavStartFailover(t, tm, token, "C4-11111111-2222-4333-8444-555555555555")
	assert.Equal(t, "dr", *task.Site)
	status, _, body = vcavList(t, tm, token, "site=prod")
	vcavRequireError(t, http.StatusUnauthorized, "RemoteAuthenticationFailure", status, body)
	def, err := DefaultFixture()
	require.NoError(t, err)
	assert.Len(t, tm.State().VCHA.Users, len(def.VCHA.Users), "the VCHA section keeps the default")
}

// A vApp replication naming a VM replication the fixture does not hold is
// refused when the fixture loads.
func TestVCAVFixture_VappChildMustExist(t *testing.T) {
	f := vcavFixture(t, func(f *VCAVFixture) { f.Replications = f.Replications[:1] })
	_, err := New(WithFixture(f))
	require.ErrorContains(t, err, "is not one of the replications")
}

// TestVCAVFixture_LargeFixtureNamesTheFirstBadReplication: a fixture large
// enough to be validated on several cores still names the first invalid
// replication, as validating in order would.
func TestVCAVFixture_LargeFixtureNamesTheFirstBadReplication(t *testing.T) {
	old := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(old)
	f, err := GenerateReplications(3000)
	require.NoError(t, err)
	repls := f.VCAV.Replications
	repls[2500].OverallHealth = new(vcav.SingleVmReplicationInfoOverallHealth("BLUE"))
	repls[1200].Id = "C4-1234"
	repls[2900].Id = "C4-5678"
	require.EqualError(t, f.Validate(), "vcav: replications[1200].id: must be C4- followed by a UUID such as 09b2917c-bbe9-4693-ae3f-95b43a94b244")
	repls[1200].Id = repls[1199].Id
	require.EqualError(t, f.Validate(), "vcav: replications[1200].id: \""+repls[1199].Id+"\" duplicates replications[1199].id",
		"a repeated id before the first schema failure is reported first")
	repls[1200].OverallHealth = repls[2500].OverallHealth
	require.EqualError(t, f.Validate(), "vcav: replications[1200].overallHealth: value is not one of the allowed values [\"GREEN\",\"YELLOW\",\"RED\"]",
		"at the same index, the schema failure comes before the repeated id")
	repls[1200].Id, repls[1200].OverallHealth = repls[1201].Id, nil
	require.EqualError(t, f.Validate(), "vcav: replications[1201].id: \""+repls[1201].Id+"\" duplicates replications[1200].id")
	repls[1200].Id = "C4-11111111-2222-4333-8444-555555555555"
	require.EqualError(t, f.Validate(), "vcav: replications[2500].overallHealth: value is not one of the allowed values [\"GREEN\",\"YELLOW\",\"RED\"]")
}
