package oasvalidate

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Bounds of the memo of validated request bodies: at most memoBodies
// entries of at most memoBodyMax bytes each (so at most about 1 MiB,
// twice over: the body as sent and as validated), forgotten all at once
// when full.
const (
	memoBodies  = 128
	memoBodyMax = 4096
)

// bodyMemo remembers request bodies that passed validation. Whether a body
// is valid depends only on the operation, the Content-Type it was sent
// with and its bytes (openapi3filter.ValidateRequestBody reads nothing
// else), and clients send the same body again and again (every failover
// of a runbook with the same settings): decoding it into a tree of
// interfaces and walking the schema's oneOf branches was the largest cost
// of a failover request. A body seen valid before is not validated again;
// the request's parameters always are.
type bodyMemo struct {
	mu sync.Mutex
	// valid maps a body to the body as the validator left it (with the
	// schema's defaults filled in).
	valid map[bodyKey][]byte
}

type bodyKey struct {
	op          *openapi3.Operation
	contentType string
	body        string
}

func (m *bodyMemo) get(k bodyKey) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.valid[k]
	return b, ok
}

func (m *bodyMemo) put(k bodyKey, validated []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.valid == nil || len(m.valid) >= memoBodies {
		m.valid = make(map[bodyKey][]byte, memoBodies)
	}
	m.valid[k] = validated
}

// validateMemo validates a request whose operation takes a body, using the
// memo for the body: a body seen valid is replaced by its validated form
// and only the parameters are validated. It returns false, having consumed
// nothing, when the request is not one for the memo (no body, a body over
// memoBodyMax).
func (v *Validator) validateMemo(ctx context.Context, req *http.Request, route *routers.Route, params map[string]string) (bool, error) {
	if route.Operation.RequestBody == nil || !hasBody(req) || req.ContentLength > memoBodyMax {
		return false, nil
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, memoBodyMax+1))
	if err != nil {
		return true, &openapi3filter.RequestError{RequestBody: route.Operation.RequestBody.Value, Reason: "reading failed", Err: err}
	}
	if len(body) > memoBodyMax { // a chunked body longer than the memo takes
		req.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), req.Body), req.Body}
		return false, nil
	}
	_ = req.Body.Close()
	key := bodyKey{op: route.Operation, contentType: req.Header.Get("Content-Type"), body: string(body)}
	if validated, ok := v.memo.get(key); ok {
		// The same bytes under the same Content-Type passed the JSON
		// limits and the schema before: only the parameters are left.
		setBody(req, validated)
		if v.paramsKnownValid(req, route, params) {
			return true, nil
		}
		return true, forget(openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route, Options: v.paramOpts,
		}))
	}
	setBody(req, body)
	if err := v.validate(ctx, req, route, params, v.reqOpts); err != nil {
		return true, err
	}
	validated, err := io.ReadAll(req.Body)
	if err != nil {
		return true, err
	}
	setBody(req, validated)
	v.memo.put(key, validated)
	return true, nil
}

// setBody makes data the request's body, as openapi3filter does, in a
// reader that hands its bytes to ValidatedBody.
func setBody(req *http.Request, data []byte) {
	req.ContentLength = int64(len(data))
	req.GetBody = func() (io.ReadCloser, error) { return newValidatedBody(data), nil }
	req.Body = newValidatedBody(data)
}

func newValidatedBody(data []byte) *validatedBody {
	b := &validatedBody{data: data}
	b.Reset(data)
	return b
}

// validatedBody is a request body the validator read and put back.
type validatedBody struct {
	bytes.Reader
	data []byte
}

// Close implements io.Closer.
func (*validatedBody) Close() error { return nil }

// ValidatedBody returns req's body as the validator left it, when the
// validator read it and nothing has read from it since; the bytes are
// shared and must not be changed. Callers that need the body whole take it
// from here instead of reading and copying it again.
func ValidatedBody(req *http.Request) ([]byte, bool) {
	b, ok := req.Body.(*validatedBody)
	if !ok || b.Len() != len(b.data) {
		return nil, false
	}
	return b.data, true
}
