// Package bench holds benchmarks that span packages: the wall time of the
// whole conformance suite against the embedded mock (what `failoverkit
// check` runs without a target). The mock's own benchmarks live next to it
// in package server; `make bench` runs them all, and BENCHMARKS.md keeps
// the figures.
package bench
