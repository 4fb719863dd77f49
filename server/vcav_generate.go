package server

import (
	"encoding/json"
	"fmt"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavGeneratedTemplate is the default fixture's replication that generated
// ones copy: healthy, never recovered, ready to fail over.
const vcavGeneratedTemplate = "C4-09b2917c-bbe9-4693-ae3f-95b43a94b244"

// vcavGeneratedSpread is how many owners, organizations and VDCs generated
// replications are spread over, so that each exact filter selects about
// 1/vcavGeneratedSpread of them.
const vcavGeneratedSpread = 16

// GeneratedReplicationID is the id of the i-th generated replication
// (GenerateReplications): "C4-" and a UUID made of i.
func GeneratedReplicationID(i int) string {
	return fmt.Sprintf("C4-%08x-0000-4000-8000-%012x", i, i)
}

// GenerateReplications returns the default fixture with n replications
// added (for load and scale tests, `failoverkit mock
// --vcav-generate-replications N`). Replication i has the id
// GeneratedReplicationID(i) and the vmName "gen-vm-%06d"; each is a copy of
// the default fixture's ready replication (NOT_STARTED, GREEN), spread over
// vcavGeneratedSpread owners ("org%02d@site1"), source organizations and
// VDCs and destination VDCs, with lastUpdated increasing with i.
func GenerateReplications(n int) (*Fixture, error) {
	f, err := DefaultFixture()
	if err != nil {
		return nil, err
	}
	var template []byte
	for i := range f.VCAV.Replications {
		if f.VCAV.Replications[i].Id == vcavGeneratedTemplate {
			template = vcavEncodeReplication(&f.VCAV.Replications[i])
		}
	}
	if template == nil {
		return nil, fmt.Errorf("generate replications: the default fixture lacks %s", vcavGeneratedTemplate)
	}
	out := make([]vcav.SingleVmReplicationInfo, 0, len(f.VCAV.Replications)+n)
	out = append(out, f.VCAV.Replications...)
	for i := range n {
		var r vcav.SingleVmReplicationInfo
		if err := json.Unmarshal(template, &r); err != nil {
			return nil, fmt.Errorf("generate replications: %w", err)
		}
		vcavVaryReplication(&r, i)
		out = append(out, r)
	}
	f.VCAV.Replications = out
	return f, nil
}

// vcavVaryReplication gives the i-th generated replication its id, names
// and spread fields.
func vcavVaryReplication(r *vcav.SingleVmReplicationInfo, i int) {
	k := i % vcavGeneratedSpread
	r.Id = GeneratedReplicationID(i)
	r.VappReplicationId = nil // the template's vApp does not list the copies
	r.VmName = new(fmt.Sprintf("gen-vm-%06d", i))
	r.VmId = new(fmt.Sprintf("%08x-0000-4000-9000-%012x", i, i))
	r.Owner = new(fmt.Sprintf("org%02d@site1", k))
	r.LastUpdated = new(int64(1767225600000 + int64(i)*1000))
	if r.Source != nil {
		r.Source.Org = new(fmt.Sprintf("org%02d", k))
		r.Source.VdcName = new(fmt.Sprintf("org%02d-vdc", k))
		r.Source.VdcId = new(fmt.Sprintf("%08x-0000-4000-a000-000000000000", k))
	}
	if r.Destination != nil {
		r.Destination.VdcName = new(fmt.Sprintf("org%02d-cloud-vdc", k))
		r.Destination.VdcId = new(fmt.Sprintf("%08x-0000-4000-b000-000000000000", k))
	}
}
