package server

import (
	"net/http"
	"strconv"
)

// A finished task never changes: reading it gives the same answer body to
// every read (only the Content-Type, negotiated per request, may differ,
// and the pipeline sets it after the handler). So the first read of a
// finished task encodes its rendering once and keeps the bytes on the task
// (task.answer); later reads write them as they are. Task polling is the
// mock's hottest path, and encoding the task by reflection was most of a
// read's handler cost (BenchmarkHandler's profile). A task still running
// is encoded at each read. At most keptAnswers answers are kept per API
// (the newest read), so however many finished tasks retention keeps, the
// kept answers cost a few MB at most (about 500 bytes each).

// keptAnswers is how many finished tasks' answers an API keeps.
const keptAnswers = DefaultTaskRetention

// taskAnswer returns the JSON of t's rendering, without the newline
// json.Encoder ends it with: render(t) encoded, kept on t once it has
// finished. The caller holds the API's lock.
func taskAnswer[K, E, V any](e *taskEngine[K, E], t *task[K, E], render func(*task[K, E]) V) []byte {
	if t.answer != nil {
		return t.answer
	}
	b := encodeAnswer(render(t))
	if t.done {
		t.answer = b
		for _, id := range e.answered.finished(t.id) {
			if old, ok := e.byID[id]; ok {
				old.answer = nil
			}
		}
	}
	return b
}

// encodeAnswer encodes v as the generated answers do (json.Encoder, HTML
// escaped) without the trailing newline (see encodeModel).
func encodeAnswer(v any) []byte { return encodeModel(v) }

// writeJSONAnswer sends status with body, a JSON document the caller
// encoded (with the newline of json.Encoder), and its Content-Length.
func writeJSONAnswer(w http.ResponseWriter, status int, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", mimeJSON)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, err := w.Write(body)
	return err
}
