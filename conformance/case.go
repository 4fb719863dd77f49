package conformance

import (
	"context"
	"slices"

	"github.com/failoverkit/failoverkit/spec"
)

// Kind classifies what a case exercises.
type Kind string

// Kinds of case.
const (
	// KindPositive: a valid call gets the documented success.
	KindPositive Kind = "positive"
	// KindNegative: an invalid call, or a call on an object that does not
	// exist, gets the documented error.
	KindNegative Kind = "negative"
	// KindAuth: authentication and authorization are enforced.
	KindAuth Kind = "auth"
	// KindStateful: the case needs an object in a given state, or checks the
	// state an operation leaves behind.
	KindStateful Kind = "stateful"
)

// Case is one conformance check. Its Name is stable across releases (use it
// to select cases and to track results over time).
type Case struct {
	// Name is "<api>.<area>.<what>", e.g. vcav.failover.unknown-replication.
	Name string `json:"name"`
	// API is the API the case calls.
	API spec.API `json:"api"`
	// Operation is the operationId the case is about.
	Operation string `json:"operation"`
	// Kind is what the case exercises.
	Kind Kind `json:"kind"`
	// Destructive cases can start a failover on the target, if only on a
	// server that does not conform. They run against a target that is not a
	// mock only with Target.AllowDestructive.
	Destructive bool `json:"destructive"`
	// Summary says in one sentence what the case checks.
	Summary string `json:"summary"`

	run func(ctx context.Context, r *caseRun) error
	// anonymous cases need no credentials (preflight asks for none).
	anonymous bool
}

// Tags lists the case's tags: "api:vcav", "operation:login", "kind:auth"
// and "destructive" or "safe".
func (c Case) Tags() []string {
	safety := "safe"
	if c.Destructive {
		safety = "destructive"
	}
	return []string{"api:" + string(c.API), "operation:" + c.Operation, "kind:" + string(c.Kind), safety}
}

// Cases returns every case in the order Check runs them: VCAV first, then
// VCHA; within an API, reads and refusals before the failovers that change
// state.
func Cases() []Case {
	return slices.Concat(vcavCases(), vchaCases())
}
