package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/gen/vcha"
	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

// fuzzResetEvery is how many fuzzed requests a fuzz mock serves before it
// goes back to its fixture, so that failovers keep being accepted.
const fuzzResetEvery = 64

// fuzzMock is the one mock of a fuzz target: instant tasks on a
// ManualClock, called in-process through its handler.
type fuzzMock struct {
	m      *Mock
	api    spec.API
	h      http.Handler
	v      *oasvalidate.Validator
	header string // the session header
	token  string
	served int
}

// newFuzzMock starts the mock of a fuzz target for api and logs in.
func newFuzzMock(f *testing.F, api spec.API) *fuzzMock {
	m, err := New(WithInstantTasks(), WithClock(NewManualClock(testStart)))
	if err != nil {
		f.Fatal(err)
	}
	v, err := oasvalidate.New(api)
	if err != nil {
		f.Fatal(err)
	}
	fm := &fuzzMock{m: m, api: api, h: m.Handler(api), v: v, header: "X-VCAV-Auth"}
	if api == spec.VCHA {
		fm.header = "vmware-api-session-id"
	}
	fm.token = benchSession(f, fm.h, api)
	return fm
}

// fuzzInput is one fuzzed request: path, raw query, body, content type and
// one extra header (which may replace the session header).
type fuzzInput struct {
	method, path, query, contentType, hdrName, hdrValue string
	body                                                []byte
}

