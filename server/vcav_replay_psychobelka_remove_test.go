package server

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReplay_VMwareVCAVCommunity_RemoveReplication replays
// Public/Replication-Management/Remove-vCAVReplication.ps1 of
// PsychoBelka/VMware.vCAV.Community at 868d937 for -VM and for -vApp (the
// default parameter set): Get-vCAVReplications -<kind> -ReplicationId
// (lines 43–57: the list by ids; none found = throw), DELETE
// /<collection>/<id> with no payload (line 60: Content-Type:
// application/json, Content-Length: 0), Watch-TaskCompleted (line 62) and
// Get-vCAVTasks -Id (line 64). Afterwards the same cmdlet finds nothing
// and throws before sending a DELETE, and a vApp's VMs are gone too.
func TestReplay_VMwareVCAVCommunity_RemoveReplication(t *testing.T) {
	for _, c := range []struct{ kind, id, resourceType string }{
		{"VM", vcavReadyID, "vmReplication"},
		{"vApp", vcavVappReadyID, "vappReplication"},
	} {
		t.Run(c.kind, func(t *testing.T) {
			tm := newTestMock(t)
			p := &psychoBelka{replay: replay{t: t, hc: tm.vcavHC, base: tm.vcavURL}, tm: tm}
			p.connect()
			var children []any
			if c.kind == "vApp" {
				children = p.listByID("vApp", c.id)[0].(map[string]any)["vmReplications"].([]any)
				require.NotEmpty(t, children)
			}
			task := p.remove(c.kind, c.id)
			assert.Equal(t, "delete", field(task, "workflowInfo.type"))
			assert.Equal(t, c.resourceType, field(task, "workflowInfo.resourceType"))
			assert.Equal(t, c.id, field(task, "workflowInfo.resourceId"))
			assert.Nil(t, field(task, "result"), "the cmdlet returns the task; nothing reads a result")

			assert.Empty(t, p.listByID(c.kind, c.id), "a second Remove-vCAVReplication throws 'can not be found'")
			for _, child := range children {
				assert.Empty(t, p.listByID("VM", field(child, "id").(string)), "the vApp's VM replications are gone")
			}
		})
	}
}

// listByID replays Get-vCAVReplications -<kind> -ReplicationId id (lines
// 136–228 of Get-vCAVReplications.ps1, one page) and returns the items.
func (p *psychoBelka) listByID(kind, id string) []any {
	t := p.t
	status, body := p.call("GET", psyPath[kind]+"?offset=0&limit=100&sourceSiteType=vcloud&ids="+id, "")
	require.Equal(t, http.StatusOK, status, "%s", body)
	items, ok := field(decode(t, body), "items").([]any)
	require.True(t, ok, "%s", body)
	return items
}

// remove replays Remove-vCAVReplication -<kind> -ReplicationId id and
// returns the task Get-vCAVTasks -Id reads at the end.
func (p *psychoBelka) remove(kind, id string) any {
	t := p.t
	require.Len(t, p.listByID(kind, id), 1, "found, so the DELETE is sent")
	status, out := p.sendOp("DELETE", psyPath[kind]+"/"+id, "", "Powershell__"+uuid.NewString())
	require.Equal(t, http.StatusAccepted, status, "%s", out)
	return p.finishTask(out)
}
