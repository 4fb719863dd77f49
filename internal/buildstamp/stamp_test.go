package buildstamp

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newRepo makes a one-commit git repository in a temp dir.
func newRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	for _, args := range [][]string{
		{"init", "-q"},
		{"-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "--allow-empty", "-m", "first"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
	}
	return dir
}

func TestRead_CleanDirtyAndTagged(t *testing.T) {
	dir := newRepo(t)
	now := time.Date(2026, 11, 27, 15, 4, 5, 999, time.FixedZone("x", 3600))
	s, err := Read(context.Background(), dir, now)
	require.NoError(t, err)
	assert.Len(t, s.Commit, 40)
	assert.False(t, s.Dirty)
	assert.Equal(t, "0.0.0-snapshot-"+s.Commit[:12], s.Version)
	assert.Equal(t, "2026-11-27T14:04:05Z", s.BuildTime.Format(time.RFC3339))
	_, err = time.Parse(time.RFC3339, s.CommitTime)
	assert.NoError(t, err, s.CommitTime)

	// A tracked file changed: dirty, and the version says so.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "f"), []byte("a"), 0o600))
	run := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.invalid"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
	}
	run("add", "f")
	s, err = Read(context.Background(), dir, now)
	require.NoError(t, err)
	assert.True(t, s.Dirty)
	assert.True(t, strings.HasSuffix(s.Version, "-dirty"), s.Version)

	run("commit", "-q", "-m", "f")
	run("tag", "v1.0.0")
	s, err = Read(context.Background(), dir, now)
	require.NoError(t, err)
	assert.Equal(t, "v1.0.0", s.Version)
}

func TestRead_OutsideARepositoryFails(t *testing.T) {
	_, err := Read(context.Background(), t.TempDir(), time.Now())
	assert.ErrorContains(t, err, "git rev-parse HEAD")
}

func TestLDFlags(t *testing.T) {
	s := Stamp{Version: "v1", Commit: "abc", Dirty: true, CommitTime: "2026-01-01T00:00:00Z", BuildTime: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	assert.Equal(t, "-s -w -X main.version=v1 -X main.commit=abc -X main.modified=true -X main.commitTime=2026-01-01T00:00:00Z -X main.buildTime=2026-01-02T03:04:05Z", s.LDFlags())
}
