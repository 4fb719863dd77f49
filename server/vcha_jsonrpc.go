package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// The vAPI JSON-RPC 2.0 transport at POST /api (operation invokeJsonRpc),
// the one VMware's Python SDK and Java SDK samples use. Each served
// (serviceId, operationId) pair calls its /api twin, as /rest does
// (vcha_legacy.go): one session store, one task engine, one failover. The
// twin's answer is re-shaped into the typed encoding
// (vcha_jsonrpc_values.go): a success into result.output, an error into
// result.error. Every answer is 200 (failoverkit choice: VMware's Python
// runtime calls raise_for_status() before it reads the body, json_connector.py).

// JSON-RPC 2.0 error codes and the Python runtime's texts for them.
const (
	rpcParseError     = -32700
	rpcInvalidRequest = -32600
	rpcMethodNotFound = -32601
)

// vAPI security schemes of the execution context.
const (
	schemeUserPass  = "com.vmware.vapi.std.security.user_pass"
	schemeSessionID = "com.vmware.vapi.std.security.session_id"
)

// Message ids of the dispatcher's own vAPI errors, from VMware's Python
// vAPI runtime (vmware/vapi/provider/local.py, settings/runtime.properties).
const (
	msgInvalidInterface = "vapi.method.input.invalid.interface"
	msgInvalidMethod    = "vapi.method.input.invalid.method"
	msgInvalidInput     = "vapi.method.input.invalid"
)

// rpcOp is one served operation: its input structure, its output type (nil
// for void) and the call of its /api twin, which returns the twin answer's
// writer.
type rpcOp struct {
	input  *vapiType
	output *vapiType
	login  bool
	call   func(m *vchaMock, ctx context.Context, in map[string]any) (func(http.ResponseWriter) error, error)
}

// noInput is the input structure of an operation without parameters.
var noInput = structure("operation-input")

// rpcOps are the served operations, keyed by service id and operation id
// (ids of com/vmware/cis_client.py, com/vmware/vcenter/vcha_client.py and
// com/vmware/vcenter/vcha/cluster_client.py).
var rpcOps = map[[2]string]rpcOp{
	{"com.vmware.cis.session", "create"}: {input: noInput, output: tSecret, login: true, call: rpcCreateSession},
	{"com.vmware.cis.session", "get"}:    {input: noInput, output: tSessionInfo, call: rpcGetSession},
	{"com.vmware.cis.session", "delete"}: {input: noInput, call: rpcDeleteSession},
	{"com.vmware.vcenter.vcha.cluster", "failover$task"}: {
		input: structure("operation-input", "planned", tBool), output: tString, call: rpcFailover},
	{"com.vmware.cis.tasks", "get"}: {input: structure("operation-input", "task", tString,
		"spec", optional(structure("com.vmware.cis.tasks.get_spec",
			"return_all", optional(tBool), "exclude_result", optional(tBool)))),
		output: tTaskInfo, call: rpcGetTask},
	{"com.vmware.vcenter.vcha.cluster", "get"}:        {input: tClusterGetInput, output: tClusterInfo, call: rpcGetCluster},
	{"com.vmware.vcenter.vcha.cluster.active", "get"}: {input: tClusterGetInput, output: tActiveInfo, call: rpcGetActive},
	{"com.vmware.vcenter.vcha.cluster.mode", "get"}:   {input: noInput, output: tModeInfo, call: rpcGetMode},
}

// InvokeJsonRpc answers POST /api: the envelope is checked (the pipeline
// validated its shape), the caller authenticated from the security
// context, the input decoded, and the operation's /api twin called.
func (m *vchaMock) InvokeJsonRpc(ctx context.Context, req vcha.InvokeJsonRpcRequestObject) (vcha.InvokeJsonRpcResponseObject, error) {
	env := req.Body
	if env == nil {
		return rpcEnvelopeError(nil, rpcInvalidRequest, "Invalid Request."), nil
	}
	if env.Method != "invoke" {
		return rpcEnvelopeError(env.Id, rpcMethodNotFound, "Method not found."), nil
	}
	p := env.Params
	op, ok := rpcOps[[2]string{p.ServiceId, p.OperationId}]
	if !ok {
		return rpcVapiError(env.Id, operationNotFound(p.ServiceId, p.OperationId))
	}
	if !rpcAuthenticate(m, ctx, op, p.Ctx.SecurityCtx) {
		return rpcVapiError(env.Id, unauthenticatedError())
	}
	in, err := vapiDecode(op.input, map[string]any(p.Input), "input")
	if err != nil {
		return rpcVapiError(env.Id, vapiError(vcha.StdErrorsErrorTypeINVALIDARGUMENT,
			vapiMessage(msgInvalidInput, "Invalid input to method "+p.ServiceId+"."+p.OperationId+": "+err.Error()+".")))
	}
	visit, err := op.call(m, ctx, in.(map[string]any))
	if err != nil {
		var prob *Problem
		if !errors.As(err, &prob) {
			return nil, err
		}
		return rpcVapiError(env.Id, problemError(prob))
	}
	return rpcResult(env.Id, op.output, visit)
}

