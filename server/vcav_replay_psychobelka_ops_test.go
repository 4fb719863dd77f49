package server

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// Helpers that replay Invoke-vCAVReplicationOperation.ps1 of
// PsychoBelka/VMware.vCAV.Community at 868d937 for any -ReplicationType
// and operation switch: the state read and its flags (lines 159–207), the
// client-side gates (lines 209–342), the body (lines 236–289) and the
// request and task watch (lines 343–363).

// psyPath is the collection each -ReplicationType works on.
var psyPath = map[string]string{"VM": "/vm-replications", "vApp": "/vapp-replications"}

// psyOp is what an operation switch sends (lines 209–342): the method, the
// URI suffix after "<collection>/<id>/", and the network settings its
// body copies ("" = no body).
type psyOp struct{ method, suffix, settings string }

var psyOps = map[string]psyOp{
	"PauseReplication":   {"POST", "pause", ""},
	"ResumeReplication":  {"POST", "resume", ""},
	"Sync":               {"POST", "sync", ""},
	"ReverseReplication": {"POST", "reverse", ""},
	"TestCleanup":        {"DELETE", "failover-test", ""},
	"Test":               {"POST", "failover-test", "failoverTestSettings"},
	"Failover":           {"POST", "failover", "failoverSettings"},
	"Migrate":            {"POST", "migrate", "failoverSettings"},
}

// psyGates are the flags the state read sets (lines 164–180 for a vApp,
// 188–203 for a VM).
type psyGates struct{ allPaused, testExists, failedOver bool }

// sends reports whether the client sends op's request with flags g (lines
// 209–342): pause and sync are skipped when all paused, resume always
// sent, test refused on TEST or COMPLETE, failover on TEST or COMPLETE,
// migrate on COMPLETE, cleanup only on TEST, reverse only on COMPLETE.
func (g psyGates) sends(op string) bool {
	switch op {
	case "PauseReplication", "Sync":
		return !g.allPaused
	case "Test", "Failover":
		return !g.testExists && !g.failedOver
	case "Migrate":
		return !g.failedOver
	case "TestCleanup":
		return g.testExists
	case "ReverseReplication":
		return g.failedOver
	}
	return true
}