// raw renders the request as HTTP/1.1 text with the session token.
func (fm *fuzzMock) raw(in fuzzInput) []byte {
	var b bytes.Buffer
	target := in.path
	if in.query != "" {
		target += "?" + in.query
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: mock\r\n", in.method, target)
	if in.contentType != "" {
		fmt.Fprintf(&b, "Content-Type: %s\r\n", in.contentType)
	}
	if !strings.EqualFold(in.hdrName, fm.header) {
		fmt.Fprintf(&b, "%s: %s\r\n", fm.header, fm.token)
	}
	if in.hdrName != "" {
		fmt.Fprintf(&b, "%s: %s\r\n", in.hdrName, in.hdrValue)
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(in.body))
	b.Write(in.body)
	return b.Bytes()
}

// parse reads raw as net/http's server would; false when it would refuse
// the request itself.
func parse(raw []byte) (*http.Request, bool) {
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	return req, err == nil
}

// serve sends the fuzzed request and checks the answer and the state: no
// 5xx, an answer that fits the spec (or the vendor's error shape off the
// spec), a 202's task kept, and the state invariants.
func (fm *fuzzMock) serve(t *testing.T, in fuzzInput) {
	raw := fm.raw(in)
	req, ok := parse(raw)
	if !ok {
		return
	}
	check, _ := parse(raw) // the handler rewrites req's URL; validate against the original
	if fm.served++; fm.served%fuzzResetEvery == 0 {
		if err := fm.m.Reset(); err != nil {
			t.Fatal(err)
		}
		fm.token = benchSession(t, fm.h, fm.api)
	}
	rec := httptest.NewRecorder()
	fm.h.ServeHTTP(rec, req)
	body, where := rec.Body.Bytes(), in.method+" "+check.URL.String()
	if rec.Code >= 500 {
		t.Fatalf("%s: %d %s", where, rec.Code, body)
	}
	if err := fm.checkAnswer(check, rec.Code, rec.Header(), body); err != nil {
		t.Fatalf("%s: %v\n%s", where, err, excerpt(body))
	}
	if err := fm.checkState(rec.Code, body); err != nil {
		t.Fatalf("%s answered %d, then: %v", where, rec.Code, err)
	}
}

// checkAnswer validates the answer; 431, which the specs do not declare,
// must still be in the vendor's error shape.
func (fm *fuzzMock) checkAnswer(req *http.Request, status int, header http.Header, body []byte) error {
	if status == http.StatusRequestHeaderFieldsTooLarge {
		return checkErrorShape(fm.v, header, body)
	}
	return validateExchange(fm.v, req, status, header, body)
}

// checkState checks the invariants and that a 202's task is kept.
func (fm *fuzzMock) checkState(status int, body []byte) error {
	if fm.api == spec.VCAV {
		if err := vcavInvariants(fm.m); err != nil {
			return err
		}
	} else if err := vchaInvariants(fm.m); err != nil {
		return err
	}
	if status != http.StatusAccepted {
		return nil
	}
	id, err := taskIDOf(fm.api, body)
	if err != nil {
		return err
	}
	if !fm.hasTask(id) {
		return fmt.Errorf("task %s of the 202 is not kept", id)
	}
	return nil
}

// hasTask reports whether the mock keeps task id.
func (fm *fuzzMock) hasTask(id string) bool {
	if fm.api == spec.VCAV {
		fm.m.vcavSim().mu.Lock()
		defer fm.m.vcavSim().mu.Unlock()
		_, ok := fm.m.vcavSim().tasks.byID[id]
		return ok
	}
	fm.m.vchaSim().mu.Lock()
	defer fm.m.vchaSim().mu.Unlock()
	_, ok := fm.m.vchaSim().tasks.byID[id]
	return ok
}

// vcavInvariants checks the VCAV state: every replication's recovery state
// is one of the enum; it is IN_PROGRESS exactly while one failover task of
// it runs; and a replication a succeeded task failed over is completely
// written (COMPLETE, type vcd, vApp, VM and optimize-until set, the same
// vApp at the destination) and fits the schema.
func vcavInvariants(m *Mock) error {
	m.vcavSim().mu.Lock()
	defer m.vcavSim().mu.Unlock()
	running, succeeded := map[string]int{}, map[string]bool{}
	for _, t := range m.vcavSim().tasks.byID {
		switch {
		case !t.done:
			running[t.subject.id]++
		case t.failure == nil:
			succeeded[t.subject.id] = true
		}
	}
	for id, r := range m.vcavSim().repls {
		st := vcavRecoveryStateOf(r)
		switch {
		case !st.Valid():
			return fmt.Errorf("replication %s: recovery state %q is not in the enum", id, st)
		case running[id] > 1:
			return fmt.Errorf("replication %s: %d failover tasks running", id, running[id])
		case (st == vcav.RecoveryStateINPROGRESS) != (running[id] == 1):
			return fmt.Errorf("replication %s: recovery state %s with %d running tasks", id, st, running[id])
		case succeeded[id]:
			if err := vcavFailedOverWhole(r); err != nil {
				return fmt.Errorf("replication %s: %w", id, err)
			}
		}
	}
	return nil
}

// vcavFailedOverWhole checks a replication a succeeded task failed over.
func vcavFailedOverWhole(r *vcav.SingleVmReplicationInfo) error {
	ri := r.DestinationState.RecoveryInfo
	switch {
	case ri.RecoveryState != vcav.RecoveryStateCOMPLETE:
		return fmt.Errorf("failed over, yet %s", ri.RecoveryState)
	case ri.Type == nil || *ri.Type != vcavRecoveryType || ri.VAppId == nil || ri.VcdVmId == nil || ri.OptimizeUntil == nil:
		return fmt.Errorf("half-written recovery info %+v", *ri)
	case r.Destination == nil || r.Destination.RecoveredVappId == nil || *r.Destination.RecoveredVappId != *ri.VAppId:
		return fmt.Errorf("destination.recoveredVappId does not match recoveryInfo.vAppId")
	}
	return checkSchema(spec.VCAV, "SingleVmReplicationInfo", r, "replication")
}

// vchaInvariants checks the vSphere state: a CONFIGURED cluster has exactly
// one of node1 and node2 ACTIVE and the other PASSIVE; the witness is
// WITNESS; the mode is one of the enum; at most one failover or mode
// change is active, and it is running.
func vchaInvariants(m *Mock) error {
	m.vchaSim().mu.Lock()
	defer m.vchaSim().mu.Unlock()
	c := m.vchaSim().cluster
	r1, r2 := runtimeOf(c.Node1), runtimeOf(c.Node2)
	roles := []vcha.VchaClusterNodeRole{(vchaMember{runtime: r1}).role(), (vchaMember{runtime: r2}).role()}
	slices.Sort(roles)
	switch {
	case m.vchaSim().configured() && !slices.Equal(roles, []vcha.VchaClusterNodeRole{vcha.VchaClusterNodeRoleACTIVE, vcha.VchaClusterNodeRolePASSIVE}):
		return fmt.Errorf("node roles %v, want one ACTIVE and one PASSIVE", roles)
	case (vchaMember{runtime: witnessRuntime(c.Witness)}).role() != vcha.VchaClusterNodeRoleWITNESS:
		return fmt.Errorf("witness is not WITNESS")
	case !m.vchaSim().mode().Valid():
		return fmt.Errorf("mode %q is not in the enum", m.vchaSim().mode())
	case m.vchaSim().active != nil && m.vchaSim().active.done:
		return fmt.Errorf("a finished task still holds the cluster")
	}
	return nil
}

// operationExamples returns the JSON of every request-body example of
// operationID in api's spec.
func operationExamples(f *testing.F, api spec.API, operationID string) [][]byte {
	doc, err := spec.Load(api)
	if err != nil {
		f.Fatal(err)
	}
	var out [][]byte
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.OperationID != operationID || op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			for _, mt := range op.RequestBody.Value.Content {
				out = append(out, examplesOf(f, mt)...)
			}
		}
	}
	if len(out) == 0 {
		f.Fatalf("%s %s has no request-body examples", api, operationID)
	}
	return out
}

