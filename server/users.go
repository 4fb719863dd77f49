package server

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
	"slices"
)

// User is an account the mock accepts, from the fixture. Its password never
// appears in String, GoString, logs or the control API's state dump.
type User struct {
	// Name is the login name: "root", "administrator@System",
	// "administrator@vsphere.local".
	Name     string `json:"name"`
	Password string `json:"password"`
	// Type is the VCAV login type that accepts this user: localUser,
	// ssoCredentials or vcdCredentials (VCAV only).
	Type string `json:"type,omitempty"`
	// Org is the VCD organisation reported in authenticatedSites (VCAV only).
	Org string `json:"org,omitempty"`
	// Roles are reported by GET /sessions (VCAV only).
	Roles []string `json:"roles,omitempty"`
	// VcdCookie and VcdAccessToken, when set, are the Cloud Director
	// session cookie and access token that log this user in (VCAV
	// vcdCookie and vcdAccessToken logins, and sessions/extend). Secrets:
	// never shown, like the password.
	VcdCookie      string `json:"vcdCookie,omitempty"`
	VcdAccessToken string `json:"vcdAccessToken,omitempty"`
	// Privileges are the vSphere privileges, e.g. Global.VCServer (vSphere only).
	Privileges []string `json:"privileges,omitempty"`
}

// String implements fmt.Stringer without the password.
func (u User) String() string { return u.Name }

// GoString implements fmt.GoStringer without the password.
func (u User) GoString() string { return "server.User{Name:" + u.Name + "}" }

// LogValue implements slog.LogValuer without the password.
func (u User) LogValue() slog.Value { return slog.StringValue(u.Name) }

// HasPrivilege reports whether a vSphere user holds priv.
func (u User) HasPrivilege(priv string) bool { return slices.Contains(u.Privileges, priv) }

// checkPassword compares in constant time.
func (u User) checkPassword(pw string) bool {
	return subtle.ConstantTimeCompare([]byte(u.Password), []byte(pw)) == 1
}

// redacted returns u with the password blanked, for state dumps.
func (u User) redacted() User {
	u.Password, u.VcdCookie, u.VcdAccessToken = "", "", ""
	return u
}

// findUser returns the user named name whose password matches, checking every
// candidate so the answer takes the same time whether the name exists or not.
func findUser(users []User, name, password, loginType string) (User, bool) {
	var found User
	ok := false
	for _, u := range users {
		nameOK := subtle.ConstantTimeCompare([]byte(u.Name), []byte(name)) == 1
		pwOK := u.checkPassword(password)
		if nameOK && pwOK && (loginType == "" || u.Type == loginType) {
			found, ok = u, true
		}
	}
	return found, ok
}

// validateUsers requires for every user a non-empty, unique name and a
// non-empty password, then applies extra (an API's own rule, may be nil).
// Errors name the field: users[1].name: required.
func validateUsers(users []User, extra func(i int, u User) error) error {
	seen := map[string]int{}
	for i, u := range users {
		switch j, dup := seen[u.Name]; {
		case u.Name == "":
			return fmt.Errorf("users[%d].name: required", i)
		case dup:
			return fmt.Errorf("users[%d].name: %q duplicates users[%d].name", i, u.Name, j)
		case u.Password == "":
			return fmt.Errorf("users[%d].password: required", i)
		}
		if extra != nil {
			if err := extra(i, u); err != nil {
				return err
			}
		}
		seen[u.Name] = i
	}
	return nil
}
