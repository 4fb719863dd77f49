package conformance

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/server"
)

// TestStartMock_HasTheServeLimits: the embedded mock of `failoverkit
// check` starts the way `failoverkit mock` does (server.Mock.Listen), so
// net/http's header cap (server.DefaultMaxHeaderBytes) applies: a request
// with 100 KiB of headers is cut off by net/http with its plain-text 431,
// before the mock's handler could answer in the vendor's shape.
func TestStartMock_HasTheServeLimits(t *testing.T) {
	em, err := StartMock()
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, em.Close()) })
	for _, base := range []string{em.VCAVURL, em.VCHAURL} {
		req, err := http.NewRequest(http.MethodGet, base+server.SpecPath, nil)
		require.NoError(t, err)
		req.Header.Set("X-Padding", strings.Repeat("x", 100<<10))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode, base)
		assert.NotContains(t, resp.Header.Get("Content-Type"), "json", "net/http answered, not the handler: %s", body)
	}
}
