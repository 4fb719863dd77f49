package tlsclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
)

// ErrNoCertificate reports a CA PEM that holds no certificate.
var ErrNoCertificate = errors.New("no PEM certificate found")

// Config returns the client TLS configuration trusting the system roots
// and the PEM certificates in caPEMs, with verification skipped when
// insecure is set (an explicit choice of the user). A caPEMs entry without
// any certificate is ErrNoCertificate.
func Config(caPEMs [][]byte, insecure bool) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure} //nolint:gosec // explicit opt-in
	if len(caPEMs) == 0 {
		return cfg, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	for _, pem := range caPEMs {
		if !pool.AppendCertsFromPEM(pem) {
			return nil, ErrNoCertificate
		}
	}
	cfg.RootCAs = pool
	return cfg, nil
}
