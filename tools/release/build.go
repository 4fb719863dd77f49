package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/failoverkit/failoverkit/internal/buildstamp"
)

// buildAll builds and archives every target, o.parallel at a time, and
// returns the archive file names in target order.
func buildAll(ctx context.Context, o *options, st buildstamp.Stamp, stdout io.Writer) ([]string, error) {
	archives := make([]string, len(o.targets))
	var mu sync.Mutex
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(o.parallel)
	for i, t := range o.targets {
		g.Go(func() error {
			start := time.Now()
			name, err := buildTarget(ctx, o, st, t)
			if err != nil {
				return fmt.Errorf("%s: %w", t, err)
			}
			archives[i] = name
			mu.Lock()
			fmt.Fprintf(stdout, "  %-14s %s (%s)\n", t, name, time.Since(start).Round(100*time.Millisecond))
			mu.Unlock()
			return nil
		})
	}
	return archives, g.Wait()
}

// buildTarget builds one static binary into a staging directory and
// archives it with LICENSE and README.md.
func buildTarget(ctx context.Context, o *options, st buildstamp.Stamp, t target) (string, error) {
	base := fmt.Sprintf("%s_%s_%s_%s", o.name, st.Version, t.goos, t.goarch)
	stage := filepath.Join(o.out, ".stage", base)
	bin := o.name
	if t.goos == "windows" {
		bin += ".exe"
	}
	if o.binariesOnly {
		out := filepath.Join(o.out, t.goos+"_"+t.goarch, bin)
		return out, goBuild(ctx, t, st, o.pkg, out)
	}
	if err := goBuild(ctx, t, st, o.pkg, filepath.Join(stage, bin)); err != nil {
		return "", err
	}
	files := []archiveFile{{Name: bin, Path: filepath.Join(stage, bin), Mode: 0o755}}
	for _, doc := range []string{"LICENSE", "README.md"} {
		files = append(files, archiveFile{Name: doc, Path: doc, Mode: 0o644})
	}
	name := base + ".tar.gz"
	write := writeTarGz
	if t.goos == "windows" {
		name, write = base+".zip", writeZip
	}
	if err := write(filepath.Join(o.out, name), files, st.BuildTime); err != nil {
		return "", err
	}
	return name, os.RemoveAll(stage)
}

// goBuild runs go build for one target: no cgo (a static binary), no
// local paths (-trimpath), stripped and stamped, modules read-only.
func goBuild(ctx context.Context, t target, st buildstamp.Stamp, pkg, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", st.LDFlags(), "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+t.goos, "GOARCH="+t.goarch, "GOFLAGS=-mod=readonly")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
