package server

import (
	"container/list"
	"time"
)

// Session caps (Config.MaxSessions, Config.MaxSessionsPerUser; --max-sessions,
// --max-sessions-per-user), per API.
const (
	DefaultMaxSessions        = 10000
	DefaultMaxSessionsPerUser = 1000
)

// sessionLRU orders a store's sessions from least to most recently used
// and counts them per user, so the caps cost O(1) per login and lookup
// (finding a user's oldest walks from the oldest session, and stops at
// the first of that user's).
type sessionLRU struct {
	maxTotal, maxPerUser int
	order                *list.List // of *Session
	perUser              map[string]int
}

func (l *sessionLRU) init() {
	l.order, l.perUser = list.New(), map[string]int{}
}

func (l *sessionLRU) track(sess *Session) {
	sess.elem = l.order.PushBack(sess)
	l.perUser[sess.User.Name]++
}

func (l *sessionLRU) touch(sess *Session) {
	if sess.elem != nil {
		l.order.MoveToBack(sess.elem)
	}
}

func (l *sessionLRU) forget(sess *Session) {
	if sess.elem == nil {
		return
	}
	l.order.Remove(sess.elem)
	sess.elem = nil
	if l.perUser[sess.User.Name]--; l.perUser[sess.User.Name] <= 0 {
		delete(l.perUser, sess.User.Name)
	}
}

// makeRoom ends sessions so one more of user fits under both caps: the
// user's least recently used session when the user is at the per-user
// cap, then, when the store is full, expired sessions or else the least
// recently used of all. A session ended this way answers 401 in the
// vendor's shape on its next use, as an expired one does, and clients
// log in again.
func (s *sessionStore) makeRoom(user string, now time.Time) {
	if s.lru.maxPerUser > 0 && s.lru.perUser[user] >= s.lru.maxPerUser {
		for e := s.lru.order.Front(); e != nil; e = e.Next() {
			if sess := e.Value.(*Session); sess.User.Name == user {
				s.drop(sess)
				break
			}
		}
	}
	if s.lru.maxTotal > 0 && len(s.byKey) >= s.lru.maxTotal {
		s.sweep(now)
		if e := s.lru.order.Front(); e != nil && len(s.byKey) >= s.lru.maxTotal {
			s.drop(e.Value.(*Session))
		}
	}
}

// drop ends sess.
func (s *sessionStore) drop(sess *Session) {
	s.lru.forget(sess)
	delete(s.byKey, sess.key)
}

// limit sets the caps (non-positive: no cap).
func (s *sessionStore) limit(total, perUser int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lru.maxTotal, s.lru.maxPerUser = total, perUser
}
