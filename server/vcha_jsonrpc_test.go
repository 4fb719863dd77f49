package server

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// The request bodies VMware's Python SDK sends, captured byte for byte from
// vsphere-automation-sdk-python 199b26f1 (create_vsphere_client in
// vmware/vapi/vsphere/client.py; envelope by JsonRpc20Request.serialize and
// values by the serializer in vmware/vapi/data/serializers/jsonrpc.py;
// inputs from com/vmware/cis_client.py Session.create/get/delete and
// Tasks.get, com/vmware/vcenter/vcha_client.py Cluster.failover_task and
// com/vmware/vcenter/vcha/cluster_client.py Mode.get). Only the session id
// ({token}) and the task id ({task}) are put in from this run.
const (
	sdkLogin    = `{"jsonrpc":"2.0","method":"invoke","params":{"serviceId":"com.vmware.cis.session","operationId":"create","input":{"STRUCTURE":{"operation-input":{}}},"ctx":{"appCtx":{"opId":"5f19b9f5-b313-4b65-a035-eee37346bc66"},"securityCtx":{"schemeId":"com.vmware.vapi.std.security.user_pass","userName":"administrator@vsphere.local","password":"vmware"}}},"id":"0"}`
	sdkModeGet  = `{"jsonrpc":"2.0","method":"invoke","params":{"serviceId":"com.vmware.vcenter.vcha.cluster.mode","operationId":"get","input":{"STRUCTURE":{"operation-input":{}}},"ctx":{"appCtx":{"opId":"149be769-ca99-4386-8c03-123bcc5badd5"},"securityCtx":{"schemeId":"com.vmware.vapi.std.security.session_id","sessionId":"{token}"}}},"id":"0"}`
	sdkFailover = `{"jsonrpc":"2.0","method":"invoke","params":{"serviceId":"com.vmware.vcenter.vcha.cluster","operationId":"failover$task","input":{"STRUCTURE":{"operation-input":{"planned":true}}},"ctx":{"appCtx":{"opId":"2f06194c-2787-42be-826a-3c2177d655ba"},"securityCtx":{"schemeId":"com.vmware.vapi.std.security.session_id","sessionId":"{token}"}}},"id":"1"}`
	sdkTaskGet  = `{"jsonrpc":"2.0","method":"invoke","params":{"serviceId":"com.vmware.cis.tasks","operationId":"get","input":{"STRUCTURE":{"operation-input":{"task":"{task}","spec":{"OPTIONAL":null}}}},"ctx":{"appCtx":{"opId":"18fb598f-0a94-4af7-add1-25c93fe736dd"},"securityCtx":{"schemeId":"com.vmware.vapi.std.security.session_id","sessionId":"{token}"}}},"id":"2"}`
	sdkSessGet  = `{"jsonrpc":"2.0","method":"invoke","params":{"serviceId":"com.vmware.cis.session","operationId":"get","input":{"STRUCTURE":{"operation-input":{}}},"ctx":{"appCtx":{"opId":"f5093d2e-ef6e-4303-95f2-2ce82ecd0011"},"securityCtx":{"schemeId":"com.vmware.vapi.std.security.session_id","sessionId":"{token}"}}},"id":"8"}`
	sdkLogout   = `{"jsonrpc":"2.0","method":"invoke","params":{"serviceId":"com.vmware.cis.session","operationId":"delete","input":{"STRUCTURE":{"operation-input":{}}},"ctx":{"appCtx":{"opId":"3c3a393d-6b90-46b5-b02e-42ac2cb3256c"},"securityCtx":{"schemeId":"com.vmware.vapi.std.security.session_id","sessionId":"{token}"}}},"id":"9"}`
)

// sdkBody fills a captured body's session and task ids.
func sdkBody(body, token, task string) string {
	return strings.NewReplacer("{token}", token, "{task}", task).Replace(body)
}

// rpcCall posts body to POST /api; every JSON-RPC answer is 200.
func rpcCall(t *testing.T, tm *testMock, body string) []byte {
	t.Helper()
	status, raw, h := do(t, tm.vchaHC, "POST", vchaURL(tm, "/api"), body)
	require.Equal(t, http.StatusOK, status, string(raw))
	assert.Equal(t, "application/json", h.Get("Content-Type"))
	return raw
}

