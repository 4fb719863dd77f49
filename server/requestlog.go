package server

import (
	"sync"
	"time"
)

// RequestRecord is one request the mock answered, as kept in the request log.
// It holds no header and no body, so no credential can end up in it.
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
