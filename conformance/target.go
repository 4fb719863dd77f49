package conformance

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/failoverkit/failoverkit/internal/tlsclient"
	"github.com/failoverkit/failoverkit/spec"
)

// VCAV login types the suite can log in with (AuthenticationRequest.type).
const (
	LoginLocalUser      = "localUser"
	LoginVCDCredentials = "vcdCredentials"
	LoginSSOCredentials = "ssoCredentials"
)

// Target says what Check tests and what it may do to it. The zero value of
// every field but the URLs is usable.
type Target struct {
	// VCAVURL and VCHAURL are the base URLs of the two APIs, e.g.
	// https://vcda.example.com and https://vcsa.example.com. An empty URL
	// skips that API's cases.
	VCAVURL, VCHAURL string
	// Credentials log the suite in; missing ones skip the cases that need
	// them, with a reason.
	Credentials Credentials
	// VCAVLoginType is the AuthenticationRequest type used for VCAV logins:
	// LoginLocalUser (the default), LoginVCDCredentials or
	// LoginSSOCredentials.
	VCAVLoginType string
	// Mock says the targets are failoverkit mocks with their control API
	// (failoverkit mock --control): the suite resets them before every case,
	// finds or creates the state stateful cases need, and runs destructive
	// cases without asking.
	Mock bool
	// AllowDestructive lets cases that can start a failover run against a
	// target that is not a mock.
	AllowDestructive bool
	// TryWrongPassword lets the wrong-password cases log in as the
	// configured users with a wrong password against a target that is not a
	// mock (off by default: lockout policies count failed logins).
	TryWrongPassword bool
	// AllowModeChange lets the suite put a real VCHA cluster in DISABLED
	// mode for the case that needs it, restoring the mode afterwards (with
	// AllowDestructive).
	AllowModeChange bool
	// VCAVReplications names replications (C4- identifiers) that stateful
	// VCAV cases may use on a target that is not a mock; each case picks the
	// one whose recovery state it needs (NOT_STARTED for the failover, TEST
	// or COMPLETE for the refusals).
	VCAVReplications []string
	// VCAVVappReplications names vApp replications (C4VAPP- identifiers)
	// that the vApp lifecycle cases may use on a target that is not a mock;
	// each case picks the one whose VMs are all in the recovery state it
	// needs (NOT_STARTED: one is enough for the whole drill).
	VCAVVappReplications []string
	// AllowDelete lets the delete cases delete a named vApp replication
	// on a target that is not a mock (with AllowDestructive): it cannot be
	// undone.
	AllowDelete bool
	// CAFile is a PEM file of certificate authorities to trust in addition
	// to the system's.
	CAFile string
	// Insecure skips TLS certificate verification.
	Insecure bool
	// HTTPClient, when set, sends every request (CAFile and Insecure are then
	// ignored). Redirects are never followed either way.
	HTTPClient *http.Client
}

// url returns the base URL of api, or "" when the target has none.
func (t Target) url(api spec.API) string {
	if api == spec.VCAV {
		return t.VCAVURL
	}
	return t.VCHAURL
}

// validate checks the target before anything is sent.
func (t Target) validate() error {
	if t.VCAVURL == "" && t.VCHAURL == "" {
		return errors.New("no target: set a VCAV URL, a VCHA URL or both")
	}
	for _, api := range spec.APIs() {
		if raw := t.url(api); raw != "" {
			if _, err := parseBaseURL(raw); err != nil {
				return fmt.Errorf("%s URL: %w", api, err)
			}
		}
	}
	switch t.VCAVLoginType {
	case "", LoginLocalUser, LoginVCDCredentials, LoginSSOCredentials:
	default:
		return fmt.Errorf("VCAV login type %q: want %s, %s or %s", t.VCAVLoginType,
			LoginLocalUser, LoginVCDCredentials, LoginSSOCredentials)
	}
	return nil
}

// parseBaseURL accepts an absolute http or https URL without query or
// fragment.
func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an absolute http or https URL", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q: a base URL has no query or fragment", raw)
	}
	return u, nil
}

// requestTimeout bounds every single request of the suite.
const requestTimeout = 30 * time.Second

// httpClient returns the client that sends the suite's requests.
func (t Target) httpClient() (*http.Client, error) {
	if t.HTTPClient != nil {
		hc := *t.HTTPClient
		hc.CheckRedirect = noRedirects
		return &hc, nil
	}
	cfg, err := TLSConfig(t.CAFile, t.Insecure)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = cfg
	return &http.Client{Transport: tr, Timeout: requestTimeout, CheckRedirect: noRedirects}, nil
}

// noRedirects makes a client return a redirect as the response: a redirect
// is an answer the suite validates, not something to follow.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// TLSConfig returns the client TLS configuration for a CA file (trusted in
// addition to the system roots) and the insecure switch.
func TLSConfig(caFile string, insecure bool) (*tls.Config, error) {
	if caFile == "" {
		return tlsclient.Config(nil, insecure)
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("read CA file: %w", err)
	}
	cfg, err := tlsclient.Config([][]byte{pem}, insecure)
	if err != nil {
		return nil, fmt.Errorf("CA file %s holds no PEM certificate: %w", caFile, err)
	}
	return cfg, nil
}

