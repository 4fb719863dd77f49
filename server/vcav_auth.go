package server

import (
	"crypto/subtle"
	"strings"
)

// vcavSecret is what a login or extend request proves identity with: a
// user name and password of a login type, or a Cloud Director cookie or
// access token.
type vcavSecret struct {
	// kind is the login type (localUser, ssoCredentials, vcdCredentials)
	// for a password, or vcdCookie / vcdAccessToken.
	kind           string
	name, password string
	value          string
}

// vcavMatch returns the user of users that sec identifies. Every user is
// compared, in constant time, so the answer takes as long whether a name
// exists or not. Password logins need the user's type; vcdCredentials
// names compare ignoring case (Cloud Director's rule: administrator@system
// is administrator@System). A cookie or access token matches the user
// whose vcdCookie or vcdAccessToken it is.
func vcavMatch(users []User, sec vcavSecret) (User, bool) {
	var found User
	ok := false
	for _, u := range users {
		if vcavMatches(u, sec) {
			found, ok = u, true
		}
	}
	return found, ok
}

// vcavMatches reports whether sec identifies u, in constant time for the
// secret's length.
func vcavMatches(u User, sec vcavSecret) bool {
	eq := func(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
	switch sec.kind {
	case "vcdCookie":
		return eq(u.VcdCookie, sec.value) && u.VcdCookie != ""
	case "vcdAccessToken":
		return eq(u.VcdAccessToken, sec.value) && u.VcdAccessToken != ""
	}
	name, want := u.Name, sec.name
	if sec.kind == "vcdCredentials" {
		name, want = strings.ToLower(name), strings.ToLower(want)
	}
	nameOK, pwOK := eq(name, want), u.checkPassword(sec.password)
	return nameOK && pwOK && u.Type == sec.kind
}
