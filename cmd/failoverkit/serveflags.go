package main

import (
	"flag"

	"github.com/failoverkit/failoverkit/server"
)

// addServerFlags binds the flags every failoverkit server (mock and proxy)
// takes for its connection timeouts and cap to sc's fields.
func addServerFlags(fs *flag.FlagSet, sc *server.ServeConfig) {
	fs.DurationVar(&sc.ReadHeaderTimeout, "read-header-timeout", server.DefaultReadHeaderTimeout, "cut off a client that has not sent its request headers in this time")
	fs.DurationVar(&sc.ReadTimeout, "read-timeout", server.DefaultReadTimeout, "cut off a client that has not sent its whole request, body included, in this time")
	fs.DurationVar(&sc.WriteTimeout, "write-timeout", server.DefaultWriteTimeout, "bound handling a request and writing its answer")
	fs.DurationVar(&sc.IdleTimeout, "idle-timeout", server.DefaultIdleTimeout, "close keep-alive connections idle this long")
	fs.IntVar(&sc.MaxConns, "max-conns", server.DefaultMaxConns, "most connections open at once per listener; at the cap the longest-idle keep-alive connection is closed, or new ones wait")
}
