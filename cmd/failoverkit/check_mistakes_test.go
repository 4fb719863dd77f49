package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/conformance"
)

// TestCheck_UserMistakes drives check through the mistakes a user makes:
// each ends with exit 2 and one line that names the mistake, never a
// report blaming the vendor.
func TestCheck_UserMistakes(t *testing.T) {
	em, err := conformance.StartMock()
	require.NoError(t, err)
	t.Cleanup(func() { _ = em.Close() })
	static := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(static, "index.html"), []byte("<html>hello</html>"), 0o644))
	web := httptest.NewServer(http.FileServer(http.Dir(static)))
	t.Cleanup(web.Close)
	creds, err := conformance.MockCredentials("")
	require.NoError(t, err)
	good := map[string]string{
		conformance.EnvVCAVUser: creds.VCAVUser, conformance.EnvVCAVPassword: creds.VCAVPassword,
		conformance.EnvVCHAUser: creds.VCHAUser, conformance.EnvVCHAPassword: creds.VCHAPassword,
	}
	both := []string{"check", "--quiet", "--vcav-url", em.VCAVURL, "--vcha-url", em.VCHAURL}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"wrong password", map[string]string{conformance.EnvVCAVPassword: "not-the-password"}, both, "the VCAV credentials were refused"},
		{"a static web server", nil, []string{"check", "--quiet", "--vcav-url", web.URL}, "does not answer as a VCDA API"},
		{"a static web server as vCenter", nil, []string{"check", "--quiet", "--vcha-url", web.URL}, "does not answer as a vCenter"},
		{"swapped URLs", nil, []string{"check", "--quiet", "--vcav-url", em.VCHAURL, "--vcha-url", em.VCAVURL}, "swapped"},
		{"a replication id typo", nil, append(both, "--allow-destructive", "--vcav-replication", "C4-09b2917c-bbe9-4693-ae3f-95b43a94b24"), "is the id mistyped"},
		{"a vApp replication id typo", nil, append(both, "--allow-destructive", "--vcav-vapp-replication", "C4VAPP-ccbe771e-b685-46c7-8c7a-4ed36915d96"), "named with --vcav-vapp-replication cannot be read (404"},
		{"--run matching nothing", nil, []string{"check", "--quiet", "--run", "no-such-case"}, "no case matches"},
		{"no credentials", map[string]string{conformance.EnvVCAVUser: "", conformance.EnvVCAVPassword: ""}, both, "no VCAV credentials"},
		{"every selected case skipped", nil, append(both, "--run", "vcha.failover.planned"), "every selected case skipped"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range good {
				t.Setenv(k, v)
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, _, errOut := runCLI(t, tc.args...)
			assert.Equal(t, exitUsage, code, errOut)
			assert.Contains(t, errOut, tc.want)
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(errOut), "\n")+1, "one line: %q", errOut)
			assert.NotContains(t, errOut, "DOES NOT CONFORM")
		})
	}
}
