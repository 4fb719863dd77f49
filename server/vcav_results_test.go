package server

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// TestVCAVPackedResult_RoundTrips deflates and inflates the failed-over
// form of every default replication and of a minimal one, whose shape is
// far from the dictionary's, byte for byte.
func TestVCAVPackedResult_RoundTrips(t *testing.T) {
	f, err := DefaultFixture()
	require.NoError(t, err)
	repls := append(f.VCAV.Replications, vcav.SingleVmReplicationInfo{Id: benchReplicationID(7)})
	codec := newVCAVResultCodec()
	for _, r := range repls {
		vcavCompleteFailover(&r, testStart)
		raw := vcavEncodeReplication(&r)
		plain := &packedResult{packed: raw, size: len(raw)}
		p := codec.pack(plain)
		require.True(t, p.deflated)
		assert.Same(t, p, codec.pack(p), "deflated once")
		assert.Less(t, len(p.packed), len(raw), "%s deflates", r.Id)
		for _, res := range []*packedResult{plain, p} {
			got := bytes.NewBufferString("prefix")
			require.NoError(t, res.inflateTo(got))
			assert.Equal(t, "prefix"+string(raw), got.String())
			back, ok := vcavResultReplication(res)
			require.True(t, ok)
			assert.Equal(t, r, back)
		}
	}
	var none *packedResult
	_, ok := vcavResultReplication(none)
	assert.False(t, ok, "nil is no result")
	assert.Nil(t, codec.pack(nil))
}

// TestVCAVPackedResult_NewestStayPlain fails over 8 replications with a
// retention of 5 tasks and a plain limit of 3: the 3 newest kept results
// are plain, the 2 older kept ones deflated, the dropped tasks' results
// are no longer held, and every kept task still reads its full result.
func TestVCAVPackedResult_NewestStayPlain(t *testing.T) {
	tm := newTestMock(t, WithInstantTasks(), WithTaskRetention(5), WithFixture(benchFixture(t, 8)))
	tm.vcavSim().mu.Lock()
	tm.vcavSim().tasks.results.plain.limit = 3
	tm.vcavSim().mu.Unlock()
	token := vcavLogin(t, tm, vcavRootLogin)
	var ids []string
	for i := range 8 {
		ids = append(ids, vcavStartFailover(t, tm, token, benchReplicationID(i)).Id)
		vcavGetReplication(t, tm, token, benchReplicationID(i)) // finishes the instant task
	}
	tm.vcavSim().mu.Lock()
	assert.Len(t, tm.vcavSim().tasks.byID, 5)
	assert.Equal(t, 3, len(tm.vcavSim().tasks.results.plain.ids)-tm.vcavSim().tasks.results.plain.head, "only the newest stay plain")
	var deflated []bool
	for _, id := range ids[3:] {
		deflated = append(deflated, tm.vcavSim().tasks.byID[id].result.Load().deflated)
	}
	tm.vcavSim().mu.Unlock()
	assert.Equal(t, []bool{true, true, false, false, false}, deflated)
	for i, id := range ids[3:] {
		status, task, body := vcavGetTask(t, tm, token, id)
		require.Equal(t, http.StatusOK, status, "%s", body)
		require.NotNil(t, task.Result)
		assert.Equal(t, vcavGetReplication(t, tm, token, benchReplicationID(i+3)), *task.Result)
	}
}
