package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavAllIDs are the default fixture's replications in id order.
var vcavAllIDs = []string{vcavReadyID, vcavCompleteID, vcavPausedID, vcavWeb02ID, vcavMailID, vcavAppWebID, vcavTestID}

// vcavList lists with query and returns the status, the page and the body.
func vcavList(t *testing.T, tm *testMock, token, query string) (int, vcav.QueryResultOfSingleVmReplicationInfo, []byte) {
	t.Helper()
	status, body, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+"/vm-replications?"+query, nil, "X-VCAV-Auth", token)
	var page vcav.QueryResultOfSingleVmReplicationInfo
	if status == http.StatusOK {
		require.NoError(t, json.Unmarshal(body, &page))
	}
	return status, page, body
}

// vcavIDs returns the ids of the page's items.
func vcavIDs(page vcav.QueryResultOfSingleVmReplicationInfo) []string {
	ids := []string{}
	for _, r := range page.Items {
		ids = append(ids, r.Id)
	}
	return ids
}

func TestVCAVReplications_ListAllAndPaging(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavAdminLogin)
	r, err := vcavClient(t, tm, token).ListVmReplicationsWithResponse(context.Background(), nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, r.StatusCode(), "%s", r.Body)
	assert.Equal(t, vcavAllIDs, vcavIDs(*r.JSON200), "every user sees every replication, ordered by id")
	assert.Equal(t, int32(0), r.JSON200.Offset)
	assert.Equal(t, int32(100), r.JSON200.Limit)
	assert.Equal(t, int64(7), r.JSON200.Total)

	_, page, _ := vcavList(t, tm, token, "offset=2&limit=2")
	assert.Equal(t, vcavAllIDs[2:4], vcavIDs(page))
	assert.Equal(t, int64(7), page.Total, "total ignores paging")
	assert.Equal(t, int32(2), page.Offset)
	assert.Equal(t, int32(2), page.Limit)

	_, page, _ = vcavList(t, tm, token, "offset=6&limit=5")
	assert.Equal(t, vcavAllIDs[6:], vcavIDs(page))

	_, page, body := vcavList(t, tm, token, "offset=100")
	assert.Empty(t, page.Items)
	assert.Contains(t, string(body), `"items":[]`)
	assert.Equal(t, int64(7), page.Total)

	// The vendor's paging rule: a limit above the maximum is served as 100.
	for _, q := range []string{"limit=101", "limit=500"} {
		status, page, body := vcavList(t, tm, token, q)
		require.Equal(t, http.StatusOK, status, "%s", body)
		assert.Equal(t, int32(100), page.Limit, q)
		assert.Len(t, page.Items, 7)
	}
	for q, code := range map[string]string{"limit=0": "BadRequest", "offset=-1": "BadRequest", "limit=ten": "BadRequest"} {
		t.Run(q, func(t *testing.T) {
			status, _, body := vcavList(t, tm, token, q)
			vcavRequireError(t, http.StatusBadRequest, code, status, body)
		})
	}
}

func TestVCAVReplications_Filters(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	cases := []struct {
		query string
		want  []string
	}{
		{"vmName=APP", []string{vcavReadyID, vcavAppWebID}},
		{"vmName=-0", vcavAllIDs},
		{"ids=" + vcavMailID + "," + vcavReadyID, []string{vcavReadyID, vcavMailID}},
		{"ids=" + vcavMailID + ",C4-nope", []string{vcavMailID}},
		{"ids=" + vcavMailID + "&vmName=app", []string{}},
		{"ids=" + vcavReadyID + "&vmName=db", []string{vcavReadyID}},
		{"vmId=5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b", []string{vcavWeb02ID}},
		{"owner=org2@site1", []string{vcavPausedID, vcavWeb02ID, vcavMailID}},
		{"sourceOrg=org1&destinationOrg=org1", []string{vcavReadyID, vcavCompleteID, vcavAppWebID, vcavTestID}},
		{"sourceOrg=ORG1", []string{}},
		{"sourceSite=site1", vcavAllIDs},
		{"sourceSite=site2", []string{}},
		{"sourceVdcId=f61d60d2-698a-46dc-a266-88df27644956", []string{vcavReadyID}},
		{"sourceVdcName=org2-mail-vdc", []string{vcavMailID}},
		{"destinationVdcId=2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", []string{vcavPausedID}},
		{"destinationVdcName=org1-dr-web-vdc", []string{vcavTestID}},
		{"destinationOrg=org2&limit=1", []string{vcavPausedID}},
		// The filters VMware.vCAV.Community and the vendor document (issue 10).
		{"isMigration=true", []string{vcavMailID}},
		{"isMigration=false", []string{vcavReadyID, vcavCompleteID, vcavPausedID, vcavWeb02ID, vcavAppWebID, vcavTestID}},
		{"sourceSiteType=vcloud&ids=" + vcavReadyID, []string{vcavReadyID}},
		{"sourceSiteType=vcenter", []string{}},
		{"destinationSiteType=vcloud", vcavAllIDs},
		{"dataConnectionState=PAUSED", []string{vcavPausedID}},
		{"overallHealth=YELLOW", []string{vcavPausedID, vcavAppWebID}},
		{"storageProfile=ecde053f-1aed-4547-b73a-52b9f7c48298", []string{vcavReadyID}},
		{"sourceVimServerUuid=1b260ac0-eec6-4437-9184-54ee34a1e28d", []string{vcavReadyID}},
		{"lastUpdatedAfter=1767225599999", vcavAllIDs},
		{"lastUpdatedBefore=1767225600000", []string{}},
		// sort: fields left to right, a trailing - descending, ties by id.
		{"sort=vmName", []string{vcavReadyID, vcavAppWebID, vcavPausedID, vcavCompleteID, vcavMailID, vcavTestID, vcavWeb02ID}},
		{"sort=vmName-", []string{vcavWeb02ID, vcavTestID, vcavMailID, vcavCompleteID, vcavPausedID, vcavAppWebID, vcavReadyID}},
		{"sort=overallHealth,vmName-", []string{vcavWeb02ID, vcavTestID, vcavMailID, vcavCompleteID, vcavReadyID, vcavPausedID, vcavAppWebID}},
		{"sort=vmName&offset=5&limit=500", []string{vcavTestID, vcavWeb02ID}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			status, page, body := vcavList(t, tm, token, c.query)
			require.Equal(t, http.StatusOK, status, "%s", body)
			assert.Equal(t, c.want, vcavIDs(page))
		})
	}
	_, page, _ := vcavList(t, tm, token, "destinationOrg=org2&limit=1")
	assert.Equal(t, int64(3), page.Total)
	status, _, body := vcavList(t, tm, token, "sort=bogus")
	vcavRequireError(t, http.StatusBadRequest, "BadUserInput", status, body)
}

