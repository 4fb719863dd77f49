package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// vcavRenderTask encodes task id as GetTask renders it now, afresh.
func vcavRenderTask(t *testing.T, tm *testMock, id string) []byte {
	m := tm.vcavSim()
	now := m.begin()
	defer m.end()
	task, ok := m.tasks.get(id)
	require.True(t, ok)
	b, err := json.Marshal(vcavReplicationTask(task, now))
	require.NoError(t, err)
	return b
}

// vchaRenderTask encodes task id as GetTask renders it now, afresh.
func vchaRenderTask(t *testing.T, tm *testMock, id string) []byte {
	m := tm.vchaSim()
	now := m.begin()
	defer m.mu.Unlock()
	task, ok := m.tasks.get(id)
	require.True(t, ok)
	b, err := json.Marshal(vchaTaskInfo(task, now))
	require.NoError(t, err)
	return b
}

// TestTaskAnswer_SameAsFreshRendering: a task read answers what rendering
// the task afresh gives, while it runs (progress moving) and once it has
// finished, when its answer is kept: every later read, with any Accept,
// gets the very same bytes, and only the negotiated Content-Type differs.
func TestTaskAnswer_SameAsFreshRendering(t *testing.T) {
	tm := newTestMock(t, WithTaskDuration(10*time.Second))
	vcavToken := vcavLogin(t, tm, vcavRootLogin)
	vchaToken := vchaLogin(t, tm, vchaAdmin)
	vcavID := vcavStartFailover(t, tm, vcavToken, vcavReadyID).Id
	vchaID := startFailover(t, tm, vchaToken, true)
	read := func(api string, accept string) ([]byte, http.Header) {
		if api == "vcav" {
			status, body, hdr := do(t, tm.vcavHC, "GET", tm.vcavURL+"/tasks/"+vcavID, nil, "X-VCAV-Auth", vcavToken, "Accept", accept)
			require.Equal(t, http.StatusOK, status, "%s", body)
			return body, hdr
		}
		status, body, hdr := do(t, tm.vchaHC, "GET", tm.vchaURL+"/api/cis/tasks/"+vchaID, nil, "vmware-api-session-id", vchaToken, "Accept", accept)
		require.Equal(t, http.StatusOK, status, "%s", body)
		return body, hdr
	}
	var running []byte
	for _, step := range []time.Duration{2 * time.Second, 3 * time.Second} {
		tm.clock.Advance(step)
		body, _ := read("vcav", "")
		assert.JSONEq(t, string(vcavRenderTask(t, tm, vcavID)), string(body), "running VCAV task")
		assert.NotEqual(t, string(running), string(body), "progress moves")
		running = body
		body, _ = read("vcha", "")
		assert.JSONEq(t, string(vchaRenderTask(t, tm, vchaID)), string(body), "running vSphere task")
	}
	tm.clock.Advance(time.Minute)
	vcavFirst, _ := read("vcav", "")
	assert.JSONEq(t, string(vcavRenderTask(t, tm, vcavID)), string(vcavFirst), "finished VCAV task")
	assert.Contains(t, string(vcavFirst), `"state":"SUCCEEDED"`)
	assert.Contains(t, string(vcavFirst), `"result":{`)
	vchaFirst, _ := read("vcha", "")
	assert.JSONEq(t, string(vchaRenderTask(t, tm, vchaID)), string(vchaFirst), "finished vSphere task")
	assert.Contains(t, string(vchaFirst), `"status":"SUCCEEDED"`)
	tm.clock.Advance(time.Minute)
	again, hdr := read("vcav", vcavAcceptV4)
	assert.Equal(t, string(vcavFirst), string(again), "a finished task answers the same bytes")
	assert.Contains(t, hdr.Get("Content-Type"), "application/vnd.vmware.h4-v4+json")
	_, hdr = read("vcav", "")
	assert.Contains(t, hdr.Get("Content-Type"), "application/json")
	again, _ = read("vcha", "")
	assert.Equal(t, string(vchaFirst), string(again), "a finished task answers the same bytes")
}

// TestTaskAnswer_KeptAnswersBounded: however many finished tasks an API
// keeps, at most keptAnswers of them keep their encoded answer (the newest
// read); an older one is encoded again when read.
func TestTaskAnswer_KeptAnswersBounded(t *testing.T) {
	e := newTaskEngine[string](retainPolicy{}, nil, func(s string) string { return s })
	render := func(tk *task[string, string]) map[string]string { return map[string]string{"id": tk.id} }
	n := keptAnswers + 50
	for i := range n {
		tk := &task[string, string]{id: "t" + strconv.Itoa(i), done: true}
		e.byID[tk.id] = tk
		assert.JSONEq(t, `{"id":"`+tk.id+`"}`, string(taskAnswer(e, tk, render)))
	}
	kept := 0
	for _, tk := range e.byID {
		if tk.answer != nil {
			kept++
		}
	}
	assert.Equal(t, keptAnswers, kept)
	assert.Nil(t, e.byID["t0"].answer, "the oldest answer is dropped")
	assert.JSONEq(t, `{"id":"t0"}`, string(taskAnswer(e, e.byID["t0"], render)), "and made again when read")
	assert.NotNil(t, e.byID["t0"].answer)
	assert.Nil(t, e.byID["t50"].answer, "making it again drops the oldest")
}
