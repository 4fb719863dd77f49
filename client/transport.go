package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// maxBody is the largest response body the client reads, in bytes.
const maxBody = 16 << 20

// redacted replaces secrets in error strings.
const redacted = "[REDACTED]"

// editorFn is the shape of the request editors of both generated clients.
type editorFn = func(ctx context.Context, req *http.Request) error

// redactor replaces secrets (the token, a password) in strings built from
// server responses, in case a server or proxy echoes them.
type redactor []string

// str returns s with every secret replaced.
func (r redactor) str(s string) string {
	for _, secret := range r {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, redacted)
		}
	}
	return s
}

// strs redacts every string of ss in place.
func (r redactor) strs(ss []string) {
	for i := range ss {
		ss[i] = r.str(ss[i])
	}
}

// reply is a fully read HTTP response.
type reply struct {
	status      int
	header      http.Header
	contentType string
	body        []byte
}

// caller turns generated-client responses into values or typed errors for
// one API.
type caller struct {
	api  string
	sess *session
	// vendorErr decodes a vendor error body, or returns nil when body does
	// not have the vendor's error shape.
	vendorErr func(status int, op string, body []byte, red redactor) error
}

// redactor returns the secrets to hide: the session tokens, the kept
// credentials and extra.
func (c *caller) redactor(extra ...string) redactor {
	return append(c.sess.secrets(), extra...)
}

// do reads the response of op. A 2xx response body is decoded into out
// unless out is nil; any other status becomes a *VCAVError, *VCHAError or
// *UnexpectedResponseError. secrets are redacted from error strings.
func (c *caller) do(op string, resp *http.Response, err error, out any, secrets ...string) (*reply, error) {
	if err != nil {
		return nil, &TransportError{API: c.api, Op: op, Err: err}
	}
	r, err := readReply(resp)
	if err != nil {
		return nil, &TransportError{API: c.api, Op: op, Err: err}
	}
	red := c.redactor(secrets...)
	if len(r.body) > maxBody {
		return r, c.unexpected(op, r, red, fmt.Errorf("response body larger than %d bytes", maxBody))
	}
	if r.status < 200 || r.status > 299 {
		if verr := c.vendorErr(r.status, op, r.body, red); verr != nil {
			return r, verr
		}
		return r, c.unexpected(op, r, red, nil)
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			return r, c.unexpected(op, r, red, fmt.Errorf("decoding the response body: %w", err))
		}
	}
	return r, nil
}

// readReply reads at most maxBody+1 bytes of resp and closes it.
func readReply(resp *http.Response) (*reply, error) {
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading the response body: %w", err)
	}
	return &reply{
		status:      resp.StatusCode,
		header:      resp.Header,
		contentType: resp.Header.Get("Content-Type"),
		body:        body,
	}, nil
}

// unexpected builds an *UnexpectedResponseError for r.
func (c *caller) unexpected(op string, r *reply, red redactor, cause error) error {
	return &UnexpectedResponseError{
		API:         c.api,
		Status:      r.status,
		Op:          op,
		ContentType: r.contentType,
		Excerpt:     excerpt(red.str(string(r.body))),
		Err:         cause,
	}
}

// excerpt returns at most maxExcerpt bytes of s, cut on a rune boundary,
// with invalid UTF-8 replaced.
func excerpt(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= maxExcerpt {
		return s
	}
	cut := maxExcerpt
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// headerEditor returns the request editor both clients install: it sets
// Accept, User-Agent and, when a session is held, the token header.
func headerEditor(sess *session, tokenHeader, userAgent string) editorFn {
	return func(_ context.Context, req *http.Request) error {
		req.Header.Set("Accept", "application/json")
		if userAgent != "" {
			req.Header.Set("User-Agent", userAgent)
		}
		if tok := sess.get(); tok != "" {
			req.Header.Set(tokenHeader, tok)
		}
		return nil
	}
}

// parseBaseURL checks that base is an absolute http or https URL.
func parseBaseURL(base string) (*url.URL, error) {
	u, err := url.Parse(base)
	if err != nil {
		// url.Error repeats the input, which may hold credentials: keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("client: invalid base URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("client: base URL %q must be an absolute http or https URL", u.Redacted())
	}
	return u, nil
}

// describeClient renders a client for String and GoString.
func describeClient(typ string, base *url.URL, sess *session) string {
	return fmt.Sprintf("client.%s{BaseURL: %q, LoggedIn: %t}", typ, base.Redacted(), sess.get() != "")
}

// formatClient implements fmt.Formatter for both clients, so that no verb
// (%v, %+v, %#v, %s, %d, ...) ever prints their fields.
func formatClient(f fmt.State, verb rune, s, gs string) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, gs)
	case verb == 'q':
		_, _ = fmt.Fprintf(f, "%q", s)
	default:
		_, _ = io.WriteString(f, s)
	}
}
