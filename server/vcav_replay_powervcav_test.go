package server

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// powerVCAVAccept is the Accept of every PowerVCAV read (PowerVCAV.psm1
// Invoke-VCAVQuery, line 357).
const powerVCAVAccept = "application/vnd.vmware.h4-v3+json;charset=UTF-8"

// TestReplay_PowerVCAV_CookieLoginAndVMReport replays jondwaite/PowerVCAV at
// 61a7f8d: Connect-VCAV with a Cloud Director session cookie, Connect-VCAVExtend,
// vm-report.ps1, Disconnect-VCAV. It never fails over. summary-report.ps1 is
// TestReplay_PowerVCAV_SummaryReport.
func TestReplay_PowerVCAV_CookieLoginAndVMReport(t *testing.T) {
	tm := newTestMock(t)
	r := replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}

	token := powerVCAVConnect(t, r)
	require.Len(t, token, 28)

	// Connect-VCAVExtend (lines 145–205): the documented cookie body, no Accept.
	status, _, body := r.send("POST", "/sessions/extend", `{"type":"cookie","site":"site1","cookie":"site1-vcd-session-cookie"}`,
		"X-VCAV-Auth", token, "Content-Type", "application/json")
	require.Equal(t, http.StatusOK, status, "%s", body)

	read := powerVCAVReader(t, r, token)
	// vm-report.ps1: GET /sessions needs ADMINISTRATORS among the roles.
	assert.Contains(t, field(read("/sessions"), "roles"), "ADMINISTRATORS")
	local := ""
	for _, s := range read("/sites").([]any) {
		if field(s, "isLocal") == true {
			local = field(s, "site").(string)
		}
	}
	require.Equal(t, "site2", local)
	// GET /diagnostics/health, the 3.x form: the health itself.
	assert.Equal(t, []any{}, field(read("/diagnostics/health"), "managerHealth.offlineReplicators"))
	items := powerVCAVPaged(t, read, "/vm-replications")
	require.Len(t, items, 7)
	inbound := 0
	for _, it := range items {
		if field(it, "destination.org") == nil {
			continue
		}
		inbound++
		powerVCAVReportRow(t, it, read("/vm-replications/"+field(it, "id").(string)+"/instances"))
	}
	assert.Equal(t, 7, inbound, "every replication of the fixture is inbound: a row each")
	assert.Len(t, read("/vm-replications/"+vcavReadyID+"/instances"), 2)

	// Disconnect-VCAV (lines 103–143): only X-VCAV-Auth.
	status, _, _ = r.send("DELETE", "/sessions", "", "X-VCAV-Auth", token)
	assert.Equal(t, http.StatusNoContent, status)
}

// powerVCAVReportRow checks what vm-report.ps1 (61a7f8d, lines 59–97)
// computes for one inbound replication, which fails in PowerShell on a
// missing field: 24 / (settings.rpo / 60) divides by zero when rpo is
// absent or 0, the average transfer divides by the count of instances, and
// .toString() is called on settings.rpo, on
// destinationState.currentRpoViolation when it is not 0, and on
// destinationState.latestInstance.transferSeconds. LocalTime() needs
// latestInstance.timestamp. A real appliance's replication has all of
// them once its first sync has ended.
func powerVCAVReportRow(t *testing.T, rep, instances any) {
	t.Helper()
	id := field(rep, "id")
	rpo, ok := field(rep, "settings.rpo").(float64)
	assert.True(t, ok && rpo > 0, "%s: settings.rpo %v: 24 / (rpo / 60)", id, field(rep, "settings.rpo"))
	list, _ := instances.([]any)
	assert.NotEmpty(t, list, "%s: $totalxfer / $instances.Count", id)
	for _, in := range list {
		assert.IsType(t, float64(0), field(in, "transferBytes"), "%s: Measure-Object -Property transferBytes -Sum", id)
	}
	for _, path := range []string{"destinationState.currentRpoViolation", "destinationState.latestInstance.timestamp",
		"destinationState.latestInstance.transferBytes", "destinationState.latestInstance.transferSeconds"} {
		assert.IsType(t, float64(0), field(rep, path), "%s: %s", id, path)
	}
}

