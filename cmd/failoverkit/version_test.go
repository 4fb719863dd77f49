package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/internal/buildstamp"
)

func TestReadVersionInfo_FromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{
		GoVersion: "go1.99.1",
		Main:      debug.Module{Path: "github.com/failoverkit/failoverkit", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef"},
			{Key: "vcs.modified", Value: "true"},
			{Key: "vcs.time", Value: "2026-11-27T14:00:00Z"},
		},
	}
	v := readVersionInfo(bi, true, stamp{})
	assert.Equal(t, versionInfo{
		Version: "v1.2.3", Commit: "0123456789abcdef", Dirty: true, CommitTime: "2026-11-27T14:00:00Z",
		Go: "go1.99.1", Platform: runtime.GOOS + "/" + runtime.GOARCH,
	}, v)

	// Without a commit stamp the build info's commit stays.
	v = readVersionInfo(bi, true, stamp{version: "v1.2.4-snapshot", buildTime: "2026-11-27T15:00:00Z"})
	assert.Equal(t, "v1.2.4-snapshot", v.Version)
	assert.Equal(t, "2026-11-27T15:00:00Z", v.BuildTime)
	assert.Equal(t, "0123456789abcdef", v.Commit)
	assert.True(t, v.Dirty)

	// The release build's stamps win over the build info.
	v = readVersionInfo(bi, true, stamp{commit: "fedcba", modified: "false"})
	assert.Equal(t, "fedcba", v.Commit)
	assert.False(t, v.Dirty)
}

func TestReadVersionInfo_WithoutBuildInfo(t *testing.T) {
	v := readVersionInfo(nil, false, stamp{})
	assert.Equal(t, "(unknown)", v.Version)
	assert.Empty(t, v.Commit)
	assert.Equal(t, runtime.Version(), v.Go)

	var out bytes.Buffer
	require.NoError(t, printVersion(&out, v))
	assert.Contains(t, out.String(), "commit:    (not recorded")
	assert.Contains(t, out.String(), "built:     (not recorded)")
}

func TestVersion_CommandPrintsTextAndJSON(t *testing.T) {
	var text, js bytes.Buffer
	require.Equal(t, exitOK, run(context.Background(), []string{"version"}, &text, io.Discard))
	assert.True(t, strings.HasPrefix(text.String(), "failoverkit "), text.String())
	assert.Contains(t, text.String(), "go:        "+runtime.Version())

	require.Equal(t, exitOK, run(context.Background(), []string{"version", "--json"}, &js, io.Discard))
	var v versionInfo
	require.NoError(t, json.Unmarshal(js.Bytes(), &v))
	assert.Equal(t, runtime.Version(), v.Go)
	assert.NotEmpty(t, v.Version)

	assert.Equal(t, exitUsage, run(context.Background(), []string{"version", "extra"}, io.Discard, io.Discard))
}

// A binary built as the release and image builds build it reports the
// checkout's commit and build time: go test binaries carry no VCS stamp, so
// this builds the real command.
func TestVersion_BinaryPrintsTheCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not in a git checkout: %v", err)
	}
	st, err := buildstamp.Read(context.Background(), ".", time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	bin := filepath.Join(t.TempDir(), "failoverkit")
	build := exec.Command("go", "build", "-ldflags", st.LDFlags(), "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())

	out, err := exec.Command(bin, "version", "--json").Output()
	require.NoError(t, err)
	var v versionInfo
	require.NoError(t, json.Unmarshal(out, &v))
	assert.Equal(t, strings.TrimSpace(string(head)), v.Commit)
	assert.Equal(t, "2026-11-27T15:00:00Z", v.BuildTime)
	assert.Equal(t, st.CommitTime, v.CommitTime)
}