// Environment variables (and credentials-file keys) that hold credentials.
const (
	EnvVCAVUser            = "FAILOVERKIT_VCAV_USER"
	EnvVCAVPassword        = "FAILOVERKIT_VCAV_PASSWORD"
	EnvVCHAUser            = "FAILOVERKIT_VCHA_USER"
	EnvVCHAPassword        = "FAILOVERKIT_VCHA_PASSWORD"
	EnvVCHALowPrivUser     = "FAILOVERKIT_VCHA_LOWPRIV_USER"
	EnvVCHALowPrivPassword = "FAILOVERKIT_VCHA_LOWPRIV_PASSWORD"
)

// Credentials are the accounts the suite logs in with. They are read from
// the environment (CredentialsFromEnv) or a YAML or JSON file whose keys are
// the environment variable names (LoadCredentialsFile), never from flags.
// String, GoString, LogValue and MarshalJSON leave the passwords out.
type Credentials struct {
	VCAVUser     string `json:"FAILOVERKIT_VCAV_USER,omitempty"`
	VCAVPassword string `json:"FAILOVERKIT_VCAV_PASSWORD,omitempty"`
	VCHAUser     string `json:"FAILOVERKIT_VCHA_USER,omitempty"`
	VCHAPassword string `json:"FAILOVERKIT_VCHA_PASSWORD,omitempty"`
	// VCHALowPrivUser is a vSphere user without Global.VCServer, for the
	// case that expects 403; without it that case is skipped.
	VCHALowPrivUser     string `json:"FAILOVERKIT_VCHA_LOWPRIV_USER,omitempty"`
	VCHALowPrivPassword string `json:"FAILOVERKIT_VCHA_LOWPRIV_PASSWORD,omitempty"`
}

// CredentialsFromEnv reads the FAILOVERKIT_* variables through getenv
// (os.Getenv in a program).
func CredentialsFromEnv(getenv func(string) string) Credentials {
	return Credentials{
		VCAVUser: getenv(EnvVCAVUser), VCAVPassword: getenv(EnvVCAVPassword),
		VCHAUser: getenv(EnvVCHAUser), VCHAPassword: getenv(EnvVCHAPassword),
		VCHALowPrivUser: getenv(EnvVCHALowPrivUser), VCHALowPrivPassword: getenv(EnvVCHALowPrivPassword),
	}
}

// LoadCredentialsFile reads a YAML or JSON file whose keys are the
// environment variable names. An unknown key is an error (a typo would
// otherwise silently skip cases); error messages never quote values.
func LoadCredentialsFile(path string) (Credentials, error) {
	var c Credentials
	raw, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("read credentials: %w", err)
	}
	js, err := yaml.YAMLToJSON(raw)
	if err != nil {
		return c, fmt.Errorf("credentials file %s is not YAML or JSON", path)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return Credentials{}, fmt.Errorf("credentials file %s: key %s must be a string", path, te.Field)
		}
		// encoding/json names an unknown key, never a value.
		return Credentials{}, fmt.Errorf("credentials file %s: %w", path, err)
	}
	return c, nil
}

// Merge returns c with every field that o sets replaced by o's value.
func (c Credentials) Merge(o Credentials) Credentials {
	pick := func(a, b string) string {
		if b != "" {
			return b
		}
		return a
	}
	return Credentials{
		VCAVUser: pick(c.VCAVUser, o.VCAVUser), VCAVPassword: pick(c.VCAVPassword, o.VCAVPassword),
		VCHAUser: pick(c.VCHAUser, o.VCHAUser), VCHAPassword: pick(c.VCHAPassword, o.VCHAPassword),
		VCHALowPrivUser:     pick(c.VCHALowPrivUser, o.VCHALowPrivUser),
		VCHALowPrivPassword: pick(c.VCHALowPrivPassword, o.VCHALowPrivPassword),
	}
}

// secrets lists the passwords, for redaction.
func (c Credentials) secrets() []string {
	var out []string
	for _, up := range [][2]string{{c.VCAVUser, c.VCAVPassword}, {c.VCHAUser, c.VCHAPassword}, {c.VCHALowPrivUser, c.VCHALowPrivPassword}} {
		out = append(out, basicForms(up[0], up[1])...)
	}
	return out
}

// String names the users and leaves the passwords out.
func (c Credentials) String() string {
	return fmt.Sprintf("Credentials{VCAV: %q, VCHA: %q, VCHA low-privilege: %q}", c.VCAVUser, c.VCHAUser, c.VCHALowPrivUser)
}

// GoString is String, so %#v cannot print a password either.
func (c Credentials) GoString() string { return c.String() }

// LogValue implements slog.LogValuer without the passwords.
func (c Credentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

// MarshalJSON writes the user names only.
func (c Credentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{
		EnvVCAVUser: c.VCAVUser, EnvVCHAUser: c.VCHAUser, EnvVCHALowPrivUser: c.VCHALowPrivUser,
	})
}
