package server

import (
	"sync"
	"time"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// A succeeded VCAV replication task keeps the replication as it left it:
// its result, about 2.2 KB of JSON for the default fixture's replications,
// kept by the task engine (see resultWindow). Beyond the window of plain
// results it is deflated with a preset dictionary: a failed-over
// replication of the default fixture. Every SingleVmReplicationInfo shares
// its field names and most of its shape, so a result deflates to about 120
// bytes for the default fixture's replications.

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

// newVCAVResultCodec returns the codec of one mock's VCAV task results.
func newVCAVResultCodec() *resultCodec { return &resultCodec{dict: vcavResultDict} }

// vcavResultReplication decodes a replication result; ok is false when
// there is none.
func vcavResultReplication(r *packedResult) (vcav.SingleVmReplicationInfo, bool) {
	raw, ok := r.json()
	if !ok {
		return vcav.SingleVmReplicationInfo{}, false
	}
	return vcavDecodeReplication(raw), true
}