// rpcLogin logs in with the SDK's session create and returns the token.
func rpcLogin(t *testing.T, tm *testMock) string {
	t.Helper()
	var a struct {
		Result struct {
			Output struct{ SECRET string }
		}
	}
	require.NoError(t, json.Unmarshal(rpcCall(t, tm, sdkLogin), &a))
	require.Regexp(t, `^[0-9a-f]{32}$`, a.Result.Output.SECRET)
	return a.Result.Output.SECRET
}

// sdkTaskInfo is the answer of cis tasks get as the SDK's deserializer
// accepted it (com.vmware.cis.task.info, every optional field present).
func sdkTaskInfo(id, status, start, end, progress string) string {
	return `{"id":"2","jsonrpc":"2.0","result":{"output":{"STRUCTURE":{"com.vmware.cis.task.info":{"cancelable":false,` +
		`"description":{"STRUCTURE":{"com.vmware.vapi.std.localizable_message":{"args":[],"default_message":"Initiate failover","id":"com.vmware.vcenter.vcha.cluster.failover","localized":{"OPTIONAL":null},"params":{"OPTIONAL":null}}}},` +
		`"end_time":{"OPTIONAL":` + end + `},"error":{"OPTIONAL":null},"operation":"failover","parent":{"OPTIONAL":null},` +
		`"progress":{"OPTIONAL":` + progress + `},"result":{"OPTIONAL":null},"service":"com.vmware.vcenter.vcha.cluster",` +
		`"start_time":{"OPTIONAL":` + start + `},"status":"` + status + `","target":{"OPTIONAL":null},"user":{"OPTIONAL":"administrator@vsphere.local"}}}}}}`
}

// TestVCHAJSONRPC_PythonSDKFailover replays the Python SDK's failover
// (tools/pysdk/replay.py does the same with the real SDK): login, mode get,
// Cluster.failover_task(planned=True), cis tasks get through PENDING and
// RUNNING to SUCCEEDED, mode get, session get and delete. Each answer must
// be exactly what the SDK's deserializer accepted; the roles are swapped.
func TestVCHAJSONRPC_PythonSDKFailover(t *testing.T) {
	tm := newTestMock(t, WithTaskDuration(3*time.Second))
	token := rpcLogin(t, tm)
	mode := `{"id":"0","jsonrpc":"2.0","result":{"output":{"STRUCTURE":{"com.vmware.vcenter.vcha.cluster.mode.info":{"mode":"ENABLED"}}}}}`
	assert.JSONEq(t, mode, string(rpcCall(t, tm, sdkBody(sdkModeGet, token, ""))))

	raw := rpcCall(t, tm, sdkBody(sdkFailover, token, ""))
	m := regexp.MustCompile(`^\{"id":"1","jsonrpc":"2.0","result":\{"output":"(task-\d+:com\.vmware\.vcenter\.vcha\.cluster)"\}\}$`).FindSubmatch(raw)
	require.NotNil(t, m, string(raw))
	task := string(m[1])

	get := sdkBody(sdkTaskGet, token, task)
	assert.JSONEq(t, sdkTaskInfo(task, "PENDING", "null", "null", "null"), string(rpcCall(t, tm, get)))
	tm.clock.Advance(time.Second)
	var running struct {
		Result struct {
			Output struct {
				STRUCTURE map[string]map[string]json.RawMessage
			}
		}
	}
	require.NoError(t, json.Unmarshal(rpcCall(t, tm, get), &running))
	info := running.Result.Output.STRUCTURE["com.vmware.cis.task.info"]
	assert.JSONEq(t, `"RUNNING"`, string(info["status"]))
	assert.JSONEq(t, `{"OPTIONAL":"2026-01-02T03:04:05.100Z"}`, string(info["start_time"]))
	assert.Contains(t, string(info["progress"]), `{"OPTIONAL":{"STRUCTURE":{"com.vmware.cis.task.progress":{"completed":`)

	tm.clock.Advance(2 * time.Second)
	done := `{"STRUCTURE":{"com.vmware.cis.task.progress":{"completed":100,"message":{"STRUCTURE":{"com.vmware.vapi.std.localizable_message":` +
		`{"args":[],"default_message":"Failover completed","id":"com.vmware.vcenter.vcha.cluster.failover.completed","localized":{"OPTIONAL":null},"params":{"OPTIONAL":null}}}},"total":100}}}`
	assert.JSONEq(t, sdkTaskInfo(task, "SUCCEEDED", `"2026-01-02T03:04:05.100Z"`, `"2026-01-02T03:04:08.000Z"`, done), string(rpcCall(t, tm, get)))
	assert.JSONEq(t, mode, string(rpcCall(t, tm, sdkBody(sdkModeGet, token, ""))))
	n1, _ := roles(getCluster(t, tm, token)) // REST, with the JSON-RPC token
	assert.Equal(t, vcha.VchaClusterNodeRolePASSIVE, n1, "the one failover implementation swapped the roles")

	assert.JSONEq(t, `{"id":"8","jsonrpc":"2.0","result":{"output":{"STRUCTURE":{"com.vmware.cis.session.info":`+
		`{"created_time":"2026-01-02T03:04:05.000Z","last_accessed_time":"2026-01-02T03:04:08.000Z","user":"administrator@vsphere.local"}}}}}`,
		string(rpcCall(t, tm, sdkBody(sdkSessGet, token, ""))))
	assert.JSONEq(t, `{"id":"9","jsonrpc":"2.0","result":{"output":null}}`, string(rpcCall(t, tm, sdkBody(sdkLogout, token, ""))))
	status, _, _ := do(t, tm.vchaHC, "GET", vchaURL(tm, "/api/session"), nil, "vmware-api-session-id", token)
	assert.Equal(t, http.StatusUnauthorized, status, "the JSON-RPC logout ended the session")
}

