package server

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/failoverkit/failoverkit/spec"
)

// FuzzVCHAJSONRPC fuzzes vAPI JSON-RPC at POST /api: path, query, body,
// content type and one header, seeded with the Python SDK's captured
// bodies (vcha_jsonrpc_test.go) and broken variants. "{token}" in a body
// is replaced by the fuzz mock's live session id, so the authenticated
// operations and their typed-value decoding are reached too.
func FuzzVCHAJSONRPC(f *testing.F) {
	const task = "task-1:com.vmware.vcenter.vcha.cluster"
	var sdk []string
	for _, b := range []string{sdkLogin, sdkModeGet, sdkFailover, sdkTaskGet, sdkSessGet, sdkLogout,
		sdkClusterGet, sdkClusterGetPartial, sdkClusterGetVcSpec, sdkActiveGet, sdkActiveGetPartial} {
		sdk = append(sdk, strings.ReplaceAll(b, "{task}", task))
	}
	broken := []string{"", "{}", "null", "[]", `{"jsonrpc":"2.0"}`, `{"jsonrpc":"1.0","method":"invoke","id":1,"params":{}}`,
		`{"jsonrpc":"2.0","method":"invoke","id":null,"params":{"serviceId":"com.vmware.cis.tasks","operationId":"get","input":{"STRUCTURE":{"operation-input":{"task":{"OPTIONAL":{"STRUCTURE":{}}}}}},"ctx":{"securityCtx":{"schemeId":"com.vmware.vapi.std.security.session_id","sessionId":"{token}"}}}}`,
		`{"jsonrpc":"2.0","method":"invoke","id":"x","params":{"serviceId":"com.vmware.vcenter.vcha.cluster","operationId":"failover$task","input":{"STRUCTURE":{"operation-input":{"planned":{"SECRET":1}}}},"ctx":{"securityCtx":{"schemeId":"com.vmware.vapi.std.security.session_id","sessionId":"{token}"}}}}`,
		`{"jsonrpc":"2.0","method":"invoke","id":7,"params":{"serviceId":"x","operationId":"y","input":{"STRUCTURE":{"a":{},"b":{}}},"ctx":{}}}`}
	examples := [][]byte{[]byte(sdk[2])}
	addRequestSeeds(f, "/api", "", examples, []string{"/api/", "/api/session", "/rest"}, []string{"action=failover", "~action=get"},
		append(sdk, broken...), [][2]string{{"vmware-api-session-id", "{token}"}, {"Authorization", "Basic YTpi"}, {"vapi-service", "x"}})
	fm := newFuzzMock(f, spec.VCHA)
	f.Fuzz(func(t *testing.T, path, query string, body []byte, contentType, hdrName, hdrValue string) {
		body = bytes.ReplaceAll(body, []byte("{token}"), []byte(fm.token))
		fm.serve(t, fuzzInput{method: http.MethodPost, path: path, query: query, body: body,
			contentType: contentType, hdrName: hdrName, hdrValue: strings.ReplaceAll(hdrValue, "{token}", fm.token)})
	})
}