// operationNotFound is the error of an unserved pair, with the runtime's
// message for an unknown service or an unknown method of a served one.
func operationNotFound(service, operation string) vcha.StdErrorsError {
	msg := vapiMessage(msgInvalidInterface, "Invalid interface "+service, service)
	for k := range rpcOps {
		if k[0] == service {
			msg = vapiMessage(msgInvalidMethod, "Invalid method "+service+"."+operation, service+"."+operation)
		}
	}
	return vapiError(vcha.StdErrorsErrorTypeOPERATIONNOTFOUND, msg)
}

// rpcAuthenticate checks the security context: user name and password for
// session create (handed to the handler as Basic credentials are), a live
// session id for every other operation.
func rpcAuthenticate(m *vchaMock, ctx context.Context, op rpcOp, sc *vcha.JsonRpcSecurityContext) bool {
	st := stateFrom(ctx)
	switch {
	case sc == nil:
		return op.login // session create then answers unauthenticated itself
	case op.login && sc.SchemeId == schemeUserPass && sc.UserName != nil && sc.Password != nil:
		st.basic, st.hasBasic = basicCredentials{user: *sc.UserName, password: *sc.Password}, true
		return true
	case op.login:
		return true
	case sc.SchemeId != schemeSessionID || sc.SessionId == nil:
		return false
	}
	sess, ok := m.env.sessions.lookup(*sc.SessionId)
	st.session, st.hasSess = sess, ok
	return ok
}

// rpcResult runs the twin answer's writer and re-shapes what it wrote: a
// success body as output of type out (null for void), an error body as
// result.error.
func rpcResult(id any, out *vapiType, visit func(http.ResponseWriter) error) (rpcAnswer, error) {
	rec, err := runTwin(visit)
	if err != nil {
		return rpcAnswer{}, err
	}
	plain, err := decodePlain(rec.Body.Bytes())
	if err != nil {
		return rpcAnswer{}, fmt.Errorf("decode the /api answer: %w", err)
	}
	if rec.Code >= 300 {
		return rpcAnswerOf(id, map[string]any{"error": encodeError(plain)})
	}
	var output any
	if out != nil {
		output = vapiEncode(out, plain)
	}
	return rpcAnswerOf(id, map[string]any{"output": output})
}

// decodePlain decodes a JSON body (nil when empty), numbers kept exact.
func decodePlain(b []byte) (any, error) {
	var plain any
	if len(b) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&plain); err != nil {
		return nil, err
	}
	return plain, nil
}

// rpcVapiError answers a vAPI error in result.error.
func rpcVapiError(id any, e vcha.StdErrorsError) (rpcAnswer, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return rpcAnswer{}, fmt.Errorf("encode the vAPI error: %w", err)
	}
	plain, err := decodePlain(b)
	if err != nil {
		return rpcAnswer{}, fmt.Errorf("decode the vAPI error: %w", err)
	}
	return rpcAnswerOf(id, map[string]any{"error": encodeError(plain)})
}

// rpcAnswerOf builds the answer carrying result.
func rpcAnswerOf(id any, result map[string]any) (rpcAnswer, error) {
	b, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "result": result})
	if err != nil {
		return rpcAnswer{}, fmt.Errorf("encode the JSON-RPC answer: %w", err)
	}
	return rpcAnswer{body: b}, nil
}

// rpcEnvelopeError is a JSON-RPC error answer (the request never reached an
// operation).
func rpcEnvelopeError(id any, code int, text string) rpcAnswer {
	return rpcErrorAnswer(id, vcha.JsonRpcError{Code: code, Message: text})
}

// opInvokeJSONRPC is the spec's operation id of POST /api.
const opInvokeJSONRPC = "invokeJsonRpc"

// rpcEnvelopeProblem answers a body the spec refused: -32700 when it is not
// JSON, -32600 otherwise, with id null (JSON-RPC 2.0, section 5) and the
// validation message as data.
func rpcEnvelopeProblem(p *Problem) rpcAnswer {
	code, text := rpcInvalidRequest, "Invalid Request."
	if strings.Contains(p.Message, "malformed JSON") {
		code, text = rpcParseError, "Parse error."
	}
	return rpcErrorAnswer(nil, vcha.JsonRpcError{Code: code, Message: text, Data: p.Message})
}

// rpcErrorAnswer is the answer carrying the JSON-RPC error e.
func rpcErrorAnswer(id any, e vcha.JsonRpcError) rpcAnswer {
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "error": e}) // cannot fail: plain values
	return rpcAnswer{body: b}
}

// rpcAnswer is a JSON-RPC answer, always 200.
type rpcAnswer struct{ body []byte }

func (a rpcAnswer) VisitInvokeJsonRpcResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(a.body)
	return err
}