// rpcInvoke builds an invoke envelope with the SDK's layout.
func rpcInvoke(service, operation, input, secCtx string) string {
	return `{"jsonrpc":"2.0","method":"invoke","params":{"serviceId":"` + service + `","operationId":"` + operation +
		`","input":` + input + `,"ctx":{"appCtx":{"opId":"1"},"securityCtx":` + secCtx + `}},"id":"7"}`
}

// sessionCtx is the SDK's security context for token.
func sessionCtx(token string) string {
	return `{"schemeId":"com.vmware.vapi.std.security.session_id","sessionId":"` + token + `"}`
}

// rpcErr is a JSON-RPC answer's vAPI error: its name and fields.
type rpcErr struct {
	name   string
	fields map[string]json.RawMessage
}

// rpcVapiErr decodes result.error, {"ERROR": {"<name>": {fields}}}.
func rpcVapiErr(t *testing.T, raw []byte) rpcErr {
	t.Helper()
	var a struct {
		Result struct {
			Error struct {
				ERROR map[string]map[string]json.RawMessage
			}
		}
	}
	require.NoError(t, json.Unmarshal(raw, &a), string(raw))
	require.Len(t, a.Result.Error.ERROR, 1, string(raw))
	for name, fields := range a.Result.Error.ERROR {
		return rpcErr{name: name, fields: fields}
	}
	return rpcErr{}
}

