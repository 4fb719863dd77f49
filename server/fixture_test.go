package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultFixture_LoadsAndIsACopy(t *testing.T) {
	a, err := DefaultFixture()
	require.NoError(t, err)
	require.NotNil(t, a.VCAV)
	require.NotNil(t, a.VCHA)
	b, err := DefaultFixture()
	require.NoError(t, err)
	a.VCHA.Users[0].Name = "changed"
	assert.NotEqual(t, "changed", b.VCHA.Users[0].Name, "callers get their own copy")

	raw, err := DefaultFixtureYAML()
	require.NoError(t, err)
	again, err := ParseFixture(raw)
	require.NoError(t, err, "the printed default fixture parses back")
	assert.NotNil(t, again.VCAV)
	assert.NotNil(t, again.VCHA)
}

func TestParseFixture_ErrorsNameTheField(t *testing.T) {
	cases := map[string]struct{ doc, want string }{
		"not yaml":        {"vcav: [", "not YAML or JSON"},
		"unknown section": {"vsan: {}", "vsan"},
		"wrong type":      {`{"vcha": {"users": "root"}}`, "users"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseFixture([]byte(c.doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestLoadFixtureFile_SectionsDefaultIndependently(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.json")
	def, err := DefaultFixture()
	require.NoError(t, err)
	only := &Fixture{VCHA: def.VCHA}
	only.VCHA.Users = only.VCHA.Users[:1]
	b, err := json.Marshal(only)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o600))

	f, err := LoadFixtureFile(path)
	require.NoError(t, err)
	m, err := New(WithFixture(f))
	require.NoError(t, err)
	st := m.State()
	assert.Len(t, st.VCHA.Users, 1, "the file's section is used")
	assert.Equal(t, len(def.VCAV.Users), len(st.VCAV.Users), "the missing section takes the default")

	_, err = LoadFixtureFile(filepath.Join(t.TempDir(), "missing.yaml"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}
