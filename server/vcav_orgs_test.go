package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavListOrgs reads GET /inventory/orgs with query (no leading "?") and
// returns the status, the page (on 200) and the body.
func vcavListOrgs(t *testing.T, tm *testMock, token, query string) (int, vcav.QueryResultOfInventoryOrg, []byte) {
	t.Helper()
	url := tm.vcavURL + "/inventory/orgs"
	if query != "" {
		url += "?" + query
	}
	status, body, _ := do(t, tm.vcavHC, "GET", url, nil, "X-VCAV-Auth", token)
	var page vcav.QueryResultOfInventoryOrg
	if status == http.StatusOK {
		require.NoError(t, json.Unmarshal(body, &page), "%s", body)
	}
	return status, page, body
}

// orgNames are the names of a page's items.
func orgNames(page vcav.QueryResultOfInventoryOrg) []string {
	out := make([]string, len(page.Items))
	for i, o := range page.Items {
		out[i] = o.Name
	}
	return out
}

// TestVCAVOrgs_Paging pins the paging of GET /inventory/orgs: the vendor's
// list rule (limit defaults to 100, above 100 served as 100, total counts
// every organisation) and the failoverkit choices (order by name, an
// offset past the end gives an empty page, limit below 1, a negative or
// non-numeric offset is 400 BadRequest from the parameters' schema).
func TestVCAVOrgs_Paging(t *testing.T) {
	tm := newTestMock(t, WithFixture(vcavFixture(t, func(f *VCAVFixture) {
		f.Orgs = []VCAVOrg{{"tyrell"}, {"acme"}, {"org2"}, {"org1"}, {"globex"}}
	})))
	token := vcavLogin(t, tm, vcavRootLogin)
	all := []string{"acme", "globex", "org1", "org2", "tyrell"}
	cases := []struct {
		query         string
		names         []string
		offset, limit int32
	}{
		{"", all, 0, 100},
		{"offset=0&limit=100", all, 0, 100},
		{"limit=100&offset=0", all, 0, 100},
		{"offset=1&limit=2", []string{"globex", "org1"}, 1, 2},
		{"offset=4", []string{"tyrell"}, 4, 100},
		{"limit=500", all, 0, 100},
		{"offset=5&limit=100", []string{}, 5, 100},
		{"offset=2147483647", []string{}, 2147483647, 100},
	}
	for _, c := range cases {
		t.Run("ok "+c.query, func(t *testing.T) {
			status, page, body := vcavListOrgs(t, tm, token, c.query)
			require.Equal(t, http.StatusOK, status, "%s", body)
			assert.Equal(t, c.names, orgNames(page))
			assert.Equal(t, c.offset, page.Offset)
			assert.Equal(t, c.limit, page.Limit)
			assert.Equal(t, int64(5), page.Total, "total ignores paging")
		})
	}
	for _, query := range []string{"limit=0", "limit=-1", "offset=-1", "limit=abc", "offset=x"} {
		t.Run("refused "+query, func(t *testing.T) {
			status, _, body := vcavListOrgs(t, tm, token, query)
			vcavRequireError(t, http.StatusBadRequest, "BadRequest", status, body)
		})
	}
}

// TestVCAVOrgs_Site: the site query parameter as on the other reads: the
// local site or none runs here, an unknown site is 404 SiteNotFound, a
// remote site 401 RemoteAuthenticationFailure until the session is
// extended to it, then the same list (failoverkit choice).
func TestVCAVOrgs_Site(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavAdminLogin)
	type want struct {
		status int
		code   string
	}
	check := func(t *testing.T, site string, w want) {
		t.Helper()
		status, page, body := vcavListOrgs(t, tm, token, "site="+site)
		if w.code != "" {
			e := vcavRequireError(t, w.status, w.code, status, body)
			require.NotNil(t, e.Args)
			assert.Equal(t, []string{site}, *e.Args)
			return
		}
		require.Equal(t, w.status, status, "%s", body)
		assert.Equal(t, []string{"org1", "org2"}, orgNames(page))
	}
	for _, c := range []struct {
		site string
		want want
	}{
		{"", want{http.StatusOK, ""}},
		{"site2", want{http.StatusOK, ""}},
		{"site1", want{http.StatusUnauthorized, "RemoteAuthenticationFailure"}},
		{"onprem1", want{http.StatusNotFound, "SiteNotFound"}},
		{"site9", want{http.StatusNotFound, "SiteNotFound"}},
	} {
		t.Run("site="+c.site, func(t *testing.T) { check(t, c.site, c.want) })
	}
	t.Run("site1 once extended", func(t *testing.T) {
		status, body, _ := do(t, tm.vcavHC, "POST", tm.vcavURL+"/sessions/extend",
			`{"type":"cookie","site":"site1","cookie":"site1-vcd-session-cookie"}`, "X-VCAV-Auth", token)
		require.Equal(t, http.StatusOK, status, "%s", body)
		check(t, "site1", want{http.StatusOK, ""})
	})
	t.Run("no token", func(t *testing.T) {
		status, _, body := vcavListOrgs(t, tm, "", "")
		vcavRequireError(t, http.StatusUnauthorized, "NotAuthenticated", status, body)
	})
}

