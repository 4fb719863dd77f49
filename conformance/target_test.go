package conformance_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/conformance"
)

func TestCredentialsFromEnv(t *testing.T) {
	env := map[string]string{
		conformance.EnvVCAVUser: "root", conformance.EnvVCAVPassword: "a",
		conformance.EnvVCHAUser: "admin", conformance.EnvVCHAPassword: "b",
		conformance.EnvVCHALowPrivUser: "ro", conformance.EnvVCHALowPrivPassword: "c",
	}
	c := conformance.CredentialsFromEnv(func(k string) string { return env[k] })
	assert.Equal(t, conformance.Credentials{VCAVUser: "root", VCAVPassword: "a", VCHAUser: "admin", VCHAPassword: "b",
		VCHALowPrivUser: "ro", VCHALowPrivPassword: "c"}, c)
}

func TestLoadCredentialsFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
		return p
	}
	yml := write("c.yaml", "FAILOVERKIT_VCAV_USER: root\nFAILOVERKIT_VCAV_PASSWORD: 'p@ss: word'\n")
	c, err := conformance.LoadCredentialsFile(yml)
	require.NoError(t, err)
	assert.Equal(t, "root", c.VCAVUser)
	assert.Equal(t, "p@ss: word", c.VCAVPassword)

	js := write("c.json", `{"FAILOVERKIT_VCHA_USER":"admin","FAILOVERKIT_VCHA_PASSWORD":"x"}`)
	c, err = conformance.LoadCredentialsFile(js)
	require.NoError(t, err)
	assert.Equal(t, "admin", c.VCHAUser)

	// A typo is an error that names the key, never a value.
	typo := write("typo.yaml", "FAILOVERKIT_VCAV_PASWORD: Sup3rSecret\n")
	_, err = conformance.LoadCredentialsFile(typo)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "FAILOVERKIT_VCAV_PASWORD")
	assert.NotContains(t, err.Error(), "Sup3rSecret")

	wrongType := write("type.yaml", "FAILOVERKIT_VCAV_PASSWORD: [Sup3rSecret]\n")
	_, err = conformance.LoadCredentialsFile(wrongType)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "Sup3rSecret")

	_, err = conformance.LoadCredentialsFile(filepath.Join(dir, "missing.yaml"))
	assert.Error(t, err)
}

func TestCredentials_Merge(t *testing.T) {
	env := conformance.Credentials{VCAVUser: "env", VCAVPassword: "envpw", VCHAUser: "admin"}
	file := conformance.Credentials{VCAVPassword: "filepw", VCHALowPrivUser: "ro"}
	got := env.Merge(file)
	assert.Equal(t, conformance.Credentials{VCAVUser: "env", VCAVPassword: "filepw", VCHAUser: "admin", VCHALowPrivUser: "ro"}, got)
}

func TestMockCredentials(t *testing.T) {
	c, err := conformance.MockCredentials("")
	require.NoError(t, err)
	assert.Equal(t, "root", c.VCAVUser)
	assert.Equal(t, "administrator@vsphere.local", c.VCHAUser)
	assert.Equal(t, "readonly@vsphere.local", c.VCHALowPrivUser)
	c, err = conformance.MockCredentials(conformance.LoginVCDCredentials)
	require.NoError(t, err)
	assert.Equal(t, "administrator@System", c.VCAVUser)
}

// TestCheck_VCDCredentialsLogin logs in to the mock with the vcdCredentials
// login type.
func TestCheck_VCDCredentialsLogin(t *testing.T) {
	target := startTarget(t, nil)
	target.VCHAURL = ""
	target.VCAVLoginType = conformance.LoginVCDCredentials
	creds, err := conformance.MockCredentials(conformance.LoginVCDCredentials)
	require.NoError(t, err)
	target.Credentials = creds
	rep, err := conformance.Check(t.Context(), target, fastOpts...)
	require.NoError(t, err)
	for _, res := range rep.Results {
		if res.API == "vcav" {
			assert.Equal(t, conformance.StatusPass, res.Status, "%s: %s", res.Case, res.Reason)
		}
	}
}

func TestStartMock(t *testing.T) {
	em, err := conformance.StartMock()
	require.NoError(t, err)
	target, err := em.Target()
	require.NoError(t, err)
	var lines []string
	rep, err := conformance.Check(t.Context(), target, append(fastOpts,
		conformance.WithProgress(func(s string) { lines = append(lines, s) }),
		conformance.WithFilter(func(c conformance.Case) bool { return c.Kind == conformance.KindStateful }))...)
	require.NoError(t, err)
	assert.True(t, rep.OK(), rep.Summary())
	assert.Equal(t, 33, rep.Counts().Total, "the stateful cases: 7, plus 9 of the VM and 17 of the vApp replication lifecycle")
	assert.NotEmpty(t, lines, "task polls report progress")
	require.NoError(t, em.Close())
}
