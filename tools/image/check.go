package main

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// elfMachine is the ELF machine of each supported architecture.
var elfMachine = map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}

// checkTarball reads an image tarball back as `docker load` would find it
// (by tag) and checks its config and its files.
func checkTarball(path, tagName, goarch string) error {
	tag, err := name.NewTag(tagName)
	if err != nil {
		return fmt.Errorf("-tag: %w", err)
	}
	img, err := tarball.ImageFromPath(path, &tag)
	if err != nil {
		return fmt.Errorf("read %s as %s: %w", path, tag, err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	var errs []error
	c := cf.Config
	if cf.OS != "linux" || cf.Architecture != goarch {
		errs = append(errs, fmt.Errorf("platform %s/%s, want linux/%s", cf.OS, cf.Architecture, goarch))
	}
	if c.User != imageUser {
		errs = append(errs, fmt.Errorf("user %q, want %q", c.User, imageUser))
	}
	for _, p := range []string{"8441/tcp", "8442/tcp"} {
		if _, ok := c.ExposedPorts[p]; !ok {
			errs = append(errs, fmt.Errorf("port %s not exposed", p))
		}
	}
	if !slices.Equal(c.Entrypoint, Entrypoint) {
		errs = append(errs, fmt.Errorf("entrypoint %q, want %q", c.Entrypoint, Entrypoint))
	}
	rc := mutate.Extract(img)
	defer rc.Close()
	errs = append(errs, checkFiles(tar.NewReader(rc), goarch)...)
	return errors.Join(errs...)
}

// checkFiles checks the flattened filesystem: an executable static binary
// for the architecture, the CA bundle, and the user in /etc/passwd.
func checkFiles(tr *tar.Reader, goarch string) []error {
	found := map[string]bool{}
	var errs []error
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return append(errs, err)
		}
		switch strings.TrimPrefix(hdr.Name, "/") {
		case binPath:
			found[binPath] = true
			errs = append(errs, checkBinary(tr, hdr, goarch)...)
		case caPath:
			found[caPath] = hdr.Size > 0
		case "etc/passwd":
			b, _ := io.ReadAll(tr)
			found["etc/passwd"] = strings.Contains(string(b), ":65532:65532:")
		}
	}
	for _, want := range []string{binPath, caPath, "etc/passwd"} {
		if !found[want] {
			errs = append(errs, fmt.Errorf("/%s missing, empty or without user 65532", want))
		}
	}
	return errs
}

func checkBinary(tr *tar.Reader, hdr *tar.Header, goarch string) []error {
	var errs []error
	if hdr.Typeflag != tar.TypeReg || hdr.Mode&0o111 == 0 {
		errs = append(errs, fmt.Errorf("/%s is not an executable regular file (mode %o)", binPath, hdr.Mode))
	}
	b, err := io.ReadAll(tr)
	if err != nil {
		return append(errs, err)
	}
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		return append(errs, fmt.Errorf("/%s is not an ELF binary: %w", binPath, err))
	}
	defer f.Close()
	if f.Machine != elfMachine[goarch] {
		errs = append(errs, fmt.Errorf("/%s is for %s, want %s", binPath, f.Machine, goarch))
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			errs = append(errs, fmt.Errorf("/%s is dynamically linked (no libc in a scratch image)", binPath))
		}
	}
	return errs
}
