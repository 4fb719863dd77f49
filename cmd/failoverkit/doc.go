// Command failoverkit runs the failoverkit mock, conformance suite and
// validating proxy, and performs failovers with preflight checks.
//
//	failoverkit mock   [flags]   serve both mock APIs
//	failoverkit check  [flags]   run the conformance suite (default: against the embedded mock)
//	failoverkit proxy  [flags]   forward traffic to a vendor and validate it against the spec
//	failoverkit failover vcav --replication ID | vcha [flags]
//	                             preflight, confirm, fail over, follow the task
//	failoverkit version [--json] print the version, commit, build time and Go version
//
// Run `failoverkit <command> -h` for each command's flags.
package main
