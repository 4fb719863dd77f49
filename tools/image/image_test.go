package main

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeELF is a minimal static ELF executable header for goarch (one
// PT_LOAD segment, no interpreter): what the checks look at.
func fakeELF(t *testing.T, goarch string, interp bool) string {
	t.Helper()
	var buf bytes.Buffer
	phnum := uint16(1)
	if interp {
		phnum = 2
	}
	hdr := elf.Header64{Type: uint16(elf.ET_EXEC), Machine: uint16(elfMachine[goarch]), Version: 1,
		Phoff: 64, Ehsize: 64, Phentsize: 56, Phnum: phnum}
	copy(hdr.Ident[:], elf.ELFMAG)
	hdr.Ident[elf.EI_CLASS], hdr.Ident[elf.EI_DATA], hdr.Ident[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)
	progs := []elf.Prog64{{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_X)}}
	if interp {
		progs = append(progs, elf.Prog64{Type: uint32(elf.PT_INTERP)})
	}
	if err := binary.Write(&buf, binary.LittleEndian, hdr); err != nil {
		t.Fatal(err)
	}
	if err := binary.Write(&buf, binary.LittleEndian, progs); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "failoverkit")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func buildTestImage(t *testing.T, caFile string) (string, *spec) {
	t.Helper()
	return buildImageOf(t, fakeELF(t, "amd64", false), caFile, "amd64")
}

func buildImageOf(t *testing.T, bin, caFile, goarch string) (string, *spec) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "img.tar")
	s := &spec{bin: bin, caFile: caFile, tag: "failoverkit/failoverkit:test", out: out, goos: "linux", goarch: goarch, created: time.Unix(0, 0).UTC()}
	if err := build(s); err != nil {
		t.Fatal(err)
	}
	return out, s
}

func caBundle(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "ca.crt")
	if err := os.WriteFile(p, []byte("-----BEGIN CERTIFICATE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBuildThenCheck_RoundTrips(t *testing.T) {
	out, s := buildTestImage(t, caBundle(t))
	if err := checkTarball(out, s.tag, s.goarch); err != nil {
		t.Fatalf("check of a freshly built image: %v", err)
	}
}

func TestCheck_RefusesADynamicBinaryAndAMismatchedOne(t *testing.T) {
	out, s := buildImageOf(t, fakeELF(t, "amd64", true), caBundle(t), "amd64")
	if err := checkTarball(out, s.tag, "amd64"); err == nil || !strings.Contains(err.Error(), "dynamically linked") {
		t.Errorf("dynamic binary: got %v", err)
	}
	out, s = buildImageOf(t, fakeELF(t, "arm64", false), caBundle(t), "amd64")
	if err := checkTarball(out, s.tag, "amd64"); err == nil || !strings.Contains(err.Error(), "want amd64") {
		t.Errorf("arm64 binary in an amd64 image: got %v", err)
	}
}

func TestCheck_RefusesWrongTagAndArchitecture(t *testing.T) {
	out, s := buildTestImage(t, caBundle(t))
	if err := checkTarball(out, "failoverkit/failoverkit:other", s.goarch); err == nil {
		t.Error("an absent tag passed")
	}
	other := map[string]string{"amd64": "arm64", "arm64": "amd64"}[s.goarch]
	err := checkTarball(out, s.tag, other)
	if err == nil || !strings.Contains(err.Error(), "platform") || !strings.Contains(err.Error(), "want "+other) {
		t.Errorf("wrong architecture: got %v", err)
	}
}

func TestCheckFiles_FindsANonExecutableBinaryAndMissingFiles(t *testing.T) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	body := []byte("#!/bin/sh\n")
	if err := tw.WriteHeader(&tar.Header{Name: binPath, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write(body); err != nil {
		t.Fatal(err)
	}
	tw.Close()
	errs := checkFiles(tar.NewReader(&buf), "amd64")
	var all []string
	for _, e := range errs {
		all = append(all, e.Error())
	}
	joined := strings.Join(all, "\n")
	for _, want := range []string{"not an executable regular file", "not an ELF binary", "/" + caPath + " missing", "/etc/passwd missing"} {
		if !strings.Contains(joined, want) {
			t.Errorf("want an error containing %q, got:\n%s", want, joined)
		}
	}
}

func TestBuild_MissingCABundleFails(t *testing.T) {
	s := &spec{bin: fakeELF(t, "amd64", false), caFile: "/nonexistent/ca.crt", tag: "a/b:c", out: filepath.Join(t.TempDir(), "x.tar"), goos: "linux", goarch: "amd64"}
	if err := build(s); err == nil || !strings.Contains(err.Error(), "CA certificates") {
		t.Errorf("got %v", err)
	}
}
