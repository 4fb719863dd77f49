package server

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/gen/vcha"
)

// awkwardStrings are values encoders are known to differ on: HTML
// characters, the JavaScript line separators, control characters, quotes
// and backslashes, non-ASCII, invalid UTF-8.
var awkwardStrings = []string{
	"", "plain", "<script>&amp;</script>", "line\u2028sep\u2029", "nul\x00us\x1f del\x7f", `q"uo\te` + "\t\n\r",
	"é 日本 😀", "bad\xffutf8\xc3", "\ufffd", "a/b",
}

// requireSameEncoding fails unless encodeModel gives v exactly as
// encoding/json's Marshal does.
func requireSameEncoding(t *testing.T, what string, v any) {
	t.Helper()
	want, err := json.Marshal(v)
	require.NoError(t, err, what)
	require.Equal(t, string(want), string(encodeModel(v)), what)
}

// TestEncodeModel_SameAsEncodingJSON: what the mock encodes with
// encodeModel (replication results, task answers) is byte for byte what
// encoding/json gives: every replication of the default fixture and of a
// generated one, failed over or not, with awkward strings in their fields,
// and VCAV and vSphere tasks in every state.
func TestEncodeModel_SameAsEncodingJSON(t *testing.T) {
	def, err := DefaultFixture()
	require.NoError(t, err)
	gen, err := GenerateReplications(300)
	require.NoError(t, err)
	repls := append(def.VCAV.Replications, gen.VCAV.Replications...)
	end := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range repls {
		r := &repls[i]
		requireSameEncoding(t, r.Id, r)
		s := awkwardStrings[i%len(awkwardStrings)]
		r.VmName = new(s)
		if r.Source != nil {
			r.Source.Org = new(s)
		}
		vcavCompleteFailover(r, end)
		requireSameEncoding(t, r.Id+" failed over", r)
	}
	for _, s := range awkwardStrings {
		for _, tk := range vcavTasks(s, end) {
			requireSameEncoding(t, "vcav task "+s, vcavGenericTask(tk, end.Add(-time.Second)))
			requireSameEncoding(t, "vcav replication task "+s, vcavReplicationTask(tk, end.Add(-time.Second)))
		}
		for _, tk := range vchaTasks(s, end) {
			for _, at := range []time.Time{end.Add(-time.Minute), end.Add(-time.Second), end} {
				requireSameEncoding(t, "vSphere task "+s, vchaTaskInfo(tk, at))
			}
		}
	}
}

// vcavTasks are a running, a succeeded (with a result) and a failed VCAV
// task acting on a replication named name.
func vcavTasks(name string, end time.Time) []*vcavTask {
	var out []*vcavTask
	for i := range 3 {
		tk := &vcavTask{id: "task-" + name, kind: vcavFailoverKind, user: name,
			subject: taskSubject{id: "C4-x", name: new(name), site: name},
			timing:  taskTiming{Start: end.Add(-10 * time.Second), Duration: 10 * time.Second}}
		switch i {
		case 1:
			tk.done = true
			raw := encodeModel(&vcav.SingleVmReplicationInfo{Id: name, VmName: new(name)})
			tk.result.Store(&packedResult{packed: raw, size: len(raw)})
		case 2:
			tk.done, tk.failure = true, new(vcavError(vcavCodeServerFailure, name, name))
		}
		out = append(out, tk)
	}
	return out
}

// vchaTasks are a vSphere task not yet finished and a succeeded and a
// failed one, run by user name.
func vchaTasks(name string, end time.Time) []*vchaTask {
	var out []*vchaTask
	for i := range 3 {
		tk := &vchaTask{id: "task-1:" + name, kind: failoverTask, user: name,
			timing: taskTiming{Start: end.Add(-30 * time.Second), Duration: 30 * time.Second}}
		switch i {
		case 1:
			tk.done = true
		case 2:
			tk.done = true
			tk.failure = new(vapiError(vcha.StdErrorsErrorTypeERROR, vapiMessage(msgInjected, name)))
		}
		out = append(out, tk)
	}
	return out
}
