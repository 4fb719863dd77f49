package server

import (
	"container/list"
	"log"
	"net"
	"net/http"
	"sync"
)

// DefaultMaxConns is how many connections a listener holds open at once
// unless ServeConfig.MaxConns says otherwise (--max-conns).
const DefaultMaxConns = 1000

// connLimiter caps the connections of one listener. At the cap it closes
// the connection idle the longest (a keep-alive waiting for its next
// request) to make room; when every connection is busy, new ones wait in
// the kernel's backlog until one closes. So idle keep-alives cannot starve
// real clients, and busy connections are never cut.
type connLimiter struct {
	net.Listener
	max int

	mu     sync.Mutex
	open   int
	idle   *list.List // of net.Conn, longest idle first
	idleAt map[net.Conn]*list.Element
	freed  chan struct{}
	closed chan struct{}
	once   sync.Once
}

func newConnLimiter(ln net.Listener, max int) *connLimiter {
	return &connLimiter{Listener: ln, max: max, idle: list.New(), idleAt: map[net.Conn]*list.Element{},
		freed: make(chan struct{}, 1), closed: make(chan struct{})}
}

// Accept waits for room under the cap, then accepts.
func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		l.mu.Lock()
		if l.open < l.max {
			l.open++
			l.mu.Unlock()
			break
		}
		var victim net.Conn
		if e := l.idle.Front(); e != nil {
			victim = e.Value.(net.Conn)
			l.forgetIdle(victim)
		}
		l.mu.Unlock()
		if victim != nil {
			_ = victim.Close() // its StateClosed frees a slot
		}
		select {
		case <-l.freed:
		case <-l.closed:
			return nil, net.ErrClosed
		}
	}
	c, err := l.Listener.Accept()
	if err != nil {
		l.release()
	}
	return c, err
}

// Close stops Accept and closes the listener.
func (l *connLimiter) Close() error {
	l.once.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

// connState tracks idle and closed connections (http.Server.ConnState).
func (l *connLimiter) connState(c net.Conn, s http.ConnState) {
	l.mu.Lock()
	switch s {
	case http.StateIdle:
		if _, ok := l.idleAt[c]; !ok {
			l.idleAt[c] = l.idle.PushBack(c)
		}
		l.mu.Unlock()
		l.signal() // an Accept waiting at the cap may now close it
		return
	case http.StateActive:
		l.forgetIdle(c)
	case http.StateClosed, http.StateHijacked:
		l.forgetIdle(c)
		l.mu.Unlock()
		l.release()
		return
	}
	l.mu.Unlock()
}

func (l *connLimiter) forgetIdle(c net.Conn) {
	if e, ok := l.idleAt[c]; ok {
		l.idle.Remove(e)
		delete(l.idleAt, c)
	}
}

func (l *connLimiter) release() {
	l.mu.Lock()
	l.open--
	l.mu.Unlock()
	l.signal()
}

// signal wakes an Accept waiting at the cap.
func (l *connLimiter) signal() {
	select {
	case l.freed <- struct{}{}:
	default:
	}
}

// NewHTTPServer listens on addr and returns a server for h with sc's
// timeouts, header cap and connection cap (each zero one taking its
// default), and the listener to Serve it on. Mock.Listen and `failoverkit
// proxy` use it. errLog may be nil.
func NewHTTPServer(h http.Handler, addr string, sc ServeConfig, errLog *log.Logger) (*http.Server, net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	srv, limited := limitConns(newHTTPServer(h, sc, errLog), ln, sc.MaxConns)
	return srv, limited, nil
}

// limitConns caps srv's connections on ln at max (DefaultMaxConns when not
// positive) and returns srv and the capped listener.
func limitConns(srv *http.Server, ln net.Listener, max int) (*http.Server, net.Listener) {
	if max <= 0 {
		max = DefaultMaxConns
	}
	l := newConnLimiter(ln, max)
	srv.ConnState = l.connState
	return srv, l
}
