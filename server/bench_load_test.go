package server

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/failoverkit/failoverkit/spec"
)

// Knobs of the load benchmark (go test ... -args -load.ops=N).
var (
	loadOps    = flag.Int("load.ops", 24000, "operations per server and scenario in BenchmarkLoad")
	loadConns  = flag.Int("load.conns", 64, "concurrent keep-alive connections in BenchmarkLoad")
	loadWarmup = flag.Int("load.warmup", 1000, "unmeasured warm-up operations before each measured phase")
	loadRounds = flag.Int("load.rounds", 4, "alternating mock and bare rounds the measured operations are split into")
	loadProf   = flag.String("load.cpuprofile", "", "write a CPU profile of each scenario's measured mock phase to this prefix + scenario + .pprof")
)

// loadTarget is a server under load: its base URL and a counter its
// operations may draw sequence numbers from (e.g. which replication to fail
// over next).
type loadTarget struct {
	base string
	seq  atomic.Int64
}

// loadClient sends requests for one worker over a shared keep-alive
// transport and records each request's latency.
type loadClient struct {
	hc     *http.Client
	target *loadTarget
	lat    []time.Duration
	buf    bytes.Buffer
}

// next returns the target's next sequence number, from 0.
func (lc *loadClient) next() int { return int(lc.target.seq.Add(1) - 1) }

// do sends c and returns the status and body (valid until the next call).
func (lc *loadClient) do(c benchCall) (int, []byte, error) {
	req, err := http.NewRequest(c.method, lc.target.base+c.target, bytes.NewReader(c.body))
	if err != nil {
		return 0, nil, err
	}
	req.Header = c.header
	start := time.Now()
	resp, err := lc.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	lc.buf.Reset()
	_, err = lc.buf.ReadFrom(resp.Body)
	_ = resp.Body.Close()
	lc.lat = append(lc.lat, time.Since(start))
	return resp.StatusCode, lc.buf.Bytes(), err
}

// loadOp is one operation of a scenario: one or more requests.
type loadOp func(lc *loadClient) error

// loadStats are the figures of one or more measured phases.
type loadStats struct {
	elapsed time.Duration
	lat     []time.Duration // every request's latency
	// alloc and gcs are the bytes the process allocated and the garbage
	// collections it ran meanwhile (load generator included).
	alloc uint64
	gcs   uint32
}

// allocPerRequest is the process's allocation per request in KiB.
func (s loadStats) allocPerRequest() float64 { return float64(s.alloc) / float64(len(s.lat)) / 1024 }

func (s loadStats) rps() float64 { return float64(len(s.lat)) / s.elapsed.Seconds() }

// add merges the figures of another phase in.
func (s *loadStats) add(o loadStats) {
	s.elapsed += o.elapsed
	s.lat = append(s.lat, o.lat...)
	s.alloc += o.alloc
	s.gcs += o.gcs
}

// percentile is the latency below which p percent of the requests fall.
func (s loadStats) percentile(p int) time.Duration {
	sorted := slices.Clone(s.lat)
	slices.Sort(sorted)
	return sorted[len(sorted)*p/100]
}

