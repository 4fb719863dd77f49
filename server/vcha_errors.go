package server

import (
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// vchaChallenge is the HTTP Basic challenge sent with every vSphere
// UNAUTHENTICATED error, both as the WWW-Authenticate header and as the
// error's challenge field.
const vchaChallenge = `Basic realm="vCenter"`

// Message ids of the vSphere errors the mock sends. Ids taken from the spec
// or the vAPI runtime catalog are used as such; the others start with
// "failoverkit." so nobody mistakes them for vendor ids.
const (
	msgAuthRequired  = "com.vmware.vapi.endpoint.method.authentication.required"
	msgUnauthorized  = "vapi.security.authorization.invalid"
	msgRouteNotFound = "com.vmware.vapi.rest.httpNotFound"
	// msgLegacyRouteNotFound is the /rest router's id for an unknown route.
	msgLegacyRouteNotFound = "com.vmware.vapi.rest.operationsForUrlNotFound"
	msgMethodNotAllowed    = "failoverkit.request.method_not_allowed"
	msgTooLarge            = "failoverkit.request.body.too_large"
	msgHeadersTooLarge     = "failoverkit.request.headers.too_large"
	msgNonTask             = "vapi.protocol.server.response.non_task_not_acceptable"
	msgUnavailable         = "vapi.server.unavailable"
	msgInternal            = "failoverkit.internal_error"
	msgInjected            = "failoverkit.fault.injected"
	msgTaskNotFound        = "com.vmware.cis.tasks.not_found"
	msgNotConfigured       = "com.vmware.vcenter.vcha.cluster.not_configured"
	msgBodyParse           = "vapi.protocol.server.rest.param.body_parse_error"
	msgMissingField        = "vapi.protocol.server.rest.param.bodyfield.missing_field"
	msgUnexpectedField     = "vapi.protocol.server.rest.param.bodyfield.unexpected_field"
	msgInvalidType         = "vapi.protocol.server.rest.param.invalid_type"
	msgInvalidValue        = "vapi.protocol.server.rest.param.invalid_value"
)

// writeProblem answers p as a vSphere Std_Errors_Error with the status
// statusOf gives; UNAUTHENTICATED errors also carry the Basic challenge.
// A JSON-RPC envelope the spec refuses is answered as a JSON-RPC error
// (rpcEnvelopeProblem).
//
// On the deprecated /rest paths the error is wrapped in the legacy shape,
// {"type": "com.vmware.vapi.std.errors.<name>", "value": …}, and an unknown
// route carries the /rest router's message id.
func (m *vchaMock) writeProblem(c echo.Context, p *Problem) error {
	body := problemError(p)
	if p.Kind == KindUnauthenticated {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, vchaChallenge)
	}
	if p.Kind == KindBadRequest && stateFrom(c.Request().Context()).op == opInvokeJSONRPC {
		return rpcEnvelopeProblem(p).VisitInvokeJsonRpcResponse(c.Response())
	}
	if !isLegacyPath(c.Request().URL.Path) {
		return c.JSON(statusOf(p), body)
	}
	if p.Kind == KindNotFound {
		body.Messages[0].Id = msgLegacyRouteNotFound
	}
	return c.JSON(statusOf(p), legacyError(body))
}

// problemError renders p in the vSphere error shape: the error_type and
// message id follow the problem kind, the message text is p.Message.
func problemError(p *Problem) vcha.StdErrorsError {
	t, id := problemType(p)
	e := vapiError(t, vapiMessage(id, p.Message, p.Args...))
	if t == vcha.StdErrorsErrorTypeUNAUTHENTICATED {
		// vCenter's one text for every 401, whatever the cause.
		e = unauthenticatedError()
	}
	return e
}

// problemType maps a problem kind to the vSphere error_type and message id.
// An injected fault whose status is not 500 and stands for no other kind is
// a plain ERROR.
func problemType(p *Problem) (vcha.StdErrorsErrorType, string) {
	switch p.Kind {
	case KindBadRequest:
		return vcha.StdErrorsErrorTypeINVALIDARGUMENT, badRequestID(p.Message)
	case KindUnauthenticated:
		return vcha.StdErrorsErrorTypeUNAUTHENTICATED, msgAuthRequired
	case KindForbidden:
		return vcha.StdErrorsErrorTypeUNAUTHORIZED, msgUnauthorized
	case KindNotFound:
		return vcha.StdErrorsErrorTypeNOTFOUND, msgRouteNotFound
	case KindMethodNotAllowed:
		return vcha.StdErrorsErrorTypeOPERATIONNOTFOUND, msgMethodNotAllowed
	case KindTooLarge:
		return vcha.StdErrorsErrorTypeINVALIDREQUEST, msgTooLarge
	case KindHeadersTooLarge:
		return vcha.StdErrorsErrorTypeINVALIDREQUEST, msgHeadersTooLarge
	case KindNonTask:
		return vcha.StdErrorsErrorTypeINVALIDREQUEST, msgNonTask
	case KindUnavailable:
		return vcha.StdErrorsErrorTypeSERVICEUNAVAILABLE, msgUnavailable
	}
	switch {
	case p.Status != 0 && p.Status != 500:
		return vcha.StdErrorsErrorTypeERROR, msgInjected
	case p.Status != 0:
		return vcha.StdErrorsErrorTypeINTERNALSERVERERROR, msgInjected
	default:
		return vcha.StdErrorsErrorTypeINTERNALSERVERERROR, msgInternal
	}
}

// badRequestID picks the vAPI REST runtime's message id that best fits a
// request-validation message from the shared pipeline.
func badRequestID(msg string) string {
	switch {
	case strings.Contains(msg, "is unsupported") || strings.Contains(msg, "unexpected field"):
		return msgUnexpectedField
	case strings.Contains(msg, "is missing") || strings.Contains(msg, "required but missing"):
		return msgMissingField
	case strings.Contains(msg, "must be a") || strings.Contains(msg, "not nullable"):
		return msgInvalidType
	case strings.Contains(msg, "not one of the allowed values"):
		return msgInvalidValue
	default:
		return msgBodyParse
	}
}

// vapiMessage builds a localizable message; args is never null on the wire.
func vapiMessage(id, text string, args ...string) vcha.StdLocalizableMessage {
	if args == nil {
		args = []string{}
	}
	return vcha.StdLocalizableMessage{Id: id, DefaultMessage: text, Args: args}
}

// withReason adds the named string parameter "reason" to msg.
func withReason(msg vcha.StdLocalizableMessage, reason string) vcha.StdLocalizableMessage {
	msg.Params = &map[string]vcha.StdLocalizationParam{"reason": {S: new(reason)}}
	return msg
}

// vapiError builds a Std_Errors_Error of type t with the message stack msgs.
func vapiError(t vcha.StdErrorsErrorType, msgs ...vcha.StdLocalizableMessage) vcha.StdErrorsError {
	return vcha.StdErrorsError{ErrorType: &t, Messages: msgs}
}

// unauthorizedError is the 403 body for a user who lacks priv.
func unauthorizedError(priv string) vcha.StdErrorsError {
	return vapiError(vcha.StdErrorsErrorTypeUNAUTHORIZED,
		vapiMessage(msgUnauthorized, "Unable to authorize user: the operation requires the "+priv+" privilege."))
}

// unauthenticatedError is the 401 body sent when a login fails.
func unauthenticatedError() vcha.StdErrorsError {
	e := vapiError(vcha.StdErrorsErrorTypeUNAUTHENTICATED, vapiMessage(msgAuthRequired, "Authentication required."))
	e.Challenge = new(vchaChallenge)
	return e
}
