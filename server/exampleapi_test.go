package server

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

// TestExampleAPI_ThirdAPIIsAnAddition serves the test-only example API
// (exampleapi_api_test.go) beside the built-in ones: Serve opens a listener
// for each of the three, the shared pipeline routes, authenticates with
// the token header its spec declares and refuses in its error shape, the
// control API and faults work on it, and the task engine runs its
// operation's kind and effect, an injected task fault included. Every
// answer is validated against its spec.
func TestExampleAPI_ThirdAPIIsAnAddition(t *testing.T) {
	m, err := New(WithInstantTasks(), withAPIs(append(builtinAPIs(), exampleAPI())...))
	require.NoError(t, err)
	urls := serveAll(t, m)
	require.Len(t, urls, 3, "Serve serves every registered API")
	assert.Equal(t, []spec.API{spec.VCAV, spec.VCHA, "example"}, []spec.API{urls[0].API, urls[1].API, urls[2].API})
	base := urls[2].URL
	v, err := oasvalidate.New("example")
	require.NoError(t, err)
	hc := &http.Client{Transport: &validatingTransport{t: t, v: v, base: http.DefaultTransport}}

	status, body, _ := do(t, hc, "GET", base+"/no/such/route", nil)
	assertExampleError(t, status, body, http.StatusNotFound, "ProblemNot Found")
	status, body, _ = do(t, hc, "GET", base+"/counter", nil)
	assertExampleError(t, status, body, http.StatusUnauthorized, "ProblemUnauthorized")
	assert.Contains(t, string(body), "X-Example-Token", "the header comes from the spec's security scheme")
	status, body, _ = do(t, hc, "POST", base+"/session", map[string]any{"user": ""})
	assertExampleError(t, status, body, http.StatusBadRequest, "ProblemBad Request")

	status, body, _ = do(t, hc, "POST", base+"/session", map[string]any{"user": "ann"})
	require.Equal(t, http.StatusOK, status, "%s", body)
	var login struct{ Token string }
	require.NoError(t, json.Unmarshal(body, &login))
	auth := []string{"X-Example-Token", login.Token}

	job := exampleStartJob(t, hc, base, auth)
	assert.Equal(t, exampleJob{ID: job.ID, User: "ann", State: "RUNNING"}, job)
	assert.Equal(t, "SUCCEEDED", exampleGetJob(t, hc, base, job.ID, auth).State)
	assert.Equal(t, 1, exampleCounter(t, hc, base, auth), "the effect ran once")
	assert.Equal(t, 1, exampleCounter(t, hc, base, auth))

	require.NoError(t, m.InjectFault(Fault{API: "example", OperationID: "startJob", Task: TaskFails, TaskError: "boom", Times: 1}))
	job = exampleGetJob(t, hc, base, exampleStartJob(t, hc, base, auth).ID, auth)
	assert.Equal(t, "FAILED", job.State)
	assert.Equal(t, &exampleError{Code: "Injected", Message: "boom"}, job.Error, "the engine applied the task fault")
	assert.Equal(t, 1, exampleCounter(t, hc, base, auth), "a failed job has no effect")

	require.NoError(t, m.InjectFault(Fault{API: "example", OperationID: "getCounter", Status: http.StatusServiceUnavailable, Times: 1}))
	status, body, _ = do(t, hc, "GET", base+"/counter", nil, auth...)
	assertExampleError(t, status, body, http.StatusServiceUnavailable, "ProblemService Unavailable")

	status, body, _ = do(t, hc, "POST", base+ControlPrefix+"/reset", nil)
	require.Equal(t, http.StatusNoContent, status, "%s", body)
	assert.Equal(t, "example", m.Requests()[len(m.Requests())-1].API, "the request log names the API")
	status, body, _ = do(t, hc, "GET", base+"/counter", nil, auth...)
	assertExampleError(t, status, body, http.StatusUnauthorized, "ProblemUnauthorized")
}

// serveAll runs m.Serve on free loopback ports until the test ends and
// returns where each API is served.
func serveAll(t *testing.T, m *Mock) []ServedURL {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan []ServedURL, 1), make(chan error, 1)
	go func() {
		done <- m.Serve(ctx, ServeConfig{AnyLoopbackPort: true, Ready: func(u []ServedURL) { ready <- u }})
	}()
	t.Cleanup(func() {
		cancel()
		assert.NoError(t, <-done)
	})
	select {
	case u := <-ready:
		return u
	case err := <-done:
		t.Fatalf("serve: %v", err)
		return nil
	}
}

func assertExampleError(t *testing.T, status int, body []byte, wantStatus int, wantCode string) {
	t.Helper()
	require.Equal(t, wantStatus, status, "%s", body)
	var e exampleError
	require.NoError(t, json.Unmarshal(body, &e))
	assert.Equal(t, wantCode, e.Code)
	assert.NotEmpty(t, e.Message)
}

func exampleStartJob(t *testing.T, hc *http.Client, base string, auth []string) exampleJob {
	t.Helper()
	status, body, _ := do(t, hc, "POST", base+"/jobs", nil, auth...)
	require.Equal(t, http.StatusAccepted, status, "%s", body)
	var j exampleJob
	require.NoError(t, json.Unmarshal(body, &j))
	return j
}

func exampleGetJob(t *testing.T, hc *http.Client, base, id string, auth []string) exampleJob {
	t.Helper()
	status, body, _ := do(t, hc, "GET", base+"/jobs/"+id, nil, auth...)
	require.Equal(t, http.StatusOK, status, "%s", body)
	var j exampleJob
	require.NoError(t, json.Unmarshal(body, &j))
	return j
}

func exampleCounter(t *testing.T, hc *http.Client, base string, auth []string) int {
	t.Helper()
	status, body, _ := do(t, hc, "GET", base+"/counter", nil, auth...)
	require.Equal(t, http.StatusOK, status, "%s", body)
	var c struct{ Count int }
	require.NoError(t, json.Unmarshal(body, &c))
	return c.Count
}
