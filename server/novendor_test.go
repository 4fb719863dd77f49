package server

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sharedFiles is the vendor-neutral core: code every API runs through,
// which must name none of them. An API is declared in files of its own
// (vcav_*.go, vcha_*.go, spec/vcav.go, spec/vcha.go) and registered in
// apis.go; testing.go is the Go test helper, which offers a logged-in
// client per API and so names them on purpose.
var sharedFiles = []string{
	"mock.go", "pipeline.go", "serve.go", "control.go", "requestlog.go", "faults.go",
	"fixture.go", "simulator.go", "taskengine.go", "taskresults.go", "tasks.go",
	"config.go", "problem.go", "docs.go", "banner.go", "sessions.go", "users.go", "clock.go", "tls.go", "outage.go",
	"../cmd/failoverkit/mock.go",
	"../conformance/engine.go", "../conformance/proxy.go", "../conformance/control.go",
	"../internal/oasvalidate/validator.go", "../internal/oasvalidate/answer.go",
	"../internal/oasvalidate/describe.go",
	"../internal/ctxsleep/ctxsleep.go", "../internal/tlsclient/tlsclient.go",
	"../spec/spec.go", "../spec/router.go",
}

// vendorWords are the names no identifier or import of shared code may
// contain (case-insensitively).
var vendorWords = []string{"vcav", "vcha"}

// TestSharedCodeNamesNoVendor parses every shared file and fails on each
// identifier or import path that names an API: adding an API must not need
// an edit there.
func TestSharedCodeNamesNoVendor(t *testing.T) {
	fset := token.NewFileSet()
	for _, name := range sharedFiles {
		f, err := parser.ParseFile(fset, filepath.FromSlash(name), nil, parser.SkipObjectResolution)
		require.NoError(t, err, name)
		for _, v := range vendorNames(f) {
			t.Errorf("%s: shared code names an API: %s", fset.Position(v.pos), v.name)
		}
	}
}

// TestVendorNames_FindsIdentifiersAndImports checks the scan itself on a
// file that names an API in each way it looks for, and in a comment and a
// string, which it allows.
func TestVendorNames_FindsIdentifiersAndImports(t *testing.T) {
	const src = `package x

import "github.com/failoverkit/failoverkit/gen/vcav"

// vcha in a comment is fine.
var _ = "VCAV in a string is fine"

func f(m *vcavMock) { _ = spec.VCHA; _ = vcav.ApiError{} }
`
	f, err := parser.ParseFile(token.NewFileSet(), "x.go", src, parser.SkipObjectResolution)
	require.NoError(t, err)
	var names []string
	for _, v := range vendorNames(f) {
		names = append(names, v.name)
	}
	assert.Equal(t, []string{`"github.com/failoverkit/failoverkit/gen/vcav"`, "vcavMock", "VCHA", "vcav"}, names)
}

type vendorName struct {
	pos  token.Pos
	name string
}

// vendorNames lists the identifiers and import paths of f that contain a
// vendor word, in source order.
func vendorNames(f *ast.File) []vendorName {
	var out []vendorName
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ImportSpec:
			if p, _ := strconv.Unquote(n.Path.Value); namesVendor(p) {
				out = append(out, vendorName{n.Pos(), n.Path.Value})
			}
			return false
		case *ast.Ident:
			if namesVendor(n.Name) {
				out = append(out, vendorName{n.Pos(), n.Name})
			}
		}
		return true
	})
	return out
}

func namesVendor(s string) bool {
	s = strings.ToLower(s)
	for _, w := range vendorWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
