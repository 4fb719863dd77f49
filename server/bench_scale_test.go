package server

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/failoverkit/failoverkit/spec"
)

var scaleRepls = flag.Int("scale.replications", 100000, "generated replications in BenchmarkScale")

// scaleQuery is one list request of BenchmarkScale and how many times to
// time it.
type scaleQuery struct {
	name, query string
}

// scaleQueries are the list requests timed: pages at the start, middle and
// end of the whole list, and a page of each filter.
func scaleQueries(n int) []scaleQuery {
	ids := make([]string, 10)
	for i := range ids {
		ids[i] = GeneratedReplicationID(i * n / 10)
	}
	return []scaleQuery{
		{"first page", "limit=100"},
		{"middle page", fmt.Sprintf("offset=%d&limit=100", n/2)},
		{"last page", fmt.Sprintf("offset=%d&limit=100", n-50)},
		{"owner", "owner=org03@site1&offset=1000&limit=100"},
		{"sourceOrg", "sourceOrg=org07&limit=100"},
		{"sourceVdcName", "sourceVdcName=org07-vdc&limit=100"},
		{"destinationVdcName", "destinationVdcName=org07-cloud-vdc&limit=100"},
		{"vmName substring (1 in 1000)", "vmName=GEN-VM-0999&limit=100"},
		{"vmId", "vmId=" + fmt.Sprintf("%08x-0000-4000-9000-%012x", n/3, n/3)},
		{"ids (10)", "ids=" + strings.Join(ids, ",")},
		{"owner and sourceOrg", "owner=org03@site1&sourceOrg=org03&limit=100"},
		{"overallHealth", "overallHealth=GREEN&offset=5000&limit=100"},
		{"lastUpdatedAfter (last 10 %)", fmt.Sprintf("lastUpdatedAfter=%d&limit=100", 1767225600000+int64(n)*900)},
		{"sort by vmName, descending", "sort=vmName-&limit=100"},
		{"sort by lastUpdated, owner filter", "sort=lastUpdated-&owner=org03@site1&limit=100"},
	}
}

// BenchmarkScale loads a fixture with -scale.replications generated VCAV
// replications (server.GenerateReplications) and times the generation,
// the load, a reset to it (ResetToLast), the mock's live heap with them, and pages of the list with and
// without each filter, through the mock's handler in-process (routing,
// validation, the handler and JSON encoding). It prints figures and never
// fails on a timing.
func BenchmarkScale(b *testing.B) {
	for range b.N {
		n := *scaleRepls
		start := time.Now()
		f, err := GenerateReplications(n)
		if err != nil {
			b.Fatal(err)
		}
		generated := time.Since(start)
		before := liveHeap()
		m, err := New(WithInstantTasks())
		if err != nil {
			b.Fatal(err)
		}
		start, cpu0 := time.Now(), processCPU(b)
		if err := m.LoadFixture(f); err != nil {
			b.Fatal(err)
		}
		loaded, loadCPU := time.Since(start), processCPU(b)-cpu0
		f = nil
		heap := liveHeap() - before
		start, cpu0 = time.Now(), processCPU(b)
		if err := m.ResetToLast(); err != nil {
			b.Fatal(err)
		}
		reset, resetCPU := time.Since(start), processCPU(b)-cpu0
		b.Logf("%d replications: generated in %.2f s, loaded (LoadFixture) in %.2f s (%.2f s of CPU), reset to (ResetToLast) in %.2f s (%.2f s of CPU); mock live heap %.0f MB (%.1f KB per replication)",
			n, generated.Seconds(), loaded.Seconds(), loadCPU.Seconds(), reset.Seconds(), resetCPU.Seconds(), float64(heap)/1e6, float64(heap)/float64(n)/1e3)
		h := m.Handler(spec.VCAV)
		token := benchSession(b, h, spec.VCAV)
		b.Logf("| List request | Items | Total | ms per page | KB allocated per page |")
		for _, q := range scaleQueries(n) {
			scaleList(b, h, token, q)
		}
		runtime.KeepAlive(m)
	}
}

// scaleList times q (at least 5 times and 0.5 s) and logs a table row.
func scaleList(b *testing.B, h http.Handler, token string, q scaleQuery) {
	call := benchCall{api: spec.VCAV, method: http.MethodGet, target: "/vm-replications?" + q.query,
		header: http.Header{"X-Vcav-Auth": {token}}}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	alloc0 := ms.TotalAlloc
	start, runs := time.Now(), 0
	var a benchAnswer
	for runs < 5 || time.Since(start) < 500*time.Millisecond {
		a = serveCall(h, call)
		runs++
		if a.status != http.StatusOK {
			b.Fatalf("%s: %d %.300s", q.name, a.status, a.body)
		}
	}
	per := time.Since(start) / time.Duration(runs)
	runtime.ReadMemStats(&ms)
	items, total, err := pageCounts(a.body)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("| %s (`%s`) | %d | %d | %.2f | %.0f |", q.name, q.query, items, total,
		float64(per)/float64(time.Millisecond), float64(ms.TotalAlloc-alloc0)/float64(runs)/1e3)
}

// liveHeap is the heap in use after two collections.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// pageCounts reads the item count and total of a list answer.
func pageCounts(body []byte) (int, int64, error) {
	var page struct {
		Items []struct{} `json:"items"`
		Total int64      `json:"total"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return 0, 0, fmt.Errorf("list answer: %w", err)
	}
	return len(page.Items), page.Total, nil
}
