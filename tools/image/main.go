package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

// spec is what the image holds and how it runs.
type spec struct {
	bin, caFile, tag, out, goos, goarch string
	created                             time.Time
}

func main() {
	var s spec
	var platform, created, check string
	flag.StringVar(&s.bin, "bin", "", "static failoverkit binary for the platform")
	flag.StringVar(&platform, "platform", "linux/amd64", "image platform (linux/amd64 or linux/arm64)")
	flag.StringVar(&s.tag, "tag", "failoverkit/failoverkit:snapshot", "image reference written into the tarball")
	flag.StringVar(&s.out, "out", "", "tarball to write")
	flag.StringVar(&s.caFile, "ca-file", "/etc/ssl/certs/ca-certificates.crt", "CA bundle copied into the image")
	flag.StringVar(&created, "created", "", "image creation time, RFC 3339 (default: now; pass the commit time for reproducible images)")
	flag.StringVar(&check, "check", "", "read this image tarball back and check it instead of building")
	flag.Parse()
	err := run(&s, platform, created, check)
	if err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

func run(s *spec, platform, created, check string) error {
	goos, goarch, ok := strings.Cut(platform, "/")
	if !ok || goos != "linux" {
		return fmt.Errorf("-platform %q: want linux/<arch>", platform)
	}
	s.goos, s.goarch = goos, goarch
	if check != "" {
		if err := checkTarball(check, s.tag, goarch); err != nil {
			return err
		}
		fmt.Printf("%s: ok (%s, user %s, ports 8441 8442, entrypoint failoverkit mock)\n", check, platform, imageUser)
		return nil
	}
	if s.bin == "" || s.out == "" {
		return fmt.Errorf("-bin and -out are required (or -check)")
	}
	s.created = time.Now().UTC()
	if created != "" {
		t, err := time.Parse(time.RFC3339, created)
		if err != nil {
			return fmt.Errorf("-created: %w", err)
		}
		s.created = t.UTC()
	}
	if err := build(s); err != nil {
		return err
	}
	fmt.Printf("wrote %s (%s, tag %s); load it with: docker load -i %s\n", s.out, platform, s.tag, s.out)
	return nil
}
