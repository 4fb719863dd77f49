package client

import (
	"errors"
	"fmt"
	"strings"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/gen/vcha"
)

// API names used as the first word of every error message.
const (
	apiVCAV = "vcav"
	apiVCHA = "vcha"
)

// maxExcerpt is the largest UnexpectedResponseError.Excerpt, in bytes.
const maxExcerpt = 512

// ErrMissingToken is wrapped by the error a login returns when the server
// answers success but sends no session token.
var ErrMissingToken = errors.New("login succeeded but the response carries no session token")

// ErrWaitTimeout is wrapped, together with context.DeadlineExceeded, by the
// error WaitTask returns when the WaitTimeout expires before the task ends.
var ErrWaitTimeout = errors.New("wait timeout exceeded")

// VCAVError is a VCAV error response: a status of 400 or above with an
// ApiError body. Status is 0 when the error was reported inside a failed
// task rather than by an HTTP response (see TaskFailedError). Branch on
// Body.Code (or use IsVCAVCode), which is a stable identifier such as
// VmReplicationNotFound.
type VCAVError struct {
	// Status is the HTTP status code, or 0 for an error carried by a task.
	Status int
	// Op is the operationId of the failed operation, e.g. failoverVmReplication.
	Op string
	// Body is the vendor error.
	Body vcav.ApiError
}

// Error returns "vcav <op>: <status> <code>: <msg>".
func (e *VCAVError) Error() string {
	return fmt.Sprintf("%s %s: %s%s: %s", apiVCAV, e.Op, statusPrefix(e.Status), e.Body.Code, e.Body.Msg)
}

// VCHAError is a vSphere Automation API error response: a status of 400 or
// above with a Std_Errors_Error body. Status is 0 when the error was
// reported inside a failed task (see TaskFailedError). Branch on
// Body.ErrorType (or use IsVCHAErrorType), not on Status: several error
// types share one status.
type VCHAError struct {
	// Status is the HTTP status code, or 0 for an error carried by a task.
	Status int
	// Op is the operationId of the failed operation, e.g. failoverVchaClusterAsync.
	Op string
	// Body is the vendor error.
	Body vcha.StdErrorsError
}

// Error returns "vcha <op>: <status> <error_type>: <messages>".
func (e *VCHAError) Error() string {
	return fmt.Sprintf("%s %s: %s%s: %s", apiVCHA, e.Op, statusPrefix(e.Status), vchaErrorType(e.Body), vchaMessages(e.Body))
}

// UnexpectedResponseError is a response the client cannot interpret: an
// error status whose body is not the vendor's error shape (for example an
// HTML page from a proxy), a redirect, or a success status whose body does
// not decode.
type UnexpectedResponseError struct {
	// API is "vcav" or "vcha".
	API string
	// Status is the HTTP status code.
	Status int
	// Op is the operationId of the operation.
	Op string
	// ContentType is the Content-Type response header.
	ContentType string
	// Excerpt is the start of the response body, at most 512 bytes, with
	// any session token or password replaced by "[REDACTED]".
	Excerpt string
	// Err is the reason a success response was rejected (for example a
	// JSON decoding error), or nil.
	Err error
}

// Error returns "<api> <op>: unexpected <status> response (<content type>): <excerpt>".
func (e *UnexpectedResponseError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	msg := fmt.Sprintf("%s %s: unexpected %d response (%s): %q", e.API, e.Op, e.Status, ct, e.Excerpt)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns Err.
func (e *UnexpectedResponseError) Unwrap() error { return e.Err }

// TransportError is a failure to exchange a request and response with the
// server: a DNS, connection, TLS (including certificate verification) or
// timeout error. Err is the cause; use errors.As to reach, for example, a
// *tls.CertificateVerificationError.
type TransportError struct {
	// API is "vcav" or "vcha".
	API string
	// Op is the operationId of the operation.
	Op string
	// Err is the cause.
	Err error
}

// Error returns "<api> <op>: <cause>".
func (e *TransportError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.API, e.Op, e.Err)
}

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }

// TaskFailedError reports a task that ended without success. Exactly one of
// VCAVTask and VCHATask is set. Err is the vendor error the task carries, a
// *VCAVError or *VCHAError with Status 0, or nil when the task reports none
// (vSphere may describe the failure in the task result instead); errors.As
// reaches it through TaskFailedError.
type TaskFailedError struct {
	// API is "vcav" or "vcha".
	API string
	// TaskID is the task identifier.
	TaskID string
	// State is the final task state, e.g. FAILED.
	State string
	// VCAVTask is the final VCAV task.
	VCAVTask *vcav.C4ApiTask
	// VCHATask is the final vSphere task.
	VCHATask *vcha.TaskInfo
	// Err is the vendor error carried by the task, or nil.
	Err error
}