// runLoad runs ops operations of op on conns workers against t, each
// worker on its own keep-alive connection, and returns the figures.
func runLoad(t *loadTarget, conns, ops int, op loadOp) (loadStats, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	var next atomic.Int64
	var firstErr atomic.Value
	clients := make([]*loadClient, conns)
	var wg sync.WaitGroup
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	for w := range clients {
		lc := &loadClient{hc: hc, target: t, lat: make([]time.Duration, 0, 2*ops/conns+16)}
		clients[w] = lc
		wg.Go(func() {
			for next.Add(1) <= int64(ops) {
				if err := op(lc); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if err, _ := firstErr.Load().(error); err != nil {
		return loadStats{}, err
	}
	out := loadStats{elapsed: elapsed, alloc: after.TotalAlloc - before.TotalAlloc, gcs: after.NumGC - before.NumGC}
	for _, lc := range clients {
		out.lat = append(out.lat, lc.lat...)
	}
	return out, nil
}

// expect turns an unexpected status into an error.
func expect(what string, want, got int, body []byte) error {
	if got != want {
		return fmt.Errorf("%s: status %d, want %d: %.300s", what, got, want, body)
	}
	return nil
}

// bareServer answers every request with bytes captured from the mock: no
// routing beyond a method and path prefix, no validation, no state. It is
// the ceiling the mock is compared with.
type bareServer struct {
	routes []bareRoute
}

type bareRoute struct {
	method, prefix string
	answer         benchAnswer
}

// add makes requests with method whose path starts with prefix get a.
// Date and Content-Length are left for net/http to set, as for the mock.
func (bs *bareServer) add(method, prefix string, a benchAnswer) {
	a.header = a.header.Clone()
	a.header.Del("Date")
	a.header.Del("Content-Length")
	bs.routes = append(bs.routes, bareRoute{method: method, prefix: prefix, answer: a})
}

func (bs *bareServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	for _, rt := range bs.routes {
		if r.Method == rt.method && strings.HasPrefix(r.URL.Path, rt.prefix) {
			for k, v := range rt.answer.header {
				w.Header()[k] = v
			}
			w.WriteHeader(rt.answer.status)
			_, _ = w.Write(rt.answer.body)
			return
		}
	}
	http.NotFound(w, r)
}

// serveLoopback serves h on a fresh 127.0.0.1 port with the mock's server
// limits and returns the base URL and a stop function.
func serveLoopback(tb testing.TB, h http.Handler) (string, func()) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := newHTTPServer(h, ServeConfig{}, nil)
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
}

// capture sends c to base once over a fresh client and returns the answer
// as it came over the wire.
func capture(base string, c benchCall) (benchAnswer, error) {
	req, err := http.NewRequest(c.method, base+c.target, bytes.NewReader(c.body))
	if err != nil {
		return benchAnswer{}, err
	}
	req.Header = c.header
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return benchAnswer{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return benchAnswer{status: resp.StatusCode, header: resp.Header, body: body}, err
}

// loadScenario is one row of the load benchmark.
type loadScenario struct {
	name string
	api  spec.API
	// prepare sets the mock m at base up and returns what to run.
	prepare func(tb testing.TB, m *Mock, base string) loadRun
}

// loadRun is a prepared scenario: the operation, the bare server that
// replays the mock's answers to it, and, when the operation uses up state,
// how to restore it before each phase on the mock (the target's sequence
// numbers restart from 0 after it).
type loadRun struct {
	op    loadOp
	bare  *bareServer
	reset func(tb testing.TB)
	// token is the session the scenario opened (before any reset) and
	// read the task read it repeats, if any (BenchmarkExternal's wrk
	// scripts send the same).
	token string
	read  benchCall
}

// phase runs ops operations of run on t, resetting the mock first.
func (run loadRun) phase(tb testing.TB, t *loadTarget, isMock bool, ops int) loadStats {
	if isMock && run.reset != nil {
		run.reset(tb)
		t.seq.Store(0)
	}
	st, err := runLoad(t, *loadConns, ops, run.op)
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

// BenchmarkLoad drives the mock and a bare server that replays the mock's
// own answers, over real loopback TCP with keep-alive connections, and
// reports for each scenario req/s, p50 and p99 latency of both and the
// mock/bare ratios. It is a benchmark, not a test: it prints figures and
// never fails on a timing. Run it with -benchtime=1x (make bench does).
func BenchmarkLoad(b *testing.B) {
	for _, sc := range loadScenarios() {
		b.Run(sc.name, func(b *testing.B) {
			for range b.N {
				runScenario(b, sc)
			}
		})
	}
}

// runScenario measures one scenario on a fresh mock (default
// configuration, instant tasks) and bare server: a warm-up phase on each,
// then the measured operations split into rounds that alternate between
// them.
func runScenario(b *testing.B, sc loadScenario) {
	m, err := New(WithInstantTasks())
	if err != nil {
		b.Fatal(err)
	}
	mockURL, stopMock := serveLoopback(b, m.Handler(sc.api))
	defer stopMock()
	run := sc.prepare(b, m, mockURL)
	bareURL, stopBare := serveLoopback(b, run.bare)
	defer stopBare()
	targets := []*loadTarget{{base: mockURL}, {base: bareURL}}
	for i, t := range targets {
		run.phase(b, t, i == 0, *loadWarmup)
	}
	var res [2]loadStats
	stop := startProfile(b, *loadProf, sc.name)
	defer stop()
	for range loadRoundCount() {
		for i, t := range targets {
			res[i].add(run.phase(b, t, i == 0, *loadOps/loadRoundCount()))
		}
	}
	stop()
	reportLoad(b, sc, res[0], res[1])
}

// loadRoundCount is the number of measured rounds, at least 1.
func loadRoundCount() int { return max(1, *loadRounds) }

// startProfile starts a CPU profile of the measured rounds (mock and bare
// server alike; look at the mock's frames) written to prefix+name+".pprof"
// when prefix is set, and returns the function that stops it (idempotent).
func startProfile(tb testing.TB, prefix, name string) func() {
	if prefix == "" {
		return func() {}
	}
	f, err := os.Create(prefix + name + ".pprof")
	if err != nil {
		tb.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		tb.Fatal(err)
	}
	return sync.OnceFunc(func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	})
}

// reportLoad reports the figures as benchmark metrics and one Markdown
// table row (the columns of BENCHMARKS.md).
func reportLoad(b *testing.B, sc loadScenario, mock, bare loadStats) {
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	mp50, mp99, bp50, bp99 := mock.percentile(50), mock.percentile(99), bare.percentile(50), bare.percentile(99)
	rpsRatio := mock.rps() / bare.rps()
	p99Ratio := float64(mp99) / float64(bp99)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(mock.rps(), "mock-req/s")
	b.ReportMetric(bare.rps(), "bare-req/s")
	b.ReportMetric(100*rpsRatio, "req/s-%-of-bare")
	b.ReportMetric(us(mp50), "mock-p50-µs")
	b.ReportMetric(us(mp99), "mock-p99-µs")
	b.ReportMetric(us(bp50), "bare-p50-µs")
	b.ReportMetric(us(bp99), "bare-p99-µs")
	b.ReportMetric(p99Ratio, "p99-x-bare")
	b.ReportMetric(mock.allocPerRequest(), "mock-KiB/req")
	b.ReportMetric(bare.allocPerRequest(), "bare-KiB/req")
	b.Logf("| %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f%% | %.2fx | %.1f / %.1f | %d / %d |",
		sc.name, len(mock.lat), mock.rps(), us(mp50), us(mp99),
		bare.rps(), us(bp50), us(bp99), 100*rpsRatio, p99Ratio,
		mock.allocPerRequest(), bare.allocPerRequest(), mock.gcs, bare.gcs)
}

// loadScenarios lists the rows: login, failover followed by task polling,
// and a task read, on each API.
func loadScenarios() []loadScenario {
	return []loadScenario{
		{name: "vcav-login", api: spec.VCAV, prepare: prepareLogin(spec.VCAV)},
		{name: "vcav-failover+poll", api: spec.VCAV, prepare: prepareVCAVFailover},
		{name: "vcav-task-read", api: spec.VCAV, prepare: prepareTaskRead(spec.VCAV)},
		{name: "vcha-login", api: spec.VCHA, prepare: prepareLogin(spec.VCHA)},
		{name: "vcha-failover+poll", api: spec.VCHA, prepare: prepareVCHAFailover},
		{name: "vcha-task-read", api: spec.VCHA, prepare: prepareTaskRead(spec.VCHA)},
	}
}