// TestVCHAJSONRPC_Refusals pins the vAPI errors in result.error (each
// decoded by the SDK into its typed exception, e.g. Unauthenticated,
// NotFound) and that every one is HTTP 200 (failoverkit choice).
func TestVCHAJSONRPC_Refusals(t *testing.T) {
	tm := newTestMock(t)
	token := rpcLogin(t, tm)
	ro := vchaLogin(t, tm, vchaReadonly)
	empty := `{"STRUCTURE":{"operation-input":{}}}`
	auth := `{"messages":[{"STRUCTURE":{"com.vmware.vapi.std.localizable_message":{"args":[],"default_message":"Authentication required.",` +
		`"id":"com.vmware.vapi.endpoint.method.authentication.required","localized":{"OPTIONAL":null},"params":{"OPTIONAL":null}}}}],` +
		`"data":{"OPTIONAL":null},"error_type":{"OPTIONAL":"UNAUTHENTICATED"},"challenge":{"OPTIONAL":"Basic realm=\"vCenter\""}}`
	for _, tc := range []struct {
		name, body, err, msgID string
	}{
		{"wrong password", strings.Replace(sdkLogin, `"password":"vmware"`, `"password":"nope"`, 1), "unauthenticated", msgAuthRequired},
		{"login without a security context", `{"jsonrpc":"2.0","method":"invoke","params":{"serviceId":"com.vmware.cis.session","operationId":"create","input":` + empty + `,"ctx":{"appCtx":{}}},"id":"7"}`, "unauthenticated", msgAuthRequired},
		{"unknown session", sdkBody(sdkModeGet, "0123456789abcdef0123456789abcdef", ""), "unauthenticated", msgAuthRequired},
		{"no session id", rpcInvoke("com.vmware.vcenter.vcha.cluster.mode", "get", empty, `{"schemeId":"com.vmware.vapi.std.security.session_id"}`), "unauthenticated", msgAuthRequired},
		{"user_pass on a session call", rpcInvoke("com.vmware.vcenter.vcha.cluster.mode", "get", empty,
			`{"schemeId":"com.vmware.vapi.std.security.user_pass","userName":"administrator@vsphere.local","password":"vmware"}`), "unauthenticated", msgAuthRequired},
		{"unknown task", rpcInvoke("com.vmware.cis.tasks", "get", `{"STRUCTURE":{"operation-input":{"task":"task-99:x","spec":{"OPTIONAL":null}}}}`, sessionCtx(token)), "not_found", msgTaskNotFound},
		{"unknown service", rpcInvoke("com.vmware.vcenter.vm", "list", empty, sessionCtx(token)), "operation_not_found", msgInvalidInterface},
		{"numeric id", strings.Replace(rpcInvoke("com.vmware.vcenter.vm", "list", empty, sessionCtx(token)), `"id":"7"`, `"id":42`, 1), "operation_not_found", msgInvalidInterface},
		{"unknown operation", rpcInvoke("com.vmware.vcenter.vcha.cluster", "failover", empty, sessionCtx(token)), "operation_not_found", msgInvalidMethod},
		{"mistyped input", rpcInvoke("com.vmware.vcenter.vcha.cluster", "failover$task", `{"STRUCTURE":{"operation-input":{"planned":"yes"}}}`, sessionCtx(token)), "invalid_argument", msgInvalidInput},
		{"missing input field", rpcInvoke("com.vmware.vcenter.vcha.cluster", "failover$task", empty, sessionCtx(token)), "invalid_argument", msgInvalidInput},
		{"unexpected input field", rpcInvoke("com.vmware.vcenter.vcha.cluster", "failover$task", `{"STRUCTURE":{"operation-input":{"planned":true,"force":true}}}`, sessionCtx(token)), "invalid_argument", msgInvalidInput},
		{"input not a structure", rpcInvoke("com.vmware.vcenter.vcha.cluster", "failover$task", `{"planned":true}`, sessionCtx(token)), "invalid_argument", msgInvalidInput},
		{"no privilege", rpcInvoke("com.vmware.vcenter.vcha.cluster", "failover$task", `{"STRUCTURE":{"operation-input":{"planned":true}}}`, sessionCtx(ro)), "unauthorized", msgUnauthorized},
		{"no privilege for a full cluster get", sdkBody(sdkClusterGet, ro, ""), "unauthorized", msgUnauthorized},
		{"password not a secret", sdkBody(strings.Replace(sdkClusterGetVcSpec, `{"SECRET":"secret-pw"}`, `"secret-pw"`, 1), token, ""), "invalid_argument", msgInvalidInput},
		{"port not an integer", sdkBody(strings.Replace(sdkClusterGetVcSpec, `{"OPTIONAL":443}`, `{"OPTIONAL":4.5}`, 1), token, ""), "invalid_argument", msgInvalidInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := rpcCall(t, tm, tc.body)
			var ids [2]struct{ ID json.RawMessage }
			require.NoError(t, json.Unmarshal([]byte(tc.body), &ids[0]))
			require.NoError(t, json.Unmarshal(raw, &ids[1]))
			assert.JSONEq(t, string(ids[0].ID), string(ids[1].ID), "the answer echoes the id")
			assert.NotContains(t, string(raw), "secret-pw", "a vc_spec password is not echoed")
			e := rpcVapiErr(t, raw)
			assert.Equal(t, "com.vmware.vapi.std.errors."+tc.err, e.name)
			assert.JSONEq(t, `{"OPTIONAL":"`+strings.ToUpper(tc.err)+`"}`, string(e.fields["error_type"]))
			assert.Contains(t, string(e.fields["messages"]), `"id":"`+tc.msgID+`"`)
			if tc.err == "unauthenticated" {
				b, _ := json.Marshal(e.fields)
				assert.JSONEq(t, auth, string(b), "the REST 401 text, in the typed encoding")
			} else {
				assert.NotContains(t, e.fields, "challenge", "only unauthenticated declares challenge")
			}
		})
	}
	n1, _ := roles(getCluster(t, tm, token))
	assert.Equal(t, vcha.VchaClusterNodeRoleACTIVE, n1, "nothing failed over")
}

