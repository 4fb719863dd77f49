package server

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// getTasks replays Public/Tasks/Get-vCAVTasks.ps1 of
// PsychoBelka/VMware.vCAV.Community at 868d937 without -Id: GET /sites for
// the -Site default (line 77, unless site is given), GET /sites again for
// Get-vCAVSites -SiteName (line 99: an unknown site throws), then GET
// /tasks with offset=0, limit=100, site and the filters (lines 93–140;
// Invoke-WebRequest puts a GET's hashtable body in the query,
// WebUtility.UrlEncode'd, so commas are %2C), then again with offset +100
// while offset < total (lines 143–149). Every request carries its own
// operationID header. It returns the ids of the collected items.
func (p *psychoBelka) getTasks(site string, filters ...string) []string {
	t := p.t
	if site == "" {
		site = p.localSite()
	}
	status, _ := p.call("GET", "/sites", "")
	require.Equal(t, http.StatusOK, status)
	q := url.Values{"offset": {"0"}, "limit": {"100"}, "site": {site}}
	for i := 0; i+1 < len(filters); i += 2 {
		q.Set(filters[i], filters[i+1])
	}
	var ids []string
	for offset := 0; ; offset += 100 {
		q.Set("offset", strconv.Itoa(offset))
		status, body := p.call("GET", "/tasks?"+q.Encode(), "")
		require.Equal(t, http.StatusOK, status, "%s", body)
		page := decode(t, body)
		for _, it := range field(page, "items").([]any) {
			ids = append(ids, field(it, "id").(string))
		}
		if total, _ := field(page, "total").(float64); float64(offset+100) >= total {
			return ids
		}
	}
}

// localSite is the -Site default: (Get-vCAVSites -SiteType "Local").site.
func (p *psychoBelka) localSite() string {
	status, body := p.call("GET", "/sites", "")
	require.Equal(p.t, http.StatusOK, status, "%s", body)
	for _, s := range decode(p.t, body).([]any) {
		if field(s, "isLocal") == true {
			return field(s, "site").(string)
		}
	}
	p.t.Fatal("no local site")
	return ""
}

// psyTasks are the tasks the Get-vCAVTasks replay filters: a finished VM
// pause of mail-01 (org2), a finished pause of app-vapp (org1), then a
// second later a -ResumeReplication -Async of batch-01 (org2) left
// running; the operationID the VM pause carried, and the vApp pause's
// startTime (after the VM pause's watch, which moved the clock).
type psyTasks struct {
	vmPause, vappPause, running, pauseOpID string
	vappStart                              float64
}

func (p *psychoBelka) startTasks() psyTasks {
	t := p.t
	var out psyTasks
	var task any
	task, out.pauseOpID = p.invoke("VM", vcavMailID, "PauseReplication")
	out.vmPause = field(task, "id").(string)
	task, _ = p.invoke("vApp", vcavVappReadyID, "PauseReplication")
	out.vappPause = field(task, "id").(string)
	out.vappStart, _ = field(task, "startTime").(float64)
	p.tm.clock.Advance(time.Second)
	// -Async (lines 343–359): the POST, no watch, then Get-vCAVTasks -Id.
	require.True(t, p.gates("VM", vcavPausedID).sends("ResumeReplication"))
	status, body := p.sendOp("POST", "/vm-replications/"+vcavPausedID+"/resume", "", "Powershell__"+uuid.NewString())
	require.Equal(t, http.StatusAccepted, status, "%s", body)
	out.running = field(decode(t, body), "id").(string)
	p.localSite()
	status, body = p.call("GET", "/tasks/"+out.running, "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	require.Equal(t, "RUNNING", field(decode(t, body), "state"))
	return out
}

// TestReplay_VMwareVCAVCommunity_GetTasksFilters replays Get-vCAVTasks
// with each filter the cmdlet sends (-Replications, -System, -TaskState,
// -User, -SourceOrg, -DestinationOrg, -StartTimeAfter/-StartTimeBefore as
// epoch ms, -OperationId, -Site) and checks the mock returns what the
// filter names, the newest first.
func TestReplay_VMwareVCAVCommunity_GetTasksFilters(t *testing.T) {
	tm := newTestMock(t)
	p := &psychoBelka{replay: replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}, tm: tm}
	p.connect()
	k := p.startTasks()
	all := []string{k.running, k.vappPause, k.vmPause}
	vappStart := strconv.FormatInt(int64(k.vappStart), 10)
	for _, c := range []struct {
		name    string
		site    string
		filters []string
		want    []string
	}{
		{"no filter", "", nil, all},
		{"Replications", "", []string{"resourceType", "replication,vmReplication,vappReplication"}, all},
		{"System", "", []string{"resourceType", "site,pair,repair,inventory,appliance,replicator,supportBundle,policies"}, nil},
		{"TaskState RUNNING", "", []string{"state", "RUNNING"}, []string{k.running}},
		{"TaskState SUCCEEDED", "", []string{"state", "SUCCEEDED"}, all[1:]},
		{"User root", "", []string{"user", "root"}, all},
		{"SourceOrg org1", "", []string{"sourceOrg", "org1"}, []string{k.vappPause}},
		{"DestinationOrg org2", "", []string{"destinationOrg", "org2"}, []string{k.running, k.vmPause}},
		{"StartTimeAfter", "", []string{"startTimeAfter", vappStart}, []string{k.running}},
		{"StartTimeBefore", "", []string{"startTimeBefore", vappStart}, []string{k.vmPause}},
		{"OperationId", "", []string{"operationID", k.pauseOpID}, []string{k.vmPause}},
		{"Site site2", "site2", nil, all},
	} {
		t.Run(c.name, func(t *testing.T) {
			p.t = t
			assert.Equal(t, c.want, p.getTasks(c.site, c.filters...))
		})
	}
}

// TestReplay_VMwareVCAVCommunity_GetTasksPaging replays Get-vCAVTasks
// -Replications over more than one page (lines 140–149): offset 0, then
// offset 100 while offset < total; the pages hold every task once, newest
// first. The 120 tasks are syncs of mail-01 as 120 runs of
// Invoke-vCAVReplicationOperation -Sync -Async send them (their state
// reads left out).
func TestReplay_VMwareVCAVCommunity_GetTasksPaging(t *testing.T) {
	tm := newTestMock(t)
	p := &psychoBelka{replay: replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}, tm: tm}
	p.connect()
	var want []string
	for range 120 {
		status, body := p.sendOp("POST", "/vm-replications/"+vcavMailID+"/sync", "", "Powershell__"+uuid.NewString())
		require.Equal(t, http.StatusAccepted, status, "%s", body)
		want = append(want, field(decode(t, body), "id").(string))
	}
	slices.Sort(want)
	got := p.getTasks("", "resourceType", "replication,vmReplication,vappReplication")
	assert.Equal(t, want, got, "same start time: ordered by id, every task once")
}
