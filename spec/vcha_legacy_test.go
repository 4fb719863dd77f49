package spec_test

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/spec"
)

// TestVCHA_LegacyRestShapes pins the two wire shapes side by side: every
// /rest operation is deprecated, wraps its success body in a required
// "value" and answers errors as Legacy_Error ({type, value}); no /api
// operation uses the legacy error. Clients decide by path prefix (govmomi
// vapi/rest/client.go Do: "/api" decoded raw, other paths unwrapped from
// "value"), so a mixed shape would break them.
func TestVCHA_LegacyRestShapes(t *testing.T) {
	doc, err := spec.Load(spec.VCHA)
	require.NoError(t, err)
	legacy := doc.Components.Schemas["Legacy_Error"].Value
	require.NotNil(t, legacy)
	seenRest := 0
	for key, item := range doc.Paths.Map() {
		rest := strings.HasPrefix(key, "/rest/")
		for method, op := range item.Operations() {
			where := method + " " + key
			if rest {
				seenRest++
				assert.True(t, op.Deprecated, "%s must be deprecated like VMware's Swagger", where)
			}
			for status, resp := range op.Responses.Map() {
				mt := resp.Value.Content.Get("application/json")
				if mt == nil {
					continue
				}
				isErr := status == "default" || status[0] >= '4'
				switch {
				case rest && isErr:
					assert.Same(t, legacy, mt.Schema.Value, "%s %s: /rest errors use Legacy_Error", where, status)
				case rest:
					assert.Contains(t, mt.Schema.Value.Required, "value", "%s %s: /rest bodies are wrapped", where, status)
				default:
					assert.NotSame(t, legacy, mt.Schema.Value, "%s %s: /api never uses the legacy error", where, status)
				}
			}
		}
	}
	assert.Equal(t, 8, seenRest, "session create/get/delete, task get, cluster get, failover, mode get/set")
}

// TestVCHA_TaskInfoResultIsTypeless pins the OpenAPI 3.0.3 fix: `nullable`
// is only meaningful beside `type` (Redocly flags it without one), so the
// type-less `result` carries none and takes any non-null JSON value.
func TestVCHA_TaskInfoResultIsTypeless(t *testing.T) {
	doc, err := spec.Load(spec.VCHA)
	require.NoError(t, err)
	result := doc.Components.Schemas["Task_Info"].Value.Properties["result"].Value
	assert.False(t, result.Nullable)
	assert.True(t, result.Type == nil || len(*result.Type) == 0)
	for _, v := range []any{"x", 1.0, true, map[string]any{"a": 1.0}, []any{}} {
		assert.NoError(t, result.VisitJSON(v), "%v", v)
	}
	assert.Error(t, result.VisitJSON(nil), "failoverkit choice: null is not a result")
}

// vimTaskID is the failoverkit choice for VCHA task ids: a VIM task moref
// before the first colon, as VMware's VCHA sample
// (vsphere-automation-sdk-java src/main/java/vmware/samples/vcenter/vcha/helpers/TaskHelper.java,
// taskID.split(":")[0] as a ManagedObjectReference of type Task) and govmomi's
// vapi/resource.go Task (strings.SplitN(id, ":", 2)[0]) expect.
var vimTaskID = regexp.MustCompile(`^task-[0-9]+:com\.vmware\.vcenter\.vcha\.cluster(\.mode)?$`)

func TestVCHA_TaskIDExamplesAreVIMBacked(t *testing.T) {
	doc, err := spec.Load(spec.VCHA)
	require.NoError(t, err)
	ops := map[string]int{
		"/api/vcenter/vcha/cluster?action=failover&vmw-task=true":  202,
		"/api/vcenter/vcha/cluster/mode?vmw-task=true":             202,
		"/rest/vcenter/vcha/cluster?action=failover&vmw-task=true": 200,
		"/rest/vcenter/vcha/cluster/mode?vmw-task=true":            200,
	}
	for key, status := range ops {
		item := doc.Paths.Find(key)
		require.NotNil(t, item, key)
		for _, op := range item.Operations() {
			mt := op.Responses.Status(status).Value.Content.Get("application/json")
			id, _ := mt.Example.(string)
			if m, ok := mt.Example.(map[string]any); ok {
				id, _ = m["value"].(string)
			}
			assert.Regexp(t, vimTaskID, id, key)
		}
	}
}

