package server

import "fmt"

// vcavLoginHelp tells how to log in to the VCAV API as each fixture user:
// the POST /sessions body of the user's login type.
func vcavLoginHelp(f *Fixture, base string, showPasswords bool) []string {
	if f.VCAV == nil {
		return nil
	}
	var out []string
	for _, u := range f.VCAV.Users {
		pw := shownPassword(u.Password, showPasswords)
		var body string
		switch u.Type {
		case "vcdCredentials":
			body = fmt.Sprintf(`{"type":"vcdCredentials","vcdUser":%q,"vcdPassword":%q}`, u.Name, pw)
		case "ssoCredentials":
			body = fmt.Sprintf(`{"type":"ssoCredentials","username":%q,"password":%q}`, u.Name, pw)
		default:
			body = fmt.Sprintf(`{"type":"localUser","localUser":%q,"localPassword":%q}`, u.Name, pw)
		}
		out = append(out, fmt.Sprintf("POST %s/sessions %s  (token: X-VCAV-Auth response header)", base, body))
	}
	return out
}
