package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// ExtendSession answers POST /sessions/extend: the session becomes
// authenticated to the remote site as well, with the organization of the
// remote user the credentials identify, and the answer is the session
// details. credentials, cookie and vcdAccessToken are checked against the
// site's fixture users (sites[].users); multisite succeeds for the
// session user's organization when a user of the site belongs to it. An
// unknown site gets 404 SiteNotFound, credentials the site does not know
// 401 RemoteAuthenticationFailure. Extending to the local site, or to a
// site already extended to, answers the session unchanged.
func (m *vcavMock) ExtendSession(ctx context.Context, req vcav.ExtendSessionRequestObject) (vcav.ExtendSessionResponseObject, error) {
	m.begin()
	defer m.end()
	sess, ok := sessionFrom(ctx)
	if !ok {
		return nil, newProblem(KindUnauthenticated, "Not authenticated.")
	}
	if req.Body == nil {
		return nil, newProblem(KindBadRequest, "invalid request: request body is required")
	}
	siteName, sec, err := vcavExtendSecret(*req.Body)
	if err != nil {
		return nil, vcavBadUserInput("Invalid request body: " + err.Error()).problem()
	}
	site := m.site(siteName)
	if site == nil {
		return nil, vcavSiteNotFound(siteName).problem()
	}
	if _, done := sess.Realms[siteName]; done || siteName == m.localSite {
		return vcav.ExtendSession200JSONResponse(m.sessionDetails(sess)), nil
	}
	org, ok := m.remoteIdentity(site, sess, sec)
	if !ok {
		return nil, (&vcavRefusal{http.StatusUnauthorized, vcavError(vcavCodeRemoteAuthentication,
			fmt.Sprintf("Authentication to remote site %s failed.", siteName), siteName)}).problem()
	}
	ext, ok := m.env.sessions.extend(sess, siteName, org)
	if !ok {
		return nil, newProblem(KindUnauthenticated, "Not authenticated: the session has ended.")
	}
	return vcav.ExtendSession200JSONResponse(m.sessionDetails(ext)), nil
}

// remoteIdentity returns the organization sec proves at site, or false.
// For multisite, sec.name is the organization asked for. The caller holds
// m.mu.
func (m *vcavMock) remoteIdentity(site *VCAVSite, sess Session, sec vcavSecret) (string, bool) {
	if sec.kind == "multisite" {
		known := slices.ContainsFunc(site.Users, func(u User) bool { return u.Org == sec.name })
		return sec.name, known && sec.name == sess.User.Org
	}
	u, ok := vcavMatch(site.Users, sec)
	return u.Org, ok
}

// vcavExtendSecret extracts the site and what an extend request proves
// identity with: credentials as a vcdCredentials login, a cookie as a
// vcdCookie, an access token as a vcdAccessToken; multisite carries the
// organization in name. The error text never contains the body's values.
func vcavExtendSecret(body vcav.ExtendSessionRequest) (string, vcavSecret, error) {
	kind, err := body.Discriminator()
	if err != nil {
		return "", vcavSecret{}, fmt.Errorf("the body is not a JSON object")
	}
	switch kind {
	case "credentials":
		v, err := body.AsExtendSessionCredentials()
		return v.Site, vcavSecret{kind: "vcdCredentials", name: v.VcdUsername, password: v.VcdPassword}, vcavDecodeError(err)
	case "cookie":
		v, err := body.AsExtendSessionCookie()
		return v.Site, vcavSecret{kind: "vcdCookie", value: v.Cookie}, vcavDecodeError(err)
	case "vcdAccessToken":
		v, err := body.AsExtendSessionAccessToken()
		return v.Site, vcavSecret{kind: "vcdAccessToken", value: v.VcdAccessToken}, vcavDecodeError(err)
	case "multisite":
		v, err := body.AsExtendSessionMultisite()
		return v.Site, vcavSecret{kind: "multisite", name: v.Org}, vcavDecodeError(err)
	default:
		return "", vcavSecret{}, fmt.Errorf(`property "type" is missing or has an unsupported value`)
	}
}
