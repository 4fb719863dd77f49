// Package tlsclient is failoverkit's one TLS client setup, used by the
// client package and the conformance suite: TLS 1.2 or later, the system
// roots plus any CA certificates given, and verification skipped only on
// an explicit opt-in.
package tlsclient
