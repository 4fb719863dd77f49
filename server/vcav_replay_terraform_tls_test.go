package server

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// terraformAccept47 and terraformUA47 are vcda/constants.go's
// AcceptHeaderValue and UserAgentValue at 32e096c (lines 15–19).
const (
	terraformAccept47 = "application/vnd.vmware.h4-v4.7+json;charset=UTF-8"
	terraformUA47     = "vcda-terraform-provider/h4-v4.7"
)

// TestReplay_TerraformProviderVCDA_TLS_CloudHealth replays the
// vcda_cloud_health data source of vmware/terraform-provider-vcda at
// 32e096c over HTTPS, its client built as the provider builds it
// (terraformClient: vcda/client.go lines 31–160) and pointed at the mock
// the way a user would: vcda_ip the listener's 127.0.0.1:port,
// service_cert the --tls-cert-out file through the README's expression.
// data_source_cloud_health.go: POST diagnostics/health (client.go lines
// 1106–1132), poll GET /tasks/<id> while QUEUED or RUNNING (lines
// 241–260), read the result (lines 262–277).
func TestReplay_TerraformProviderVCDA_TLS_CloudHealth(t *testing.T) {
	tm := newTLSMock(t, ServeConfig{}, WithVCAVQueue(time.Second))
	c := newTerraformClient(t, tm.host, serviceCertFromPEM(tm.certPEM), terraformAccept47, terraformUA47)
	leaf := pemLeaf(t, tm.certPEM)

	resp, body, err := c.do(http.MethodPost, "diagnostics/health")
	require.NoError(t, err)
	assertTerraformTLS(t, resp, leaf, terraformAccept47)
	var started map[string]any
	require.NoError(t, json.Unmarshal(body, &started))
	id, ok := started["id"].(string)
	require.True(t, ok, "getCloudHealth reads the task id as a string: %s", body)

	seen := terraformPoll(t, &testMock{Mock: tm.Mock, clock: tm.clock}, id, func(method, path, _ string) (int, []byte) {
		t.Helper()
		resp, body, err := c.do(method, path)
		require.NotNil(t, resp, "%v", err)
		assertTerraformTLS(t, resp, leaf, terraformAccept47)
		return resp.StatusCode, body
	})
	assert.Equal(t, map[string]bool{"QUEUED": true, "RUNNING": true, "SUCCEEDED": true}, seen)

	_, body, err = c.do(http.MethodGet, "/tasks/"+id)
	require.NoError(t, err)
	var task terraformTask
	require.NoError(t, json.Unmarshal(body, &task))
	result, ok := task.Result.(map[string]any)
	require.True(t, ok, "unexpected type for taskResult.Result")
	assert.NotEmpty(t, field(result, "managerHealth.id"))

	login, err := c.authTokenOnly()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, login.StatusCode)
	assert.NotEmpty(t, login.Header.Get("X-VCAV-Auth"))
	assertTerraformTLS(t, login, leaf, terraformAccept47)
}

// authTokenOnly is one GetAuthToken, its answer returned for inspection.
func (c *terraformClient) authTokenOnly() (*http.Response, error) {
	_, r, err := c.authToken()
	return r, err
}

// assertTerraformTLS checks an answer the provider's client received:
// over TLS 1.2+, HTTP/1.1 (its transport never negotiates HTTP/2), the
// chain verified up to the pinned certificate, in the media type it asked
// for.
func assertTerraformTLS(t *testing.T, resp *http.Response, leaf *x509.Certificate, accept string) {
	t.Helper()
	require.NotNil(t, resp.TLS, "answered over TLS")
	assert.GreaterOrEqual(t, resp.TLS.Version, uint16(tls.VersionTLS12))
	assert.Equal(t, "HTTP/1.1", resp.Proto)
	require.NotEmpty(t, resp.TLS.VerifiedChains, "verified against service_cert")
	assert.True(t, resp.TLS.VerifiedChains[0][0].Equal(leaf), "the pinned certificate")
	assert.Equal(t, accept, resp.Header.Get("Content-Type"))
}

// pemLeaf parses the first certificate of a PEM file.
func pemLeaf(t *testing.T, pemBytes []byte) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode(pemBytes)
	require.NotNil(t, block, "a PEM certificate")
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	return cert
}

