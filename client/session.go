package client

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// errNoCredentials is returned by session.relogin when the client keeps no
// credentials (WithoutRelogin, or after Logout).
var errNoCredentials = errors.New("no credentials kept")

// session holds the session token of a client and, unless WithoutRelogin
// was given, the credentials it logged in with. Both sit behind atomic
// pointers, so that even reflection-based printing of a client (for example
// fmt's %s of a VCAV value, which bypasses its Format method) shows an
// address rather than a secret; session also implements fmt.Formatter.
type session struct {
	token atomic.Pointer[string]
	// retired is the token a re-login replaced, still redacted from errors
	// in case a server echoes it.
	retired atomic.Pointer[string]
	creds   atomic.Pointer[credentials]
	// loginMu serialises re-logins, and Logout's forgetting of the
	// credentials with them.
	loginMu sync.Mutex
}

// credentials are what a client logged in with, kept to log in again when
// the sessions are lost (a vCenter HA failover ends them all).
type credentials struct {
	// login creates a new session with the same credentials and stores its
	// token in the session.
	login func(ctx context.Context) error
	// secrets are the credential strings to keep out of error text (the
	// password and its encodings).
	secrets []string
}

// get returns the current token, or "".
func (s *session) get() string {
	if p := s.token.Load(); p != nil {
		return *p
	}
	return ""
}

// set replaces the token.
func (s *session) set(token string) { s.token.Store(&token) }

// clearIf forgets the token if it is still token.
func (s *session) clearIf(token string) {
	if p := s.token.Load(); p != nil && *p == token {
		s.token.CompareAndSwap(p, nil)
	}
}

// remember keeps c for later re-logins.
func (s *session) remember(c *credentials) { s.creds.Store(c) }

// forget drops the kept credentials, waiting for a re-login in progress.
func (s *session) forget() {
	s.loginMu.Lock()
	defer s.loginMu.Unlock()
	s.creds.Store(nil)
}

// canRelogin reports whether credentials are kept.
func (s *session) canRelogin() bool { return s.creds.Load() != nil }

// relogin logs in again with the kept credentials, unless another caller
// already replaced stale, the token that the server refused.
func (s *session) relogin(ctx context.Context, stale string) error {
	s.loginMu.Lock()
	defer s.loginMu.Unlock()
	if cur := s.get(); cur != "" && cur != stale {
		return nil
	}
	c := s.creds.Load()
	if c == nil {
		return errNoCredentials
	}
	if err := c.login(ctx); err != nil {
		return err
	}
	if stale != "" && stale != s.get() {
		s.retired.Store(&stale)
	}
	return nil
}

// secrets returns every secret the session knows: the tokens and the kept
// credentials.
func (s *session) secrets() redactor {
	r := redactor{s.get()}
	if p := s.retired.Load(); p != nil {
		r = append(r, *p)
	}
	if c := s.creds.Load(); c != nil {
		r = append(r, c.secrets...)
	}
	return r
}

// Format prints whether a token is held, never the token or credentials.
func (s *session) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprintf(f, "session{loggedIn: %t}", s.get() != "")
}