// powerVCAVConnect replays PowerVCAV.psm1 Connect-VCAV (lines 16–101):
// only Content-Type, the compact vcdCookie body, the token from the
// X-VCAV-Auth header.
func powerVCAVConnect(t *testing.T, r replay) string {
	t.Helper()
	status, hdr, body := r.send("POST", "/sessions", `{"type":"vcdCookie","vcdCookie":"site2-vcd-session-cookie"}`,
		"Content-Type", "application/json")
	require.Equal(t, http.StatusOK, status, "%s", body)
	return hdr.Values("X-VCAV-Auth")[0]
}

// powerVCAVReader replays Invoke-VCAVQuery (PowerVCAV.psm1 lines 281–380):
// a GET with X-VCAV-Auth and Accept h4-v3+json;charset=UTF-8.
// Invoke-RestMethod returns a string for a +json type; PowerVCAV then runs
// ConvertFrom-Json itself (61a7f8d): the body is JSON, in the type asked for.
func powerVCAVReader(t *testing.T, r replay, token string) func(path string) any {
	return func(path string) any {
		t.Helper()
		status, hdr, body := r.send("GET", path, "", "X-VCAV-Auth", token, "Accept", powerVCAVAccept)
		require.Equal(t, http.StatusOK, status, "%s: %s", path, body)
		assert.Equal(t, powerVCAVAccept, hdr.Get("Content-Type"))
		return decode(t, body)
	}
}

// powerVCAVPaged replays Invoke-VCAVPagedQuery (PowerVCAV.psm1 lines
// 227–279): offset += the items of each page until offset >= total.
func powerVCAVPaged(t *testing.T, read func(string) any, path string) []any {
	t.Helper()
	var items []any
	for offset := 0; ; {
		page := read(path + "?offset=" + strconv.Itoa(offset) + "&limit=100")
		got := field(page, "items").([]any)
		items = append(items, got...)
		offset += len(got)
		if float64(offset) >= field(page, "total").(float64) {
			return items
		}
		require.NotEmpty(t, got, "an empty page below total would loop forever")
	}
}

// powerVCAVSummaryFixture is the default fixture plus what gives every
// kind of row of summary-report.ps1 something to count: a vApp migrated
// from the vCenter site onprem1 (v2c migration) and one protected to it
// (c2v protection), both of org2, and an org3 without replications.
func powerVCAVSummaryFixture(t *testing.T) *Fixture {
	return vcavFixture(t, func(f *VCAVFixture) {
		vms := func(ids ...string) *[]vcav.SingleVmReplicationInfo {
			out := make([]vcav.SingleVmReplicationInfo, len(ids))
			for i, id := range ids {
				out[i].Id = id
			}
			return &out
		}
		f.VappReplications = append(f.VappReplications,
			vcav.VappReplicationInfo{Id: "C4VAPP-5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b", IsMigration: new(true),
				Descriptor:     &vcav.VappDescriptor{Name: new("mail-vapp")},
				Source:         &vcav.VmReplicationSource{Org: new("org2"), Site: new("onprem1")},
				Destination:    &vcav.VmReplicationDestination{Org: new("org2"), Site: new("site2")},
				VmReplications: vms(vcavMailID)},
			vcav.VappReplicationInfo{Id: "C4VAPP-6f7a8b9c-0d1e-4f2a-9b3c-4d5e6f7a8b9c", IsMigration: new(false),
				Descriptor:     &vcav.VappDescriptor{Name: new("batch-vapp")},
				Source:         &vcav.VmReplicationSource{Org: new("org2"), Site: new("site2")},
				Destination:    &vcav.VmReplicationDestination{Org: new("org2"), Site: new("onprem1")},
				VmReplications: vms(vcavWeb02ID, vcavPausedID)})
		f.Orgs = []VCAVOrg{{"org1"}, {"org2"}, {"org3"}}
	})
}

