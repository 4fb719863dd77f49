package server

import (
	"crypto/subtle"
	"strings"
)

// vsphereDefaultDomain is the SSO domain a bare login name belongs to.
const vsphereDefaultDomain = "vsphere.local"

// vsphereName is a vSphere SSO principal: a user in a domain. The domain is
// kept in lower case, since SSO treats domain names case-insensitively.
type vsphereName struct{ user, domain string }

// parseVSphereName reads the three login-name forms vCenter's SSO documents:
// "user@domain", "DOMAIN\user" and a bare name of the default domain.
// failoverkit choice: the user part keeps its case.
func parseVSphereName(name string) vsphereName {
	if domain, user, ok := strings.Cut(name, `\`); ok {
		return vsphereName{user: user, domain: strings.ToLower(domain)}
	}
	if i := strings.LastIndexByte(name, '@'); i >= 0 {
		return vsphereName{user: name[:i], domain: strings.ToLower(name[i+1:])}
	}
	return vsphereName{user: name, domain: vsphereDefaultDomain}
}

// equal compares in constant time for names of equal length.
func (n vsphereName) equal(o vsphereName) bool {
	u := subtle.ConstantTimeCompare([]byte(n.user), []byte(o.user))
	d := subtle.ConstantTimeCompare([]byte(n.domain), []byte(o.domain))
	return u&d == 1
}

// findVSphereUser returns the fixture user the login name denotes whose
// password matches, in any of the three name forms. Like findUser it checks
// every candidate, so the time taken does not tell whether a name exists.
func findVSphereUser(users []User, name, password string) (User, bool) {
	want := parseVSphereName(name)
	var found User
	ok := false
	for _, u := range users {
		nameOK := parseVSphereName(u.Name).equal(want)
		if pwOK := u.checkPassword(password); nameOK && pwOK {
			found, ok = u, true
		}
	}
	return found, ok
}
