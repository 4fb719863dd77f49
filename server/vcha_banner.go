package server

import "fmt"

// vchaLoginHelp tells how to log in to the vSphere API as each fixture
// user: POST /api/session with HTTP Basic, and whether the user may fail
// over.
func vchaLoginHelp(f *Fixture, base string, showPasswords bool) []string {
	if f.VCHA == nil {
		return nil
	}
	var out []string
	for _, u := range f.VCHA.Users {
		may := "may fail over"
		if !u.HasPrivilege("Global.VCServer") {
			may = "no Global.VCServer: reads only"
		}
		out = append(out, fmt.Sprintf("POST %s/api/session with HTTP Basic %s:%s  (token: the JSON string answered, sent as vmware-api-session-id; %s)",
			base, u.Name, shownPassword(u.Password, showPasswords), may))
	}
	return out
}
