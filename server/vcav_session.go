package server

import (
	"context"
	"fmt"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// vcavCredentials are the user name and password of a password login, and
// the login type whose fixture users may match them.
type vcavCredentials struct {
	loginType, name, password string
}

// Login answers POST /sessions. localUser, vcdCredentials and
// ssoCredentials logins are checked against the fixture users of the same
// type: a match gets 200 with the session details and the token in the
// X-VCAV-Auth header; anything else 401 NotAuthenticated with a message
// that does not say whether the user exists. ssoToken, vcdCookie and
// vcdAccessToken logins are not simulated and always get 401.
func (m *vcavMock) Login(_ context.Context, req vcav.LoginRequestObject) (vcav.LoginResponseObject, error) {
	m.begin()
	defer m.end()
	if req.Body == nil {
		return nil, newProblem(KindBadRequest, "invalid request: request body is required")
	}
	creds, refusal, err := vcavLoginCredentials(*req.Body)
	if err != nil {
		return nil, newProblem(KindBadRequest, "invalid request body: %s", err.Error())
	}
	if refusal != nil {
		return vcav.Login401JSONResponse{LoginUnauthorizedJSONResponse: vcav.LoginUnauthorizedJSONResponse(*refusal)}, nil
	}
	user, ok := findUser(m.users, creds.name, creds.password, creds.loginType)
	if !ok {
		return vcav.Login401JSONResponse{LoginUnauthorizedJSONResponse: vcav.LoginUnauthorizedJSONResponse(vcavLoginFailed())}, nil
	}
	token, _, err := m.env.sessions.create(user)
	if err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	return vcav.Login200JSONResponse{
		Body:    m.sessionDetails(user),
		Headers: vcav.Login200ResponseHeaders{XVCAVAuth: token},
	}, nil
}

// vcavLoginCredentials extracts the credentials of a password login. For a
// token or cookie login it returns the 401 body instead; err reports a body
// the mock cannot read (the request validator normally refuses those
// first). The error text never contains the body's values.
func vcavLoginCredentials(body vcav.AuthenticationRequest) (vcavCredentials, *vcav.ApiError, error) {
	loginType, err := body.Discriminator()
	if err != nil {
		return vcavCredentials{}, nil, fmt.Errorf("the body is not a JSON object")
	}
	c := vcavCredentials{loginType: loginType}
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
	case "ssoToken", "vcdCookie", "vcdAccessToken":
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

// sessionDetails describes a session of user: its name, its roles (never
// null) and the local site, with the user's organization when it has one.
func (m *vcavMock) sessionDetails(user User) vcav.C4SessionDetails {
	roles := append([]string{}, user.Roles...)
	site := vcav.AuthenticatedSite{Site: new(m.localSite)}
	if user.Org != "" {
		site.Org = new(user.Org)
	}
	return vcav.C4SessionDetails{User: user.Name, Roles: roles, AuthenticatedSites: []vcav.AuthenticatedSite{site}}
}

// GetSession answers GET /sessions with the caller's session details.
func (m *vcavMock) GetSession(ctx context.Context, _ vcav.GetSessionRequestObject) (vcav.GetSessionResponseObject, error) {
	m.begin()
	defer m.end()
	sess, ok := sessionFrom(ctx)
	if !ok {
		return nil, newProblem(KindUnauthenticated, "Not authenticated.")
	}
	return vcav.GetSession200JSONResponse(m.sessionDetails(sess.User)), nil
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
