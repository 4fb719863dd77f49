package tlsclient_test

import (
	"crypto/tls"
	"encoding/pem"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/internal/tlsclient"
	"github.com/failoverkit/failoverkit/server"
)

func TestConfig(t *testing.T) {
	cfg, err := tlsclient.Config(nil, false)
	require.NoError(t, err)
	assert.Equal(t, uint16(tls.VersionTLS12), cfg.MinVersion)
	assert.False(t, cfg.InsecureSkipVerify, "verified by default")
	assert.Nil(t, cfg.RootCAs, "system roots by default")

	cert, err := server.SelfSignedCertificate([]string{"localhost"}, time.Hour)
	require.NoError(t, err)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})
	cfg, err = tlsclient.Config([][]byte{ca}, false)
	require.NoError(t, err)
	assert.NotNil(t, cfg.RootCAs)

	_, err = tlsclient.Config([][]byte{[]byte("not a certificate")}, false)
	assert.ErrorIs(t, err, tlsclient.ErrNoCertificate)

	cfg, err = tlsclient.Config(nil, true)
	require.NoError(t, err)
	assert.True(t, cfg.InsecureSkipVerify, "only on explicit opt-in")
}
