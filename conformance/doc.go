// Package conformance is failoverkit's conformance suite: it checks that a
// VMware Cloud Director Availability (VCAV) endpoint and a vSphere VCHA
// endpoint answer the way failoverkit's OpenAPI documents (package spec) say,
// including the documented answers recorded as "failoverkit choice:"
// sentences.
//
// Every request goes through kin-openapi's standard chain, wrapped by
// internal/oasvalidate: the spec is loaded and validated once, each request
// is routed with spec.Router, a request a case means to be valid is
// validated before it is sent (a failure there is a bug in the case), and
// every response is validated with IncludeResponseStatus, so an undocumented
// status, a wrong content type, a missing promised header (X-VCAV-Auth on
// login) or a body that does not fit its schema is a Finding. A Finding
// names the case, the operation, the status and the exact field, shows an
// excerpt of the offending body with secrets redacted, and unwraps to the
// kin-openapi error behind it (use errors.As).
//
// Beyond the schema, every answer is decoded into the generated models of
// gen/ (an integer written 40.0 is a finding) and held to the behaviour
// the spec promises (answers.go, vcav_answers.go, vcha_answers.go): ids
// agree with the request, times are plausible and ordered, the polls of a
// task agree with each other, and reads of one object through other
// operations agree. A departure from a failoverkit choice by a real
// appliance is a Finding at LevelNote, which never fails a run.
//
// Before any case, preflight (preflight.go) checks what only the user can
// fix: each URL answers as its API, the credentials log in, the named
// replications exist, the selection holds a case; a failure is one
// *PreflightError.
//
// # Running
//
// Check runs every case against a Target and returns a Report (text, JSON
// and JUnit writers); Run does the same inside go test with one subtest per
// case. StartMock starts failoverkit's own mock in-process and returns a
// Target for it; this is what `failoverkit check` without flags does.
//
//	rep, err := conformance.Check(ctx, conformance.Target{
//		VCAVURL:     "https://vcda.example.com",
//		Credentials: conformance.CredentialsFromEnv(os.Getenv),
//	})
//
// # Safety
//
// Cases are tagged with their API, operation, kind (positive, negative,
// auth, stateful) and whether they are destructive: whether they can start
// a failover on the target. Against a target that is not a failoverkit mock,
// destructive cases run only with Target.AllowDestructive, and VCAV cases
// that need a replication in some state use only the replications named in
// Target.VCAVReplications (VM) and Target.VCAVVappReplications (vApp; a
// delete also needs Target.AllowDelete); everything else aims at objects
// that do not exist. Against a mock (Target.Mock), the suite resets the mock through its
// control API before every case and finds or creates the state a case needs.
//
// Credentials come from the environment or a file (see Credentials), never
// from flags. No password or session token appears in any report, finding
// or log line: known secrets are replaced by [REDACTED] and fields whose
// names suggest a secret are blanked in excerpts.
//
// # Proxy
//
// Proxy is an http.Handler that forwards traffic to a vendor endpoint
// unchanged and validates every request and response against the spec,
// logging each violation as it happens; `failoverkit proxy` serves it.
package conformance
