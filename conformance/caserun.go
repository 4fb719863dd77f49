package conformance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

// caseRun is one case running: the shared runner, the case's API client and
// the clean-ups to run when the case ends.
type caseRun struct {
	*runner
	c        Case
	api      *apiClient
	cleanups []func(context.Context)
	// notes are findings at LevelNote: reported, never failing the case.
	notes []*Finding
}

// note records f as a note, which never fails the case.
func (r *caseRun) note(f *Finding) {
	f.Level = LevelNote
	r.notes = append(r.notes, f)
}

// choice reports a departure from a failoverkit choice: a finding against
// a mock (which must honour every choice), a note against anything else.
func (r *caseRun) choice(f *Finding) error {
	if r.target.Mock {
		return f
	}
	r.note(f)
	return nil
}

// call sends req and checks the answer: against the spec first, then for
// the wanted status and, when code is set, the documented error code. The
// exchange is returned even when there are findings (joined in the error).
func (r *caseRun) call(ctx context.Context, req request, want int, code string) (*exchange, error) {
	ex, err := r.send(ctx, req)
	if err != nil {
		return nil, err
	}
	return ex, r.judge(ctx, ex, want, code)
}

// send sends req; a bug in the case comes back as a *CaseError, a transport
// failure as a *transportError.
func (r *caseRun) send(ctx context.Context, req request) (*exchange, error) {
	ex, err := r.api.send(ctx, req)
	var ce *CaseError
	switch {
	case err == nil:
		return ex, nil
	case errors.As(err, &ce):
		ce.Case = r.c.Name
		return nil, ce
	default:
		return nil, &transportError{what: req.method + " " + req.path, err: err}
	}
}

// transportError is a request that got no HTTP response.
type transportError struct {
	what string
	err  error
}

// Error names the request and the transport failure.
func (e *transportError) Error() string { return e.what + ": " + e.err.Error() }

// Unwrap returns the transport failure.
func (e *transportError) Unwrap() error { return e.err }

// judge checks a response against the spec, then for the wanted status and,
// when code is set, the documented error code; the findings come joined.
func (r *caseRun) judge(ctx context.Context, ex *exchange, want int, code string) error {
	var fs []error
	if ex.status != want {
		fs = append(fs, r.finding(ex, InStatus, "", fmt.Sprintf("got %d, want %d", ex.status, want), nil))
	}
	var invalid *Finding
	if verr := r.api.validate(ctx, ex); verr != nil {
		invalid = r.validationFinding(ex, verr)
		fs = append(fs, invalid)
	}
	if invalid == nil {
		fs = append(fs, r.answerChecks(ex))
	}
	info, _ := spec.Lookup(r.c.API)
	field := info.ErrorCodeField
	if code != "" && ex.status == want && (invalid == nil || invalid.Field != field) {
		if got, _ := lookupString(ex.doc, field); got != code {
			fs = append(fs, r.codeFinding(ex, field, code))
		}
	}
	return errors.Join(fs...)
}

// validationFinding turns a validation error of ex into a finding.
func (r *caseRun) validationFinding(ex *exchange, err error) *Finding {
	var cte *oasvalidate.ContentTypeError
	if errors.As(err, &cte) {
		return r.finding(ex, InHeader, "Content-Type", cte.Error(), err)
	}
	in, field, reason := locate(err)
	return r.finding(ex, in, field, reason, err)
}

// finding builds a finding about ex (which may be nil).
func (r *caseRun) finding(ex *exchange, in Location, field, reason string, err error) *Finding {
	f := &Finding{Case: r.c.Name, API: r.c.API, Operation: r.c.Operation, In: in, Field: field, Reason: reason, Err: err}
	if ex != nil {
		f.Operation, f.Method, f.Path, f.Status = ex.req.op, ex.req.method, ex.req.path, ex.status
		f.Excerpt = r.excerpt(ex, in, field)
		f.Curl = r.curlFor(ex.req)
	}
	return f
}

// excerpt shows the part of the response body a finding is about.
func (r *caseRun) excerpt(ex *exchange, in Location, field string) string {
	withheld := issuesToken(ex.req.op) && ex.status < 300
	return excerptOf(r.red, ex.body, ex.doc, in, field, withheld)
}

// expectChoice is expectString for a value the spec records as a
// failoverkit choice: a note against a real appliance.
func (r *caseRun) expectChoice(ex *exchange, path, want string) error {
	if err := r.expectString(ex, path, want); err != nil {
		var f *Finding
		if errors.As(err, &f) {
			f.Reason += " (a failoverkit choice)"
			return r.choice(f)
		}
		return err
	}
	return nil
}

// expectString returns a finding unless the string at path is want.
func (r *caseRun) expectString(ex *exchange, path, want string) error {
	if got, ok := lookupString(ex.doc, path); !ok || got != want {
		return r.finding(ex, InBody, path, fmt.Sprintf("got %s, want %q", describeValue(ex.doc, path), want), nil)
	}
	return nil
}

// deferCleanup registers f to run when the case ends, e.g. a logout.
func (r *caseRun) deferCleanup(f func(context.Context)) { r.cleanups = append(r.cleanups, f) }

// cleanupTimeout bounds the clean-ups of one case.
const cleanupTimeout = 10 * time.Second

// cleanup runs the clean-ups, last registered first, even after the run's
// context has ended.
func (r *caseRun) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i](ctx)
	}
}

// bindingCode reports whether answering got where code is wanted fails a
// case: when the API lists its documented codes, only a documented wanted
// code binds, and not when got is documented as interchangeable with it.
func bindingCode(info spec.Info, code, got string) bool {
	if info.DocumentedCodes == nil {
		return true
	}
	if !slices.Contains(info.DocumentedCodes, code) {
		return false
	}
	for _, group := range info.InterchangeableCodes {
		if slices.Contains(group, code) && slices.Contains(group, got) {
			return false
		}
	}
	return true
}
