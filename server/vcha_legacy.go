package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// The deprecated /rest API serves the same state as /api: each /rest
// handler calls its /api twin and re-shapes the answer (vcha_legacy_ops.go).
// A success becomes 200 with the body wrapped, {"value": …} (no body for a
// void operation); an error becomes {"type": "com.vmware.vapi.std.errors.<name>",
// "value": <the /api error>}, and an ERROR that /api answers with 500 is
// answered with 400, as VMware's Swagger maps it on /rest.

// legacyPrefix starts every path of the deprecated API.
const legacyPrefix = "/rest/"

// isLegacyPath reports whether path belongs to the deprecated /rest API.
func isLegacyPath(path string) bool { return strings.HasPrefix(path, legacyPrefix) }

// legacyAnswer is a /rest answer, ready to write. It implements the
// response interface of every /rest operation.
type legacyAnswer struct {
	status int
	header http.Header
	body   []byte
}

// runTwin runs visit, the writer of an /api answer, into a recorder, for
// the other transports (/rest, JSON-RPC) to re-shape what it wrote.
func runTwin(visit func(http.ResponseWriter) error) (*httptest.ResponseRecorder, error) {
	rec := httptest.NewRecorder()
	if err := visit(rec); err != nil {
		return nil, fmt.Errorf("render the /api answer: %w", err)
	}
	return rec, nil
}

// toLegacy runs visit, the /api answer's writer, and re-shapes what it wrote.
func toLegacy(visit func(http.ResponseWriter) error) (legacyAnswer, error) {
	rec, err := runTwin(visit)
	if err != nil {
		return legacyAnswer{}, err
	}
	a := legacyAnswer{status: rec.Code, header: http.Header{}}
	if h := rec.Header().Get("WWW-Authenticate"); h != "" {
		a.header.Set("WWW-Authenticate", h)
	}
	switch {
	case rec.Code < 300 && rec.Body.Len() == 0:
		a.status = http.StatusOK
		return a, nil
	case rec.Code < 300:
		a.status = http.StatusOK
		a.body = append(append([]byte(`{"value":`), bytes.TrimSpace(rec.Body.Bytes())...), '}')
		return a, nil
	}
	var e vcha.StdErrorsError
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		return legacyAnswer{}, fmt.Errorf("decode the /api error: %w", err)
	}
	body, err := json.Marshal(legacyError(e))
	if err != nil {
		return legacyAnswer{}, fmt.Errorf("encode the /rest error: %w", err)
	}
	a.body = body
	if a.status == http.StatusInternalServerError && e.ErrorType != nil && *e.ErrorType == vcha.StdErrorsErrorTypeERROR {
		a.status = http.StatusBadRequest
	}
	return a, nil
}

// legacyError wraps a vAPI error in the /rest shape.
func legacyError(e vcha.StdErrorsError) vcha.LegacyError {
	var typ string
	if e.ErrorType != nil {
		typ = string(*e.ErrorType)
	}
	return vcha.LegacyError{Type: vapiErrorName(typ), Value: e}
}

// vapiErrorName is the vAPI name of an error of errorType (ERROR when
// empty): com.vmware.vapi.std.errors.<errorType in lower case>, as /rest
// and JSON-RPC name it.
func vapiErrorName(errorType string) string {
	if errorType == "" {
		errorType = string(vcha.StdErrorsErrorTypeERROR)
	}
	return "com.vmware.vapi.std.errors." + strings.ToLower(errorType)
}

// write sends the answer.
func (a legacyAnswer) write(w http.ResponseWriter) error {
	for k, vs := range a.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if a.body == nil {
		w.WriteHeader(a.status)
		return nil
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.status)
	_, err := w.Write(a.body)
	return err
}

// The response interfaces of the /rest operations.

func (a legacyAnswer) VisitCreateSessionLegacyResponse(w http.ResponseWriter) error {
	return a.write(w)
}
func (a legacyAnswer) VisitGetSessionLegacyResponse(w http.ResponseWriter) error { return a.write(w) }
func (a legacyAnswer) VisitDeleteSessionLegacyResponse(w http.ResponseWriter) error {
	return a.write(w)
}
func (a legacyAnswer) VisitGetTaskLegacyResponse(w http.ResponseWriter) error { return a.write(w) }
func (a legacyAnswer) VisitGetVchaClusterLegacyResponse(w http.ResponseWriter) error {
	return a.write(w)
}
func (a legacyAnswer) VisitFailoverVchaClusterAsyncLegacyResponse(w http.ResponseWriter) error {
	return a.write(w)
}
func (a legacyAnswer) VisitGetVchaClusterModeLegacyResponse(w http.ResponseWriter) error {
	return a.write(w)
}
func (a legacyAnswer) VisitSetVchaClusterModeAsyncLegacyResponse(w http.ResponseWriter) error {
	return a.write(w)
}