// TestReplay_PowerVCAV_SummaryReport replays summary-report.ps1 of
// jondwaite/PowerVCAV at 61a7f8d after Connect-VCAV, to its end: GET /sites
// (lines 6–13, the local site by isLocal), GET /vc-sites (line 14), paged
// GET /vapp-replications (line 16) and paged GET /inventory/orgs (line
// 20), every read through Invoke-VCAVQuery (PowerVCAV.psm1 lines 281–380:
// X-VCAV-Auth and Accept h4-v3+json;charset=UTF-8, no Content-Type) and
// Invoke-VCAVPagedQuery (lines 227–279). It then counts the vApps and VMs
// of each organisation as lines 21–77 do and checks the report.
func TestReplay_PowerVCAV_SummaryReport(t *testing.T) {
	tm := newTestMock(t, WithFixture(powerVCAVSummaryFixture(t)))
	r := replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}
	token := powerVCAVConnect(t, r)
	read := powerVCAVReader(t, r, token)

	var local []any
	for _, s := range read("/sites").([]any) {
		if field(s, "isLocal") == true {
			local = append(local, s)
		}
	}
	require.Len(t, local, 1, "line 9: no local site stops the script")
	var vcSites []string
	for _, s := range read("/vc-sites").([]any) {
		vcSites = append(vcSites, field(s, "site").(string))
	}
	vapps := powerVCAVPaged(t, read, "/vapp-replications")
	orgs := powerVCAVPaged(t, read, "/inventory/orgs")

	report := map[string]powerVCAVOrgRow{}
	var names []string
	for _, org := range orgs {
		name, ok := field(org, "name").(string) // $org.Name: property names ignore case
		require.True(t, ok, "every item has a name: %v", org)
		names = append(names, name)
		report[name] = powerVCAVSummaryRow(vapps, vcSites, name)
	}
	assert.Equal(t, []string{"org1", "org2", "org3"}, names)
	assert.Equal(t, map[string]powerVCAVOrgRow{
		"org1": {C2CProtVapp: 3, C2CProtVM: 4, TotalVapp: 3, TotalVM: 4},
		"org2": {V2CMigVapp: 1, V2CMigVM: 1, C2VProtVapp: 1, C2VProtVM: 2, TotalVapp: 2, TotalVM: 3},
		"org3": {},
	}, report)

	status, _, _ := r.send("DELETE", "/sessions", "", "X-VCAV-Auth", token)
	assert.Equal(t, http.StatusNoContent, status)
}

// powerVCAVOrgRow is one row of summary-report.ps1 (lines 59–75).
type powerVCAVOrgRow struct {
	C2CProtVapp, C2CProtVM, C2CMigVapp, C2CMigVM int
	V2CProtVapp, V2CProtVM, V2CMigVapp, V2CMigVM int
	C2VProtVapp, C2VProtVM, C2VMigVapp, C2VMigVM int
	TotalVapp, TotalVM                           int
}

// powerVCAVSummaryRow counts org's vApp replications as summary-report.ps1
// lines 26–57 do: a vApp whose source or destination org is org (-eq
// ignores case), by the kind of its source then destination site (in
// vc-sites or not, -contains ignores case) and isMigration.
func powerVCAVSummaryRow(vapps []any, vcSites []string, org string) powerVCAVOrgRow {
	isVC := func(site any) bool {
		s, _ := site.(string)
		return slices.ContainsFunc(vcSites, func(v string) bool { return strings.EqualFold(v, s) })
	}
	var row powerVCAVOrgRow
	for _, a := range vapps {
		src, _ := field(a, "source.org").(string)
		dst, _ := field(a, "destination.org").(string)
		if !strings.EqualFold(src, org) && !strings.EqualFold(dst, org) {
			continue
		}
		vms, _ := field(a, "vmReplications").([]any)
		mig := field(a, "isMigration") == true
		var vapp, vm *int
		switch {
		case isVC(field(a, "source.site")) && mig:
			vapp, vm = &row.V2CMigVapp, &row.V2CMigVM
		case isVC(field(a, "source.site")):
			vapp, vm = &row.V2CProtVapp, &row.V2CProtVM
		case isVC(field(a, "destination.site")) && mig:
			vapp, vm = &row.C2VMigVapp, &row.C2VMigVM
		case isVC(field(a, "destination.site")):
			vapp, vm = &row.C2VProtVapp, &row.C2VProtVM
		case mig:
			vapp, vm = &row.C2CMigVapp, &row.C2CMigVM
		default:
			vapp, vm = &row.C2CProtVapp, &row.C2CProtVM
		}
		*vapp++
		*vm += len(vms)
		row.TotalVapp++
		row.TotalVM += len(vms)
	}
	return row
}
