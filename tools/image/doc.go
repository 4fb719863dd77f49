// Command image builds the OCI image of `failoverkit mock` without a
// Docker daemon, with go-containerregistry, and checks an image tarball by
// reading it back.
//
//	go run . -bin ../../dist/bin/linux_amd64/failoverkit -platform linux/amd64 \
//	    -tag failoverkit/failoverkit:snapshot -out ../../dist/failoverkit-mock_linux_amd64.tar
//	go run . -check ../../dist/failoverkit-mock_linux_amd64.tar -platform linux/amd64 -tag failoverkit/failoverkit:snapshot
//
// The image starts from scratch: the static binary
// (/usr/local/bin/failoverkit), the build machine's CA certificates, an
// /etc/passwd and /etc/group with the non-root user 65532 ("nonroot"), its
// home and a writable /tmp. It runs as 65532:65532, exposes 8441 (VCAV)
// and 8442 (vSphere) and its entrypoint is `failoverkit mock` listening on
// 0.0.0.0; arguments given to `docker run` are appended as further mock
// flags. The file is a `docker load` tarball (tarball.WriteToFile).
//
// This is a module of its own so that go-containerregistry and its
// dependencies stay out of the main go.mod.
package main