// TestVCAVReplications_SiteTypeFromVcSites pins the failoverkit choice: a
// replication whose source site is one of the fixture's vc-sites has
// sourceSiteType vcenter.
func TestVCAVReplications_SiteTypeFromVcSites(t *testing.T) {
	f := vcavFixture(t, func(f *VCAVFixture) { f.Replications[0].Source.Site = new("onprem1") })
	tm := newTestMock(t, WithFixture(f))
	token := vcavLogin(t, tm, vcavRootLogin)
	_, page, _ := vcavList(t, tm, token, "sourceSiteType=vcenter")
	assert.Equal(t, []string{f.VCAV.Replications[0].Id}, vcavIDs(page))
	_, page, _ = vcavList(t, tm, token, "sourceSiteType=vcloud")
	assert.Equal(t, int64(6), page.Total)
}

// TestVCAVReplications_Sites checks the site parameter of the list and
// the item: a remote site is 401 RemoteAuthenticationFailure, an unknown
// one 404 SiteNotFound, the local site or none list locally.
func TestVCAVReplications_Sites(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	refusals := []struct {
		name, path string
		status     int
		code       string
		args       []string // nil: not checked
	}{
		{"list, remote site", "/vm-replications?site=site1", 401, "RemoteAuthenticationFailure", nil},
		{"list, unknown site", "/vm-replications?site=" + url.QueryEscape("site 9"), 404, "SiteNotFound", []string{"site 9"}},
		{"item, remote site", "/vm-replications/" + vcavReadyID + "?site=site1", 401, "RemoteAuthenticationFailure", nil},
		{"item, unknown site", "/vm-replications/" + vcavReadyID + "?site=x", 404, "SiteNotFound", nil},
	}
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			status, body, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+c.path, nil, "X-VCAV-Auth", token)
			e := vcavRequireError(t, c.status, c.code, status, body)
			if c.args != nil {
				assert.Equal(t, c.args, *e.Args)
			}
		})
	}
	for _, q := range []string{"site=site2", "site="} {
		t.Run(q, func(t *testing.T) {
			status, page, body := vcavList(t, tm, token, q)
			require.Equal(t, http.StatusOK, status, "%s", body)
			assert.Len(t, page.Items, 7)
		})
	}
}

func TestVCAVReplications_GetOne(t *testing.T) {
	tm := newTestMock(t)
	token := vcavLogin(t, tm, vcavRootLogin)
	def, err := DefaultFixture()
	require.NoError(t, err)
	got := vcavGetReplication(t, tm, token, vcavReadyID)
	assert.Equal(t, def.VCAV.Replications[0], got, "the fixture object, exactly")
	assert.Equal(t, "app-db-01", *got.VmName)

	for _, id := range []string{vcavUnknownID, "garbage"} {
		t.Run(id, func(t *testing.T) {
			status, body, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+"/vm-replications/"+id, nil, "X-VCAV-Auth", token)
			e := vcavRequireError(t, http.StatusNotFound, "VmReplicationNotFound", status, body)
			assert.Equal(t, []string{id}, *e.Args)
			assert.Contains(t, e.Msg, id)
		})
	}
	status, body, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+"/vm-replications/"+vcavReadyID, nil)
	vcavRequireError(t, http.StatusUnauthorized, "NotAuthenticated", status, body)
}
