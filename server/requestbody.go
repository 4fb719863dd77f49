package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/failoverkit/failoverkit/internal/oasvalidate"
)

// maxLoggedBody is the largest request body the request log keeps; a
// larger one is logged by its size only, so the log's memory stays bounded
// (RequestLogSize of them at most).
const maxLoggedBody = 16 << 10

// isMutating reports a method whose body the request log keeps.
func isMutating(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

// keepBody reads req's (validated, bounded) body for the request log and
// puts it back for the handler.
func keepBody(req *http.Request) []byte {
	if req.Body == nil || req.Body == http.NoBody {
		return nil
	}
	if b, ok := oasvalidate.ValidatedBody(req); ok {
		return b // the validator's bytes, left unread for the handler
	}
	b, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	req.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	return b
}

// loggedBody is what the request log shows of a body: the JSON with the
// value of every secret-named field (passwords, tokens, cookies,
// credentials) replaced by REDACTED; nothing for a body that is not JSON
// or over maxLoggedBody.
func loggedBody(b []byte) json.RawMessage {
	if len(b) == 0 || len(b) > maxLoggedBody {
		return nil
	}
	if out, ok := loggedBodies.get(b); ok {
		return out
	}
	if oasvalidate.CheckJSON(b, oasvalidate.MaxRequestJSONValues) != nil {
		return nil
	}
	var doc any
	if json.Unmarshal(b, &doc) != nil {
		return nil
	}
	redacted := false
	out, err := json.Marshal(redactSecretFields(doc, &redacted))
	if err != nil {
		return nil
	}
	if !redacted {
		loggedBodies.put(b, out)
	}
	return out
}

// loggedBodies remembers what the request log shows of bodies that hold no
// secret-named field, so a body sent again and again (the same failover
// settings for every VM of a runbook) is not decoded and encoded again for
// each request: that was 5 % of the mock's CPU under a failover load
// (BenchmarkExternal's vcav-failover+poll profile). A body with a secret is
// never remembered, so the memo never holds a credential.
var loggedBodies = newBytesMemo[json.RawMessage](logMemoBodies, logMemoBodyMax)

// Bounds of loggedBodies: at most logMemoBodies bodies of at most
// logMemoBodyMax bytes.
const (
	logMemoBodies  = 128
	logMemoBodyMax = 4096
)

// secretFieldWords mark JSON fields whose values never reach the log.
var secretFieldWords = []string{"password", "passwd", "secret", "token", "cookie", "authorization", "credential", "session", "saml", "jwt", "apikey", "api_key"}

func isSecretField(k string) bool {
	lk := strings.ToLower(k)
	for _, w := range secretFieldWords {
		if strings.Contains(lk, w) {
			return true
		}
	}
	return false
}

// redactSecretFields replaces, in place, the values of secret-named fields
// (any type, except an object, which is searched) with "REDACTED".
// It sets *redacted when it replaced a value.
func redactSecretFields(v any, redacted *bool) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if _, isObj := val.(map[string]any); isSecretField(k) && !isObj && val != nil {
				x[k] = "REDACTED"
				*redacted = true
				continue
			}
			x[k] = redactSecretFields(val, redacted)
		}
	case []any:
		for i, val := range x {
			x[i] = redactSecretFields(val, redacted)
		}
	}
	return v
}
