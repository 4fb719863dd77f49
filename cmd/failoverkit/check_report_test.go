package main

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/server"
	"github.com/failoverkit/failoverkit/spec"
)

// TestCheck_SeveralReporters writes text, JSON and JUnit to a directory
// while the text report streams to stdout.
func TestCheck_SeveralReporters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reports")
	code, out, errOut := runCLI(t, "check", "--quiet", "--format", "text,junit,json", "--output-dir", dir, "--run", "^vcav\\.session")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "PASS  vcav.session.login")
	txt, err := os.ReadFile(filepath.Join(dir, "conformance.txt"))
	require.NoError(t, err)
	assert.Contains(t, string(txt), "CONFORMS")
	raw, err := os.ReadFile(filepath.Join(dir, "conformance.xml"))
	require.NoError(t, err)
	var junit struct {
		Tests int `xml:"tests,attr"`
	}
	require.NoError(t, xml.Unmarshal(raw, &junit))
	assert.Positive(t, junit.Tests)
	raw, err = os.ReadFile(filepath.Join(dir, "conformance.json"))
	require.NoError(t, err)
	assert.True(t, json.Valid(raw))

	code, _, errOut = runCLI(t, "check", "--format", "text,junit")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--output-dir")
}

// TestCheck_FailureShowsCurl: a failure prints a curl command that
// reproduces it, the URL and the token as shell variables.
func TestCheck_FailureShowsCurl(t *testing.T) {
	m, err := server.New(server.WithInstantTasks())
	require.NoError(t, err)
	broken := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		m.VCAVHandler().ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		status := rec.Code
		if status == http.StatusNotFound && strings.HasPrefix(r.URL.Path, "/vm-replications/") {
			status = http.StatusInternalServerError
		}
		w.WriteHeader(status)
		_, _ = w.Write(rec.Body.Bytes())
	})
	srv := httptest.NewServer(broken)
	defer srv.Close()
	code, out, _ := runCLI(t, "check", "--quiet", "--mock", "--vcav-url", srv.URL, "--run", "vcav.replication.unknown$")
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, out, `reproduce: curl -sS -i -X GET "$FAILOVERKIT_VCAV_URL"'/vm-replications/C4-00000000-0000-4000-8000-000000000000'`)
	assert.Contains(t, out, `-H "X-VCAV-Auth: $FAILOVERKIT_VCAV_TOKEN"`)
}

// TestCheck_TimeoutInterrupts: --timeout cuts a run whose task never ends;
// the report says INTERRUPTED and names the task left running.
func TestCheck_TimeoutInterrupts(t *testing.T) {
	m, err := server.New(server.WithInstantTasks())
	require.NoError(t, err)
	stuck := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/cis/tasks/") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"description":{"id":"x","default_message":"x","args":[]},"service":"com.vmware.vcenter.vcha.cluster","operation":"failover","status":"PENDING","cancelable":false}`))
			return
		}
		m.Handler(spec.VCHA).ServeHTTP(w, r)
	})
	srv := httptest.NewServer(stuck)
	defer srv.Close()
	code, out, errOut := runCLI(t, "check", "--quiet", "--mock", "--vcha-url", srv.URL, "--run", "vcha.failover.planned",
		"--poll-interval", "10ms", "--timeout", "300ms")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, out, "INTERRUPTED vcha.failover.planned")
	assert.Contains(t, errOut, "INTERRUPTED (--timeout 300ms elapsed)")
	assert.Contains(t, errOut, "vcha task")
	assert.Equal(t, 1, strings.Count(strings.TrimSpace(errOut), "\n")+1, errOut)
}

// TestCheck_FailOnSkip: a skip passes a run, unless --fail-on-skip.
func TestCheck_FailOnSkip(t *testing.T) {
	m, err := server.New(server.WithInstantTasks())
	require.NoError(t, err)
	srv := httptest.NewServer(m.Handler(spec.VCHA))
	defer srv.Close()
	t.Setenv("FAILOVERKIT_VCHA_USER", "administrator@vsphere.local")
	t.Setenv("FAILOVERKIT_VCHA_PASSWORD", "vmware")
	args := []string{"check", "--quiet", "--vcha-url", srv.URL, "--run", "vcha.cluster.get|vcha.failover.planned"}
	code, _, errOut := runCLI(t, args...)
	assert.Equal(t, exitOK, code, errOut)
	code, _, errOut = runCLI(t, append(args, "--fail-on-skip")...)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "1 case(s) skipped with --fail-on-skip")
}
