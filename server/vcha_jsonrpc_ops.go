package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// The served JSON-RPC operations: each calls its /api twin with the decoded
// input (plain JSON, optionals left out) and returns the answer's writer.

func rpcCreateSession(m *vchaMock, ctx context.Context, _ map[string]any) (func(http.ResponseWriter) error, error) {
	resp, err := m.CreateSession(ctx, vcha.CreateSessionRequestObject{})
	if err != nil {
		return nil, err
	}
	return resp.VisitCreateSessionResponse, nil
}

func rpcGetSession(m *vchaMock, ctx context.Context, _ map[string]any) (func(http.ResponseWriter) error, error) {
	resp, err := m.GetSession(ctx, vcha.GetSessionRequestObject{})
	if err != nil {
		return nil, err
	}
	return resp.VisitGetSessionResponse, nil
}

func rpcDeleteSession(m *vchaMock, ctx context.Context, _ map[string]any) (func(http.ResponseWriter) error, error) {
	resp, err := m.DeleteSession(ctx, vcha.DeleteSessionRequestObject{})
	if err != nil {
		return nil, err
	}
	return resp.VisitDeleteSessionResponse, nil
}

func rpcFailover(m *vchaMock, ctx context.Context, in map[string]any) (func(http.ResponseWriter) error, error) {
	planned, _ := in["planned"].(bool)
	resp, err := m.FailoverVchaClusterAsync(ctx, vcha.FailoverVchaClusterAsyncRequestObject{
		Body: &vcha.FailoverVchaClusterAsyncJSONRequestBody{Planned: planned}})
	if err != nil {
		return nil, err
	}
	return resp.VisitFailoverVchaClusterAsyncResponse, nil
}

func rpcGetTask(m *vchaMock, ctx context.Context, in map[string]any) (func(http.ResponseWriter) error, error) {
	req := vcha.GetTaskRequestObject{}
	req.Task, _ = in["task"].(string)
	if spec, ok := in["spec"].(map[string]any); ok {
		req.Params.ReturnAll = optBool(spec["return_all"])
		req.Params.ExcludeResult = optBool(spec["exclude_result"])
	}
	resp, err := m.GetTask(ctx, req)
	if err != nil {
		return nil, err
	}
	return resp.VisitGetTaskResponse, nil
}

func rpcGetMode(m *vchaMock, ctx context.Context, _ map[string]any) (func(http.ResponseWriter) error, error) {
	resp, err := m.GetVchaClusterMode(ctx, vcha.GetVchaClusterModeRequestObject{})
	if err != nil {
		return nil, err
	}
	return resp.VisitGetVchaClusterModeResponse, nil
}

func rpcGetCluster(m *vchaMock, ctx context.Context, in map[string]any) (func(http.ResponseWriter) error, error) {
	body, err := clusterReadBody(in)
	if err != nil {
		return nil, err
	}
	resp, err := m.GetVchaCluster(ctx, vcha.GetVchaClusterRequestObject{Body: &body})
	if err != nil {
		return nil, err
	}
	return resp.VisitGetVchaClusterResponse, nil
}

func rpcGetActive(m *vchaMock, ctx context.Context, in map[string]any) (func(http.ResponseWriter) error, error) {
	body, err := clusterReadBody(in)
	if err != nil {
		return nil, err
	}
	resp, err := m.GetVchaClusterActive(ctx, vcha.GetVchaClusterActiveRequestObject{Body: &body})
	if err != nil {
		return nil, err
	}
	return resp.VisitGetVchaClusterActiveResponse, nil
}

// clusterReadBody is the /api body of a cluster or active node get from
// the decoded input (vc_spec, partial).
func clusterReadBody(in map[string]any) (vcha.VchaClusterGetRequestBody, error) {
	body := vcha.VchaClusterGetRequestBody{Partial: optBool(in["partial"])}
	if spec, ok := in["vc_spec"]; ok {
		b, err := json.Marshal(spec) // the decoded CredentialsSpec is plain JSON
		if err != nil {
			return body, fmt.Errorf("encode vc_spec: %w", err)
		}
		body.VcSpec = new(vcha.VchaCredentialsSpec)
		if err := json.Unmarshal(b, body.VcSpec); err != nil {
			return body, fmt.Errorf("decode vc_spec: %w", err)
		}
	}
	return body, nil
}

// optBool is a decoded optional boolean (nil when unset).
func optBool(v any) *bool {
	if b, ok := v.(bool); ok {
		return &b
	}
	return nil
}
