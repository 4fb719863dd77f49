package conformance

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Redacted replaces every secret in the suite's and the proxy's output.
const Redacted = "[REDACTED]"

// minSecretLen is the shortest secret redacted as a substring: replacing
// every "a" of a one-letter password would make output unreadable without
// protecting anything.
const minSecretLen = 3

// maxSecrets bounds how many secrets a long-running proxy remembers; the
// oldest are forgotten first.
const maxSecrets = 4096

// redactor replaces known secrets (passwords, session tokens) in text. It is
// safe for concurrent use.
type redactor struct {
	mu      sync.RWMutex
	order   []string // oldest first, for eviction
	secrets map[string]struct{}
}

func newRedactor(secrets ...string) *redactor {
	r := &redactor{secrets: map[string]struct{}{}}
	for _, s := range secrets {
		r.add(s)
	}
	return r
}

// add remembers s (and its JSON-escaped form) as a secret.
func (r *redactor) add(s string) {
	if utf8.RuneCountInString(s) < minSecretLen {
		return
	}
	forms := []string{s}
	if b, err := json.Marshal(s); err == nil {
		if esc := string(b[1 : len(b)-1]); esc != s {
			forms = append(forms, esc)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range forms {
		if _, ok := r.secrets[f]; ok {
			continue
		}
		r.secrets[f] = struct{}{}
		r.order = append(r.order, f)
	}
	for len(r.order) > maxSecrets {
		delete(r.secrets, r.order[0])
		r.order = r.order[1:]
	}
}

// redact replaces every known secret in s, longest first so a secret that
// contains another is replaced whole.
func (r *redactor) redact(s string) string {
	if s == "" {
		return s
	}
	r.mu.RLock()
	var hits []string
	for sec := range r.secrets {
		if strings.Contains(s, sec) {
			hits = append(hits, sec)
		}
	}
	r.mu.RUnlock()
	sort.Slice(hits, func(i, j int) bool { return len(hits[i]) > len(hits[j]) })
	for _, sec := range hits {
		s = strings.ReplaceAll(s, sec, Redacted)
	}
	return s
}

// secretKeyWords mark JSON fields whose values are secrets whatever they hold
// (localPassword, vcdPassword, samlToken, vcdCookie, vcdAccessToken, ...).
var secretKeyWords = []string{"password", "passwd", "secret", "token", "cookie", "authorization", "credential", "session-id", "sessionid"}

// isSecretKey reports whether a JSON field name suggests a secret value.
func isSecretKey(k string) bool {
	lk := strings.ToLower(k)
	for _, w := range secretKeyWords {
		if strings.Contains(lk, w) {
			return true
		}
	}
	return false
}

// redactFields returns a copy of a decoded JSON value in which every field
// whose name suggests a secret holds Redacted.
func redactFields(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			if isSecretKey(k) && val != nil {
				out[k] = Redacted
				continue
			}
			out[k] = redactFields(val)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = redactFields(val)
		}
		return out
	default:
		return v
	}
}

// issuesToken reports whether a successful answer of the operation carries
// a session token (in a header or as the whole body): such bodies are never
// excerpted.
func issuesToken(op string) bool { return op == "login" || op == "createSession" }

// bodyMayHoldCredentials reports whether a request body of the operation
// may carry credentials: the logins, and vSphere's vAPI JSON-RPC, whose
// security context holds a password or a session id. Such a body that
// cannot be parsed (so its secret fields cannot be found) is withheld
// whole, with the answer to it.
func bodyMayHoldCredentials(op string) bool { return issuesToken(op) || op == "invokeJsonRpc" }

// excerptLimit bounds the body excerpt shown with a finding.
const excerptLimit = 400

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// addBasic remembers a user's password in every form it travels in: as it
// is, as "user:password", and base64-encoded as in an HTTP Basic
// Authorization header.
func (r *redactor) addBasic(user, password string) {
	for _, f := range basicForms(user, password) {
		r.add(f)
	}
}

// basicForms are the forms a password travels in: as it is, as
// "user:password", and base64-encoded as in HTTP Basic authentication.
func basicForms(user, password string) []string {
	if password == "" {
		return nil
	}
	up := user + ":" + password
	return []string{password, up, base64.StdEncoding.EncodeToString([]byte(up))}
}

// addAuthorization remembers the credentials of an Authorization header:
// the encoded part whatever the scheme (Basic, Bearer, ...), and for Basic
// also the decoded "user:password" and the password.
func (r *redactor) addAuthorization(value string) {
	scheme, cred, ok := strings.Cut(strings.TrimSpace(value), " ")
	if !ok {
		r.add(value)
		return
	}
	cred = strings.TrimSpace(cred)
	r.add(cred)
	if !strings.EqualFold(scheme, "basic") {
		return
	}
	if dec, err := base64.StdEncoding.DecodeString(cred); err == nil {
		user, pw, _ := strings.Cut(string(dec), ":")
		r.addBasic(user, pw)
	}
}

// addCookies remembers the value of every cookie in a Cookie or
// Set-Cookie header value.
func (r *redactor) addCookies(values []string) {
	for _, v := range values {
		for _, part := range strings.Split(v, ";") {
			if _, val, ok := strings.Cut(part, "="); ok {
				r.add(strings.Trim(strings.TrimSpace(val), `"`))
			}
		}
	}
}

// secretPair matches a secret-named key and its value in text that is not
// valid JSON: broken JSON ("password":"a"b"), single quotes
// ('password': 'x'), form encoding (password=x&...) or "key: value".
var secretPair = regexp.MustCompile(`(?i)((?:password|passwd|secret|token|cookie|authorization|credential|session-?id)[\w-]*["']?\s*[:=]\s*)("(?:[^"\\]|\\.)*"?|'[^']*'?|[^,&;}\s]*)`)

// scrubPairs redacts the value after every secret-named key in text that
// could not be parsed as JSON.
func scrubPairs(text string) string {
	return secretPair.ReplaceAllString(text, "${1}"+Redacted)
}
