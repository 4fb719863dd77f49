package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/spec"
)

// envChromium runs the browser tests: "required" (make docs-check, CI)
// fails without Chromium, "1" skips without it. Unset, they skip, so that
// `go test ./...` does not start a browser on every run; CI runs them once,
// in make docs-check.
const envChromium = "FAILOVERKIT_CHROMIUM"

// docsFailoverOps is the failover operation each API's reference must list.
var docsFailoverOps = map[spec.API]string{
	spec.VCAV: "failoverVmReplication",
	spec.VCHA: "failoverVchaClusterAsync",
}

// TestDocsPage_RendersInChromiumWithoutLeavingTheMachine loads /docs of
// each listener in headless Chromium: Redoc renders the API's operations,
// the failover among them, and every request the page starts goes to the
// listener itself.
func TestDocsPage_RendersInChromiumWithoutLeavingTheMachine(t *testing.T) {
	chrome := chromiumOrSkip(t)
	env := Test(t)
	for api, op := range docsFailoverOps {
		t.Run(string(api), func(t *testing.T) {
			base := env.servers.URL(api)
			dom, reqs := loadInChromium(t, chrome, base+DocsPath)
			assert.Contains(t, dom, `id="operation/`+op+`"`, "the rendered reference lists the failover operation")
			assert.NotContains(t, dom, "Something went wrong", "Redoc reported an error")
			assert.Contains(t, reqs, base+SpecPath, "the page loads this listener's spec")
			assert.Empty(t, offMachine(reqs), "requests the page started off the machine")
		})
	}
}

// TestDocsCheck_SeesAnOffMachineRequest proves the check can fail: a page
// without the mock's Content-Security-Policy that loads an image from
// elsewhere shows that request (the browser resolves no name, so nothing
// leaves the machine).
func TestDocsCheck_SeesAnOffMachineRequest(t *testing.T) {
	chrome := chromiumOrSkip(t)
	leaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = fmt.Fprint(w, `<!DOCTYPE html><html><body><p>leaky</p><img src="https://cdn.example.invalid/logo.svg"></body></html>`)
	}))
	t.Cleanup(leaky.Close)
	dom, reqs := loadInChromium(t, chrome, leaky.URL)
	assert.Contains(t, dom, "leaky")
	assert.Equal(t, []string{"https://cdn.example.invalid/logo.svg"}, offMachine(reqs))
}

// chromiumOrSkip returns the path of chromium, or skips (fails when
// envChromium is "required").
func chromiumOrSkip(t *testing.T) string {
	t.Helper()
	if os.Getenv(envChromium) == "" {
		t.Skipf("set %s=1 (or run make docs-check) to load /docs in headless Chromium", envChromium)
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(envChromium) == "required" {
		t.Fatalf("%s=required but no chromium on PATH (apt-get install -y chromium)", envChromium)
	}
	t.Skipf("no chromium on PATH; `make docs-check` runs this test")
	return ""
}

// loadInChromium loads pageURL in a fresh headless Chromium and returns
// the DOM after the scripts ran and the URLs of the requests the page
// started (read from Chromium's net log). Host names other than loopback
// resolve to nothing, so a leak is seen but never sent.
func loadInChromium(t *testing.T, chrome, pageURL string) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	netlog := filepath.Join(dir, "netlog.json")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chrome, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--log-net-log="+netlog,
		"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
		"--virtual-time-budget=20000", "--dump-dom", pageURL)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "chromium: %s", tail(stderr.String(), 2000))
	return string(out), pageRequests(t, netlog, pageURL)
}

// pageRequests reads the URLs of the requests in a Chromium net log that
// the page started: the main frame and everything whose initiator is the
// page's origin. The browser's own traffic (sign-in, updates, autofill),
// which has no origin as initiator, is left out.
func pageRequests(t *testing.T, path, pageURL string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	raw = []byte(strings.TrimSpace(string(raw)))
	if !strings.HasSuffix(string(raw), "}") { // Chromium may end the file without closing the array
		raw = append([]byte(strings.TrimSuffix(strings.TrimSuffix(string(raw), ","), "\n")), []byte("]}")...)
	}
	var log struct {
		Constants struct {
			LogEventTypes map[string]int `json:"logEventTypes"`
		} `json:"constants"`
		Events []struct {
			Type   int `json:"type"`
			Params struct {
				URL         string `json:"url"`
				Initiator   string `json:"initiator"`
				RequestType string `json:"request_type"`
			} `json:"params"`
		} `json:"events"`
	}
	require.NoError(t, json.Unmarshal(raw, &log), "net log")
	start, ok := log.Constants.LogEventTypes["URL_REQUEST_START_JOB"]
	require.True(t, ok, "the net log names URL_REQUEST_START_JOB")
	u, err := url.Parse(pageURL)
	require.NoError(t, err)
	origin := u.Scheme + "://" + u.Host
	seen, urls := map[string]bool{}, []string{}
	for _, e := range log.Events {
		p := e.Params
		if e.Type != start || seen[p.URL] || (p.Initiator != origin && p.RequestType != "main frame") {
			continue
		}
		seen[p.URL] = true
		urls = append(urls, p.URL)
	}
	require.NotEmpty(t, urls, "the net log shows the page's requests")
	return urls
}

// offMachine returns the URLs whose host is not a loopback address.
func offMachine(urls []string) []string {
	var out []string
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme == "data" || u.Scheme == "blob" {
			continue
		}
		ip := net.ParseIP(u.Hostname())
		if u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
			out = append(out, raw)
		}
	}
	return out
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