// TestVCHAJSONRPC_EnvelopeErrors pins the JSON-RPC errors for envelopes
// that are not a JSON-RPC 2.0 invoke: 200, id null for -32700 and -32600
// (JSON-RPC 2.0 section 5; the Python runtime expects it), the request's id
// for -32601.
func TestVCHAJSONRPC_EnvelopeErrors(t *testing.T) {
	tm := newTestMock(t)
	for _, tc := range []struct {
		name, body, id string
		code           int
	}{
		{"not JSON", `{"jsonrpc":"2.0",`, "null", rpcParseError},
		{"JSON-RPC 1.0", strings.Replace(sdkLogin, `"jsonrpc":"2.0"`, `"jsonrpc":"1.0"`, 1), "null", rpcInvalidRequest},
		{"no params", `{"jsonrpc":"2.0","method":"invoke","id":"3"}`, "null", rpcInvalidRequest},
		{"unexpected member", strings.Replace(sdkLogin, `"id":"0"`, `"id":"0","x":1`, 1), "null", rpcInvalidRequest},
		{"not an object", `[1,2]`, "null", rpcInvalidRequest},
		{"null id", strings.Replace(sdkLogin, `"id":"0"`, `"id":null`, 1), "null", rpcInvalidRequest},
		{"unknown method", strings.Replace(sdkLogin, `"method":"invoke"`, `"method":"introspect"`, 1), `"0"`, rpcMethodNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a struct {
				Jsonrpc string          `json:"jsonrpc"`
				ID      json.RawMessage `json:"id"`
				Error   struct {
					Code    int    `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
				Result json.RawMessage `json:"result"`
			}
			raw := rpcCall(t, tm, tc.body)
			require.NoError(t, json.Unmarshal(raw, &a), string(raw))
			assert.Equal(t, "2.0", a.Jsonrpc)
			assert.JSONEq(t, tc.id, string(a.ID))
			assert.Equal(t, tc.code, a.Error.Code, string(raw))
			assert.NotEmpty(t, a.Error.Message)
			assert.Nil(t, a.Result)
			assert.NotContains(t, string(raw), `"vmware"`, "the password is not echoed")
		})
	}
}

// TestVCHAJSONRPC_OneSessionStore: a REST token works over JSON-RPC, a
// JSON-RPC token on /api and /rest, and a REST logout ends it for both.
func TestVCHAJSONRPC_OneSessionStore(t *testing.T) {
	tm := newTestMock(t)
	rest := vchaLogin(t, tm, vchaAdmin)
	assert.Contains(t, string(rpcCall(t, tm, sdkBody(sdkModeGet, rest, ""))), `"com.vmware.vcenter.vcha.cluster.mode.info":{"mode":"ENABLED"}`)
	rpc := rpcLogin(t, tm)
	assert.Equal(t, vcha.VchaClusterClusterModeENABLED, getMode(t, tm, rpc))
	status, _, _ := do(t, tm.vchaHC, "GET", vchaURL(tm, "/rest/vcenter/vcha/cluster/mode"), nil, "vmware-api-session-id", rpc)
	assert.Equal(t, http.StatusOK, status)
	status, _, _ = do(t, tm.vchaHC, "DELETE", vchaURL(tm, "/api/session"), nil, "vmware-api-session-id", rpc)
	require.Equal(t, http.StatusNoContent, status)
	assert.Equal(t, "com.vmware.vapi.std.errors.unauthenticated", rpcVapiErr(t, rpcCall(t, tm,
		rpcInvoke("com.vmware.vcenter.vcha.cluster.mode", "get", `{"STRUCTURE":{"operation-input":{}}}`, sessionCtx(rpc)))).name)
}

// TestVCHAJSONRPC_Outage: a failover started over JSON-RPC plays out the
// same switch-over as one started on /api: POST /api has its connection
// reset, then gets 503, and afterwards the JSON-RPC session is gone while
// a new JSON-RPC login reads the task SUCCEEDED.
func TestVCHAJSONRPC_Outage(t *testing.T) {
	const run, outage, reset = 10 * time.Second, 30 * time.Second, 12 * time.Second
	tm := newTestMock(t, WithTaskDuration(run), WithVCHAOutage(outage), WithVCHAOutageReset(reset))
	token := rpcLogin(t, tm)
	raw := rpcCall(t, tm, sdkBody(sdkFailover, token, ""))
	task := regexp.MustCompile(`task-\d+:[a-z.]+`).Find(raw)
	require.NotNil(t, task, string(raw))
	tm.clock.Advance(run)

	req, err := http.NewRequest("POST", vchaURL(tm, "/api"), strings.NewReader(sdkBody(sdkModeGet, token, "")))
	require.NoError(t, err)
	req.Close = true
	if resp, err := http.DefaultClient.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Fatalf("POST /api answered %d in the reset phase", resp.StatusCode)
	}
	tm.clock.Advance(reset)
	status, body, _ := do(t, tm.vchaHC, "POST", vchaURL(tm, "/api"), sdkBody(sdkModeGet, token, ""))
	require.Equal(t, http.StatusServiceUnavailable, status, string(body))
	assert.Equal(t, msgUnavailable, vchaError(t, body).Messages[0].Id)

	tm.clock.Advance(outage - reset)
	assert.Equal(t, "com.vmware.vapi.std.errors.unauthenticated",
		rpcVapiErr(t, rpcCall(t, tm, sdkBody(sdkModeGet, token, ""))).name, "the old session is gone")
	fresh := rpcLogin(t, tm)
	assert.Contains(t, string(rpcCall(t, tm, sdkBody(sdkTaskGet, fresh, string(task)))), `"status":"SUCCEEDED"`)
}

// TestVCHAJSONRPC_NoSecretsInRequestLog: the password and session id of
// JSON-RPC calls read REDACTED in the request log.
func TestVCHAJSONRPC_NoSecretsInRequestLog(t *testing.T) {
	tm := newTestMock(t)
	token := rpcLogin(t, tm)
	rpcCall(t, tm, sdkBody(sdkModeGet, token, ""))
	recs := tm.Requests()
	require.Len(t, recs, 2)
	for _, r := range recs {
		assert.Equal(t, opInvokeJSONRPC, r.OperationID)
		assert.NotContains(t, string(r.Body), token)
		assert.NotContains(t, string(r.Body), `"password":"vmware"`)
		assert.Contains(t, string(r.Body), `REDACTED`)
	}
	assert.Equal(t, vchaAdmin, recs[1].User, "the log names the JSON-RPC session's user")
}

// TestVCHAJSONRPC_FailedTaskError: a refused failover's FAILED task carries
// its error as the SDK decoded it (into NotAllowedInCurrentState, with the
// reason parameter): an OPTIONAL ERROR whose message params are a list of
// map-entry structures of com.vmware.vapi.std.localization_param.
func TestVCHAJSONRPC_FailedTaskError(t *testing.T) {
	tm := newTestMock(t, WithFixture(vchaFixture(t, func(f *VCHAFixture) {
		f.Cluster.Mode = new(vcha.VchaClusterClusterModeDISABLED)
	})))
	token := rpcLogin(t, tm)
	task := regexp.MustCompile(`task-\d+:[a-z.]+`).Find(rpcCall(t, tm, sdkBody(sdkFailover, token, "")))
	require.NotNil(t, task)
	tm.clock.Advance(time.Second) // past PENDING: the refused task ends FAILED
	var a struct {
		Result struct {
			Output struct {
				STRUCTURE map[string]map[string]json.RawMessage
			}
		}
	}
	require.NoError(t, json.Unmarshal(rpcCall(t, tm, sdkBody(sdkTaskGet, token, string(task))), &a))
	info := a.Result.Output.STRUCTURE["com.vmware.cis.task.info"]
	assert.JSONEq(t, `"FAILED"`, string(info["status"]))
	assert.JSONEq(t, `{"OPTIONAL":{"ERROR":{"com.vmware.vapi.std.errors.not_allowed_in_current_state":{"data":{"OPTIONAL":null},`+
		`"error_type":{"OPTIONAL":"NOT_ALLOWED_IN_CURRENT_STATE"},"messages":[{"STRUCTURE":{"com.vmware.vapi.std.localizable_message":{"args":[],`+
		`"default_message":"Failover is not allowed: the cluster mode is DISABLED.","id":"com.vmware.vcenter.vcha.cluster.failover.not_allowed",`+
		`"localized":{"OPTIONAL":null},"params":{"OPTIONAL":[{"STRUCTURE":{"map-entry":{"key":"reason","value":{"STRUCTURE":{"com.vmware.vapi.std.localization_param":`+
		`{"d":{"OPTIONAL":null},"dt":{"OPTIONAL":null},"format":{"OPTIONAL":null},"i":{"OPTIONAL":null},"l":{"OPTIONAL":null},"precision":{"OPTIONAL":null},`+
		`"s":{"OPTIONAL":"the cluster mode is DISABLED"}}}}}}}]}}}}]}}}}`, string(info["error"]))
}
