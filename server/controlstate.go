package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"sigs.k8s.io/yaml"
)

// controlReset is POST /reset: back to the startup fixture, or with
// ?to=last to the last one loaded.
func (m *Mock) controlReset(c echo.Context) error {
	var err error
	switch to := c.QueryParam("to"); to {
	case "", "startup":
		err = m.Reset()
	case "last":
		err = m.ResetToLast()
	default:
		return newProblem(KindBadRequest, "reset: to=%q: want startup (the default) or last", to)
	}
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	return c.NoContent(http.StatusNoContent)
}

// requestFilterOf reads the request log filter from the query.
func requestFilterOf(c echo.Context) (RequestFilter, error) {
	f := RequestFilter{Method: c.QueryParam("method"), OperationID: c.QueryParam("operationId"), User: c.QueryParam("user")}
	if s := c.QueryParam("status"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return f, newProblem(KindBadRequest, "requests: status=%q is not a number", s)
		}
		f.Status = n
	}
	return f, nil
}

// curlHint explains the usual cause of a fixture that does not parse: curl
// -d (--data) strips the newlines of a file, which breaks YAML.
func curlHint(body []byte) string {
	if bytes.ContainsAny(body, "\n\r") || len(body) < 20 {
		return ""
	}
	return " (the body has no line breaks: curl -d @file strips them, which breaks YAML; send the file with curl --data-binary @file)"
}

// withKeptPasswords lets a state dump (GET /state, passwords left out) be
// loaded back: in every section of the fixture document, a user whose
// password is missing or empty takes the password of the user of the same
// name in the same section of the last loaded fixture. Other users are
// left for validation to refuse. The document is returned as JSON.
func (m *Mock) withKeptPasswords(body []byte) ([]byte, error) {
	js, err := yaml.YAMLToJSON(body)
	if err != nil {
		return nil, fmt.Errorf("fixture: %w", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(js, &doc); err != nil || doc == nil {
		return body, nil // not a mapping: ParseFixture says what is wrong
	}
	m.mu.Lock()
	base, err := json.Marshal(m.baseline)
	m.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var known map[string]any
	if err := json.Unmarshal(base, &known); err != nil {
		return nil, err
	}
	for name, sec := range doc {
		fillPasswords(sec, known[name])
	}
	return json.Marshal(doc)
}

// fillPasswords fills the empty passwords of sec's users from kept's.
func fillPasswords(sec, kept any) {
	users, _ := jsonMember(sec, "users").([]any)
	keptUsers, _ := jsonMember(kept, "users").([]any)
	for _, u := range users {
		um, ok := u.(map[string]any)
		if !ok || (um["password"] != nil && um["password"] != "") {
			continue
		}
		for _, k := range keptUsers {
			if km, ok := k.(map[string]any); ok && km["name"] == um["name"] && um["name"] != nil {
				um["password"] = km["password"]
			}
		}
	}
}

// jsonMember returns v[name] when v is a JSON object.
func jsonMember(v any, name string) any {
	if m, ok := v.(map[string]any); ok {
		return m[name]
	}
	return nil
}
