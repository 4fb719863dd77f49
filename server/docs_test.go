package server

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDocs_ServedOnEveryListener checks what the browser test relies on,
// without a browser: each listener serves the page, its scripts and its
// spec without a session, under a Content-Security-Policy that keeps the
// page on the listener.
func TestDocs_ServedOnEveryListener(t *testing.T) {
	env := Test(t)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, u := range env.servers.URLs() {
		t.Run(string(u.API), func(t *testing.T) {
			status, header, body := docsGet(t, noRedirect, u.URL+DocsPath)
			require.Equal(t, http.StatusOK, status)
			assert.Equal(t, "text/html; charset=utf-8", header.Get("Content-Type"))
			assert.Contains(t, header.Get("Content-Security-Policy"), "default-src 'self'")
			assert.Contains(t, header.Get("Content-Security-Policy"), "img-src 'self' data:")
			for _, src := range []string{DocsPath + "/redoc.standalone.js", DocsPath + "/init.js"} {
				assert.Contains(t, body, `<script src="`+src+`">`)
				status, header, js := docsGet(t, noRedirect, u.URL+src)
				assert.Equal(t, http.StatusOK, status, src)
				assert.Equal(t, "text/javascript; charset=utf-8", header.Get("Content-Type"), src)
				assert.NotEmpty(t, js, src)
			}
			_, _, initJS := docsGet(t, noRedirect, u.URL+DocsPath+"/init.js")
			assert.Contains(t, initJS, `Redoc.init("`+SpecPath+`"`, "the page renders this listener's spec")
			assert.NotContains(t, body+initJS, "https://", "the page names no other host")

			status, header, _ = docsGet(t, noRedirect, u.URL+DocsPath+"/")
			assert.Equal(t, http.StatusMovedPermanently, status)
			assert.Equal(t, DocsPath, header.Get("Location"))
			for _, missing := range []string{"/nope.js", "/index", "/..%2fdocs.go", "/redoc.standalone.js.map"} {
				status, _, _ = docsGet(t, noRedirect, u.URL+DocsPath+missing)
				assert.Equal(t, http.StatusNotFound, status, missing)
			}
		})
	}
}

func docsGet(t *testing.T, c *http.Client, u string) (int, http.Header, string) {
	t.Helper()
	resp, err := c.Get(u)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, strings.TrimSpace(string(b))
}
