// Command release builds a snapshot release of failoverkit offline, with
// the Go toolchain alone: static binaries (CGO_ENABLED=0, -trimpath,
// -ldflags "-s -w" plus the version stamp of internal/buildstamp) for each
// target, one archive per target (tar.gz; zip for Windows) holding the
// binary, LICENSE and README.md, and checksums.txt (SHA-256, the format
// `sha256sum -c` reads).
//
//	go run ./tools/release [-out dist] [-targets linux/amd64,windows/arm64] [-parallel 1]
//
// `make release-snapshot` runs it for every target. Nothing is fetched
// beyond the module cache: with the modules downloaded it runs with
// GOPROXY=off.
package main
