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
	base := m.baseline.head // every users list is in the head
	m.mu.Unlock()
	var known map[string]any
	if err := json.Unmarshal(base, &known); err != nil {
		return nil, err
	}
	fillPasswords(doc, known)
	return json.Marshal(doc)
}

// fillPasswords walks doc beside kept (the same fixture document, last
// loaded) and fills the empty passwords of every "users" list, wherever a
// section keeps one (at its top, or under each site), from the user of the
// same name at the same place in kept. List elements are matched by their
// "name", or else by position.
func fillPasswords(doc, kept any) {
	switch d := doc.(type) {
	case map[string]any:
		for key, v := range d {
			if key == "users" {
				fillUsers(v, jsonMember(kept, key))
				continue
			}
			fillPasswords(v, jsonMember(kept, key))
		}
	case []any:
		ka, _ := kept.([]any)
		for i, v := range d {
			fillPasswords(v, matchElement(v, ka, i))
		}
	}
}

// fillUsers fills the empty passwords of users from keptUsers by name.
func fillUsers(users, keptUsers any) {
	us, _ := users.([]any)
	ks, _ := keptUsers.([]any)
	for _, u := range us {
		um, ok := u.(map[string]any)
		if !ok || um["name"] == nil || (um["password"] != nil && um["password"] != "") {
			continue
		}
		if km, ok := matchElement(u, ks, -1).(map[string]any); ok {
			um["password"] = km["password"]
		}
	}
}

// matchElement is the element of list with v's "name", or else list[i].
func matchElement(v any, list []any, i int) any {
	if name, ok := jsonMember(v, "name").(string); ok {
		for _, e := range list {
			if other, _ := jsonMember(e, "name").(string); other == name {
				return e
			}
		}
		return nil
	}
	if i >= 0 && i < len(list) {
		return list[i]
	}
	return nil
}

// jsonMember returns v[name] when v is a JSON object.
func jsonMember(v any, name string) any {
	if m, ok := v.(map[string]any); ok {
		return m[name]
	}
	return nil
}
