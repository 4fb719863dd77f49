package conformance_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/conformance"
	"github.com/failoverkit/failoverkit/server"
	"github.com/failoverkit/failoverkit/spec"
)

// ---------------------------------------------------------------- harness

// fastOpts is the poll budget of every test: 20 polls back to back, no
// wall-clock sleeping (the mock's tasks are instant).
var fastOpts = []conformance.Option{conformance.WithPollInterval(0), conformance.WithMaxPolls(20)}

// wrapper turns a mock handler of api into a (possibly broken) server.
type wrapper func(api spec.API, h http.Handler) http.Handler

// startTarget starts a mock with instant tasks behind wrap and returns its
// target.
func startTarget(t *testing.T, wrap wrapper) conformance.Target {
	t.Helper()
	m, err := server.New(server.WithInstantTasks())
	require.NoError(t, err)
	urls := map[spec.API]string{}
	for _, api := range spec.APIs() {
		h := m.Handler(api)
		if wrap != nil {
			h = wrap(api, h)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		urls[api] = srv.URL
	}
	target, err := conformance.MockTarget(urls[spec.VCAV], urls[spec.VCHA])
	require.NoError(t, err)
	return target
}

// capture is a response a wrapped handler produced, before it is sent.
type capture struct {
	status int
	header http.Header
	body   []byte
}

// serve runs h on r and captures the response.
func serve(h http.Handler, r *http.Request) *capture {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	// Canonicalise the names, as a client reading the answer off the wire
	// does (the mock writes X-VCAV-Auth in the vendor's spelling).
	header := http.Header{}
	for k, vs := range rec.Header() {
		for _, v := range vs {
			header.Add(k, v)
		}
	}
	return &capture{status: rec.Code, header: header, body: rec.Body.Bytes()}
}

// write sends c to w.
func (c *capture) write(w http.ResponseWriter) {
	for k, vs := range c.header {
		w.Header()[k] = vs
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(c.status)
	_, _ = w.Write(c.body)
}

// editJSON rewrites a JSON body in place; non-JSON bodies are left alone.
func (c *capture) editJSON(f func(doc any) any) {
	var doc any
	if json.Unmarshal(c.body, &doc) != nil {
		return
	}
	b, err := json.Marshal(f(doc))
	if err == nil {
		c.body = b
	}
}

// isControl reports requests to the mock's control API, which no variant
// touches.
func isControl(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, server.ControlPrefix) }

// onResponses breaks the responses of one API that match.
func onResponses(target spec.API, match func(*http.Request) bool, edit func(*http.Request, *capture)) wrapper {
	return func(api spec.API, h http.Handler) http.Handler {
		if api != target {
			return h
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if isControl(r) || !match(r) {
				h.ServeHTTP(w, r)
				return
			}
			c := serve(h, r)
			edit(r, c)
			c.write(w)
		})
	}
}

func any_(*http.Request) bool { return true }

func isFailover(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/failover")
}

