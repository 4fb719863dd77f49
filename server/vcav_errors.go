package server

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// ApiError codes the VCAV mock sends. Those the vendor documents
// (NotAuthenticated, RemoteAuthenticationFailure, VmReplicationNotFound,
// SiteNotFound, GeneralServerFailure, BadRequest, Forbidden) are used as
// such; the others follow the vendor's PascalCase style and the spec's
// failoverkit choices.
const (
	vcavCodeBadRequest           = "BadRequest"
	vcavCodeBadUserInput         = "BadUserInput"
	vcavCodeNotAcceptable        = "NotAcceptable"
	vcavCodeNotAuthenticated     = "NotAuthenticated"
	vcavCodeRemoteAuthentication = "RemoteAuthenticationFailure"
	vcavCodeForbidden            = "Forbidden"
	vcavCodeNotFound             = "NotFound"
	vcavCodeMethodNotAllowed     = "MethodNotAllowed"
	vcavCodeTooLarge             = "RequestEntityTooLarge"
	vcavCodeHeadersTooLarge      = "RequestHeaderFieldsTooLarge"
	vcavCodeUnavailable          = "ServiceUnavailable"
	vcavCodeServerFailure        = "GeneralServerFailure"
	vcavCodeReplicationNotFound  = "VmReplicationNotFound"
	vcavCodeSiteNotFound         = "SiteNotFound"
	vcavCodeTaskNotFound         = "TaskNotFound"
	vcavCodeInvalidRecoveryState = "InvalidRecoveryState"
)

// vcavExceptionPackage is the Java package of the vendor's exceptions, as in
// its stack traces.
const vcavExceptionPackage = "com.vmware.h4.api.error.exceptions."

// vcavChallenge is the WWW-Authenticate value of a 401 NotAuthenticated
// answer to a request without a valid session. failoverkit choice: exactly
// the challenge VMware's PowerCLI module for VCDA looks for to detect an
// expired session (Private/Invoke-VCDARequest.ps1). A refused login
// carries none (see vcavIsLogin), nor does RemoteAuthenticationFailure, so
// that module reports them as a failed login and as "remote site not
// authenticated" rather than as a lost connection.
const vcavChallenge = "Authentication Token Required"

// writeProblem answers p as a VCAV ApiError with the status statusOf gives
// and the code p names, or the code of its kind. A 401 NotAuthenticated
// carries vcavChallenge unless it refuses a login.
func (m *vcavMock) writeProblem(c echo.Context, p *Problem) error {
	code := p.Code
	if code == "" {
		code = vcavProblemCode(p.Kind)
	}
	if statusOf(p) == http.StatusUnauthorized && code == vcavCodeNotAuthenticated && !vcavIsLogin(c) {
		c.Response().Header()[echo.HeaderWWWAuthenticate] = []string{vcavChallenge}
	}
	args := p.Args
	switch {
	case args != nil:
	case p.Kind == KindTooLarge:
		args = []string{fmt.Sprint(DefaultBodyLimit)}
	case p.Kind == KindHeadersTooLarge:
		args = []string{fmt.Sprint(DefaultHeaderLimit)}
	}
	return c.JSON(statusOf(p), vcavError(code, p.Message, args...))
}

// vcavProblemCode maps a problem kind to the ApiError code.
func vcavProblemCode(k ProblemKind) string {
	switch k {
	case KindBadRequest, KindNonTask:
		return vcavCodeBadRequest
	case KindUnauthenticated:
		return vcavCodeNotAuthenticated
	case KindForbidden:
		return vcavCodeForbidden
	case KindNotFound:
		return vcavCodeNotFound
	case KindMethodNotAllowed:
		return vcavCodeMethodNotAllowed
	case KindTooLarge:
		return vcavCodeTooLarge
	case KindHeadersTooLarge:
		return vcavCodeHeadersTooLarge
	case KindUnavailable:
		return vcavCodeUnavailable
	case KindNotAcceptable:
		return vcavCodeNotAcceptable
	default:
		return vcavCodeServerFailure
	}
}

