package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/failoverkit/failoverkit/server"
)

// control calls the mock's control API on the case's endpoint and returns
// the body of a 2xx answer.
func (r *caseRun) control(ctx context.Context, method, path string, body []byte) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.api.base.String()+server.ControlPrefix+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.api.hc.Do(req)
	if err != nil {
		return nil, &CaseError{Case: r.c.Name, Err: fmt.Errorf("mock control API %s %s: %w", method, path, err)}
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err == nil && resp.StatusCode/100 != 2 {
		err = fmt.Errorf("status %d", resp.StatusCode)
	}
	if err != nil {
		return nil, &CaseError{Case: r.c.Name, Err: fmt.Errorf("mock control API %s %s: %w (is the target a failoverkit mock with --control?)", method, path, err)}
	}
	return out, nil
}

// resetMock returns a mock target to its loaded fixture before a case, so
// every case starts from the same state whatever the previous one did.
func (r *caseRun) resetMock(ctx context.Context) error {
	if !r.target.Mock {
		return nil
	}
	_, err := r.control(ctx, http.MethodPost, "/reset", nil)
	if err == nil {
		r.started.forgetAPI(r.c.API)
	}
	return err
}

// mockState returns the mock's current state (GET /_failoverkit/state).
func (r *caseRun) mockState(ctx context.Context) (any, error) {
	b, err := r.control(ctx, http.MethodGet, "/state", nil)
	if err != nil {
		return nil, err
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, &CaseError{Case: r.c.Name, Err: fmt.Errorf("mock state is not JSON: %w", err)}
	}
	return doc, nil
}

// hangNextTask makes the next task the operation starts on the mock never
// finish (a fault through the control API), so a case can act while it
// runs; the next reset clears it.
func (r *caseRun) hangNextTask(ctx context.Context, op string) error {
	body, _ := json.Marshal(map[string]any{"api": r.c.API, "operationId": op, "task": "hang", "times": 1}) // plain values always encode
	_, err := r.control(ctx, http.MethodPost, "/faults", body)
	return err
}
