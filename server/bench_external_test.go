package server

import (
	"bufio"
	"bytes"
	"flag"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/failoverkit/failoverkit/spec"
)

// Knobs of the external-generator benchmark (go test ... -args -ext.duration=5s).
var (
	extDuration = flag.Duration("ext.duration", 3*time.Second, "length of each wrk run in BenchmarkExternal")
	extConns    = flag.Int("ext.conns", 64, "wrk connections in BenchmarkExternal")
	extThreads  = flag.Int("ext.threads", 2, "wrk threads in BenchmarkExternal")
	extRounds   = flag.Int("ext.rounds", 2, "alternating mock and bare wrk runs per scenario in BenchmarkExternal")
	extRepls    = flag.Int("ext.replications", 100000, "generated NOT_STARTED replications per mock run of vcav-failover+poll")
	extProf     = flag.String("ext.cpuprofile", "", "write a CPU profile of each scenario's mock runs (server only) to this prefix + scenario + .pprof")
)

// countingHandler counts the requests its handler served.
type countingHandler struct {
	h http.Handler
	n atomic.Int64
}

func (c *countingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.h.ServeHTTP(w, r)
	c.n.Add(1)
}

// wrkResult is what one wrk run measured, and the CPU time this process
// (the server under test, alone: wrk is another process) used meanwhile.
type wrkResult struct {
	requests   int64 // served, counted by the server
	rps        float64
	p50, p99   time.Duration
	non2xx     int64
	cpu        time.Duration // user + system CPU of this process
	exhausted  bool
	firstBad   string // the failover script's first non-2xx answer: status and the start of its body
	rawSummary string
}

// processCPU is the user plus system CPU time this process has used.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runWrk runs wrk against the server at base (served by counter) with a
// script from testdata/wrk and its arguments.
func runWrk(tb testing.TB, wrk, base string, counter *countingHandler, script string, args ...string) wrkResult {
	tb.Helper()
	path, err := filepath.Abs(filepath.Join("testdata", "wrk", script))
	if err != nil {
		tb.Fatal(err)
	}
	cmdArgs := append([]string{
		"-t", strconv.Itoa(*extThreads), "-c", strconv.Itoa(*extConns), "-d", extDuration.String(),
		"--latency", "-s", path, base, "--"}, args...)
	cmd := exec.Command(wrk, cmdArgs...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	before, served := processCPU(tb), counter.n.Load()
	if err := cmd.Run(); err != nil {
		tb.Fatalf("wrk: %v: %s", err, out.String())
	}
	res := parseWrk(tb, out.String())
	res.cpu, res.requests = processCPU(tb)-before, counter.n.Load()-served
	return res
}

// parseWrk reads requests/s, the 50 % and 99 % latencies, non-2xx
// responses and the failover script's exhaustion flag from wrk's output.
func parseWrk(tb testing.TB, out string) wrkResult {
	tb.Helper()
	res := wrkResult{rawSummary: out}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			res.rps, _ = strconv.ParseFloat(f[1], 64)
		case len(f) == 2 && f[0] == "50%":
			res.p50 = parseWrkDuration(f[1])
		case len(f) == 2 && f[0] == "99%":
			res.p99 = parseWrkDuration(f[1])
		case len(f) == 5 && f[0] == "Non-2xx":
			res.non2xx, _ = strconv.ParseInt(f[4], 10, 64)
		case len(f) > 1 && f[0] == "failoverkit:":
			res.exhausted = !slices.Contains(f, "exhausted=0")
		case len(f) > 1 && f[0] == "failoverkit-first-non2xx:":
			res.firstBad = strings.Join(f[1:], " ")
		}
	}
	if res.rps == 0 || res.p99 == 0 {
		tb.Fatalf("cannot read wrk's output:\n%s", out)
	}
	return res
}

// parseWrkDuration reads wrk's "1.23ms", "456.00us" or "1.20s".
func parseWrkDuration(s string) time.Duration {
	d, err := time.ParseDuration(strings.Replace(s, "us", "µs", 1))
	if err != nil {
		return 0
	}
	return d
}

