package main

import (
	"errors"

	"github.com/failoverkit/failoverkit/client"
)

// Small readers of the generated models and client errors, shared by the
// two failover kinds.

// deref is *p, or "" when p is nil.
func deref[T ~string](p *T) T {
	if p == nil {
		return ""
	}
	return *p
}

// isStatus reports whether err is a vendor error answered with status.
func isStatus(err error, status int) bool {
	var ve *client.VCAVError
	var he *client.VCHAError
	return (errors.As(err, &ve) && ve.Status == status) || (errors.As(err, &he) && he.Status == status)
}

// orDash is s, or "-" when s is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
