package server_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goBlock matches a fenced Go block of a Markdown file.
var goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")

// compiledSnippetFiles hold the code the README shows: tests and examples
// that go test compiles and runs.
var compiledSnippetFiles = []string{"readme_example_test.go", "example_test.go", "../client/example_test.go"}

// TestREADMEGoSnippetsAreCompiled checks that every Go snippet anywhere in
// the README is, verbatim, code of a test file that go test compiles and
// runs, so a snippet cannot drift from working code.
func TestREADMEGoSnippetsAreCompiled(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	var code strings.Builder
	for _, name := range compiledSnippetFiles {
		b, err := os.ReadFile(filepath.FromSlash(name))
		require.NoError(t, err)
		code.Write(b)
	}
	blocks := goBlock.FindAllStringSubmatch(string(readme), -1)
	require.GreaterOrEqual(t, len(blocks), 3, "the README shows the embedding snippet and the client snippets")
	for _, b := range blocks {
		first, _, _ := strings.Cut(b[1], "\n")
		assert.Contains(t, code.String(), b[1], "README Go snippet starting %q is not in %v", first, compiledSnippetFiles)
	}
}
