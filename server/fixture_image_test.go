package server

import (
	"reflect"
	"runtime"
	"testing"

	"github.com/failoverkit/failoverkit/gen/vcav"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFixtureImage_DecodesEqualAndUnaliased: what Reset returns to (the
// fixture decoded from its image) equals the fixture as a JSON deep copy
// of it, and each decoding is a fresh copy: changing one changes neither
// the original nor the next decoding.
func TestFixtureImage_DecodesEqualAndUnaliased(t *testing.T) {
	f, err := GenerateReplications(3)
	require.NoError(t, err)
	want, err := deepCopy(f)
	require.NoError(t, err)
	img, err := newFixtureImage(f)
	require.NoError(t, err)
	got, err := img.fixture()
	require.NoError(t, err)
	assert.Equal(t, want, got)
	*got.VCAV.Replications[0].VmName = "changed"
	got.VCAV.Replications[1].Source.Org = new("changed")
	got.VCAV.Users[0].Password = "changed"
	assert.Equal(t, want, f, "the original is untouched")
	again, err := img.fixture()
	require.NoError(t, err)
	assert.Equal(t, want, again, "a later decoding is untouched")
}

// TestFixtureImage_EdgeSections: sections and replication lists that are
// absent, nil or empty decode as they were.
func TestFixtureImage_EdgeSections(t *testing.T) {
	for name, f := range map[string]*Fixture{
		"no sections":      {},
		"nil replications": {VCAV: &VCAVFixture{LocalSite: "site1"}},
		"empty list":       {VCAV: &VCAVFixture{LocalSite: "site1", Replications: []vcav.SingleVmReplicationInfo{}}},
		"vSphere only":     {VCHA: &VCHAFixture{Users: []User{{Name: "u", Password: "p"}}}},
	} {
		t.Run(name, func(t *testing.T) {
			img, err := newFixtureImage(f)
			require.NoError(t, err)
			got, err := img.fixture()
			require.NoError(t, err)
			assert.Equal(t, f, got)
		})
	}
}

// TestFixtureImage_ManyChunks: replications spread over several chunks,
// encoded and decoded on several cores, decode in order and equal to a
// JSON deep copy with encoding/json.
func TestFixtureImage_ManyChunks(t *testing.T) {
	old := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(old)
	f, err := GenerateReplications(4000) // about 9 MB of JSON: three chunks
	require.NoError(t, err)
	want, err := deepCopy(f)
	require.NoError(t, err)
	img, err := newFixtureImage(f)
	require.NoError(t, err)
	require.Greater(t, len(img.chunks), 1)
	got, err := img.fixture()
	require.NoError(t, err)
	require.Len(t, got.VCAV.Replications, len(f.VCAV.Replications))
	for i := range f.VCAV.Replications {
		require.Equal(t, f.VCAV.Replications[i].Id, got.VCAV.Replications[i].Id)
	}
	assert.True(t, reflect.DeepEqual(want.VCAV.Replications, got.VCAV.Replications), "decoded replications differ from a deep copy")
}