// vcavError builds an ApiError: args is never null on the wire, and the
// stack trace is one Java-style line like the vendor's, e.g.
// "com.vmware.h4.api.error.exceptions.SiteNotFoundException: Site site9 not found."
func vcavError(code, msg string, args ...string) vcav.ApiError {
	if args == nil {
		args = []string{}
	}
	return vcav.ApiError{
		Code: code, Msg: msg, Args: &args,
		Stacktrace: new(vcavExceptionPackage + code + "Exception: " + msg),
	}
}

// vcavRefusal is an error answer decided by a handler: the HTTP status and
// the ApiError. Handlers return it as their error (see problem), and the
// error handler answers it through writeProblem, with the negotiated media
// type and, on a 401 NotAuthenticated, the challenge.
type vcavRefusal struct {
	status int
	body   vcav.ApiError
}

// problem is r as the Problem a handler returns.
func (r *vcavRefusal) problem() *Problem {
	var args []string
	if r.body.Args != nil {
		args = *r.body.Args
	}
	return &Problem{Kind: kindOfStatus(r.status), Status: r.status, Code: r.body.Code, Message: r.body.Msg, Args: args}
}

// vcavBadUserInput refuses a malformed parameter (400 BadUserInput).
func vcavBadUserInput(msg string, args ...string) *vcavRefusal {
	return &vcavRefusal{http.StatusBadRequest, vcavError(vcavCodeBadUserInput, msg, args...)}
}

// vcavSiteNotFound refuses a site the deployment does not know.
func vcavSiteNotFound(site string) *vcavRefusal {
	return &vcavRefusal{http.StatusNotFound,
		vcavError(vcavCodeSiteNotFound, fmt.Sprintf("Site %s not found.", site), site)}
}

// vcavRemoteAuthenticationFailure refuses a known site other than the local one:
// the session has not been extended to it.
func vcavRemoteAuthenticationFailure(site string) *vcavRefusal {
	return &vcavRefusal{http.StatusUnauthorized, vcavError(vcavCodeRemoteAuthentication,
		fmt.Sprintf("Not authenticated to remote site %s. Extend the session to that site first.", site), site)}
}

// vcavReplicationNotFound refuses an unknown VM replication id.
func vcavReplicationNotFound(id string) *vcavRefusal {
	return &vcavRefusal{http.StatusNotFound,
		vcavError(vcavCodeReplicationNotFound, fmt.Sprintf("VM replication %s not found.", id), id)}
}

// vcavTaskNotFound refuses an unknown, forgotten or other user's task.
func vcavTaskNotFound(id string) *vcavRefusal {
	return &vcavRefusal{http.StatusNotFound,
		vcavError(vcavCodeTaskNotFound, fmt.Sprintf("Task %s not found.", id), id)}
}

// vcavIsLogin says whether c is a login, POST /sessions.
func vcavIsLogin(c echo.Context) bool {
	return c.Request().Method == http.MethodPost && c.Path() == "/sessions"
}

// vcavLoginFailedMsg is the msg of a refused login. VMware's PowerCLI
// module for VCDA tells a wrong password from other failures by exactly
// this text in a 401 without vcavChallenge: Connect-VCDA.ps1 matches
// "Authentication required." and Reset-VCDARootPassword.ps1 and
// Initialize-VCDAAppliance.ps1 retry with the previous root password when
// Connect-VCDA reports "The server returned the following:
// 'Authentication required.'" (vmware/vmware-powercli-for-vmware-cloud-director-availability
// at 10c63bc). The vendor documents no msg texts.
const vcavLoginFailedMsg = "Authentication required."

// vcavLoginFailed is the 401 body of a rejected login. It says neither whether
// the user exists nor anything about the password.
func vcavLoginFailed() vcav.ApiError {
	return vcavError(vcavCodeNotAuthenticated, vcavLoginFailedMsg)
}

// vcavUnsupportedLogin is the 401 body of a login type the mock does not
// simulate (SAML tokens).
func vcavUnsupportedLogin(loginType string) vcav.ApiError {
	return vcavError(vcavCodeNotAuthenticated, fmt.Sprintf(
		"Authentication required. failoverkit does not simulate %s logins; use localUser, ssoCredentials, vcdCredentials, vcdCookie or vcdAccessToken.",
		loginType), loginType)
}
