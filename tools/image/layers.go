package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// The image's user and paths.
const (
	imageUID  = 65532
	imageUser = "65532:65532"
	binPath   = "usr/local/bin/failoverkit"
	caPath    = "etc/ssl/certs/ca-certificates.crt"
	home      = "home/nonroot"
)

const passwd = "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"
const group = "root:x:0:\nnonroot:x:65532:\n"

// entry is one file or directory of a layer.
type entry struct {
	name     string
	mode     int64
	uid      int
	dir      bool
	contents []byte
}

// baseLayer holds what scratch lacks: users, CA certificates, a home and /tmp.
func baseLayer(caFile string, mtime time.Time) (v1.Layer, error) {
	ca, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("CA certificates: %w", err)
	}
	return layer(mtime, []entry{
		{name: "etc", mode: 0o755, dir: true},
		{name: "etc/passwd", mode: 0o644, contents: []byte(passwd)},
		{name: "etc/group", mode: 0o644, contents: []byte(group)},
		{name: "etc/ssl", mode: 0o755, dir: true},
		{name: "etc/ssl/certs", mode: 0o755, dir: true},
		{name: caPath, mode: 0o644, contents: ca},
		{name: "home", mode: 0o755, dir: true},
		{name: home, mode: 0o700, uid: imageUID, dir: true},
		{name: "tmp", mode: 0o1777, dir: true},
	})
}

// binaryLayer holds the executable.
func binaryLayer(bin string, mtime time.Time) (v1.Layer, error) {
	b, err := os.ReadFile(bin)
	if err != nil {
		return nil, fmt.Errorf("binary: %w", err)
	}
	return layer(mtime, []entry{
		{name: "usr", mode: 0o755, dir: true},
		{name: "usr/local", mode: 0o755, dir: true},
		{name: "usr/local/bin", mode: 0o755, dir: true},
		{name: binPath, mode: 0o755, contents: b},
	})
}

// layer writes entries into an uncompressed tar, owned by root unless the
// entry names a uid, every mtime the same (reproducible digests).
func layer(mtime time.Time, entries []entry) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Mode: e.mode, Uid: e.uid, Gid: e.uid, ModTime: mtime, Typeflag: tar.TypeReg, Size: int64(len(e.contents)), Format: tar.FormatPAX}
		if e.dir {
			hdr.Name += "/"
			hdr.Typeflag, hdr.Size = tar.TypeDir, 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.contents); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	})
}