func isVCAVTask(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/tasks/") }

func isVCHAFailover(r *http.Request) bool {
	return r.URL.Path == "/api/vcenter/vcha/cluster" && r.URL.Query().Get("action") == "failover"
}

// setField sets obj[key] on a decoded JSON object.
func setField(key string, value any) func(any) any {
	return func(doc any) any {
		if m, ok := doc.(map[string]any); ok {
			m[key] = value
		}
		return doc
	}
}

// ---------------------------------------------------------------- variants

// variant is a deliberately broken server: a realistic bug, and a case that
// must catch it.
type variant struct {
	name, bug string
	wrap      wrapper
	// killer is one case expected among those that flag the variant.
	killer string
}

func variants() []variant {
	return append(append(schemaVariants(), behaviourVariants()...), vappVariants()...)
}

// schemaVariants break the shape of answers: status, fields, types, content
// type, error shape.
func schemaVariants() []variant {
	return []variant{
		{"wrong-success-status", "the VCAV failover answers 200 instead of 202",
			onResponses(spec.VCAV, isFailover, func(_ *http.Request, c *capture) {
				if c.status == http.StatusAccepted {
					c.status = http.StatusOK
				}
			}), "vcav.failover.succeeds"},
		{"missing-required-field", "VCAV tasks lack the required endTime",
			onResponses(spec.VCAV, func(r *http.Request) bool { return isFailover(r) || isVCAVTask(r) }, func(_ *http.Request, c *capture) {
				c.editJSON(func(doc any) any {
					if m, ok := doc.(map[string]any); ok && m["state"] != nil {
						delete(m, "endTime")
					}
					return doc
				})
			}), "vcav.failover.succeeds"},
		{"enum-value-outside", "a failed-over replication reads back as FAILED_OVER, a state the enum lacks",
			onResponses(spec.VCAV, any_, func(_ *http.Request, c *capture) {
				c.body = bytes.ReplaceAll(c.body, []byte(`"recoveryState":"COMPLETE"`), []byte(`"recoveryState":"FAILED_OVER"`))
			}), "vcav.failover.succeeds"},
		{"wrong-field-type", "vSphere tasks send cancelable as the string \"false\"",
			onResponses(spec.VCHA, func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/cis/tasks/") }, func(_ *http.Request, c *capture) {
				if c.status == http.StatusOK {
					c.editJSON(setField("cancelable", "false"))
				}
			}), "vcha.failover.planned"},
		{"wrong-content-type", "VCAV answers JSON labelled text/plain (a handler that forgot the header)",
			onResponses(spec.VCAV, any_, func(_ *http.Request, c *capture) {
				if len(c.body) > 0 {
					c.header.Set("Content-Type", "text/plain; charset=utf-8")
				}
			}), "vcav.session.login"},
		{"error-body-not-vendor-shape", "VCAV errors come in the framework's default shape, not ApiError",
			onResponses(spec.VCAV, any_, func(r *http.Request, c *capture) {
				if c.status >= 400 {
					c.body, _ = json.Marshal(map[string]any{"timestamp": 1767225600000, "status": c.status, "error": http.StatusText(c.status), "path": r.URL.Path})
				}
			}), "vcav.replication.unknown"},
		{"auth-not-enforced", "VCAV accepts any session token, or none", vcavAuthNotEnforced, "vcav.failover.no-token"},
		{"not-found-as-500", "VCAV answers a missing object with 500 instead of 404",
			onResponses(spec.VCAV, any_, func(_ *http.Request, c *capture) {
				if c.status == http.StatusNotFound {
					c.status = http.StatusInternalServerError
				}
			}), "vcav.failover.unknown-replication"},
		{"invalid-body-accepted", "the VCAV failover reads an unreadable body as the default settings", vcavLenientBody, "vcav.failover.malformed-json"},
		{"task-never-finishes", "VCAV tasks stay RUNNING forever",
			onResponses(spec.VCAV, isVCAVTask, func(_ *http.Request, c *capture) {
				c.editJSON(func(doc any) any {
					if m, ok := doc.(map[string]any); ok && m["state"] != nil {
						m["state"], m["endTime"], m["progress"] = "RUNNING", -1, 50
						delete(m, "result")
						delete(m, "resultType")
						delete(m, "error")
					}
					return doc
				})
			}), "vcav.failover.succeeds"},
		{"vcha-task-id-object", "the vSphere failover answers the task id wrapped in an object (the legacy /rest shape)",
			onResponses(spec.VCHA, isVCHAFailover, func(_ *http.Request, c *capture) {
				if c.status == http.StatusAccepted {
					c.editJSON(func(doc any) any { return map[string]any{"value": doc} })
				}
			}), "vcha.failover.planned"},
		{"error-type-outside-enum", "vSphere errors name the error class instead of an error_type value",
			onResponses(spec.VCHA, any_, func(_ *http.Request, c *capture) {
				c.editJSON(func(doc any) any {
					if m, ok := doc.(map[string]any); ok {
						if et, ok := m["error_type"].(string); ok {
							m["error_type"] = "com.vmware.vapi.std.errors." + strings.ToLower(et)
						}
					}
					return doc
				})
			}), "vcha.session.bad-credentials"},
		{"login-header-missing", "VCAV login puts the token in the body instead of the X-VCAV-Auth header",
			onResponses(spec.VCAV, func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Path == "/sessions" }, func(_ *http.Request, c *capture) {
				if tok := c.header.Get("X-VCAV-Auth"); tok != "" {
					c.header.Del("X-VCAV-Auth")
					c.editJSON(setField("token", tok))
				}
			}), "vcav.session.login"},
		{"state-not-updated", "a failed-over VCAV replication still reads back NOT_STARTED",
			onResponses(spec.VCAV, func(r *http.Request) bool {
				return r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/vm-replications/")
			}, func(_ *http.Request, c *capture) {
				c.body = bytes.ReplaceAll(c.body, []byte(`"recoveryState":"COMPLETE"`), []byte(`"recoveryState":"NOT_STARTED"`))
			}), "vcav.failover.succeeds"},
		{"generic-not-found-code", "VCAV answers every missing object with the generic code NotFound",
			onResponses(spec.VCAV, any_, func(_ *http.Request, c *capture) {
				if c.status == http.StatusNotFound {
					c.editJSON(setField("code", "NotFound"))
				}
			}), "vcav.replication.unknown"}, // TaskNotFound is a failoverkit choice: only a note (TestNotes_UndocumentedCodeIsANote)
		{"non-task-form-404", "the vSphere non-task failover form answers 404 NOT_FOUND instead of 400 INVALID_REQUEST",
			onResponses(spec.VCHA, func(r *http.Request) bool { return isVCHAFailover(r) && r.URL.Query().Get("vmw-task") == "" }, func(_ *http.Request, c *capture) {
				c.status = http.StatusNotFound
				c.editJSON(setField("error_type", "NOT_FOUND"))
			}), "vcha.failover.non-task-form"},
		{"task-failure-reported-as-success", "vSphere tasks that failed read back SUCCEEDED",
			onResponses(spec.VCHA, func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/cis/tasks/") }, func(_ *http.Request, c *capture) {
				c.editJSON(func(doc any) any {
					if m, ok := doc.(map[string]any); ok && m["status"] == "FAILED" {
						m["status"] = "SUCCEEDED"
						delete(m, "error")
					}
					return doc
				})
			}), "vcha.failover.disabled-mode"},
	}
}