// examplesOf encodes a media type's example and examples.
func examplesOf(f *testing.F, mt *openapi3.MediaType) [][]byte {
	values := []any{}
	if mt.Example != nil {
		values = append(values, mt.Example)
	}
	for _, ex := range mt.Examples {
		if ex != nil && ex.Value != nil {
			values = append(values, ex.Value.Value)
		}
	}
	var out [][]byte
	for _, v := range values {
		b, err := json.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// addRequestSeeds adds the spec's examples on the real route and hand
// seeds: odd bodies, paths, queries and headers.
func addRequestSeeds(f *testing.F, path, query string, examples [][]byte, paths, queries, bodies []string, headers [][2]string) {
	for _, ex := range examples {
		f.Add(path, query, ex, "application/json", "", "")
	}
	for _, p := range paths {
		f.Add(p, query, examples[0], "application/json", "", "")
	}
	for _, q := range queries {
		f.Add(path, q, examples[0], "application/json", "", "")
	}
	for _, b := range bodies {
		f.Add(path, query, []byte(b), "application/json", "", "")
	}
	for _, h := range headers {
		f.Add(path, query, examples[0], "application/json", h[0], h[1])
	}
	f.Add(path, query, examples[0], "text/plain", "", "")
	f.Add(path, query, examples[0], "", "", "")
}

// FuzzVCAVFailover fuzzes POST /vm-replications/{replicationId}/failover:
// path, query, body, content type and one header.
func FuzzVCAVFailover(f *testing.F) {
	path := "/vm-replications/" + vcavReadyID + "/failover"
	addRequestSeeds(f, path, "", operationExamples(f, spec.VCAV, "failoverVmReplication"),
		[]string{"/vm-replications/" + vcavAppWebID + "/failover", "/vm-replications/" + vcavTestID + "/failover",
			"/vm-replications/" + vcavUnknownID + "/failover", "/vm-replications/%2e%2e/failover", "/vm-replications//failover"},
		[]string{"site=site2", "site=site1", "site=site9", "site=", "site=site2&site=site1"},
		[]string{"", "{}", "null", "[]", `{"type":"vcenter"}`, `{"type":"vcloud","powerOn":"yes"}`, `{"type":"vcloud","vmNetworkSettings":{"nics":[{}]}}`, `{"type":`},
		[][2]string{{"Accept", vcavAcceptV4}, {"X-VCAV-Auth", "bogus"}, {"X-VCAV-Auth", ""}, {"operationID", "op-1"}, {"Transfer-Encoding", "chunked"}})
	fm := newFuzzMock(f, spec.VCAV)
	f.Fuzz(func(t *testing.T, path, query string, body []byte, contentType, hdrName, hdrValue string) {
		fm.serve(t, fuzzInput{method: http.MethodPost, path: path, query: query, body: body,
			contentType: contentType, hdrName: hdrName, hdrValue: hdrValue})
	})
}

// FuzzVCHAFailover fuzzes POST
// /api/vcenter/vcha/cluster?action=failover&vmw-task=true: path, query,
// body, content type and one header.
func FuzzVCHAFailover(f *testing.F) {
	addRequestSeeds(f, "/api/vcenter/vcha/cluster", "action=failover&vmw-task=true",
		operationExamples(f, spec.VCHA, "failoverVchaClusterAsync"),
		[]string{"/api/vcenter/vcha/cluster/", "/api/vcenter/vcha/cluster/mode", "/api/vcenter/vcha"},
		[]string{"action=failover", "action=failover&vmw-task=false", "vmw-task=true&action=failover&action=get", "action=get", ""},
		[]string{"", "{}", "null", `{"planned":"true"}`, `{"planned":true,"force":1}`, `{"planned":null}`, `[true]`},
		[][2]string{{"vmware-api-session-id", "bogus"}, {"vmware-api-session-id", ""}, {"Authorization", "Basic YTpi"}, {"Accept", "application/json"}})
	fm := newFuzzMock(f, spec.VCHA)
	f.Fuzz(func(t *testing.T, path, query string, body []byte, contentType, hdrName, hdrValue string) {
		fm.serve(t, fuzzInput{method: http.MethodPost, path: path, query: query, body: body,
			contentType: contentType, hdrName: hdrName, hdrValue: hdrValue})
	})
}

// FuzzVCHASetMode fuzzes PUT /api/vcenter/vcha/cluster/mode?vmw-task=true,
// the other operation that changes the cluster, the same way.
func FuzzVCHASetMode(f *testing.F) {
	addRequestSeeds(f, "/api/vcenter/vcha/cluster/mode", "vmw-task=true",
		operationExamples(f, spec.VCHA, "setVchaClusterModeAsync"),
		[]string{"/api/vcenter/vcha/cluster/mode/", "/api/vcenter/vcha/cluster"},
		[]string{"", "vmw-task=false", "vmw-task=true&vmw-task=false"},
		[]string{"", "{}", `{"mode":"DISABLED"}`, `{"mode":"ENABLED"}`, `{"mode":"enabled"}`, `{"mode":1}`, `{"mode":"MAINTENANCE","x":1}`},
		[][2]string{{"vmware-api-session-id", "bogus"}})
	fm := newFuzzMock(f, spec.VCHA)
	f.Fuzz(func(t *testing.T, path, query string, body []byte, contentType, hdrName, hdrValue string) {
		fm.serve(t, fuzzInput{method: http.MethodPut, path: path, query: query, body: body,
			contentType: contentType, hdrName: hdrName, hdrValue: hdrValue})
	})
}

// FuzzParseFixture fuzzes fixture loading. ParseFixture must not panic; a
// fixture it accepts must load, and the state loaded from it must hold the
// invariants a fixture promises and render answers that fit the spec.
func FuzzParseFixture(f *testing.F) {
	for _, name := range []string{"fixtures/vcav.yaml", "fixtures/vcha.yaml"} {
		b, err := defaultFixtures.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	all, err := DefaultFixtureYAML()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(all)
	def, err := DefaultFixture()
	if err != nil {
		f.Fatal(err)
	}
	js, _ := json.Marshal(def)
	f.Add(js)
	for _, s := range []string{"", "{}", "null", "vcav: null", "vcha: {users: []}", "a: &a [*a, *a]", "vcav: {localSite: s, sites: [{name: s}], users: [], replications: []}",
		`{"vcav":{"localSite":"s","sites":[{"name":"s"}],"users":[],"replications":[{"id":"C4-09b2917c-bbe9-4693-ae3f-95b43a94b244","destinationState":{"recoveryInfo":{"recoveryState":"IN_PROGRESS"}}}]}}`,
		`{"vcav":{"localSite":"s","sites":[{"name":"s"}],"users":[],"replications":[],"vappReplications":[{"id":"C4VAPP-9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f","vmReplications":[{"id":""}]}]}}`,
		`{"vcav":{"localSite":"s","sites":[{"name":"s"}],"users":[],"replications":[],"orgs":[{"name":"b"},{"name":"A"},{"name":"a"},{"name":""}]}}`,
		"vcav: {localSite: s, sites: [{name: s}], users: [], replications: [{id: C4-09b2917c-bbe9-4693-ae3f-95b43a94b244, source: {org: T}, destination: {org: t}, destinationState: {recoveryInfo: {recoveryState: TEST}}}], orgs: null}"} {
		f.Add([]byte(s))
	}
	m, err := New(WithInstantTasks(), WithClock(NewManualClock(testStart)))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fx, err := ParseFixture(data)
		if err != nil {
			return
		}
		if err := m.LoadFixture(fx); err != nil {
			t.Fatalf("ParseFixture accepted what LoadFixture refuses: %v", err)
		}
		if err := loadedStateFits(m); err != nil {
			t.Fatal(err)
		}
	})
}

// loadedStateFits checks what a loaded fixture promises: replications with
// a recovery state of the enum that fit the schema; a cluster whose reads
// (full and partial) fit Vcha_Cluster_Info, with the node roles of a
// CONFIGURED cluster.
func loadedStateFits(m *Mock) error {
	st := m.State()
	for i, r := range st.VCAV.Replications {
		if !vcavRecoveryStateOf(&r).Valid() {
			return fmt.Errorf("replications[%d]: recovery state %q", i, vcavRecoveryStateOf(&r))
		}
		if err := checkSchema(spec.VCAV, "SingleVmReplicationInfo", r, "replications["+strconv.Itoa(i)+"]"); err != nil {
			return err
		}
	}
	for i, v := range st.VCAV.VappReplications {
		if err := checkSchema(spec.VCAV, "VappReplicationInfo", v, "vappReplications["+strconv.Itoa(i)+"]"); err != nil {
			return err
		}
		for _, child := range *v.VmReplications {
			if child.VappReplicationId == nil || *child.VappReplicationId != v.Id {
				return fmt.Errorf("vappReplications[%d]: VM replication %s does not name it as its vApp", i, child.Id)
			}
		}
	}
	if err := validateVCAVOrgs(st.VCAV.Orgs); err != nil {
		return fmt.Errorf("the organisations of the state would not reload: %w", err)
	}
	m.vchaSim().mu.Lock()
	views := []vcha.VchaClusterInfo{m.vchaSim().clusterView(false), m.vchaSim().clusterView(true)}
	m.vchaSim().mu.Unlock()
	for _, c := range views {
		if err := checkSchema(spec.VCHA, "Vcha_Cluster_Info", c, "cluster"); err != nil {
			return err
		}
	}
	return vchaInvariants(m)
}
