// Command failoverkit runs the failoverkit mock, conformance suite and
// validating proxy.
//
//	failoverkit mock   [flags]   serve both mock APIs
//	failoverkit check  [flags]   run the conformance suite (default: against the embedded mock)
//	failoverkit proxy  [flags]   forward traffic to a vendor and validate it against the spec
//	failoverkit version [--json] print the version, commit, build time and Go version
//
// Run `failoverkit <command> -h` for each command's flags.
package main