// vcavAuthNotEnforced replaces whatever token a VCAV request carries with a
// valid session of its own: the server no longer checks who calls.
func vcavAuthNotEnforced(api spec.API, h http.Handler) http.Handler {
	if api != spec.VCAV {
		return h
	}
	var mu sync.Mutex
	token := ""
	login := func() string {
		body := `{"type":"localUser","localUser":"root","localPassword":"vmware"}`
		r := httptest.NewRequest(http.MethodPost, "/sessions", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		return serve(h, r).header.Get("X-VCAV-Auth")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isControl(r) || r.URL.Path == "/sessions" {
			h.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		for try := 0; ; try++ {
			if token == "" {
				token = login()
			}
			r2 := r.Clone(r.Context())
			r2.Body = io.NopCloser(bytes.NewReader(body))
			r2.Header.Set("X-VCAV-Auth", token)
			c := serve(h, r2)
			if c.status == http.StatusUnauthorized && try == 0 { // the mock was reset: log in again
				token = ""
				continue
			}
			c.write(w)
			return
		}
	})
}

// vcavLenientBody reads a failover body the server cannot parse as the
// default settings instead of refusing it.
func vcavLenientBody(api spec.API, h http.Handler) http.Handler {
	if api != spec.VCAV {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isFailover(r) {
			body, _ := io.ReadAll(r.Body)
			var s struct {
				Type    string `json:"type"`
				PowerOn *bool  `json:"powerOn"`
			}
			if json.Unmarshal(body, &s) != nil || (s.Type != "vcloud" && s.Type != "vcenter") {
				body = []byte(`{"type":"vcloud"}`)
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		h.ServeHTTP(w, r)
	})
}

// ---------------------------------------------------------------- tests

// TestSuiteAgainstMock runs every case against the real mock: all must pass
// and none may be skipped (no false positives).
func TestSuiteAgainstMock(t *testing.T) {
	t.Parallel()
	rep, err := conformance.Check(t.Context(), startTarget(t, nil), fastOpts...)
	require.NoError(t, err)
	for _, res := range rep.Results {
		assert.Equal(t, conformance.StatusPass, res.Status, "%s: %s %v", res.Case, res.Reason, res.Findings)
	}
	assert.Len(t, rep.Results, len(conformance.Cases()))
	t.Logf("suite against the mock: %s in %s", rep.Summary(), rep.Duration)
}

// TestBrokenVariants runs the suite against every broken variant of the
// mock: each must be flagged by at least one case, among them the one the
// variant names. It prints the kill rate.
func TestBrokenVariants(t *testing.T) {
	t.Parallel()
	vs := variants()
	var mu sync.Mutex
	killed := map[string][]string{}
	t.Run("variants", func(t *testing.T) {
		for _, v := range vs {
			t.Run(v.name, func(t *testing.T) {
				t.Parallel()
				// A variant breaks one area of one API (vcav.failover,
				// vcha.session, ...): that area's cases run, to keep the
				// self-test quick under -race.
				area := v.killer[:strings.LastIndex(v.killer, ".")+1]
				sameArea := conformance.WithFilter(func(c conformance.Case) bool { return strings.HasPrefix(c.Name, area) })
				rep, err := conformance.Check(t.Context(), startTarget(t, v.wrap), append(fastOpts, sameArea)...)
				require.NoError(t, err)
				var by []string
				for _, res := range rep.Results {
					if res.Status == conformance.StatusFail {
						by = append(by, res.Case)
					}
				}
				mu.Lock()
				killed[v.name] = by
				mu.Unlock()
				assert.NotEmpty(t, by, "variant %q (%s) was not flagged by any case", v.name, v.bug)
				assert.Contains(t, by, v.killer, "variant %q (%s)", v.name, v.bug)
			})
		}
	})
	n := 0
	for _, v := range vs {
		by := killed[v.name]
		if len(by) > 0 {
			n++
		}
		t.Logf("%-34s killed by %2d case(s): %s", v.name, len(by), strings.Join(firstN(by, 4), ", "))
	}
	t.Logf("killed %d/%d variants", n, len(vs))
	for _, line := range variantsPerOperation(vs) {
		t.Log(line)
	}
	assert.Equal(t, len(vs), n, "killed %d/%d variants", n, len(vs))
}

func firstN(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(slices.Clone(s[:n]), "…")
}

// flaky makes the first n reads of tasks (of api) fail: a dropped
// connection, then a 503 in the vendor's error shape.
func flaky(target spec.API, prefix string, n int) wrapper {
	return func(api spec.API, h http.Handler) http.Handler {
		if api != target {
			return h
		}
		var mu sync.Mutex
		left := n
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			hit := strings.HasPrefix(r.URL.Path, prefix) && left > 0
			if hit {
				left--
			}
			odd := left%2 == 1
			mu.Unlock()
			switch {
			case hit && odd:
				conn, _, err := w.(http.Hijacker).Hijack()
				if err == nil {
					_ = conn.Close()
				}
			case hit:
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"error_type":"SERVICE_UNAVAILABLE","messages":[{"id":"vapi.server.unavailable","default_message":"Service not available","args":[]}]}`))
			default:
				h.ServeHTTP(w, r)
			}
		})
	}
}

// TestPoll_TransientUnavailability: a vCenter is briefly unreachable, or
// answers a documented 503, while its passive node takes over; the poll
// retries within its budget. VCAV documents a 503 only through its default
// ApiError answer, and this one is in the vSphere shape: flagged.
func TestPoll_TransientUnavailability(t *testing.T) {
	only := conformance.WithFilter(func(c conformance.Case) bool {
		return c.Name == "vcha.failover.planned" || c.Name == "vcav.failover.succeeds"
	})
	rep, err := conformance.Check(t.Context(), startTarget(t, flaky(spec.VCHA, "/api/cis/tasks/", 4)), append(fastOpts, only)...)
	require.NoError(t, err)
	assert.True(t, rep.OK(), "%v", rep.Results)

	rep, err = conformance.Check(t.Context(), startTarget(t, flaky(spec.VCAV, "/tasks/", 2)), append(fastOpts, only)...)
	require.NoError(t, err)
	got := resultsByCase(rep)["vcav.failover.succeeds"]
	require.Equal(t, conformance.StatusFail, got.Status)
	assert.Equal(t, conformance.InBody, got.Findings[0].In, "%v", got.Findings)
	assert.Equal(t, "code", got.Findings[0].Field)
	assert.Equal(t, 503, got.Findings[0].Status)
}

// variantsPerOperation counts the variants by the operation of the case
// that must kill them (the table in the README).
func variantsPerOperation(vs []variant) []string {
	ops := map[string]string{}
	for _, c := range conformance.Cases() {
		ops[c.Name] = string(c.API) + " " + c.Operation
	}
	count := map[string]int{}
	for _, v := range vs {
		op := ops[v.killer]
		if b, ok := brokenOp[v.name]; ok {
			op = b
		}
		count[op]++
	}
	var out []string
	for op, n := range count {
		out = append(out, fmt.Sprintf("| %s | %d |", op, n))
	}
	slices.Sort(out)
	return out
}
