package server

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// A succeeded VCAV failover task keeps the replication as it left it: its
// result, about 2.2 KB of JSON for the default fixture's replications. With
// the default retention of 10,000 finished tasks (or 100,000), results would
// dominate the mock's memory, so they are kept deflated with a preset
// dictionary: a failed-over replication of the default fixture. Every
// SingleVmReplicationInfo shares its field names and most of its shape, so
// a result deflates to little more than what is unique to it (ids, names,
// timestamps): about 120 bytes for the default fixture's replications.
//
// Deflating costs about 15 µs, so the newest vcavPlainResults results stay
// plain JSON (about 22 MB at most): with the default retention of 10,000
// tasks nothing is ever deflated, and polling a recent task costs no
// inflating. Beyond that, the oldest plain result is deflated each time a
// task finishes, by the request that finished it, right after it releases
// the mock's lock (vcavMock.end). Inflating costs a few microseconds per
// read, also outside the lock.

// vcavPlainResults is how many of the newest results stay plain JSON.
const vcavPlainResults = DefaultTaskRetention

// vcavResultLevel is the deflate level of results. Level 1 (BestSpeed)
// ignores the preset dictionary; levels 2 to 9 give the same size here.
const vcavResultLevel = 2

// vcavPackedResult is a result, deflated or not yet. A nil one is no
// result. Values are never modified once shared.
type vcavPackedResult struct {
	packed   []byte // the JSON, or raw DEFLATE of it with vcavResultDict
	size     int    // length of the JSON
	deflated bool
}

// vcavResultDict is the preset dictionary: the default fixture's ready
// replication, failed over and encoded; nil if it cannot be built (results
// then deflate without one).
var vcavResultDict = sync.OnceValue(func() []byte {
	f, err := defaultFixture()
	if err != nil || f.VCAV == nil || len(f.VCAV.Replications) == 0 {
		return nil
	}
	r := vcavCloneReplication(&f.VCAV.Replications[0])
	vcavCompleteFailover(&r, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	return vcavEncodeReplication(&r)
})

// inflaters pools DEFLATE readers; each is reset with vcavResultDict.
var inflaters sync.Pool

// keepPlain records that t's result is plain and queues, for end to
// deflate, the results that leave the window of the newest plain ones,
// unless the retention policy already dropped their task. The caller holds
// m.mu.
func (m *vcavMock) keepPlain(t *vcavTask) {
	for _, id := range m.plain.finished(t.id) {
		if old, ok := m.tasks[id]; ok {
			m.pending = append(m.pending, old)
		}
	}
}

// packResult returns r deflated (r itself when it already is, or when it is
// nil). Safe for concurrent use: packMu guards the mock's one deflater,
// made on first use (a flate.Writer holds about 1 MB of tables, too much to
// make per task or to lose at every GC in a pool).
func (m *vcavMock) packResult(r *vcavPackedResult) *vcavPackedResult {
	if r == nil || r.deflated {
		return r
	}
	m.packMu.Lock()
	defer m.packMu.Unlock()
	var buf bytes.Buffer
	if m.deflater == nil {
		w, err := flate.NewWriterDict(&buf, vcavResultLevel, vcavResultDict())
		if err != nil {
			panic(fmt.Sprintf("vcav result deflater: %v", err)) // only for a bad level
		}
		m.deflater = w
	}
	m.deflater.Reset(&buf)
	_, _ = m.deflater.Write(r.packed) // writes to a bytes.Buffer do not fail
	_ = m.deflater.Close()
	return &vcavPackedResult{packed: bytes.Clone(buf.Bytes()), size: r.size, deflated: true}
}

// inflateTo appends the JSON to buf.
func (r *vcavPackedResult) inflateTo(buf *bytes.Buffer) error {
	if !r.deflated {
		buf.Write(r.packed)
		return nil
	}
	src := bytes.NewReader(r.packed)
	fr, _ := inflaters.Get().(io.ReadCloser)
	if fr == nil {
		fr = flate.NewReader(src)
	}
	defer inflaters.Put(fr)
	if err := fr.(flate.Resetter).Reset(src, vcavResultDict()); err != nil {
		return err
	}
	buf.Grow(r.size)
	n, err := buf.ReadFrom(fr)
	if err == nil && n != int64(r.size) {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return fmt.Errorf("inflate vcav result: %w", err)
	}
	return nil
}

// answerBuffers pools the buffers task answers are assembled in.
var answerBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// getAnswerBuffer returns an empty pooled buffer.
func getAnswerBuffer() *bytes.Buffer {
	buf := answerBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	return buf
}

// putAnswerBuffer returns buf to the pool unless it grew unusually large.
func putAnswerBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 64<<10 {
		answerBuffers.Put(buf)
	}
}

// replication decodes the result; ok is false when there is none.
func (r *vcavPackedResult) replication() (vcav.SingleVmReplicationInfo, bool) {
	if r == nil {
		return vcav.SingleVmReplicationInfo{}, false
	}
	var buf bytes.Buffer
	if err := r.inflateTo(&buf); err != nil {
		panic(err.Error()) // the mock deflated it itself: a bug
	}
	return vcavDecodeReplication(buf.Bytes()), true
}
