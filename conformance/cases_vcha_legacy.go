package conformance

import (
	"context"
	"net/http"
)

// vchaLegacyCases check the deprecated /rest session calls that govmomi's
// rest.Client and the Ansible vmware.vmware_rest collection log in with,
// and that their session is the /api one.
func vchaLegacyCases() []Case {
	return []Case{
		{Name: "vcha.legacy.session", Operation: "createSessionLegacy", Kind: KindAuth, run: vchaLegacySession,
			Summary: "POST /rest/com/vmware/cis/session with Basic credentials answers 200 {\"value\": token}; the token reads the session " +
				"on /rest and on /api, and DELETE on /rest ends it"},
	}
}

func vchaLegacySession(ctx context.Context, r *caseRun) error {
	c := r.target.Credentials
	if c.VCHAUser == "" || c.VCHAPassword == "" {
		return skipf("no VCHA credentials: set %s and %s (or --credentials FILE)", EnvVCHAUser, EnvVCHAPassword)
	}
	h := http.Header{}
	h.Set("Authorization", basicAuth(c.VCHAUser, c.VCHAPassword))
	h.Set("Vmware-Use-Header-Authn", "true")
	ex, err := r.call(ctx, request{op: "createSessionLegacy", method: http.MethodPost, path: "/rest/com/vmware/cis/session", header: h}, http.StatusOK, "")
	token := ""
	if ex != nil {
		token, _ = lookupString(ex.doc, "value")
		r.red.add(token)
	}
	if err != nil {
		return err
	}
	if token == "" {
		return r.finding(ex, InBody, "value", "the session token must be a non-empty JSON string in value", nil)
	}
	get := request{op: "getSessionLegacy", method: http.MethodPost, path: "/rest/com/vmware/cis/session?~action=get", header: vchaHeader(token)}
	if _, err := r.call(ctx, get, http.StatusOK, ""); err != nil {
		return err
	}
	if _, err := r.call(ctx, request{op: "getSession", method: http.MethodGet, path: "/api/session", header: vchaHeader(token)}, http.StatusOK, ""); err != nil {
		return err
	}
	del := request{op: "deleteSessionLegacy", method: http.MethodDelete, path: "/rest/com/vmware/cis/session", header: vchaHeader(token)}
	if _, err := r.call(ctx, del, http.StatusOK, ""); err != nil {
		return err
	}
	_, err = r.call(ctx, get, http.StatusUnauthorized, "")
	return err
}
