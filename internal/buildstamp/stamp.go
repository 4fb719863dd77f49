package buildstamp

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// MainPackage is the import path whose variables the stamp sets.
const MainPackage = "main"

// Stamp is what a build records about its source.
type Stamp struct {
	Version    string    // the tag at HEAD, else "0.0.0-snapshot-<commit[:12]>" (usable in file names and image tags)
	Commit     string    // full commit id
	Dirty      bool      // uncommitted changes to tracked files
	CommitTime string    // committer date, RFC 3339
	BuildTime  time.Time // UTC, to the second
}

// Read runs git in dir. now is the build time to record.
func Read(ctx context.Context, dir string, now time.Time) (Stamp, error) {
	commit, err := git(ctx, dir, "rev-parse", "HEAD")
	if err != nil {
		return Stamp{}, err
	}
	status, err := git(ctx, dir, "status", "--porcelain", "--untracked-files=no")
	if err != nil {
		return Stamp{}, err
	}
	committed, err := git(ctx, dir, "show", "-s", "--format=%cI", "HEAD")
	if err != nil {
		return Stamp{}, err
	}
	s := Stamp{Commit: commit, Dirty: status != "", CommitTime: committed, BuildTime: now.UTC().Truncate(time.Second)}
	s.Version = "0.0.0-snapshot-" + commit[:min(12, len(commit))]
	if tag, err := git(ctx, dir, "describe", "--tags", "--exact-match", "HEAD"); err == nil && tag != "" {
		s.Version = tag
	}
	if s.Dirty {
		s.Version += "-dirty"
	}
	return s, nil
}

// LDFlags returns the -ldflags value for a release build: symbol table and
// DWARF stripped (-s -w) and the stamp's variables set in package main.
func (s Stamp) LDFlags() string {
	dirty := "false"
	if s.Dirty {
		dirty = "true"
	}
	return strings.Join([]string{
		"-s", "-w",
		"-X", MainPackage + ".version=" + s.Version,
		"-X", MainPackage + ".commit=" + s.Commit,
		"-X", MainPackage + ".modified=" + dirty,
		"-X", MainPackage + ".commitTime=" + s.CommitTime,
		"-X", MainPackage + ".buildTime=" + s.BuildTime.Format(time.RFC3339),
	}, " ")
}

func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
			return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out)), nil
}
