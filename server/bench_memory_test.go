package server

import (
	"bufio"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/spec"
)

// memTasks is how many finished tasks per API BenchmarkMemory holds.
const memTasks = 100_000

// memReplications is how many replications the VCAV failovers cycle
// through (each is put back to NOT_STARTED after its task finished).
const memReplications = 64

// BenchmarkMemory fills a mock that keeps every finished task
// (WithTaskRetention(100000)) with 100,000 finished failover tasks per API,
// made through the real handlers, and reports the live heap (after a
// forced GC) and the process's resident set, as it is and after
// debug.FreeOSMemory. Run it in a process of its own (make bench does) so
// RSS means something.
func BenchmarkMemory(b *testing.B) {
	for range b.N {
		m, err := New(WithInstantTasks(), WithClock(NewManualClock(testStart)),
			WithTaskRetention(memTasks), WithFixture(benchFixture(b, memReplications)))
		if err != nil {
			b.Fatal(err)
		}
		base := heapInUse()
		fillVCAVTasks(b, m)
		afterVCAV := heapInUse()
		fillVCHATasks(b, m)
		afterVCHA := heapInUse()
		mb := func(n uint64) float64 { return float64(n) / (1 << 20) }
		b.ReportMetric(0, "ns/op")
		b.ReportMetric(mb(afterVCAV-base), "vcav-heap-MB")
		b.ReportMetric(mb(afterVCHA-afterVCAV), "vcha-heap-MB")
		b.ReportMetric(float64(afterVCAV-base)/memTasks, "vcav-B/task")
		b.ReportMetric(float64(afterVCHA-afterVCAV)/memTasks, "vcha-B/task")
		rss := mb(rssBytes(b))
		debug.FreeOSMemory()
		rssFreed := mb(rssBytes(b))
		b.ReportMetric(mb(afterVCHA), "heap-MB")
		b.ReportMetric(rss, "rss-MB")
		b.ReportMetric(rssFreed, "rss-freed-MB")
		b.Logf("%d finished tasks per API kept: VCAV %.1f MB (%.0f B/task), vSphere %.1f MB (%.0f B/task); "+
			"live heap %.1f MB; RSS %.1f MB, %.1f MB once free memory is returned to the OS",
			memTasks, mb(afterVCAV-base), float64(afterVCAV-base)/memTasks, mb(afterVCHA-afterVCAV),
			float64(afterVCHA-afterVCAV)/memTasks, mb(afterVCHA), rss, rssFreed)
		runtime.KeepAlive(m) // held until measured
	}
}

// fillVCAVTasks runs memTasks VCAV failovers to completion, cycling through
// the generated replications and putting each back to NOT_STARTED once its
// task has finished, so that every task keeps a full result.
func fillVCAVTasks(b *testing.B, m *Mock) {
	h := m.Handler(spec.VCAV)
	token := benchSession(b, h, spec.VCAV)
	for i := range memTasks {
		id := benchReplicationID(i % memReplications)
		if a := serveCall(h, vcavFailoverCall(token, id)); a.status != http.StatusAccepted {
			b.Fatalf("failover %d: %d %s", i, a.status, a.body)
		}
		now := m.vcavSim().begin() // finishes the instant task
		vcavSetRecoveryState(m.vcavSim().repls[id], vcav.RecoveryStateNOTSTARTED, now)
		m.vcavSim().end() // deflates its result
	}
	if n := vcavTasksKept(m); n != memTasks {
		b.Fatalf("%d VCAV tasks kept, want %d", n, memTasks)
	}
}

// vcavTasksKept counts the VCAV tasks m holds.
func vcavTasksKept(m *Mock) int {
	m.vcavSim().mu.Lock()
	defer m.vcavSim().mu.Unlock()
	return len(m.vcavSim().tasks.byID)
}

// fillVCHATasks runs memTasks vSphere failovers to completion.
func fillVCHATasks(b *testing.B, m *Mock) {
	h := m.Handler(spec.VCHA)
	token := benchSession(b, h, spec.VCHA)
	for i := range memTasks {
		if a := serveCall(h, vchaFailoverCall(token)); a.status != http.StatusAccepted {
			b.Fatalf("failover %d: %d %s", i, a.status, a.body)
		}
	}
	m.vchaSim().begin() // finishes the last one
	defer m.vchaSim().mu.Unlock()
	if n := len(m.vchaSim().tasks.byID); n != memTasks {
		b.Fatalf("%d vSphere tasks kept, want %d", n, memTasks)
	}
}

// heapInUse is the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// rssBytes reads the process's resident set (VmRSS) from /proc/self/status;
// 0 where there is none.
func rssBytes(tb testing.TB) uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				tb.Fatalf("VmRSS: %v", err)
			}
			return kb << 10
		}
	}
	return 0
}
