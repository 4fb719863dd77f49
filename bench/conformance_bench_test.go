package bench

import (
	"context"
	"testing"
	"time"

	"github.com/failoverkit/failoverkit/conformance"
)

// BenchmarkConformanceSuite times the whole conformance suite against the
// embedded mock, as `failoverkit check` runs it with no target: start the
// mock (instant tasks, two loopback listeners), run every case with the
// default options, stop the mock. It reports the wall time and the case
// counts, and fails only when the suite cannot run; a timing never fails it.
func BenchmarkConformanceSuite(b *testing.B) {
	for range b.N {
		start := time.Now()
		em, err := conformance.StartMock()
		if err != nil {
			b.Fatal(err)
		}
		target, err := em.Target()
		if err != nil {
			b.Fatal(err)
		}
		rep, err := conformance.Check(context.Background(), target)
		if cerr := em.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		b.ReportMetric(0, "ns/op")
		b.ReportMetric(elapsed.Seconds(), "suite-s")
		b.ReportMetric(float64(len(rep.Results)), "cases")
		b.Logf("conformance suite against the embedded mock: %s in %.2fs (%s)", rep.Summary(), elapsed.Seconds(), verdict(rep))
	}
}

// verdict says whether the suite passed.
func verdict(rep *conformance.Report) string {
	if rep.OK() {
		return "passed"
	}
	return "FAILED"
}