// gates replays Get-vCAVReplications -<kind> -ReplicationId id
// -IncludeInstances (Get-vCAVReplications.ps1 lines 136–253: the list by
// ids, then the instances of the VM or of each child VM) and computes the
// flags as lines 159–207 do. A vApp's state is its children's: TEST if any
// child is TEST, else not failed over if any is NOT_STARTED, else failed
// over if any is COMPLETE; paused unless some child has isPaused false.
func (p *psychoBelka) gates(kind, id string) psyGates {
	t := p.t
	status, body := p.call("GET", psyPath[kind]+"?offset=0&limit=100&sourceSiteType=vcloud&ids="+id, "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	items, _ := field(decode(t, body), "items").([]any)
	require.Len(t, items, 1, "otherwise the client throws 'has not been found'")
	vms := []any{items[0]}
	if kind == "vApp" {
		vms, _ = field(items[0], "vmReplications").([]any)
	}
	var states, paused []any
	for _, vm := range vms {
		status, out := p.call("GET", "/vm-replications/"+field(vm, "id").(string)+"/instances", "")
		require.Equal(t, http.StatusOK, status, "an error here aborts with 'not found': %s", out)
		states = append(states, field(vm, "destinationState.recoveryInfo.recoveryState"))
		paused = append(paused, field(vm, "isPaused"))
	}
	g := psyGates{allPaused: !slices.Contains(paused, any(false))}
	if kind == "VM" {
		g.allPaused = paused[0] == true
	}
	switch {
	case slices.Contains(states, any("TEST")):
		g.testExists = true
	case slices.Contains(states, any("NOT_STARTED")):
	case slices.Contains(states, any("COMPLETE")):
		g.failedOver = true
	}
	return g
}

// opBody replays lines 236–289 with the defaults: the replication read
// again and GET …/network-settings (Get-vCAVReplicationNetworkSettings.ps1
// lines 56–86), then ConvertTo-JSON -Depth 6 of the settings object in
// its member order (pretty, two-space indent), the network settings of
// settings copied; consolidate false (the -Consolidate default, and always
// for -Test), sync true (-SyncBeforeTest's default, sent for every op).
func (p *psychoBelka) opBody(kind, id, settings string) string {
	t := p.t
	status, _ := p.call("GET", psyPath[kind]+"?offset=0&limit=100&sourceSiteType=vcloud&ids="+id, "")
	require.Equal(t, http.StatusOK, status)
	status, body := p.call("GET", psyPath[kind]+"/"+id+"/network-settings", "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	s := field(decode(t, body), settings)
	vappNet, err := json.MarshalIndent(field(s, "vAppNetworkSettings"), "  ", "  ")
	require.NoError(t, err)
	vmNet, err := json.MarshalIndent(field(s, "vmNetworkSettings"), "  ", "  ")
	require.NoError(t, err)
	return "{\n  \"consolidate\": false,\n  \"powerOn\": false,\n  \"preconfiguredNetwork\": true,\n" +
		"  \"snapshotOptions\": \"DO_NOTHING\",\n  \"exposePITsAsSnapshots\": true,\n  \"instanceMap\": null,\n" +
		"  \"sync\": true,\n  \"vAppNetworkSettings\": " + string(vappNet) + ",\n  \"vmNetworkSettings\": " + string(vmNet) +
		",\n  \"type\": \"vcloud\"\n}"
}

// sendOp sends one operation request as Invoke-vCAVAPIRequest does under
// PowerShell 7, with the operationID opID: Content-Type: application/json
// always, an empty body (Content-Length: 0) when there is no payload.
func (p *psychoBelka) sendOp(method, path, body, opID string) (int, []byte) {
	p.t.Helper()
	if body == "" {
		body = noBody
	}
	status, _, out := p.send(method, path, body, "Content-Type", "application/json", "Accept", "application/json",
		"operationID", opID, "X-VCAV-Auth", p.token)
	return status, out
}

// invoke replays Invoke-vCAVReplicationOperation -ReplicationType kind
// -ReplicationId id -<op> after its state read, for an op the gates let
// through: the body when op has one, the request (lines 343–355), then
// Watch-TaskCompleted, GET /sites and GET /tasks/<id> (lines 356–359). It
// returns the final task and the operationID the request carried.
func (p *psychoBelka) invoke(kind, id, op string) (task any, opID string) {
	t := p.t
	o, ok := psyOps[op]
	require.True(t, ok, op)
	body := ""
	if o.settings != "" {
		body = p.opBody(kind, id, o.settings)
	}
	opID = "Powershell__" + uuid.NewString()
	status, out := p.sendOp(o.method, psyPath[kind]+"/"+id+"/"+o.suffix, body, opID)
	require.Equal(t, http.StatusAccepted, status, "%s %s: %s", kind, op, out)
	return p.finishTask(out), opID
}

// finishTask is lines 356–359 for an accepted task: Watch-TaskCompleted
// (must end SUCCEEDED), then Get-vCAVTasks -Id (GET /sites for the
// -Site default, GET /tasks/<id>); it returns that final task.
func (p *psychoBelka) finishTask(accepted []byte) any {
	t := p.t
	taskID, _ := field(decode(t, accepted), "id").(string)
	require.NotEmpty(t, taskID)
	require.Equal(t, "SUCCEEDED", p.watchTask(taskID))
	status, _ := p.call("GET", "/sites", "")
	require.Equal(t, http.StatusOK, status)
	status, out := p.call("GET", "/tasks/"+taskID, "")
	require.Equal(t, http.StatusOK, status, "%s", out)
	return decode(t, out)
}
