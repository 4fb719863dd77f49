package conformance_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/conformance"
	"github.com/failoverkit/failoverkit/server"
	"github.com/failoverkit/failoverkit/spec"
)

// Distinctive passwords, so a leak cannot hide among ordinary words.
const (
	vcavSecret = "Vcav-S3cret-Pa55!"
	vchaSecret = "Vcha-S3cret-Pa55!"
	lowSecret  = "L0w-S3cret-Pa55!"
)

// secretFixture is the default fixture with every password replaced.
func secretFixture(t *testing.T) *server.Fixture {
	t.Helper()
	f, err := server.DefaultFixture()
	require.NoError(t, err)
	for i := range f.VCAV.Users {
		f.VCAV.Users[i].Password = vcavSecret
	}
	for i, u := range f.VCHA.Users {
		f.VCHA.Users[i].Password = vchaSecret
		if !u.HasPrivilege("Global.VCServer") {
			f.VCHA.Users[i].Password = lowSecret
		}
	}
	return f
}

// leaky is a server that echoes every credential and token it has seen into
// its error bodies, which are broken too (so findings show them), and that
// hands out its session tokens in a broken shape.
type leaky struct {
	mu     sync.Mutex
	seen   []string // request bodies, auth headers and tokens
	tokens []string
}

func (l *leaky) remember(s ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, x := range s {
		if x != "" {
			l.seen = append(l.seen, x)
		}
	}
}

func (l *leaky) echo() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.seen, " | ")
}

func (l *leaky) wrap(api spec.API, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isControl(r) {
			h.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		l.remember(string(body), r.Header.Get("Authorization"), r.Header.Get("X-VCAV-Auth"), r.Header.Get("vmware-api-session-id"))
		c := serve(h, r)
		l.collectTokens(api, r, c)
		if c.status >= 400 {
			l.leakInto(api, c)
		}
		c.write(w)
	})
}

// collectTokens records the tokens a login hands out and breaks the shape
// they come in.
func (l *leaky) collectTokens(api spec.API, r *http.Request, c *capture) {
	if tok := c.header.Get("X-VCAV-Auth"); tok != "" {
		l.mu.Lock()
		l.tokens = append(l.tokens, tok)
		l.mu.Unlock()
		l.remember(tok)
		c.status = http.StatusCreated // undocumented: a finding on the login response
	}
	if api == spec.VCHA && r.URL.Path == "/api/session" && c.status == http.StatusCreated {
		var tok string
		_ = json.Unmarshal(c.body, &tok)
		l.mu.Lock()
		l.tokens = append(l.tokens, tok)
		l.mu.Unlock()
		l.remember(tok)
		c.body, _ = json.Marshal(map[string]string{"value": tok, "token": tok}) // wrong shape: a finding
	}
}

// leakInto writes everything seen into the error body and breaks it.
func (l *leaky) leakInto(api spec.API, c *capture) {
	leak := "debug: " + l.echo()
	c.status = http.StatusInternalServerError
	c.editJSON(func(doc any) any {
		m, ok := doc.(map[string]any)
		if !ok {
			return doc
		}
		if api == spec.VCAV {
			m["msg"], m["code"] = leak, 42 // code of the wrong type
		} else {
			m["error_type"] = "LEAKY"
			m["messages"] = []any{map[string]any{"id": "x", "default_message": leak, "args": []any{leak}}}
		}
		m["echo"] = leak
		return doc
	})
}

func TestRedaction_NoSecretInAnyReport(t *testing.T) {
	m, err := server.New(server.WithInstantTasks(), server.WithFixture(secretFixture(t)))
	require.NoError(t, err)
	l := &leaky{}
	urls := map[spec.API]string{}
	for _, api := range spec.APIs() {
		srv := httptest.NewServer(l.wrap(api, m.Handler(api)))
		t.Cleanup(srv.Close)
		urls[api] = srv.URL
	}
	target, err := conformance.MockTarget(urls[spec.VCAV], urls[spec.VCHA])
	require.NoError(t, err)
	target.Credentials = conformance.Credentials{VCAVUser: "root", VCAVPassword: vcavSecret,
		VCHAUser: "administrator@vsphere.local", VCHAPassword: vchaSecret,
		VCHALowPrivUser: "readonly@vsphere.local", VCHALowPrivPassword: lowSecret}
	var progress bytes.Buffer
	rep, err := conformance.Check(t.Context(), target, append(fastOpts, conformance.WithProgress(func(s string) { progress.WriteString(s + "\n") }))...)
	require.NoError(t, err)
	require.False(t, rep.OK(), "the leaky server must not conform")

	var text, js, junit bytes.Buffer
	require.NoError(t, rep.WriteText(&text, true))
	require.NoError(t, rep.WriteJSON(&js))
	require.NoError(t, rep.WriteJUnit(&junit))
	l.mu.Lock()
	secrets := append([]string{vcavSecret, vchaSecret, lowSecret}, l.tokens...)
	for _, up := range []string{"administrator@vsphere.local:" + vchaSecret, "readonly@vsphere.local:" + lowSecret} {
		secrets = append(secrets, up, base64.StdEncoding.EncodeToString([]byte(up))) // Basic, echoed by the target
	}
	l.mu.Unlock()
	require.NotEmpty(t, l.tokens)
	for name, out := range map[string]string{"text": text.String(), "json": js.String(), "junit": junit.String(), "progress": progress.String()} {
		for _, s := range secrets {
			assert.NotContains(t, out, s, "%s report leaks a secret", name)
			if b, _ := json.Marshal(s); len(b) > 2 {
				assert.NotContains(t, out, string(b[1:len(b)-1]), "%s report leaks a JSON-escaped secret", name)
			}
		}
	}
	assert.Contains(t, text.String(), conformance.Redacted, "the leaky server's echoes must show up redacted")
	assert.Contains(t, text.String(), "withheld", "a broken login response is never excerpted")
}

func TestCredentials_NeverPrintPasswords(t *testing.T) {
	c := conformance.Credentials{VCAVUser: "root", VCAVPassword: vcavSecret, VCHAUser: "admin", VCHAPassword: vchaSecret,
		VCHALowPrivUser: "ro", VCHALowPrivPassword: lowSecret}
	var buf bytes.Buffer
	b, err := json.Marshal(c)
	require.NoError(t, err)
	buf.Write(b)
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		buf.WriteString(sprintf(format, c))
	}
	buf.WriteString(sprintf("%v", conformance.Target{Credentials: c}))
	buf.WriteString(sprintf("%+v", conformance.Target{Credentials: c}))
	for _, s := range []string{vcavSecret, vchaSecret, lowSecret} {
		assert.NotContains(t, buf.String(), s)
	}
	assert.Contains(t, buf.String(), "root")
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
