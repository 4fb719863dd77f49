package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// Set by the release and image builds (internal/buildstamp) with
// -ldflags "-X main.version=... -X main.commit=...". A plain `go build`
// leaves them empty and the build info's own values are used (Go stamps the
// commit itself in a plain git clone, but not in a git worktree).
var (
	version    string
	commit     string
	modified   string // "true" or "false"
	commitTime string
	buildTime  string
)

// stamp holds the linker-set variables.
type stamp struct{ version, commit, modified, commitTime, buildTime string }

// versionInfo is what `failoverkit version` prints.
type versionInfo struct {
	Version    string `json:"version"`
	Commit     string `json:"commit,omitempty"`
	Dirty      bool   `json:"dirty"`
	CommitTime string `json:"commitTime,omitempty"`
	BuildTime  string `json:"buildTime,omitempty"`
	Go         string `json:"go"`
	Platform   string `json:"platform"`
}

// readVersionInfo derives the version from the binary's build info: the
// module version (a tag, a pseudo-version or "(devel)"), the VCS commit,
// whether the tree was dirty, the commit time and the Go version. The
// linker-stamped version wins where set; the build time exists only when
// stamped (Go records the commit time, not the build time).
func readVersionInfo(bi *debug.BuildInfo, ok bool, stamped stamp) versionInfo {
	v := versionInfo{Version: "(unknown)", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if ok && bi != nil {
		v.Go = bi.GoVersion
		if bi.Main.Version != "" {
			v.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Commit = s.Value
			case "vcs.modified":
				v.Dirty = s.Value == "true"
			case "vcs.time":
				v.CommitTime = s.Value
			}
		}
	}
	if stamped.version != "" {
		v.Version = stamped.version
	}
	if stamped.commit != "" {
		v.Commit, v.Dirty, v.CommitTime = stamped.commit, stamped.modified == "true", stamped.commitTime
	}
	if stamped.buildTime != "" {
		v.BuildTime = stamped.buildTime
	}
	return v
}

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the version as a JSON object")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected arguments: %v", fs.Args())
	}
	bi, ok := debug.ReadBuildInfo()
	v := readVersionInfo(bi, ok, stamp{version, commit, modified, commitTime, buildTime})
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	return printVersion(stdout, v)
}

func printVersion(w io.Writer, v versionInfo) error {
	rev := v.Commit
	switch {
	case rev == "":
		rev = "(not recorded: built outside a git clone or with -buildvcs=false; make release-snapshot stamps it)"
	case v.Dirty:
		rev += " (dirty: uncommitted changes)"
	}
	_, err := fmt.Fprintf(w, "failoverkit %s\n  commit:    %s\n  committed: %s\n  built:     %s\n  go:        %s\n  platform:  %s\n",
		v.Version, rev, orNotRecorded(v.CommitTime), orNotRecorded(v.BuildTime), v.Go, v.Platform)
	return err
}

func orNotRecorded(s string) string {
	if s == "" {
		return "(not recorded)"
	}
	return s
}