// extTotals sums the wrk runs of one server.
type extTotals struct {
	runs         int
	requests     int64
	rps          float64 // mean of the runs
	p50, p99     time.Duration
	cpu          time.Duration
	non2xx       int64
	anyExhausted bool
	firstBad     string
}

func (t *extTotals) add(r wrkResult) {
	t.runs++
	t.requests += r.requests
	t.rps += (r.rps - t.rps) / float64(t.runs)
	t.p50 = max(t.p50, r.p50) // the worst run's percentiles
	t.p99 = max(t.p99, r.p99)
	t.cpu += r.cpu
	t.non2xx += r.non2xx
	t.anyExhausted = t.anyExhausted || r.exhausted
	if t.firstBad == "" {
		t.firstBad = r.firstBad
	}
}

func (t extTotals) cpuPerRequest() time.Duration {
	if t.requests == 0 {
		return 0
	}
	return t.cpu / time.Duration(t.requests)
}

// extScenario is one row of BenchmarkExternal: how to set the mock up and
// which wrk script and arguments load it.
type extScenario struct {
	name string
	api  spec.API
	// prepare sets the mock m at base up and returns the bare server and,
	// per mock run, the wrk arguments (script first), resetting state the
	// runs use up.
	prepare func(tb testing.TB, m *Mock, base string) (*bareServer, func(tb testing.TB) []string)
}

func extScenarios() []extScenario {
	return []extScenario{
		{name: "vcav-task-read", api: spec.VCAV, prepare: extTaskRead(spec.VCAV)},
		{name: "vcav-failover+poll", api: spec.VCAV, prepare: extVCAVFailover},
		{name: "vcha-task-read", api: spec.VCHA, prepare: extTaskRead(spec.VCHA)},
		{name: "vcha-failover+poll", api: spec.VCHA, prepare: extVCHAFailover},
	}
}

// extTaskRead: one failover is run and finished, then every request reads
// its task with the session's token.
func extTaskRead(api spec.API) func(testing.TB, *Mock, string) (*bareServer, func(testing.TB) []string) {
	return func(tb testing.TB, m *Mock, base string) (*bareServer, func(testing.TB) []string) {
		run := prepareTaskRead(api)(tb, m, base)
		token, read := run.token, run.read
		header := "X-VCAV-Auth"
		if api == spec.VCHA {
			header = "vmware-api-session-id"
		}
		return run.bare, func(testing.TB) []string { return []string{"read.lua", read.target, header, token} }
	}
}

// extVCAVFailover: before the first mock run, a fixture with
// -ext.replications generated NOT_STARTED replications is loaded (and not
// kept by the benchmark: the process's heap is the mock's), before each
// later one the mock is reset to it (ResetToLast); then a session is
// opened. wrk's threads each fail over their share of the replications,
// polling each task.
func extVCAVFailover(tb testing.TB, m *Mock, base string) (*bareServer, func(testing.TB) []string) {
	run := prepareVCAVFailover(tb, m, base)
	fixture, err := GenerateReplications(*extRepls)
	if err != nil {
		tb.Fatal(err)
	}
	budget := strconv.Itoa(*extRepls / *extThreads)
	return run.bare, func(tb testing.TB) []string {
		load := m.ResetToLast
		if fixture != nil {
			f := fixture
			load, fixture = func() error { return m.LoadFixture(f) }, nil
		}
		if err := load(); err != nil {
			tb.Fatal(err)
		}
		token, _ := captureSession(tb, spec.VCAV, base)
		return []string{"failover.lua", "vcav", token, budget}
	}
}

// extVCHAFailover: every connection fails the cluster over and polls the
// task until it has finished.
func extVCHAFailover(tb testing.TB, m *Mock, base string) (*bareServer, func(testing.TB) []string) {
	run := prepareVCHAFailover(tb, m, base)
	return run.bare, func(testing.TB) []string { return []string{"failover.lua", "vcha", run.token} }
}

