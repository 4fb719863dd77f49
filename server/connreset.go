package server

import (
	"net"

	"github.com/labstack/echo/v4"
)

// resetConnection drops the request's connection the way a host with
// nothing listening drops it: the server takes the connection over from
// net/http (http.Hijacker), sets SO_LINGER to 0 so closing it sends a TCP
// RST rather than a FIN, and closes it (below TLS) once the request log
// holds the request; the client sees "connection reset by peer" and no HTTP
// answer. It reports false, touching nothing, when the
// connection cannot be taken over (HTTP/2, an in-process recorder).
func resetConnection(c echo.Context) bool {
	if c.Request().ProtoMajor != 1 {
		return false
	}
	conn, _, err := c.Response().Hijack()
	if err != nil {
		return false
	}
	if tcp, ok := underlyingTCP(conn); ok {
		// Close TCP itself: closing TLS would first send close_notify,
		// which the client reads as a clean EOF.
		_ = tcp.SetLinger(0) // best effort: a FIN still ends the exchange
		conn = tcp
	}
	c.Response().Status = 0 // the request log's mark of an answer never sent
	if st, ok := c.Request().Context().Value(stateKey{}).(*requestState); ok {
		st.drop = conn // closed once the request log holds the request
	} else {
		_ = conn.Close() // the exchange ends here either way
	}
	return true
}

// underlyingTCP unwraps conn (TLS, and any wrapper exposing NetConn) to its
// TCP connection.
func underlyingTCP(conn net.Conn) (*net.TCPConn, bool) {
	for range 8 {
		switch c := conn.(type) {
		case *net.TCPConn:
			return c, true
		case interface{ NetConn() net.Conn }:
			conn = c.NetConn()
		default:
			return nil, false
		}
	}
	return nil, false
}