// Error returns "<api> task <id> <state>: <vendor error>".
func (e *TaskFailedError) Error() string {
	msg := fmt.Sprintf("%s task %s %s", e.API, e.TaskID, e.State)
	switch err := e.Err.(type) {
	case *VCAVError:
		msg += fmt.Sprintf(": %s: %s", err.Body.Code, err.Body.Msg)
	case *VCHAError:
		msg += fmt.Sprintf(": %s: %s", vchaErrorType(err.Body), vchaMessages(err.Body))
	case nil:
		msg += " without an error description"
	default:
		msg += ": " + err.Error()
	}
	return msg
}

// Unwrap returns the vendor error carried by the task.
func (e *TaskFailedError) Unwrap() error { return e.Err }

// IsVCAVCode reports whether err is or wraps a *VCAVError whose code is code,
// for example "VmReplicationNotFound" or "InvalidRecoveryState".
func IsVCAVCode(err error, code string) bool {
	var e *VCAVError
	return errors.As(err, &e) && e.Body.Code == code
}

// IsVCHAErrorType reports whether err is or wraps a *VCHAError whose
// error_type is t, for example vcha.StdErrorsErrorTypeNOTALLOWEDINCURRENTSTATE.
func IsVCHAErrorType(err error, t vcha.StdErrorsErrorType) bool {
	var e *VCHAError
	return errors.As(err, &e) && e.Body.ErrorType != nil && *e.Body.ErrorType == t
}

// statusPrefix renders a status followed by a space, or nothing for 0.
func statusPrefix(status int) string {
	if status == 0 {
		return ""
	}
	return fmt.Sprintf("%d ", status)
}

// vchaErrorType returns the error_type, or UNKNOWN when it is missing.
func vchaErrorType(b vcha.StdErrorsError) string {
	if b.ErrorType == nil || *b.ErrorType == "" {
		return "UNKNOWN"
	}
	return string(*b.ErrorType)
}

// vchaMessages joins the default messages of the error's message stack.
func vchaMessages(b vcha.StdErrorsError) string {
	msgs := make([]string, 0, len(b.Messages))
	for _, m := range b.Messages {
		if m.DefaultMessage != "" {
			msgs = append(msgs, m.DefaultMessage)
		}
	}
	if len(msgs) == 0 {
		return "(no message)"
	}
	return strings.Join(msgs, "; ")
}

// statusOf returns the HTTP status carried by err, or 0.
func statusOf(err error) int {
	var (
		ve *VCAVError
		he *VCHAError
		ue *UnexpectedResponseError
	)
	switch {
	case errors.As(err, &ve):
		return ve.Status
	case errors.As(err, &he):
		return he.Status
	case errors.As(err, &ue):
		return ue.Status
	}
	return 0
}

// ErrRetryBudgetExhausted is wrapped, together with the last failure, by
// the error WaitTask returns when transient failures (network errors, 429,
// 502, 503, 504) have lasted longer than the RetryBudget without a
// successful poll in between.
var ErrRetryBudgetExhausted = errors.New("retry budget exhausted")

// ErrReloginRejected is wrapped, together with the 401 response, by the
// error WaitTask returns when the server still answers 401 after the client
// logged in again with its kept credentials.
var ErrReloginRejected = errors.New("the server refused the new session too (401 after logging in again)")

// TaskLostError reports a vSphere task that the server no longer knows
// (404) after WaitTask had to log in again (the sessions were lost, as in a
// vCenter HA failover). The new active node may not know the tasks of the
// old one, so the outcome of the operation is unknown, not failed: verify
// it by reading the cluster (VCHA.Cluster: which node is ACTIVE) rather
// than by starting the operation again. Err is the 404 response error.
type TaskLostError struct {
	// API is "vcha".
	API string
	// TaskID is the task identifier.
	TaskID string
	// LastState is the last state WaitTask saw, or "" if no poll answered.
	LastState string
	// Err is the error of the read that answered 404.
	Err error
}

// Error returns "<api> task <id> lost after logging in again (last state
// <state>): ...: <cause>".
func (e *TaskLostError) Error() string {
	last := e.LastState
	if last == "" {
		last = "unknown"
	}
	return fmt.Sprintf("%s task %s lost after logging in again (last state %s); its outcome is unknown: verify it by reading the cluster roles: %v",
		e.API, e.TaskID, last, e.Err)
}

// Unwrap returns the error of the read that answered 404.
func (e *TaskLostError) Unwrap() error { return e.Err }
