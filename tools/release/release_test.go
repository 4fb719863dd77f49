package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTargets(t *testing.T) {
	ts, err := parseTargets(DefaultTargets)
	require.NoError(t, err)
	assert.Len(t, ts, 6)
	assert.Equal(t, "windows/arm64", ts[5].String())
	for _, bad := range []string{"linux", "linux/", "/amd64", "linux/amd64/x", "linux/amd64,"} {
		_, err := parseTargets(bad)
		assert.Error(t, err, bad)
	}
}

func testFiles(t *testing.T) []archiveFile {
	dir := t.TempDir()
	bin, doc := filepath.Join(dir, "bin"), filepath.Join(dir, "doc")
	require.NoError(t, os.WriteFile(bin, []byte("\x7fELF binary"), 0o600))
	require.NoError(t, os.WriteFile(doc, []byte("licence text"), 0o600))
	return []archiveFile{{Name: "failoverkit", Path: bin, Mode: 0o755}, {Name: "LICENSE", Path: doc, Mode: 0o644}}
}

// The binary is executable in the archive whatever its mode on disk, and
// every entry carries the stamped time.
func TestWriteTarGz_ModesContentsAndTime(t *testing.T) {
	out := filepath.Join(t.TempDir(), "a.tar.gz")
	mtime := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)
	require.NoError(t, writeTarGz(out, testFiles(t), mtime))

	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	gz, err := gzip.NewReader(f)
	require.NoError(t, err)
	tr := tar.NewReader(gz)
	got := map[string]string{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		b, err := io.ReadAll(tr)
		require.NoError(t, err)
		got[hdr.Name] = string(b)
		assert.True(t, hdr.ModTime.Equal(mtime), hdr.Name)
		if hdr.Name == "failoverkit" {
			assert.Equal(t, int64(0o755), hdr.Mode)
		}
	}
	assert.Equal(t, map[string]string{"failoverkit": "\x7fELF binary", "LICENSE": "licence text"}, got)
}

func TestWriteZip_ModesAndContents(t *testing.T) {
	out := filepath.Join(t.TempDir(), "a.zip")
	require.NoError(t, writeZip(out, testFiles(t), time.Now()))
	zr, err := zip.OpenReader(out)
	require.NoError(t, err)
	defer zr.Close()
	require.Len(t, zr.File, 2)
	assert.Equal(t, "failoverkit", zr.File[0].Name)
	assert.Equal(t, os.FileMode(0o755), zr.File[0].Mode().Perm())
	rc, err := zr.File[1].Open()
	require.NoError(t, err)
	b, _ := io.ReadAll(rc)
	rc.Close()
	assert.Equal(t, "licence text", string(b))
}

func TestWriteTarGz_MissingFileLeavesNoArchive(t *testing.T) {
	out := filepath.Join(t.TempDir(), "a.tar.gz")
	err := writeTarGz(out, []archiveFile{{Name: "x", Path: "/nonexistent/x", Mode: 0o644}}, time.Now())
	assert.ErrorContains(t, err, "write "+out)
	assert.NoFileExists(t, out)
}

// checksums.txt is what `sha256sum -c` reads: "<hex>  <name>".
func TestWriteChecksums(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a.zip"), []byte("abc"), 0o600))
	require.NoError(t, writeChecksums(dir, []string{"a.zip"}))
	b, err := os.ReadFile(filepath.Join(dir, ChecksumsFile))
	require.NoError(t, err)
	assert.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a.zip\n", string(b))
	assert.False(t, strings.Contains(string(b), dir))
}
