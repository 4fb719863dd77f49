package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// replay sends requests exactly as a public client writes them: header
// names as the client spells them (on HTTP/1.1 Go sends a map key as is),
// the body bytes as given. Answers go through the test mock's validating
// transport, so every one is also checked against the spec.
type replay struct {
	t    testing.TB
	hc   *http.Client
	base string
}

// noBody marks a request sent with an empty body (Content-Length: 0), as
// PowerShell sends DELETE and bodyless POST.
const noBody = "\x00"

// send sends method path with body ("" none, noBody empty) and headers
// (name, value pairs; an empty value leaves the header out) and returns
// the status, the headers and the body.
func (r replay) send(method, path, body string, headers ...string) (int, http.Header, []byte) {
	r.t.Helper()
	var rd io.Reader
	switch body {
	case "":
	case noBody:
		rd = strings.NewReader("")
	default:
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, r.base+path, rd)
	require.NoError(r.t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] != "" {
			req.Header[headers[i]] = []string{headers[i+1]}
		}
	}
	resp, err := r.hc.Do(req)
	require.NoError(r.t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(r.t, err)
	return resp.StatusCode, resp.Header, out
}

// decode decodes body into a generic JSON value, failing the test
// otherwise (the clients parse every answer as JSON).
func decode(t testing.TB, body []byte) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(body, &v), "%s", body)
	return v
}

// field reads a dotted path of a decoded JSON object ("" when missing).
func field(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
