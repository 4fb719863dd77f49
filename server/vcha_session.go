package server

import (
	"context"
	"fmt"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// CreateSession answers POST /api/session: HTTP Basic credentials of a
// fixture user buy a session token (201); missing or wrong credentials get
// 401 UNAUTHENTICATED with the Basic challenge.
func (m *vchaMock) CreateSession(ctx context.Context, _ vcha.CreateSessionRequestObject) (vcha.CreateSessionResponseObject, error) {
	m.begin()
	defer m.mu.Unlock()
	creds, ok := basicFrom(ctx)
	var user User
	if ok {
		user, ok = findVSphereUser(m.users, creds.user, creds.password)
	}
	if !ok {
		return vcha.CreateSession401JSONResponse{
			Body:    unauthenticatedError(),
			Headers: vcha.CreateSession401ResponseHeaders{WWWAuthenticate: new(vchaChallenge)},
		}, nil
	}
	token, _, err := m.env.sessions.create(user)
	if err != nil {
		return nil, fmt.Errorf("create session: %w", err)
	}
	return vcha.CreateSession201JSONResponse(token), nil
}

// GetSession answers GET /api/session with the caller's Cis_Session_Info.
func (m *vchaMock) GetSession(ctx context.Context, _ vcha.GetSessionRequestObject) (vcha.GetSessionResponseObject, error) {
	m.begin()
	defer m.mu.Unlock()
	sess, ok := sessionFrom(ctx)
	if !ok {
		return nil, newProblem(KindUnauthenticated, "authentication required")
	}
	return vcha.GetSession200JSONResponse{
		User:             sess.User.Name,
		CreatedTime:      vapiTime(sess.Created),
		LastAccessedTime: vapiTime(sess.LastAccess),
	}, nil
}

// DeleteSession answers DELETE /api/session: the caller's token stops
// working (204). A session ended meanwhile by another request gets 401.
func (m *vchaMock) DeleteSession(ctx context.Context, _ vcha.DeleteSessionRequestObject) (vcha.DeleteSessionResponseObject, error) {
	m.begin()
	defer m.mu.Unlock()
	sess, ok := sessionFrom(ctx)
	if !ok || !m.env.sessions.remove(sess) {
		return nil, newProblem(KindUnauthenticated, "authentication required: the session has ended")
	}
	return vcha.DeleteSession204Response{}, nil
}
