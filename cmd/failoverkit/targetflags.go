package main

import (
	"flag"
	"os"

	"github.com/failoverkit/failoverkit/conformance"
)

// bindTargetFlags binds the flags that say where the two APIs are and how
// to reach them, shared by `check` and `failover`: --vcav-url, --vcha-url,
// --ca-file, --insecure, --vcav-login-type and --credentials (the file
// credentials are read from; they are never flags).
func bindTargetFlags(fs *flag.FlagSet, t *conformance.Target, credentials *string) {
	fs.StringVar(&t.VCAVURL, "vcav-url", "", "base URL of the VCDA/VCAV API (e.g. https://vcda.example.com)")
	fs.StringVar(&t.VCHAURL, "vcha-url", "", "base URL of the vSphere API (e.g. https://vcsa.example.com)")
	fs.StringVar(&t.CAFile, "ca-file", "", "PEM file of extra certificate authorities to trust")
	fs.BoolVar(&t.Insecure, "insecure", false, "do not verify TLS certificates")
	fs.StringVar(credentials, "credentials", "", "YAML or JSON file with the FAILOVERKIT_* credential keys (overrides the environment)")
	fs.StringVar(&t.VCAVLoginType, "vcav-login-type", conformance.LoginLocalUser, "VCAV login type: localUser, vcdCredentials or ssoCredentials")
}

// credentialsHelp says where credentials come from, for usage texts.
const credentialsHelp = "Credentials come from " + conformance.EnvVCAVUser + "/_PASSWORD, " + conformance.EnvVCHAUser +
	"/_PASSWORD (and for check " + conformance.EnvVCHALowPrivUser + "/_PASSWORD) or --credentials FILE, never from flags."

// targetCredentials reads the credentials from the environment, then the
// credentials file (when path is set), whose keys win.
func targetCredentials(path string) (conformance.Credentials, error) {
	creds := conformance.CredentialsFromEnv(os.Getenv)
	if path == "" {
		return creds, nil
	}
	file, err := conformance.LoadCredentialsFile(path)
	if err != nil {
		return creds, usageError("%w", err)
	}
	return creds.Merge(file), nil
}