// TestReplay_TerraformProviderVCDA_TLS_PinsTheCertificate shows the
// provider's client trusts nothing but service_cert and checks the host
// name (Go's default verification, vcda/client.go lines 49–55), so the
// replay above passes only because the mock's generated certificate is
// the one pinned and covers 127.0.0.1: another certificate is an unknown
// authority, the whole PEM file (armour left in) is refused before any
// request, and a certificate (--tls-cert/--tls-key) naming another host
// fails the host name check.
func TestReplay_TerraformProviderVCDA_TLS_PinsTheCertificate(t *testing.T) {
	tm := newTLSMock(t, ServeConfig{})
	other, err := SelfSignedCertificate([]string{"127.0.0.1"}, time.Hour)
	require.NoError(t, err)
	otherB64 := base64.StdEncoding.EncodeToString(other.Certificate[0])

	_, _, err = newTerraformClient(t, tm.host, otherB64, terraformAccept47, terraformUA47).do(http.MethodGet, "/sites")
	var unknown x509.UnknownAuthorityError
	assert.ErrorAs(t, err, &unknown, "another certificate is not trusted")

	_, _, err = newTerraformClient(t, tm.host, string(tm.certPEM), terraformAccept47, terraformUA47).do(http.MethodGet, "/sites")
	assert.ErrorContains(t, err, "could not decode vcda service certificate", "PEM armour is not base64")

	dir := t.TempDir()
	certFile, keyFile := writeKeyPair(t, dir, []string{"vcda.example.com"})
	named := newTLSMock(t, ServeConfig{CertFile: certFile, KeyFile: keyFile})
	_, _, err = newTerraformClient(t, named.host, serviceCertFromPEM(named.certPEM), terraformAccept47, terraformUA47).do(http.MethodGet, "/sites")
	var hostErr x509.HostnameError
	assert.True(t, errors.As(err, &hostErr), "127.0.0.1 is not vcda.example.com: %v", err)
}

// writeKeyPair writes a self-signed certificate for hosts and its key as
// PEM files in dir, as a user hands them to --tls-cert and --tls-key.
func writeKeyPair(t *testing.T, dir string, hosts []string) (certFile, keyFile string) {
	t.Helper()
	cert, err := SelfSignedCertificate(hosts, time.Hour)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	require.NoError(t, err)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600))
	return certFile, keyFile
}

// TestReplay_TerraformProviderVCDA_TLS_OlderAccept replays, over the same
// pinned HTTPS client (unchanged since 341aeef, client.go lines 44–51
// there), what earlier releases sent with their Accept (constants.go) and
// no User-Agent (added in 87267ae): h4-v4.5 (341aeef to 765692e), whose
// only request the mock serves is the login before each call; h4-v4.6
// (765692e to 47141f8): the login, the pair-site read GET /sites matched
// by apiPublicUrl (9066609 client.go lines 1035–1066) and getTask's list
// read GET /tasks?limit=100&offset=0&sort= scanned for the task id (lines
// 888–922); h4-v4.7 before 87267ae (ac89b0d): the health data source.
// Every answer comes in the media type asked for.
func TestReplay_TerraformProviderVCDA_TLS_OlderAccept(t *testing.T) {
	tm := newTLSMock(t, ServeConfig{})
	cert, leaf := serviceCertFromPEM(tm.certPEM), pemLeaf(t, tm.certPEM)

	v45 := newTerraformClient(t, tm.host, cert, "application/vnd.vmware.h4-v4.5+json;charset=UTF-8", "")
	login, err := v45.authTokenOnly()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, login.StatusCode)
	assert.NotEmpty(t, login.Header.Get("X-VCAV-Auth"))
	assertTerraformTLS(t, login, leaf, v45.accept)

	v47 := newTerraformClient(t, tm.host, cert, terraformAccept47, "")
	resp, body, err := v47.do(http.MethodPost, "diagnostics/health")
	require.NoError(t, err)
	assertTerraformTLS(t, resp, leaf, v47.accept)
	var started terraformTask
	require.NoError(t, json.Unmarshal(body, &started))

	v46 := newTerraformClient(t, tm.host, cert, "application/vnd.vmware.h4-v4.6+json;charset=UTF-8", "")
	resp, body, err = v46.do(http.MethodGet, "/sites")
	require.NoError(t, err)
	assertTerraformTLS(t, resp, leaf, v46.accept)
	terraformFindsPairedSite(t, body)

	q := url.Values{}
	q.Add("sort", "")
	q.Add("offset", "0")
	q.Add("limit", "100")
	resp, body, err = v46.doQuery(http.MethodGet, "/tasks", q)
	require.NoError(t, err, "the 4.6 provider's task list read")
	assertTerraformTLS(t, resp, leaf, v46.accept)
	var tasks struct {
		Items  []terraformTask `json:"items"`
		Total  int64           `json:"total"`
		Offset int64           `json:"offset"`
		Limit  int64           `json:"limit"`
	}
	require.NoError(t, json.Unmarshal(body, &tasks), "models.go Tasks (9066609 lines 199–204)")
	ids := map[string]bool{}
	for _, task := range tasks.Items {
		ids[task.ID] = true
	}
	assert.True(t, ids[started.ID], "getTask finds the session user's task %s in %s", started.ID, body)
}

// TestReplay_TerraformProviderVCDA_TLS_READMEServiceCert pins the README's
// Terraform expression for service_cert to the one the replays use
// (serviceCertFromPEM), so the two cannot drift apart.
func TestReplay_TerraformProviderVCDA_TLS_READMEServiceCert(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	assert.Contains(t, string(readme), `service_cert = replace(file("mock.pem"), "/`+pemArmour.String()+`/", "")`)
	assert.Contains(t, string(readme), "--tls --tls-cert-out mock.pem")
}
