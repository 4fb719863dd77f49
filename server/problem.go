package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
)

// ProblemKind classifies a failure independently of the vendor, so the
// shared request pipeline can report it and each vendor can render it in its
// own error shape (VCAV ApiError code, vSphere error_type).
type ProblemKind int

// The problems the shared pipeline raises.
const (
	KindInternal         ProblemKind = iota // a bug or an unexpected failure: 500
	KindBadRequest                          // the request does not fit the spec: 400
	KindUnauthenticated                     // no, unknown or expired session: 401
	KindForbidden                           // the user lacks a privilege: 403
	KindNotFound                            // no such route: 404
	KindMethodNotAllowed                    // route exists under other methods: 405
	KindTooLarge                            // body over the limit: 413
	KindHeadersTooLarge                     // header fields over the limit: 431
	KindNonTask                             // vSphere task-only operation called without vmw-task=true: 400
	KindUnavailable                         // the mock refuses for now (fault injection): 503
	KindNotAcceptable                       // no media type the API serves is acceptable: 406
)

// Problem is an error the mock answers in the vendor's error shape. Message
// is shown to the client: it must never contain a secret.
type Problem struct {
	Kind    ProblemKind
	Message string
	Args    []string
	// Status overrides the kind's usual HTTP status (fault injection, an
	// API's own refusals).
	Status int
	// Code, when set, is the API's error code for this refusal (decided by
	// one of its handlers); otherwise the API derives it from Kind.
	Code string
	// Header holds response headers the refusal carries (Allow on a 405).
	Header http.Header
}

func (p *Problem) Error() string { return p.Message }

func newProblem(kind ProblemKind, format string, args ...any) *Problem {
	return &Problem{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// asProblem turns any error that reached echo's error handler into a Problem.
// Unexpected errors become KindInternal with a generic message: their text
// may carry details the client should not see, so it goes to the log only.
func asProblem(err error) (p *Problem, internal bool) {
	if errors.As(err, &p) {
		return p, false
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		msg := http.StatusText(he.Code)
		if s, ok := he.Message.(string); ok && s != "" {
			msg = s
		}
		switch he.Code {
		case http.StatusNotFound:
			return &Problem{Kind: KindNotFound, Message: "no such operation: " + msg}, false
		case http.StatusMethodNotAllowed:
			return &Problem{Kind: KindMethodNotAllowed, Message: msg}, false
		case http.StatusRequestEntityTooLarge:
			return &Problem{Kind: KindTooLarge, Message: "request body is larger than the limit"}, false
		case http.StatusUnauthorized:
			return &Problem{Kind: KindUnauthenticated, Message: msg}, false
		case http.StatusServiceUnavailable:
			return &Problem{Kind: KindUnavailable, Message: msg}, false
		case http.StatusBadRequest:
			return &Problem{Kind: KindBadRequest, Message: msg}, false
		}
		if he.Code >= 400 && he.Code < 500 {
			// Another refusal of the request (such as 415 from echo's
			// binder): the client's fault, answered as the 400 every
			// operation with a body declares, never as a 500.
			return &Problem{Kind: KindBadRequest, Message: msg}, false
		}
	}
	return &Problem{Kind: KindInternal, Message: "internal error"}, true
}
