package server

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"

	gojson "github.com/goccy/go-json"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// fixtureImage is a fixture kept encoded, the form in which the mock keeps
// what Reset and ResetToLast return to. Encoded bytes hold no pointers, so
// the garbage collector never scans them: a fixture of 40,000 VCAV
// replications kept as values was about 100 MB of pointer-rich heap that
// every collection marked, beside the live state (BenchmarkExternal's
// vcav-failover+poll profile: marking took a third of the mock's CPU).
// Decoding it gives a fresh fixture that aliases nothing, as the JSON
// deep copy it replaces did.
//
// The VCAV replications are encoded one at a time (one 250 MB document for
// 100,000 grew its buffer by doubling, which cost more than encoding), into
// chunks of at most imageChunk bytes each unless one replication is larger;
// a large fixture's replications are encoded and decoded on every core
// (forEachRange).
type fixtureImage struct {
	// head is the JSON of the fixture without its VCAV replications.
	head []byte
	// hasRepls tells a VCAV section whose replications were an empty list
	// from one that had none (nil).
	hasRepls bool
	chunks   [][]byte
	repls    []imageSpan
}

// imageSpan is where one replication's JSON is: chunks[chunk][off:off+n].
type imageSpan struct{ chunk, off, n int32 }

// imageChunk is the size of the chunks replications are encoded into.
const imageChunk = 4 << 20

// newFixtureImage encodes f (not modified).
func newFixtureImage(f *Fixture) (*fixtureImage, error) {
	img := &fixtureImage{}
	shallow := *f
	if f.VCAV != nil {
		vc := *f.VCAV
		vc.Replications = nil
		shallow.VCAV = &vc
		img.hasRepls = f.VCAV.Replications != nil
		if err := img.addReplications(f.VCAV.Replications); err != nil {
			return nil, err
		}
	}
	head, err := json.Marshal(&shallow)
	if err != nil {
		return nil, fmt.Errorf("encode fixture: %w", err)
	}
	img.head = head
	return img, nil
}

// addReplications appends the JSON of each replication. Each core encodes
// a contiguous range of them into chunks of its own, which are then
// appended in order.
func (img *fixtureImage) addReplications(rs []vcav.SingleVmReplicationInfo) error {
	var mu sync.Mutex
	parts := map[int]*fixtureImage{}
	err := forEachRange(len(rs), func(lo, hi int) error {
		part := &fixtureImage{}
		if err := part.encodeRange(rs, lo, hi); err != nil {
			return err
		}
		mu.Lock()
		parts[lo] = part
		mu.Unlock()
		return nil
	})
	if err != nil {
		return err
	}
	img.repls = make([]imageSpan, 0, len(rs))
	for _, lo := range slices.Sorted(maps.Keys(parts)) {
		part, base := parts[lo], int32(len(img.chunks))
		img.chunks = append(img.chunks, part.chunks...)
		for _, sp := range part.repls {
			sp.chunk += base
			img.repls = append(img.repls, sp)
		}
	}
	return nil
}

// encodeRange appends the JSON of rs[lo:hi] to img's chunks, into chunks of
// at most imageChunk bytes each unless one replication is larger.
func (img *fixtureImage) encodeRange(rs []vcav.SingleVmReplicationInfo, lo, hi int) error {
	img.repls = make([]imageSpan, 0, hi-lo)
	var cur []byte
	for i := lo; i < hi; i++ {
		b, err := gojson.Marshal(&rs[i])
		if err != nil {
			return fmt.Errorf("encode replications[%d]: %w", i, err)
		}
		if len(cur)+len(b) > cap(cur) {
			cur = make([]byte, 0, max(imageChunk, len(b)))
			img.chunks = append(img.chunks, cur)
		}
		last := len(img.chunks) - 1
		img.repls = append(img.repls, imageSpan{chunk: int32(last), off: int32(len(cur)), n: int32(len(b))})
		cur = append(cur, b...)
		img.chunks[last] = cur
	}
	return nil
}

// fixture decodes a fresh copy of the whole fixture.
func (img *fixtureImage) fixture() (*Fixture, error) {
	f, err := img.headFixture()
	if err != nil || f.VCAV == nil || !img.hasRepls {
		return f, err
	}
	rs := make([]vcav.SingleVmReplicationInfo, len(img.repls))
	err = forEachRange(len(rs), func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			s := img.repls[i]
			if err := gojson.Unmarshal(img.chunks[s.chunk][s.off:s.off+s.n], &rs[i]); err != nil {
				return fmt.Errorf("decode replications[%d]: %w", i, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	f.VCAV.Replications = rs
	return f, nil
}

// headFixture decodes a fresh copy of the fixture without its VCAV
// replications (users, sites, clusters: what logging in needs).
func (img *fixtureImage) headFixture() (*Fixture, error) {
	var f Fixture
	if err := json.Unmarshal(img.head, &f); err != nil {
		return nil, fmt.Errorf("decode fixture: %w", err)
	}
	return &f, nil
}
