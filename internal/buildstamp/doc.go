// Package buildstamp reads the version facts of a git checkout (commit,
// uncommitted changes, tag, time) and turns them into the -ldflags -X
// values that `failoverkit version` prints. The release and image builds
// use it so that binaries carry their commit even where Go's own VCS
// stamping does not run (git worktrees, -buildvcs=false, source archives).
package buildstamp
