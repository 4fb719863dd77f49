package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

// validationCase is one operation exchange the validation benchmarks run:
// the request and the answer the mock really gave to it.
type validationCase struct {
	name   string
	call   benchCall
	answer benchAnswer
}

// validationCases captures, from a mock with instant tasks, a failover and a
// read of its finished task on each API.
func validationCases(b *testing.B) []validationCase {
	b.Helper()
	m, err := New(WithInstantTasks(), WithClock(NewManualClock(testStart)))
	if err != nil {
		b.Fatal(err)
	}
	var out []validationCase
	for _, api := range builtinAPINames() {
		h := m.Handler(api)
		token := benchSession(b, h, api)
		failover := vcavFailoverCall(token, vcavReadyID)
		if api == spec.VCHA {
			failover = vchaFailoverCall(token)
		}
		fa := serveCall(h, failover)
		id, err := taskIDOf(api, fa.body)
		if err != nil {
			b.Fatal(err)
		}
		task := vcavTaskCall(token, id)
		if api == spec.VCHA {
			task = vchaTaskCall(token, id)
		}
		ta := serveCall(h, task)
		if fa.status != http.StatusAccepted || ta.status != http.StatusOK {
			b.Fatalf("%s capture: failover %d, task %d %s", api, fa.status, ta.status, ta.body)
		}
		out = append(out,
			validationCase{name: string(api) + "-failover", call: failover, answer: fa},
			validationCase{name: string(api) + "-getTask", call: task, answer: ta})
	}
	return out
}

// BenchmarkValidateRequest measures what the pipeline does to each request
// before a handler runs: route it with the spec and validate its
// parameters, security and body (kin-openapi openapi3filter).
func BenchmarkValidateRequest(b *testing.B) {
	for _, vc := range validationCases(b) {
		b.Run(vc.name, func(b *testing.B) {
			v, err := oasvalidate.New(vc.call.api)
			if err != nil {
				b.Fatal(err)
			}
			req := vc.call.request()
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				req.Body = io.NopCloser(bytes.NewReader(vc.call.body))
				route, params, err := v.Route(req)
				if err != nil {
					b.Fatal(err)
				}
				if err := v.ValidateRequest(ctx, req, route, params); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkValidateResponse measures validating the mock's real answer to
// each operation against the spec (what the conformance suite, the proxy
// and the tests' validating transport do).
func BenchmarkValidateResponse(b *testing.B) {
	for _, vc := range validationCases(b) {
		b.Run(vc.name, func(b *testing.B) {
			v, err := oasvalidate.New(vc.call.api)
			if err != nil {
				b.Fatal(err)
			}
			req := vc.call.request()
			route, params, err := v.Route(req)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				a := vc.answer
				if err := v.ValidateResponse(ctx, req, route, params, a.status, a.header, a.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHandler measures one whole exchange through the mock's handler
// in-process (no network): request logging, routing, session lookup,
// validation, the handler and JSON encoding.
func BenchmarkHandler(b *testing.B) {
	for _, vc := range validationCases(b) {
		if vc.call.method != http.MethodGet {
			continue // a failover changes state; the load benchmark covers it
		}
		b.Run(vc.name, func(b *testing.B) {
			m, err := New(WithInstantTasks(), WithClock(NewManualClock(testStart)))
			if err != nil {
				b.Fatal(err)
			}
			h := m.Handler(vc.call.api)
			call := benchTaskOf(b, h, vc.call.api)
			b.ReportAllocs()
			for b.Loop() {
				if a := serveCall(h, call); a.status != http.StatusOK {
					b.Fatalf("%d %s", a.status, a.body)
				}
			}
		})
	}
}

// BenchmarkFailoverHandler measures a failover followed by the read of its
// (instant) task through the mock's handler in-process; each VCAV
// iteration fails over one of 64 replications, put back to NOT_STARTED
// after its task finished.
func BenchmarkFailoverHandler(b *testing.B) {
	for _, api := range builtinAPINames() {
		b.Run(string(api), func(b *testing.B) {
			m, err := New(WithInstantTasks(), WithClock(NewManualClock(testStart)), WithFixture(benchFixture(b, 64)))
			if err != nil {
				b.Fatal(err)
			}
			h := m.Handler(api)
			token := benchSession(b, h, api)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				benchFailoverOnce(b, m, h, api, token, benchReplicationID(i%64))
				i++
			}
		})
	}
}

// benchFailoverOnce fails over (replication id on VCAV), reads the task and
// puts the replication back to NOT_STARTED.
func benchFailoverOnce(b *testing.B, m *Mock, h http.Handler, api spec.API, token, id string) {
	failover := vchaFailoverCall(token)
	if api == spec.VCAV {
		failover = vcavFailoverCall(token, id)
	}
	a := serveCall(h, failover)
	taskID, err := taskIDOf(api, a.body)
	if err != nil || a.status != http.StatusAccepted {
		b.Fatalf("failover: %d %s", a.status, a.body)
	}
	read := vchaTaskCall(token, taskID)
	if api == spec.VCAV {
		read = vcavTaskCall(token, taskID)
	}
	if a := serveCall(h, read); a.status != http.StatusOK {
		b.Fatalf("task: %d %s", a.status, a.body)
	}
	if api == spec.VCAV {
		m.vcavSim().mu.Lock()
		vcavSetRecoveryState(m.vcavSim().repls[id], vcav.RecoveryStateNOTSTARTED, testStart)
		m.vcavSim().mu.Unlock()
	}
}

// benchTaskOf logs in, fails over and returns the read of the finished
// task, on a fresh mock's handler h.
func benchTaskOf(b testing.TB, h http.Handler, api spec.API) benchCall {
	b.Helper()
	token := benchSession(b, h, api)
	failover := vcavFailoverCall(token, vcavReadyID)
	if api == spec.VCHA {
		failover = vchaFailoverCall(token)
	}
	id, err := taskIDOf(api, serveCall(h, failover).body)
	if err != nil {
		b.Fatal(err)
	}
	if api == spec.VCHA {
		return vchaTaskCall(token, id)
	}
	return vcavTaskCall(token, id)
}
