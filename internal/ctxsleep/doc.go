// Package ctxsleep is failoverkit's one context-aware sleep, used by the
// mock's latency faults and the conformance suite's polling.
package ctxsleep
