package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGenerateReplications_ValidDistinctAndSpread: the generated fixture
// validates, adds n replications with distinct ids, ready to fail over,
// spread over the owners the filters select.
func TestGenerateReplications_ValidDistinctAndSpread(t *testing.T) {
	def, err := DefaultFixture()
	require.NoError(t, err)
	const n = 40
	f, err := GenerateReplications(n)
	require.NoError(t, err)
	require.NoError(t, f.Validate())
	require.Len(t, f.VCAV.Replications, len(def.VCAV.Replications)+n)
	ids, owners := map[string]bool{}, map[string]int{}
	for _, r := range f.VCAV.Replications[len(def.VCAV.Replications):] {
		ids[r.Id] = true
		owners[*r.Owner]++
		assert.Equal(t, "NOT_STARTED", string(r.DestinationState.RecoveryInfo.RecoveryState))
	}
	assert.Len(t, ids, n)
	assert.Len(t, owners, vcavGeneratedSpread)
	assert.Equal(t, GeneratedReplicationID(7), f.VCAV.Replications[len(def.VCAV.Replications)+7].Id)
	m, err := New(WithFixture(f))
	require.NoError(t, err)
	assert.Len(t, m.State().VCAV.Replications, len(def.VCAV.Replications)+n)
}
