package server

import (
	"cmp"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RequestRecord is one request the mock answered, as kept in the request log.
// It holds no header, and of a mutating request's body only the JSON with
// every secret-named field REDACTED, so no credential can end up in it.
type RequestRecord struct {
	Time        time.Time `json:"time"`
	API         string    `json:"api"`
	Method      string    `json:"method"`
	Path        string    `json:"path"`
	Query       string    `json:"query,omitempty"`
	OperationID string    `json:"operationId,omitempty"`
	User        string    `json:"user,omitempty"`
	Status      int       `json:"status"`
	Latency     Duration  `json:"latency"`
	// Body is what a POST, PUT, PATCH or DELETE that passed validation
	// sent (the failover settings, say), secrets REDACTED; absent for
	// bodies that are not JSON or over 16 KiB.
	Body json.RawMessage `json:"body,omitempty"`
	// BodyBytes is the size of that body.
	BodyBytes int `json:"bodyBytes,omitempty"`
}

// RequestFilter selects request log records; empty fields match all.
type RequestFilter struct {
	Method      string
	OperationID string
	User        string
	Status      int
}

func (f RequestFilter) matches(r RequestRecord) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, r.Method)) &&
		(f.OperationID == "" || f.OperationID == r.OperationID) &&
		(f.User == "" || f.User == r.User) &&
		(f.Status == 0 || f.Status == r.Status)
}

// RequestSummary counts the matching records of the request log.
type RequestSummary struct {
	Count       int            `json:"count"`
	ByOperation map[string]int `json:"byOperation"`
	ByStatus    map[string]int `json:"byStatus"`
}

// summarize counts recs by operation and status.
func summarize(recs []RequestRecord) RequestSummary {
	s := RequestSummary{Count: len(recs), ByOperation: map[string]int{}, ByStatus: map[string]int{}}
	for _, r := range recs {
		s.ByOperation[cmp.Or(r.OperationID, "(none)")]++
		s.ByStatus[strconv.Itoa(r.Status)]++
	}
	return s
}

// requestLog is a bounded ring of the latest requests.
type requestLog struct {
	mu   sync.Mutex
	buf  []RequestRecord
	next int
	full bool
}

func newRequestLog(size int) *requestLog {
	if size <= 0 {
		size = 1
	}
	return &requestLog{buf: make([]RequestRecord, size)}
}

func (l *requestLog) add(r RequestRecord) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf[l.next] = r
	l.next = (l.next + 1) % len(l.buf)
	if l.next == 0 {
		l.full = true
	}
}

// matching returns the kept requests f selects, oldest first.
func (l *requestLog) matching(f RequestFilter) []RequestRecord {
	all := l.records()
	out := all[:0]
	for _, r := range all {
		if f.matches(r) {
			out = append(out, r)
		}
	}
	return out
}

// records returns the kept requests, oldest first.
func (l *requestLog) records() []RequestRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.full {
		return append([]RequestRecord(nil), l.buf[:l.next]...)
	}
	out := make([]RequestRecord, 0, len(l.buf))
	out = append(out, l.buf[l.next:]...)
	return append(out, l.buf[:l.next]...)
}

func (l *requestLog) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.next, l.full = 0, false
	clear(l.buf)
}
