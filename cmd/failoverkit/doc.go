// Command failoverkit runs the failoverkit mock, conformance suite and
// validating proxy.
//
//	failoverkit mock   [flags]   serve both mock APIs
//	failoverkit check  [flags]   run the conformance suite (default: against the embedded mock)
//	failoverkit proxy  [flags]   forward traffic to a vendor and validate it against the spec
//
// Run `failoverkit <command> -h` for each command's flags.
package main
