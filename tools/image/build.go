package main

import (
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Entrypoint is the command the container runs: the mock on every
// interface (a container's loopback is unreachable from the host).
var Entrypoint = []string{"/" + binPath, "mock", "--vcav-addr=0.0.0.0:8441", "--vcha-addr=0.0.0.0:8442"}

// build assembles the image from scratch and writes the docker-load tarball.
func build(s *spec) error {
	tag, err := name.NewTag(s.tag)
	if err != nil {
		return fmt.Errorf("-tag: %w", err)
	}
	base, err := baseLayer(s.caFile, s.created)
	if err != nil {
		return err
	}
	bin, err := binaryLayer(s.bin, s.created)
	if err != nil {
		return err
	}
	img, err := mutate.AppendLayers(empty.Image, base, bin)
	if err != nil {
		return err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = s.goos, s.goarch
	cf.Created = v1.Time{Time: s.created}
	cf.Config = imageConfig()
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return err
	}
	if err := tarball.WriteToFile(s.out, tag, img); err != nil {
		return fmt.Errorf("write %s: %w", s.out, err)
	}
	return nil
}

func imageConfig() v1.Config {
	return v1.Config{
		User:         imageUser,
		WorkingDir:   "/" + home,
		Entrypoint:   Entrypoint,
		ExposedPorts: map[string]struct{}{"8441/tcp": {}, "8442/tcp": {}},
		Env:          []string{"HOME=/" + home, "SSL_CERT_FILE=/" + caPath},
		Labels: map[string]string{
			"org.opencontainers.image.title":    "failoverkit mock",
			"org.opencontainers.image.source":   "https://github.com/failoverkit/failoverkit",
			"org.opencontainers.image.licenses": "Apache-2.0",
		},
	}
}
