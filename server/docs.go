package server

import (
	"embed"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// DocsPath is where each listener serves a browsable reference of its own
// API, rendered in the browser from the document at SpecPath by Redoc
// (the npm package pinned in tools/docs, copied into apidocs/ by
// `make docs-assets` and embedded at build time).
const DocsPath = "/docs"

// docsAssets holds the page, its script and the Redoc bundle.
//
//go:embed apidocs/index.html apidocs/init.js apidocs/redoc.standalone.js apidocs/redoc.standalone.js.LICENSE.txt apidocs/redoc.LICENSE
var docsAssets embed.FS

// docsCSP keeps the page on this listener: scripts, the spec and images
// from here only (Redoc renders a logo from a CDN, which the browser then
// never asks for), styles inline (Redoc's styled components) or from
// here, its search worker from a blob.
const docsCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// docsTypes are the content types of the embedded files, by extension.
var docsTypes = map[string]string{
	".html":    "text/html; charset=utf-8",
	".js":      "text/javascript; charset=utf-8",
	".txt":     "text/plain; charset=utf-8",
	".LICENSE": "text/plain; charset=utf-8",
}

// isPublicPath reports the paths every listener serves outside its spec
// and without a session: the spec document and its rendered reference.
func isPublicPath(p string) bool {
	return p == SpecPath || p == DocsPath || strings.HasPrefix(p, DocsPath+"/")
}

// registerDocs serves DocsPath (the page), DocsPath/ (a redirect to it)
// and the page's files under DocsPath/.
func registerDocs(e *echo.Echo) {
	e.GET(DocsPath, func(c echo.Context) error { return serveDocsFile(c, "index.html") })
	e.GET(DocsPath+"/", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, DocsPath) })
	e.GET(DocsPath+"/:file", func(c echo.Context) error { return serveDocsFile(c, c.Param("file")) })
}

// serveDocsFile answers with one embedded file, or 404 in plain text.
func serveDocsFile(c echo.Context, name string) error {
	typ, ok := docsTypes[path.Ext(name)]
	b, err := docsAssets.ReadFile("apidocs/" + name)
	if !ok || err != nil || strings.Contains(name, "/") {
		return c.String(http.StatusNotFound, "not found: "+DocsPath+"/"+name+"\n")
	}
	h := c.Response().Header()
	h.Set("Content-Security-Policy", docsCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, typ, b)
}