// TestVCHA_RouterOnTheRealDocument routes the request lines real clients
// send (govmomi vapi/rest/client.go Login/Session/Logout; vapi/cis/tasks
// tasks.go; Ansible plugins/module_utils/vmware_rest.py open_session).
func TestVCHA_RouterOnTheRealDocument(t *testing.T) {
	doc, err := spec.Load(spec.VCHA)
	require.NoError(t, err)
	r, err := spec.NewRouter(doc)
	require.NoError(t, err)
	tests := []struct{ method, url, op, task string }{
		{"POST", "/rest/com/vmware/cis/session", "createSessionLegacy", ""},
		{"POST", "/rest/com/vmware/cis/session?~action=get", "getSessionLegacy", ""},
		{"DELETE", "/rest/com/vmware/cis/session", "deleteSessionLegacy", ""},
		{"POST", "/api/session", "createSession", ""},
		{"POST", "/api/cis/tasks?action=list", "listTasks", ""},
		{"GET", "/api/cis/tasks/task-7:com.vmware.vcenter.vcha.cluster", "getTask", "task-7:com.vmware.vcenter.vcha.cluster"},
		{"GET", "/api/cis/tasks/task-7%3Acom.vmware.vcenter.vcha.cluster", "getTask", "task-7:com.vmware.vcenter.vcha.cluster"},
		{"GET", "/rest/cis/tasks/task-7%3acom.vmware.vcenter.vcha.cluster?spec.exclude_result=true", "getTaskLegacy", "task-7:com.vmware.vcenter.vcha.cluster"},
		{"POST", "/rest/vcenter/vcha/cluster?action=failover&vmw-task=true", "failoverVchaClusterAsyncLegacy", ""},
		{"POST", "/rest/vcenter/vcha/cluster?action=get", "getVchaClusterLegacy", ""},
		{"GET", "/rest/vcenter/vcha/cluster/mode", "getVchaClusterModeLegacy", ""},
		{"PUT", "/rest/vcenter/vcha/cluster/mode?vmw-task=true", "setVchaClusterModeAsyncLegacy", ""},
		{"GET", "/api/vcenter/vcha/operations", "getVchaOperations", ""},
		{"POST", "/api/vcenter/vcha/cluster/active?action=get", "getVchaClusterActive", ""},
		{"GET", "/api/vcenter/vcha/cluster/deployment-type", "getVchaClusterDeploymentType", ""},
	}
	for _, tc := range tests {
		route, params, err := r.FindRoute(httptest.NewRequest(tc.method, tc.url, nil))
		require.NoError(t, err, tc.url)
		assert.Equal(t, tc.op, route.Operation.OperationID, tc.url)
		if tc.task != "" {
			assert.Equal(t, tc.task, params["task"], tc.url)
		}
	}
	// The removed Ansible VCHA module posted to /rest/vcenter/vcha/cluster
	// with no action (vcenter_vcha_cluster.py at 4cf760bc, _failover): no
	// operation, so the mock refuses it instead of failing over.
	_, _, err = r.FindRoute(httptest.NewRequest("POST", "/rest/vcenter/vcha/cluster", nil))
	assert.True(t, spec.IsNotFound(err))
}

// TestVCHA_ChoicesAreWritten checks that the choices this document makes
// where the vendor is silent are written where users read them.
func TestVCHA_ChoicesAreWritten(t *testing.T) {
	doc, err := spec.Load(spec.VCHA)
	require.NoError(t, err)
	info := doc.Info.Description
	for _, topic := range []string{"## The legacy `/rest` API", "## Task ids", "## The failover outage", "## JSON-RPC", "`DOMAIN\\user`", "Authentication required."} {
		assert.Contains(t, info, topic)
	}
	sections := strings.Split(info, "\n## ")
	for _, s := range sections {
		if strings.HasPrefix(s, "Task ids") || strings.HasPrefix(s, "The failover outage") || strings.HasPrefix(s, "JSON-RPC") {
			assert.Contains(t, s, "failoverkit choice:", s[:20])
		}
	}
	assert.Contains(t, doc.Paths.Find("/api/cis/tasks?action=list").Post.Description, "failoverkit choice:")
}
