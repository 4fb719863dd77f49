package server

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// copyFixture deep-copies f as deepCopy does, but copies the VCAV
// replications one at a time through a reused buffer. A fixture with
// 100,000 replications is about 250 MB of JSON: copied in one piece, its
// encoding buffer grew by doubling and was cleared at each step, which cost
// more than the encoding itself (BenchmarkScale's profile of LoadFixture).
func copyFixture(f *Fixture) (*Fixture, error) {
	if f == nil || f.VCAV == nil {
		return deepCopy(f)
	}
	shallow := *f
	shallow.VCAV = nil
	out, err := deepCopy(&shallow)
	if err != nil {
		return nil, err
	}
	if out.VCAV, err = copyVCAVFixture(f.VCAV); err != nil {
		return nil, err
	}
	return out, nil
}

// copyVCAVFixture deep-copies a VCAV section, replications one at a time.
func copyVCAVFixture(s *VCAVFixture) (*VCAVFixture, error) {
	head := *s
	head.Replications = nil
	out, err := deepCopy(&head)
	if err != nil {
		return nil, err
	}
	if s.Replications == nil {
		return out, nil
	}
	out.Replications = make([]vcav.SingleVmReplicationInfo, len(s.Replications))
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range s.Replications {
		buf.Reset()
		if err := enc.Encode(&s.Replications[i]); err != nil {
			return nil, fmt.Errorf("copy replications[%d]: %w", i, err)
		}
		if err := json.Unmarshal(buf.Bytes(), &out.Replications[i]); err != nil {
			return nil, fmt.Errorf("copy replications[%d]: %w", i, err)
		}
	}
	return out, nil
}