// TestVCAVOrgs_FromTheFixture pins the failoverkit choice for a fixture
// without orgs (the distinct source and destination orgs of the VM and vApp
// replications, by name), an explicit list (sorted) and an empty one (no
// organisation); the state keeps the list.
func TestVCAVOrgs_FromTheFixture(t *testing.T) {
	cases := []struct {
		name string
		edit func(f *VCAVFixture)
		want []string
	}{
		{"default: the replications' orgs", func(*VCAVFixture) {}, []string{"org1", "org2"}},
		{"a vApp's destination org counts", func(f *VCAVFixture) {
			f.VappReplications[0].Destination.Org = new("tenant-dr")
		}, []string{"org1", "org2", "tenant-dr"}},
		{"one spelling per name ignoring case", func(f *VCAVFixture) {
			f.Replications[0].Destination.Org = new("ORG2")
		}, []string{"ORG2", "org1"}},
		{"no replications, no orgs", func(f *VCAVFixture) {
			f.Replications, f.VappReplications, f.Instances, f.NetworkSettings = nil, nil, nil, nil
		}, []string{}},
		{"explicit, sorted", func(f *VCAVFixture) { f.Orgs = []VCAVOrg{{"org3"}, {"Org1"}, {"acme"}} },
			[]string{"Org1", "acme", "org3"}},
		{"explicit empty list", func(f *VCAVFixture) { f.Orgs = []VCAVOrg{} }, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tm := newTestMock(t, WithFixture(vcavFixture(t, c.edit)))
			token := vcavLogin(t, tm, vcavRootLogin)
			status, page, body := vcavListOrgs(t, tm, token, "")
			require.Equal(t, http.StatusOK, status, "%s", body)
			assert.Equal(t, c.want, orgNames(page))
			assert.Equal(t, int64(len(c.want)), page.Total)

			// The state lists them, so a fixture saved from it reloads them.
			saved := make([]string, len(tm.State().VCAV.Orgs))
			for i, o := range tm.State().VCAV.Orgs {
				saved[i] = o.Name
			}
			assert.Equal(t, c.want, saved)
		})
	}
}

// TestVCAVOrgs_EmptyListSurvivesYAML: `orgs: []` in a fixture file means no
// organisation, and leaving orgs out means the replications' ones.
func TestVCAVOrgs_EmptyListSurvivesYAML(t *testing.T) {
	base := "vcav: {localSite: s, sites: [{name: s}], users: [{name: u, password: p, type: localUser}], " +
		"replications: [{id: C4-09b2917c-bbe9-4693-ae3f-95b43a94b244, source: {org: t1}, destinationState: {recoveryInfo: {recoveryState: NOT_STARTED}}}]%s}"
	for extra, want := range map[string][]string{"": {"t1"}, ", orgs: []": {}, ", orgs: null": {"t1"}, ", orgs: [{name: b}, {name: a}]": {"a", "b"}} {
		t.Run(extra, func(t *testing.T) {
			fx, err := ParseFixture(fmt.Appendf(nil, base, extra))
			require.NoError(t, err)
			tm := newTestMock(t, WithFixture(fx))
			status, page, body := vcavListOrgs(t, tm, vcavLogin(t, tm, `{"type":"localUser","localUser":"u","localPassword":"p"}`), "")
			require.Equal(t, http.StatusOK, status, "%s", body)
			assert.Equal(t, want, orgNames(page))
		})
	}
}

// TestVCAVOrgs_FixtureValidation: names are required and unique ignoring
// case (PowerVCAV matches them with -eq, which ignores case); the fixture is refused naming the field, by ParseFixture and by loading.
func TestVCAVOrgs_FixtureValidation(t *testing.T) {
	for want, orgs := range map[string][]VCAVOrg{
		"vcav: orgs[1].name: required":                         {{"a"}, {""}},
		"vcav: orgs[2].name: \"a\" duplicates orgs[0].name":    {{"a"}, {"b"}, {"a"}},
		"vcav: orgs[1].name: \"ORG1\" duplicates orgs[0].name": {{"org1"}, {"ORG1"}},
	} {
		t.Run(want, func(t *testing.T) {
			f := vcavFixture(t, func(f *VCAVFixture) { f.Orgs = orgs })
			require.EqualError(t, f.Validate(), want)
			_, err := New(WithFixture(f))
			require.ErrorContains(t, err, want[len("vcav: "):])
			b, err := json.Marshal(f)
			require.NoError(t, err)
			_, err = ParseFixture(b)
			require.EqualError(t, err, want)
		})
	}
}

// TestVCAVOrgs_ManyPages: 250 organisations come back whole through
// PowerVCAV's paging loop (offset += items until offset >= total), in
// three pages.
func TestVCAVOrgs_ManyPages(t *testing.T) {
	orgs := make([]VCAVOrg, 250)
	for i := range orgs {
		orgs[i] = VCAVOrg{fmt.Sprintf("tenant-%03d", 249-i)}
	}
	tm := newTestMock(t, WithFixture(vcavFixture(t, func(f *VCAVFixture) { f.Orgs = orgs })))
	token := vcavLogin(t, tm, vcavRootLogin)
	r := replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}
	pages := 0
	read := func(path string) any {
		pages++
		status, _, body := r.send("GET", path, "", "X-VCAV-Auth", token, "Accept", powerVCAVAccept)
		require.Equal(t, http.StatusOK, status, "%s", body)
		return decode(t, body)
	}
	items := powerVCAVPaged(t, read, "/inventory/orgs")
	require.Len(t, items, 250)
	assert.Equal(t, 3, pages)
	for i, it := range items {
		assert.Equal(t, fmt.Sprintf("tenant-%03d", i), field(it, "name"))
	}
}
