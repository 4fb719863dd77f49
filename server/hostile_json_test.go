package server

import (
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

// hostileBody is a JSON body built to cost far more decoded than sent.
type hostileBody struct {
	name string
	body string
}

// hostileBodies are bodies just under the 1 MiB limit: many tiny
// containers (each a slice or map once decoded), and nesting as deep as
// the bytes allow.
func hostileBodies() []hostileBody {
	n := (DefaultBodyLimit - 2) / 3
	deep := (DefaultBodyLimit - 16) / 2
	return []hostileBody{
		{"many-arrays", "[" + strings.Repeat("[],", n-1) + "[]]"},
		{"many-objects", "[" + strings.Repeat("{},", n-1) + "{}]"},
		{"deep-arrays", strings.Repeat("[", deep) + strings.Repeat("]", deep)},
		{"wide-array", `{"type":"localUser","x":[` + strings.Repeat("1,", (DefaultBodyLimit-40)/2) + `1]}`},
		// just inside the JSON limits: what still reaches the validator
		{"arrays-within-limits", "[" + strings.Repeat("[],", oasvalidate.MaxRequestJSONValues-2) + "[]]"},
		{"objects-within-limits", `{"type":"localUser","x":[` + strings.Repeat("{},", oasvalidate.MaxRequestJSONValues-3) + "{}]}"},
	}
}

// allocPerRequest sends body to the VCAV login n times and returns the
// bytes the process allocated per request, and the last status.
func allocPerRequest(tb testing.TB, h http.Handler, api spec.API, target string, body []byte, n int) (uint64, int) {
	tb.Helper()
	c := benchCall{api: api, method: http.MethodPost, target: target,
		header: http.Header{"Content-Type": {"application/json"}}, body: body}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var status int
	for range n {
		status = serveCall(h, c).status
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / uint64(n), status
}

// TestHostileJSON_MemoryPerRejectedRequestIsBounded sends each hostile
// body to the unauthenticated logins of both APIs (VCAV POST /sessions,
// vSphere POST /api/session): each is refused with 400 in the vendor's
// shape, and handling it allocates at most four times the body limit (it
// allocated 314 to 382 MiB before decoded-size limits).
func TestHostileJSON_MemoryPerRejectedRequestIsBounded(t *testing.T) {
	m, err := New(WithInstantTasks())
	require.NoError(t, err)
	targets := map[spec.API]string{spec.VCAV: "/sessions", spec.VCHA: "/api/session"}
	for _, hb := range hostileBodies() {
		for api, target := range targets {
			per, status := allocPerRequest(t, m.Handler(api), api, target, []byte(hb.body), 2)
			t.Logf("%s %s: %d bytes, %.1f MiB allocated per request, status %d", api, hb.name, len(hb.body), float64(per)/(1<<20), status)
			assert.Contains(t, []int{http.StatusBadRequest, http.StatusUnauthorized}, status, "%s %s", api, hb.name)
			assert.Less(t, per, uint64(4*DefaultBodyLimit), "%s %s", api, hb.name)
			if api == spec.VCAV && status == http.StatusBadRequest {
				c := benchCall{api: api, method: http.MethodPost, target: target,
					header: http.Header{"Content-Type": {"application/json"}}, body: []byte(hb.body)}
				e := vcavAPIError(t, serveCall(m.Handler(api), c).body)
				assert.Equal(t, vcavCodeBadRequest, e.Code)
				assert.Less(t, len(e.Msg), 300, "the message names the problem, never the value")
			}
		}
	}
}

// BenchmarkHostileJSON reports the bytes allocated per rejected hostile
// request (MiB/op) on the VCAV login, for BENCHMARKS.md.
func BenchmarkHostileJSON(b *testing.B) {
	m, err := New(WithInstantTasks())
	if err != nil {
		b.Fatal(err)
	}
	for _, hb := range hostileBodies() {
		b.Run(hb.name, func(b *testing.B) {
			per, _ := allocPerRequest(b, m.Handler(spec.VCAV), spec.VCAV, "/sessions", []byte(hb.body), b.N)
			b.ReportMetric(float64(per)/(1<<20), "MiB/op")
		})
	}
}
