package server

import (
	"container/list"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"sync"
	"time"
)

// Session is a logged-in user of one API.
type Session struct {
	User       User
	Created    time.Time
	LastAccess time.Time
	// Realms are the further realms the session has been extended to, each
	// with the identity it has there (VCAV: remote site → organization).
	// The map is never changed in place: extend replaces it, so copies of a
	// Session may share it.
	Realms map[string]string
	key    [sha256.Size]byte
	elem   *list.Element // in the store's LRU order
}

// sessionStore keeps the sessions of one API. Tokens come from the API's
// minter (hexToken unless it declares another), random bits from
// crypto/rand. Only their SHA-256 is stored and looked up,
// so a lookup's timing depends on the hash, not on how much of a guessed
// token is right, and a dump of the store reveals no usable token.
type sessionStore struct {
	mu    sync.Mutex
	clock Clock
	idle  time.Duration
	byKey map[[sha256.Size]byte]*Session
	// sweepAt is the store size at which the next login sweeps out expired
	// sessions (see create).
	sweepAt int
	// lru orders sessions by last use and enforces the caps (sessioncaps.go).
	lru sessionLRU
	// mint makes a new token.
	mint func() (string, error)
}

// hexToken is a token of 128 random bits, hex-encoded (32 characters).
func hexToken() (string, error) {
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(raw[:]), nil
}

// base64Token is a token of 160 random bits in standard base64: 28
// characters with +, / and = (the shape of VCDA's tokens, VMware KB 315136).
func base64Token() (string, error) {
	var raw [20]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(raw[:]), nil
}

// minSweepAt is the smallest store size that triggers a sweep.
const minSweepAt = 1024

func newSessionStore(clock Clock, idle time.Duration, mint func() (string, error)) *sessionStore {
	if mint == nil {
		mint = hexToken
	}
	s := &sessionStore{clock: clock, idle: idle, byKey: map[[sha256.Size]byte]*Session{}, mint: mint}
	s.lru.init()
	return s
}

// create logs u in and returns the new token and a copy of the session.
func (s *sessionStore) create(u User) (string, Session, error) {
	token, err := s.mint()
	if err != nil {
		return "", Session{}, err
	}
	now := s.clock.Now()
	sess := &Session{User: u, Created: now, LastAccess: now, key: sha256.Sum256([]byte(token))}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.byKey) >= s.sweepAt {
		s.sweep(now)
		s.sweepAt = max(2*len(s.byKey), minSweepAt)
	}
	s.makeRoom(u.Name, now)
	s.byKey[sess.key] = sess
	s.lru.track(sess)
	return token, *sess, nil
}

// lookup returns the live session of token and marks it used. A session idle
// for longer than the timeout is deleted and not found.
func (s *sessionStore) lookup(token string) (Session, bool) {
	if token == "" {
		return Session{}, false
	}
	key := sha256.Sum256([]byte(token))
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byKey[key]
	if !ok {
		return Session{}, false
	}
	if s.expired(sess, now) {
		s.drop(sess)
		return Session{}, false
	}
	sess.LastAccess = now
	s.lru.touch(sess)
	return *sess, true
}

// extend records that the live session sess is now also authenticated to
// realm as id, and returns the updated copy; false when it has ended.
func (s *sessionStore) extend(sess Session, realm, id string) (Session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	live, ok := s.byKey[sess.key]
	if !ok {
		return Session{}, false
	}
	realms := make(map[string]string, len(live.Realms)+1)
	for k, v := range live.Realms {
		realms[k] = v
	}
	realms[realm] = id
	live.Realms = realms
	return *live, true
}

// remove ends the session (logout). It reports whether it was live.
func (s *sessionStore) remove(sess Session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	live, ok := s.byKey[sess.key]
	if ok {
		s.drop(live)
	}
	return ok
}

// reset ends every session.
func (s *sessionStore) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byKey = map[[sha256.Size]byte]*Session{}
	s.sweepAt = 0
	s.lru.init()
}

func (s *sessionStore) expired(sess *Session, now time.Time) bool {
	return s.idle > 0 && now.Sub(sess.LastAccess) > s.idle
}

// sweep drops expired sessions so abandoned logins cannot pile up. Logins
// call it only when the store has doubled since the last sweep (and holds at
// least minSweepAt sessions), so a login costs O(1) amortized instead of a
// scan of every session, lookups stay O(1), and the store never holds more
// than about twice its live sessions.
func (s *sessionStore) sweep(now time.Time) {
	for _, sess := range s.byKey {
		if s.expired(sess, now) {
			s.drop(sess)
		}
	}
}
