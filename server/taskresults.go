package server

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
)

// A succeeded task may keep a result: the resource as the task left it,
// encoded once, when the task finishes, so polling a task (the mock's
// hottest path) never encodes it again. With retention of 10,000 finished
// tasks (or 100,000) results would dominate the mock's memory, so beyond a
// window of the newest ones they are kept deflated with a preset
// dictionary, an encoded resource of the same shape, given by the API
// (resultCodec): a result then deflates to little more than what is unique
// to it (ids, names, timestamps).
//
// Deflating costs about 15 µs, so the newest plainResults results stay
// plain JSON: with the default retention nothing is ever deflated, and
// polling a recent task costs no inflating. Beyond that, the oldest plain
// result is deflated each time a task finishes, by the request that
// finished it, right after it releases the API's lock (packPending).
// Inflating costs a few microseconds per read, also outside the lock.

// plainResults is how many of the newest results stay plain JSON.
const plainResults = DefaultTaskRetention

// resultLevel is the deflate level of results. Level 1 (BestSpeed) ignores
// the preset dictionary; levels 2 to 9 give the same size here.
const resultLevel = 2

// packedResult is a result, deflated or not yet. A nil one is no result.
// Values are never modified once shared.
type packedResult struct {
	packed   []byte // the JSON, or raw DEFLATE of it with the codec's dictionary
	size     int    // length of the JSON
	deflated bool
	codec    *resultCodec
}

// resultCodec deflates one API's results with its preset dictionary.
// Safe for concurrent use.
type resultCodec struct {
	// dict returns the preset dictionary (nil: none).
	dict func() []byte
	// mu guards deflater, made on first use (a flate.Writer holds about
	// 1 MB of tables, too much to make per task or to lose at every GC in
	// a pool).
	mu       sync.Mutex
	deflater *flate.Writer
	// inflaters pools DEFLATE readers; each is reset with dict.
	inflaters sync.Pool
}

// resultWindow is the window of the newest plain results and the results
// that left it, which packPending deflates once the lock is released.
type resultWindow struct {
	codec   *resultCodec
	plain   retention
	pending []*atomic.Pointer[packedResult]
}

func (w *resultWindow) clear() {
	w.plain, w.pending = retention{limit: plainResults}, nil
}

// keepPlain records that task id's result is plain and returns the ids of
// the tasks whose results leave the window.
func (w *resultWindow) keepPlain(id string) []string { return w.plain.finished(id) }

// takePending returns the results to deflate and forgets them. The caller
// holds the API's lock.
func (w *resultWindow) takePending() []*atomic.Pointer[packedResult] {
	todo := w.pending
	w.pending = nil
	return todo
}

// packPending deflates what takePending returned, outside the lock.
func (w *resultWindow) packPending(todo []*atomic.Pointer[packedResult]) {
	for _, p := range todo {
		p.Store(w.codec.pack(p.Load()))
	}
}

// pack returns r deflated (r itself when it already is, or when it is
// nil).
func (c *resultCodec) pack(r *packedResult) *packedResult {
	if r == nil || r.deflated || c == nil {
		return r
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var buf bytes.Buffer
	if c.deflater == nil {
		w, err := flate.NewWriterDict(&buf, resultLevel, c.dict())
		if err != nil {
			panic(fmt.Sprintf("result deflater: %v", err)) // only for a bad level
		}
		c.deflater = w
	}
	c.deflater.Reset(&buf)
	_, _ = c.deflater.Write(r.packed) // writes to a bytes.Buffer do not fail
	_ = c.deflater.Close()
	return &packedResult{packed: bytes.Clone(buf.Bytes()), size: r.size, deflated: true, codec: c}
}

// inflateTo appends the JSON to buf.
func (r *packedResult) inflateTo(buf *bytes.Buffer) error {
	if !r.deflated {
		buf.Write(r.packed)
		return nil
	}
	c := r.codec
	src := bytes.NewReader(r.packed)
	fr, _ := c.inflaters.Get().(io.ReadCloser)
	if fr == nil {
		fr = flate.NewReader(src)
	}
	defer c.inflaters.Put(fr)
	if err := fr.(flate.Resetter).Reset(src, c.dict()); err != nil {
		return err
	}
	buf.Grow(r.size)
	n, err := buf.ReadFrom(fr)
	if err == nil && n != int64(r.size) {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return fmt.Errorf("inflate task result: %w", err)
	}
	return nil
}

// json returns the JSON of the result; ok is false when there is none.
func (r *packedResult) json() ([]byte, bool) {
	if r == nil {
		return nil, false
	}
	var buf bytes.Buffer
	if err := r.inflateTo(&buf); err != nil {
		panic(err.Error()) // the mock deflated it itself: a bug
	}
	return buf.Bytes(), true
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
