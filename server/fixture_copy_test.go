package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCopyFixture_IsDeepAndEqual: the copy LoadFixture makes equals the
// fixture, and changing the copy leaves the original as it was.
func TestCopyFixture_IsDeepAndEqual(t *testing.T) {
	f, err := GenerateReplications(3)
	require.NoError(t, err)
	want, err := deepCopy(f)
	require.NoError(t, err)
	cp, err := copyFixture(f)
	require.NoError(t, err)
	assert.Equal(t, want, cp)
	*cp.VCAV.Replications[0].VmName = "changed"
	cp.VCAV.Replications[1].Source.Org = new("changed")
	cp.VCAV.Users[0].Password = "changed"
	assert.Equal(t, want, f, "the original is untouched")
	empty := &Fixture{VCAV: &VCAVFixture{LocalSite: "site1", Replications: nil}}
	cp, err = copyFixture(empty)
	require.NoError(t, err)
	assert.Equal(t, empty, cp)
}
