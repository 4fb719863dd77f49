// Command failoverkit runs the failoverkit mock, conformance suite and
// validating proxy, and performs failovers and the rest of the VCDA DR
// lifecycle with preflight checks.
//
//	failoverkit mock   [flags]   serve both mock APIs
//	failoverkit check  [flags]   run the conformance suite (default: against the embedded mock)
//	failoverkit proxy  [flags]   forward traffic to a vendor and validate it against the spec
//	failoverkit failover vcav (--replication ID | --vapp ID) [--op OP] | vcha [flags]
//	                             preflight, confirm, fail over (or test, cleanup, migrate,
//	                             reverse, sync, pause, resume), follow the task
//	failoverkit version [--json] print the version, commit, build time and Go version
//
// Run `failoverkit <command> -h` for each command's flags.
package main