// extHeader is the header of the Markdown table BenchmarkExternal prints.
const extHeader = "| Scenario | Mock req/s | Bare req/s | Mock/bare req/s | Mock p50 / p99 µs | Bare p50 / p99 µs | p99 mock/bare | Server CPU µs/req mock / bare | CPU mock/bare |"

// BenchmarkExternal loads the mock and a bare server replaying the mock's
// own answers with wrk, an external load generator (64 connections on
// loopback by default), in alternating runs, and reports per scenario
// wrk's req/s and latency percentiles and the server's CPU time per
// request (getrusage of this process, which only serves: wrk runs apart),
// with the mock/bare ratios. Without wrk on PATH it is skipped (make bench
// installs it). It prints figures and never fails on a timing.
func BenchmarkExternal(b *testing.B) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		b.Skip("wrk not found on PATH: install it (apt-get install -y wrk) to run BenchmarkExternal")
	}
	for _, sc := range extScenarios() {
		b.Run(sc.name, func(b *testing.B) {
			for range b.N {
				runExternal(b, wrk, sc)
			}
		})
	}
}

// runExternal measures one scenario: a warm-up run on each server, then
// -ext.rounds alternating mock and bare runs.
func runExternal(b *testing.B, wrk string, sc extScenario) {
	m, err := New(WithInstantTasks())
	if err != nil {
		b.Fatal(err)
	}
	mockH := &countingHandler{h: m.Handler(sc.api)}
	mockURL, stopMock := serveLoopback(b, mockH)
	defer stopMock()
	bare, argsFor := sc.prepare(b, m, mockURL)
	bareH := &countingHandler{h: bare}
	bareURL, stopBare := serveLoopback(b, bareH)
	defer stopBare()
	var mock, bareTot extTotals
	stopProf := func() {}
	for round := range max(1, *extRounds) + 1 {
		args := argsFor(b)
		if round > 0 {
			stopProf = startProfile(b, *extProf, sc.name)
		}
		mr := runWrk(b, wrk, mockURL, mockH, args[0], args[1:]...)
		stopProf()
		br := runWrk(b, wrk, bareURL, bareH, args[0], args[1:]...)
		if round == 0 {
			continue // warm-up
		}
		mock.add(mr)
		bareTot.add(br)
	}
	if mock.non2xx > 0 || bareTot.non2xx > 0 || mock.anyExhausted {
		b.Errorf("%s: non-2xx answers (mock %d, bare %d; first: %q) or replications used up (%v; raise -ext.replications): the figures are not valid",
			sc.name, mock.non2xx, bareTot.non2xx, mock.firstBad+bareTot.firstBad, mock.anyExhausted)
	}
	reportExternal(b, sc.name, mock, bareTot)
}

// reportExternal reports the figures as metrics and one Markdown row.
func reportExternal(b *testing.B, name string, mock, bare extTotals) {
	us := func(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
	rpsRatio, p99Ratio := mock.rps/bare.rps, float64(mock.p99)/float64(bare.p99)
	cpuRatio := float64(mock.cpuPerRequest()) / float64(bare.cpuPerRequest())
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(mock.rps, "mock-req/s")
	b.ReportMetric(bare.rps, "bare-req/s")
	b.ReportMetric(rpsRatio, "req/s-x-bare")
	b.ReportMetric(p99Ratio, "p99-x-bare")
	b.ReportMetric(us(mock.cpuPerRequest()), "mock-cpu-µs/req")
	b.ReportMetric(us(bare.cpuPerRequest()), "bare-cpu-µs/req")
	b.Logf("%s\n| %s | %.0f | %.0f | %.2fx | %.0f / %.0f | %.0f / %.0f | %.2fx | %.1f / %.1f | %.2fx |",
		extHeader, name, mock.rps, bare.rps, rpsRatio, us(mock.p50), us(mock.p99), us(bare.p50), us(bare.p99), p99Ratio,
		us(mock.cpuPerRequest()), us(bare.cpuPerRequest()), cpuRatio)
}
