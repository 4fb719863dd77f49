package server

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// Login answers POST /sessions. localUser, ssoCredentials and
// vcdCredentials logins are checked against the fixture users of that type
// (vcdCredentials names ignoring case), vcdCookie and vcdAccessToken logins
// against the users' vcdCookie and vcdAccessToken values. A match gets 200
// with the session details and the token in the X-VCAV-Auth header;
// anything else 401 NotAuthenticated with a message that does not say
// whether the user exists. ssoToken logins are not simulated: always 401.
func (m *vcavMock) Login(_ context.Context, req vcav.LoginRequestObject) (vcav.LoginResponseObject, error) {
	m.begin()
	defer m.end()
	if req.Body == nil {
		return nil, newProblem(KindBadRequest, "invalid request: request body is required")
	}
	sec, refusal, err := vcavLoginSecret(*req.Body)
	if err != nil {
		return nil, newProblem(KindBadRequest, "invalid request body: %s", err.Error())
	}
	if refusal != nil {
		return nil, (&vcavRefusal{http.StatusUnauthorized, *refusal}).problem()
	}
	user, ok := vcavMatch(m.users, sec)
	if !ok {
		return nil, (&vcavRefusal{http.StatusUnauthorized, vcavLoginFailed()}).problem()
	}
	token, sess, err := m.env.sessions.create(user)
	if err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	return vcav.Login200JSONResponse{
		Body:    m.sessionDetails(sess),
		Headers: vcav.Login200ResponseHeaders{XVCAVAuth: token},
	}, nil
}

// vcavLoginSecret extracts what a login proves identity with. For an
// ssoToken login it returns the 401 body instead; err reports a body the
// mock cannot read (the request validator normally refuses those first).
// The error text never contains the body's values.
func vcavLoginSecret(body vcav.AuthenticationRequest) (vcavSecret, *vcav.ApiError, error) {
	loginType, err := body.Discriminator()
	if err != nil {
		return vcavSecret{}, nil, fmt.Errorf("the body is not a JSON object")
	}
	c := vcavSecret{kind: loginType}
	switch loginType {
	case "localUser":
		v, err := body.AsLocalUserAuthenticationRequest()
		c.name, c.password = v.LocalUser, v.LocalPassword
		return c, nil, vcavDecodeError(err)
	case "vcdCredentials":
		v, err := body.AsVcdCredentialsAuthenticationRequest()
		c.name, c.password = v.VcdUser, v.VcdPassword
		return c, nil, vcavDecodeError(err)
	case "ssoCredentials":
		v, err := body.AsSsoCredentialsAuthenticationRequest()
		c.name, c.password = v.Username, v.Password
		return c, nil, vcavDecodeError(err)
	case "vcdCookie":
		v, err := body.AsVcdCookieAuthenticationRequest()
		c.value = v.VcdCookie
		return c, nil, vcavDecodeError(err)
	case "vcdAccessToken":
		v, err := body.AsVcdAccessTokenAuthenticationRequest()
		c.value = v.VcdAccessToken
		return c, nil, vcavDecodeError(err)
	case "ssoToken":
		return c, new(vcavUnsupportedLogin(loginType)), nil
	default:
		return c, nil, fmt.Errorf(`property "type" is missing or has an unsupported value`)
	}
}

// vcavDecodeError replaces a JSON decoding error, whose text may quote the
// body, with a fixed one.
func vcavDecodeError(err error) error {
	if err != nil {
		return fmt.Errorf("the credentials do not have the types the login type requires")
	}
	return nil
}

// sessionDetails describes sess: its user's name and roles (never null),
// the local site with the user's organization when it has one, then the
// remote sites it was extended to, by name, with the organization there.
func (m *vcavMock) sessionDetails(sess Session) vcav.C4SessionDetails {
	user := sess.User
	roles := append([]string{}, user.Roles...)
	site := vcav.AuthenticatedSite{Site: new(m.localSite), Org: emptyNil(user.Org)}
	sites := []vcav.AuthenticatedSite{site}
	for _, name := range slices.Sorted(maps.Keys(sess.Realms)) {
		sites = append(sites, vcav.AuthenticatedSite{Site: new(name), Org: emptyNil(sess.Realms[name])})
	}
	return vcav.C4SessionDetails{User: user.Name, Roles: roles, AuthenticatedSites: sites}
}

// GetSession answers GET /sessions with the caller's session details.
func (m *vcavMock) GetSession(ctx context.Context, _ vcav.GetSessionRequestObject) (vcav.GetSessionResponseObject, error) {
	m.begin()
	defer m.end()
	sess, ok := sessionFrom(ctx)
	if !ok {
		return nil, newProblem(KindUnauthenticated, "Not authenticated.")
	}
	return vcav.GetSession200JSONResponse(m.sessionDetails(sess)), nil
}

// Logout answers DELETE /sessions: the caller's token stops working (204).
// A session ended meanwhile by another request gets 401 NotAuthenticated.
func (m *vcavMock) Logout(ctx context.Context, _ vcav.LogoutRequestObject) (vcav.LogoutResponseObject, error) {
	m.begin()
	defer m.end()
	sess, ok := sessionFrom(ctx)
	if !ok || !m.env.sessions.remove(sess) {
		return nil, newProblem(KindUnauthenticated, "Not authenticated: the session has ended.")
	}
	return vcav.Logout204Response{}, nil
}
