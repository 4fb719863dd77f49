package main

import (
	"bytes"
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

// runCLI runs the command line and returns the exit code and both outputs.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestCheck_EmbeddedMock(t *testing.T) {
	code, out, errOut := runCLI(t, "check")
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Contains(t, out, "failoverkit conformance report")
	assert.Contains(t, out, "(failoverkit mock)")
	assert.Contains(t, out, "PASS  vcav.failover.succeeds")
	assert.Regexp(t, `\d+ cases: \d+ passed, 0 failed, 0 skipped, 0 errors`, out)
	assert.NotContains(t, out, "\x1b[", "no colour when stdout is not a terminal")
	assert.Contains(t, errOut, "vcav.failover.succeeds: task", "progress lines while tasks are polled")
}

func TestCheck_JUnit(t *testing.T) {
	code, out, _ := runCLI(t, "check", "--format", "junit", "--quiet")
	require.Equal(t, exitOK, code)
	var doc struct {
		XMLName xml.Name `xml:"testsuites"`
		Tests   int      `xml:"tests,attr"`
		Suites  []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal([]byte(out), &doc))
	assert.Positive(t, doc.Tests)
	require.Len(t, doc.Suites, 2)
	assert.Equal(t, "failoverkit.vcha", doc.Suites[1].Name)
}

func TestCheck_JSON(t *testing.T) {
	code, out, _ := runCLI(t, "check", "--format", "json", "--run", "^vcha\\.", "--quiet")
	require.Equal(t, exitOK, code)
	var doc struct {
		Results []struct {
			Case   string `json:"case"`
			Status string `json:"status"`
		} `json:"results"`
		Counts struct {
			Total, Passed int
		} `json:"counts"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.NotEmpty(t, doc.Results)
	for _, r := range doc.Results {
		assert.True(t, strings.HasPrefix(r.Case, "vcha."), r.Case)
		assert.Equal(t, "pass", r.Status)
	}
	assert.Equal(t, doc.Counts.Total, doc.Counts.Passed)
}

func TestCheck_UsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--no-such-flag"},
		{"check", "--format", "xml"},
		{"check", "--run", "("},
		{"check", "extra-arg"},
		{"check", "--vcav-url", "ftp://example.com"},
		{"check", "--vcav-url", "http://example.com", "--vcav-login-type", "kerberos"},
		{"check", "--vcav-url", "http://127.0.0.1:1", "--credentials", "/nonexistent/creds.yaml"},
	} {
		code, _, errOut := runCLI(t, args...)
		assert.Equal(t, exitUsage, code, "%v: %s", args, errOut)
	}
}

func TestCheck_UnreachableURL(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	code, _, errOut := runCLI(t, "check", "--vcav-url", url)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "cannot reach the vcav target")
}

// TestCheck_BrokenTarget points the command at a mock whose VCAV half
// answers 404s as 500: exit 1, and the report says why.
func TestCheck_BrokenTarget(t *testing.T) {
	m, err := server.New(server.WithInstantTasks())
	require.NoError(t, err)
	broken := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		m.VCAVHandler().ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		status := rec.Code
		if status == http.StatusNotFound && !strings.HasPrefix(r.URL.Path, server.ControlPrefix) {
			status = http.StatusInternalServerError
		}
		w.WriteHeader(status)
		_, _ = w.Write(rec.Body.Bytes())
	})
	vcavSrv := httptest.NewServer(broken)
	defer vcavSrv.Close()
	vchaSrv := httptest.NewServer(m.Handler(spec.VCHA))
	defer vchaSrv.Close()
	code, out, errOut := runCLI(t, "check", "--vcav-url", vcavSrv.URL, "--vcha-url", vchaSrv.URL, "--mock", "--quiet")
	assert.Equal(t, exitFindings, code, errOut)
	assert.Contains(t, out, "FAIL  vcav.failover.unknown-replication")
	assert.Contains(t, out, "got 500, want 404")
	assert.Contains(t, out, "DOES NOT CONFORM")
	assert.Contains(t, errOut, "does not conform")
}

// TestCheck_RealTargetDefaults: against a URL without --mock, credentials
// come from the environment and a credentials file, and destructive cases
// are skipped without --allow-destructive.
func TestCheck_RealTargetDefaults(t *testing.T) {
	m, err := server.New(server.WithInstantTasks())
	require.NoError(t, err)
	srv := httptest.NewServer(m.Handler(spec.VCHA))
	defer srv.Close()
	creds := filepath.Join(t.TempDir(), "creds.yaml")
	require.NoError(t, os.WriteFile(creds, []byte("FAILOVERKIT_VCHA_PASSWORD: vmware\n"), 0o600))
	t.Setenv("FAILOVERKIT_VCHA_USER", "administrator@vsphere.local")
	t.Setenv("FAILOVERKIT_VCHA_PASSWORD", "wrong-password-from-env")
	code, out, errOut := runCLI(t, "check", "--vcha-url", srv.URL, "--credentials", creds, "--quiet")
	require.Equal(t, exitOK, code, "%s\n%s", out, errOut)
	assert.Contains(t, out, "PASS  vcha.cluster.get")
	assert.Contains(t, out, "SKIP  vcha.failover.planned")
	assert.Contains(t, out, "pass --allow-destructive")
	assert.Contains(t, out, "SKIP  vcav.session.login")
	assert.NotContains(t, out+errOut, "wrong-password-from-env")
}

func TestCheck_EmbeddedMockVCDLogin(t *testing.T) {
	code, out, errOut := runCLI(t, "check", "--vcav-login-type", "vcdCredentials", "--run", "^vcav\\.session", "--quiet")
	require.Equal(t, exitOK, code, "%s\n%s", out, errOut)
	assert.Contains(t, out, "PASS  vcav.session.login")
}

func TestCheck_List(t *testing.T) {
	code, out, _ := runCLI(t, "check", "--list", "--run", "destructive")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "vcav.failover.succeeds")
	assert.NotContains(t, out, "vcav.session.login")
}
