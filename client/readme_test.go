package client_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goBlock matches a fenced Go block of a Markdown file.
var goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")

// TestREADMEClientSnippetsAreCompiled checks that every Go snippet of the
// README's client section is code of example_test.go, so that the snippets
// compile and run with the examples.
func TestREADMEClientSnippetsAreCompiled(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	examples, err := os.ReadFile("example_test.go")
	require.NoError(t, err)

	section := string(readme)
	start := strings.Index(section, "\n## The client\n")
	require.GreaterOrEqual(t, start, 0, "README has a client section")
	section = section[start+1:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	blocks := goBlock.FindAllStringSubmatch(section, -1)
	require.NotEmpty(t, blocks)
	for _, b := range blocks {
		assert.Contains(t, string(examples), b[1], "README snippet is not in client/example_test.go")
	}
}
