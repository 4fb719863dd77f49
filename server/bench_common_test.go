package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/spec"
)

// benchCall is one request the benchmarks send: the API, method, request
// target (path and query), headers and body.
type benchCall struct {
	api    spec.API
	method string
	target string
	header http.Header
	body   []byte
}

// request builds a fresh server-side request for c, as net/http would hand
// it to a handler.
func (c benchCall) request() *http.Request {
	req := httptest.NewRequest(c.method, c.target, bytes.NewReader(c.body))
	for k, v := range c.header {
		req.Header[k] = v
	}
	return req
}

// benchAnswer is a response captured from the mock: status, headers, body.
type benchAnswer struct {
	status int
	header http.Header
	body   []byte
}

// serveCall sends c to h in-process and returns the answer.
func serveCall(h http.Handler, c benchCall) benchAnswer {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, c.request())
	return benchAnswer{status: rec.Code, header: rec.Header().Clone(), body: rec.Body.Bytes()}
}

// Requests of the benchmarks, per API.
func vcavLoginCall() benchCall {
	return benchCall{api: spec.VCAV, method: http.MethodPost, target: "/sessions",
		header: http.Header{"Content-Type": {"application/json"}}, body: []byte(vcavRootLogin)}
}

func vcavFailoverCall(token, replID string) benchCall {
	return benchCall{api: spec.VCAV, method: http.MethodPost, target: "/vm-replications/" + replID + "/failover",
		header: http.Header{"Content-Type": {"application/json"}, "X-Vcav-Auth": {token}}, body: []byte(vcavVcloudBody)}
}

func vcavTaskCall(token, taskID string) benchCall {
	return benchCall{api: spec.VCAV, method: http.MethodGet, target: "/tasks/" + taskID,
		header: http.Header{"X-Vcav-Auth": {token}}}
}

func vchaLoginCall() benchCall {
	req := httptest.NewRequest(http.MethodPost, "/api/session", nil)
	req.SetBasicAuth(vchaAdmin, vchaPassword)
	return benchCall{api: spec.VCHA, method: http.MethodPost, target: "/api/session",
		header: http.Header{"Authorization": req.Header["Authorization"]}}
}

func vchaFailoverCall(token string) benchCall {
	return benchCall{api: spec.VCHA, method: http.MethodPost,
		target: "/api/vcenter/vcha/cluster?action=failover&vmw-task=true",
		header: http.Header{"Content-Type": {"application/json"}, "Vmware-Api-Session-Id": {token}},
		body:   []byte(`{"planned":true}`)}
}

func vchaTaskCall(token, taskID string) benchCall {
	return benchCall{api: spec.VCHA, method: http.MethodGet, target: "/api/cis/tasks/" + taskID,
		header: http.Header{"Vmware-Api-Session-Id": {token}}}
}

// benchSession logs in to api through h and returns the token.
func benchSession(tb testing.TB, h http.Handler, api spec.API) string {
	tb.Helper()
	if api == spec.VCAV {
		a := serveCall(h, vcavLoginCall())
		if a.status != http.StatusOK {
			tb.Fatalf("vcav login: %d %s", a.status, a.body)
		}
		return exactHeader(a.header, "X-VCAV-Auth")
	}
	a := serveCall(h, vchaLoginCall())
	var token string
	if a.status != http.StatusCreated || json.Unmarshal(a.body, &token) != nil {
		tb.Fatalf("vcha login: %d %s", a.status, a.body)
	}
	return token
}

// taskIDOf reads the task id from a failover's 202 body: the task object's
// id for VCAV, the JSON string itself for vSphere.
func taskIDOf(api spec.API, body []byte) (string, error) {
	if api == spec.VCHA {
		var id string
		err := json.Unmarshal(body, &id)
		return id, err
	}
	var t struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &t); err != nil || t.ID == "" {
		return "", fmt.Errorf("no task id in %.200s", body)
	}
	return t.ID, nil
}

// benchReplicationID is the id of the i-th generated replication.
func benchReplicationID(i int) string { return GeneratedReplicationID(i) }

// benchFixture returns the default fixture plus n generated replications,
// copies of the default ready one (NOT_STARTED) with ids
// benchReplicationID(0..n-1).
func benchFixture(tb testing.TB, n int) *Fixture {
	tb.Helper()
	f, err := DefaultFixture()
	if err != nil {
		tb.Fatal(err)
	}
	var ready *vcav.SingleVmReplicationInfo
	for i := range f.VCAV.Replications {
		if f.VCAV.Replications[i].Id == vcavReadyID {
			ready = &f.VCAV.Replications[i]
		}
	}
	if ready == nil {
		tb.Fatal("default fixture lacks the ready replication")
	}
	for i := range n {
		r := vcavCloneReplication(ready)
		r.Id, r.VmName = benchReplicationID(i), new(fmt.Sprintf("bench-vm-%06d", i))
		r.VappReplicationId = nil // the ready replication's vApp does not list the copies
		f.VCAV.Replications = append(f.VCAV.Replications, r)
	}
	return f
}

// exactHeader is the first value of h under exactly name (the vendor
// spelling the mock writes, which an in-process recorder keeps), else
// under its canonical key (an answer read over HTTP).
func exactHeader(h http.Header, name string) string {
	if vs := h[name]; len(vs) > 0 {
		return vs[0]
	}
	return h.Get(name)
}
