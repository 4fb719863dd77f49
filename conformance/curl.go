package conformance

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// curlFor renders req as a curl command a user can paste to reproduce a
// finding: the base URL, the session token and every known password are
// shell variables (FAILOVERKIT_VCAV_URL, FAILOVERKIT_VCAV_TOKEN,
// FAILOVERKIT_VCAV_PASSWORD, ...), never the values; whatever secret is
// left is redacted.
func (r *caseRun) curlFor(req request) string {
	f := facts(r.c.API)
	var b strings.Builder
	b.WriteString("curl -sS -i -X " + req.method + ` "$` + f.envPrefix + `_URL"` + shellQuote(req.path))
	b.WriteString(" -H " + shellQuote("Accept: "+orDefault(req.accept, "application/json")))
	keys := make([]string, 0, len(req.header))
	for k := range req.header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := req.header.Get(k)
		switch {
		case strings.EqualFold(k, f.tokenHeader):
			b.WriteString(` -H "` + f.tokenHeader + `: $` + f.envPrefix + `_TOKEN"`)
		case strings.EqualFold(k, "Authorization"):
			b.WriteString(" " + r.curlBasic(v))
		default:
			b.WriteString(" -H " + shellQuote(k+": "+v))
		}
	}
	if req.body != nil {
		b.WriteString(" -H 'Content-Type: application/json' --data-raw " + r.curlBody(req.body))
	}
	return r.red.redact(b.String())
}

// curlBasic renders a Basic Authorization header with the user and
// password as variables when they are the configured ones.
func (r *caseRun) curlBasic(v string) string {
	hr := http.Request{Header: http.Header{"Authorization": {v}}}
	user, pw, ok := hr.BasicAuth()
	if !ok {
		return `-H "Authorization: $FAILOVERKIT_VCHA_AUTHORIZATION"`
	}
	c := r.target.Credentials
	switch {
	case user == c.VCHAUser && pw == c.VCHAPassword:
		return `-u "$` + EnvVCHAUser + `:$` + EnvVCHAPassword + `"`
	case user == c.VCHALowPrivUser && pw == c.VCHALowPrivPassword:
		return `-u "$` + EnvVCHALowPrivUser + `:$` + EnvVCHALowPrivPassword + `"`
	case user == c.VCHAUser:
		return `-u "$` + EnvVCHAUser + `:"` + shellQuote(pw)
	}
	return "-u " + shellQuote(user+":"+pw)
}

// curlBody quotes a request body for the shell, the configured passwords
// as variables.
func (r *caseRun) curlBody(body []byte) string {
	var doc map[string]any
	if json.Unmarshal(body, &doc) != nil {
		return shellQuote(string(body))
	}
	c := r.target.Credentials
	vars := map[string]string{c.VCAVPassword: EnvVCAVPassword, c.VCHAPassword: EnvVCHAPassword}
	text := strings.ReplaceAll(string(body), "'", `'\''`)
	for k, v := range doc {
		s, ok := v.(string)
		if name, known := vars[s]; ok && known && s != "" && isSecretKey(k) {
			quoted, _ := json.Marshal(s)
			text = strings.ReplaceAll(text, string(quoted), `"'"$`+name+`"'"`)
		}
	}
	return "'" + text + "'"
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
