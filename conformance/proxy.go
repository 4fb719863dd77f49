package conformance

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/getkin/kin-openapi/routers"

	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

// Direction says which half of an exchange a proxy violation is about.
type Direction string

// Directions of a violation.
const (
	DirRequest  Direction = "request"
	DirResponse Direction = "response"
)

// Violation is one spec violation seen by the proxy.
type Violation struct {
	Time      time.Time `json:"time"`
	Direction Direction `json:"direction"`
	Finding
}

// ProxyConfig configures a Proxy. API and Target are required.
type ProxyConfig struct {
	// API is the spec the traffic is validated against (--api).
	API spec.API
	// Target is the base URL traffic is forwarded to (--target).
	Target string
	// Transport sends the forwarded requests; nil uses a clone of
	// http.DefaultTransport with TLSClientConfig (--ca-file, --insecure).
	Transport http.RoundTripper
	// Logger receives one record per violation, as it happens; nil discards
	// them. Records never hold a header, and bodies only as redacted excerpts.
	Logger *slog.Logger
	// MaxKept bounds how many violations Violations returns (the oldest are
	// dropped; the counts stay exact). Zero keeps 10000.
	MaxKept int
	// MaxBody is the largest body, request or response, the proxy buffers
	// and validates (--max-body); larger ones are streamed through
	// unvalidated and counted. Zero takes DefaultProxyMaxBody.
	MaxBody int64
	// MaxConcurrent caps the exchanges in flight (--max-concurrent); more
	// wait for a slot, so the proxy buffers at most MaxConcurrent request
	// and response bodies of MaxBody. Zero takes DefaultProxyMaxConcurrent.
	MaxConcurrent int
	// UpstreamTimeout bounds one exchange with the target, from sending the
	// request to the end of the answer (--upstream-timeout); past it the
	// client gets 504. Zero takes DefaultProxyUpstreamTimeout.
	UpstreamTimeout time.Duration
}

// Proxy defaults (see ProxyConfig).
const (
	DefaultProxyMaxBody         = 16 << 20
	DefaultProxyMaxConcurrent   = 64
	DefaultProxyUpstreamTimeout = 2 * time.Minute
)

// Proxy forwards every request to the target with httputil.ReverseProxy and
// validates each request and response against the spec on the way. Method,
// path, query, body and end-to-end headers pass unchanged in both
// directions; as with any reverse proxy, hop-by-hop headers are dropped and
// the Host header names the target. Each violation is logged as it happens
// and kept for Violations and Summary. It is safe for concurrent use.
type Proxy struct {
	api spec.API
	v   *oasvalidate.Validator
	rp  *httputil.ReverseProxy
	log *slog.Logger
	red *redactor
	// tokenHeaders are the headers that carry session tokens (every API's).
	tokenHeaders []string
	// knownQuery are the query parameters the spec declares: the only
	// ones logged in clear.
	knownQuery map[string]bool
	maxKept    int
	maxBody    int64
	slots      chan struct{}
	upstream   time.Duration

	requests, unrouted, unvalidated, validated, forwardErrors atomic.Int64

	mu         sync.Mutex
	violations []Violation
	total      int
	byWhere    map[string]int
}

// NewProxy builds a Proxy.
func NewProxy(cfg ProxyConfig) (*Proxy, error) {
	target, err := parseBaseURL(cfg.Target)
	if err != nil {
		return nil, fmt.Errorf("proxy target: %w", err)
	}
	v, err := oasvalidate.New(cfg.API)
	if err != nil {
		return nil, err
	}
	tokens, err := oasvalidate.TokenHeaders()
	if err != nil {
		return nil, err
	}
	p := &Proxy{api: cfg.API, v: v, tokenHeaders: tokens, log: cfg.Logger, red: newRedactor(), maxKept: cfg.MaxKept, byWhere: map[string]int{}}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if p.maxKept <= 0 {
		p.maxKept = 10000
	}
	p.knownQuery = v.QueryNames()
	p.maxBody = cmp.Or(cfg.MaxBody, DefaultProxyMaxBody)
	p.slots = make(chan struct{}, cmp.Or(cfg.MaxConcurrent, DefaultProxyMaxConcurrent))
	p.upstream = cmp.Or(cfg.UpstreamTimeout, DefaultProxyUpstreamTimeout)
	p.rp = &httputil.ReverseProxy{
		Rewrite:        func(pr *httputil.ProxyRequest) { pr.SetURL(target) },
		Transport:      cfg.Transport,
		ModifyResponse: p.inspectResponse,
		ErrorHandler:   p.forwardError,
	}
	return p, nil
}

// proxyExchange carries what the request half learned to the response half.
type proxyExchange struct {
	req    *http.Request // a copy with the original body, for validation
	body   []byte
	route  *routers.Route
	params map[string]string
	op     string
	// opaqueLogin is a login whose body the proxy could not decode: its
	// password is unknown to the redactor, so nothing about the exchange
	// is excerpted, the answer included (a target may echo the password).
	opaqueLogin bool
}

type proxyKey struct{}

// ServeHTTP validates the request, forwards it and lets inspectResponse
// validate the answer.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	select {
	case p.slots <- struct{}{}:
		defer func() { <-p.slots }()
	case <-r.Context().Done():
		return // the client gave up waiting for a slot
	}
	ctx, cancel := context.WithTimeout(r.Context(), p.upstream)
	defer cancel()
	r = r.WithContext(ctx)
	p.requests.Add(1)
	body, complete, err := readUpTo(r.Body, p.maxBody, r.ContentLength)
	if err != nil {
		http.Error(w, "failoverkit proxy: cannot read the request body", http.StatusBadGateway)
		return
	}
	if r.Body != nil {
		r.Body = replayBody(body, complete, r.Body)
	}
	if !complete {
		p.unvalidated.Add(1)
		p.rp.ServeHTTP(w, r)
		return
	}
	pe := p.inspectRequest(r, body)
	p.rp.ServeHTTP(p.spelled(w), r.WithContext(context.WithValue(r.Context(), proxyKey{}, pe)))
}

// spelled wraps w so that the headers the API spells in a vendor way
// (X-VCAV-Auth) reach the client spelled so: Go's HTTP client canonicalises
// the names it reads from the target, and the vendor's spelling matters to
// clients that grep for it (VMware KB 315136).
func (p *Proxy) spelled(w http.ResponseWriter) http.ResponseWriter {
	info, _ := spec.Lookup(p.api)
	if len(info.HeaderSpellings) == 0 {
		return w
	}
	return &spellingWriter{ResponseWriter: w, names: info.HeaderSpellings}
}

// spellingWriter moves each of names from its canonical key to its own
// spelling just before the header is written.
type spellingWriter struct {
	http.ResponseWriter
	names []string
}

// WriteHeader respells the headers, then writes them.
func (s *spellingWriter) WriteHeader(code int) {
	h := s.Header()
	for _, name := range s.names {
		if canon := http.CanonicalHeaderKey(name); canon != name {
			if vs, ok := h[canon]; ok {
				delete(h, canon)
				h[name] = vs
			}
		}
	}
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap gives http.ResponseController the underlying writer (flushes).
func (s *spellingWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// readUpTo reads at most limit bytes; complete is false when there is more.
// A body of declared length within the limit is read into a buffer of
// exactly that size (io.ReadAll's doublings would cost twice the body).
func readUpTo(rc io.ReadCloser, limit, declared int64) (body []byte, complete bool, err error) {
	if rc == nil || rc == http.NoBody {
		return nil, true, nil
	}
	if declared > 0 && declared <= limit {
		body = make([]byte, declared, declared+1)
		n, err := io.ReadFull(rc, body)
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
			return nil, false, err
		}
		body = body[:n]
	}
	rest, err := io.ReadAll(io.LimitReader(rc, limit+1-int64(len(body))))
	if err != nil {
		return nil, false, err
	}
	body = append(body, rest...)
	if int64(len(body)) > limit {
		return body, false, nil
	}
	return body, true, nil
}

// replayBody gives back a body that yields exactly the original bytes.
func replayBody(read []byte, complete bool, rest io.ReadCloser) io.ReadCloser {
	if complete {
		_ = rest.Close()
		return io.NopCloser(bytes.NewReader(read))
	}
	return struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(read), rest), rest}
}

// inspectRequest routes and validates a request (on a copy) and learns its
// secrets, so they can be redacted from anything logged about it.
func (p *Proxy) inspectRequest(r *http.Request, body []byte) *proxyExchange {
	p.learnRequestSecrets(r, body)
	vr := r.Clone(r.Context())
	vr.Body, vr.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	pe := &proxyExchange{req: vr, body: body}
	route, params, err := p.v.Route(vr)
	if err != nil {
		p.unrouted.Add(1)
		p.log.Info("request matches no operation of the spec", "api", p.api, "method", r.Method, "path", p.safePath(r.URL))
		return pe
	}
	pe.route, pe.params, pe.op = route, params, route.Operation.OperationID
	if _, ok := decodeBounded(body, oasvalidate.MaxRequestJSONValues); bodyMayHoldCredentials(pe.op) && len(body) > 0 && !ok {
		pe.opaqueLogin = true
	}
	if err := p.v.ValidateRequest(r.Context(), vr, route, params); err != nil {
		d := oasvalidate.Describe(err)
		p.record(DirRequest, pe, 0, InRequest, d.Field, d.String(), err, body)
	}
	vr.Body = io.NopCloser(bytes.NewReader(body)) // for ValidateResponse
	return pe
}

// inspectResponse validates a response and hands it on unchanged.
func (p *Proxy) inspectResponse(resp *http.Response) error {
	pe, _ := resp.Request.Context().Value(proxyKey{}).(*proxyExchange)
	if pe == nil {
		return nil
	}
	body, complete, err := readUpTo(resp.Body, p.maxBody, resp.ContentLength)
	if err != nil {
		return err
	}
	resp.Body = replayBody(body, complete, resp.Body)
	if !complete {
		p.unvalidated.Add(1)
		return nil
	}
	p.learnResponseSecrets(pe, resp, body)
	var verr error
	if pe.route != nil || resp.StatusCode >= 400 {
		p.validated.Add(1)
		verr = p.v.ValidateAnswer(resp.Request.Context(), pe.req, pe.route, pe.params, resp.StatusCode, resp.Header, body)
	}
	if verr != nil {
		in, field, reason := locate(verr)
		var cte *oasvalidate.ContentTypeError
		if errors.As(verr, &cte) {
			in, field, reason = InHeader, "Content-Type", cte.Error()
		}
		p.record(DirResponse, pe, resp.StatusCode, in, field, reason, verr, body)
	}
	return nil
}

// record keeps and logs one violation, secrets redacted.
func (p *Proxy) record(dir Direction, pe *proxyExchange, status int, in Location, field, reason string, err error, body []byte) {
	// A login's request body is secret whatever it holds (a body the proxy
	// cannot parse hides its password from the redactor), and so is the
	// successful answer that carries the session token.
	withheld := (issuesToken(pe.op) && (dir == DirRequest || status < 300)) || pe.opaqueLogin
	maxValues := oasvalidate.MaxResponseJSONValues
	if dir == DirRequest {
		maxValues = oasvalidate.MaxRequestJSONValues
	}
	doc, _ := decodeBounded(body, maxValues)
	v := Violation{Time: time.Now(), Direction: dir, Finding: Finding{
		API: p.api, Operation: pe.op, Method: pe.req.Method, Path: p.safePath(pe.req.URL), Status: status,
		In: in, Field: p.red.redact(field), Reason: p.red.redact(reason),
		Excerpt: excerptOf(p.red, body, doc, in, field, withheld), Err: err,
	}}
	p.mu.Lock()
	p.total++
	p.byWhere[string(dir)+" "+orUnknown(v.Operation)+" "+v.Where()]++
	p.violations = append(p.violations, v)
	if len(p.violations) > p.maxKept {
		p.violations = p.violations[len(p.violations)-p.maxKept:]
	}
	p.mu.Unlock()
	p.log.Warn("spec violation", "api", p.api, "direction", dir, "operation", v.Operation, "method", v.Method,
		"path", v.Path, "status", status, "where", v.Where(), "reason", v.Reason, "excerpt", v.Excerpt)
}

func orUnknown(op string) string {
	if op == "" {
		return "(no operation)"
	}
	return op
}

// learnRequestSecrets remembers the credentials and tokens a request
// carries: the Authorization header (encoded and decoded), cookies, token
// headers and secret-named JSON fields of a body small enough to decode.
func (p *Proxy) learnRequestSecrets(r *http.Request, body []byte) {
	p.red.addAuthorization(r.Header.Get("Authorization"))
	p.red.addCookies(r.Header.Values("Cookie"))
	for _, h := range p.tokenHeaders {
		p.red.add(r.Header.Get(h))
	}
	if doc, ok := decodeBounded(body, oasvalidate.MaxRequestJSONValues); ok {
		learnSecretFields(p.red, doc)
	}
}

// decodeBounded decodes a JSON body only when it is within the JSON
// limits, so a hostile body never costs more than a small multiple of its
// size.
func decodeBounded(body []byte, maxValues int) (any, bool) {
	if len(body) == 0 || oasvalidate.CheckJSON(body, maxValues) != nil {
		return nil, false
	}
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return nil, false
	}
	return doc, true
}

// learnSecretFields remembers the values of secret-named JSON fields.
func learnSecretFields(red *redactor, v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && isSecretKey(k) {
				red.add(s)
			}
			learnSecretFields(red, val)
		}
	case []any:
		for _, val := range x {
			learnSecretFields(red, val)
		}
	}
}

// learnResponseSecrets remembers the session tokens a login hands out.
func (p *Proxy) learnResponseSecrets(pe *proxyExchange, resp *http.Response, body []byte) {
	for _, h := range p.tokenHeaders {
		p.red.add(resp.Header.Get(h))
	}
	p.red.addCookies(resp.Header.Values("Set-Cookie"))
	if pe.op == "createSession" && resp.StatusCode < 300 {
		var token string
		if json.Unmarshal(body, &token) == nil {
			p.red.add(token)
		}
	}
}

// safePath is the request path with the values of every query parameter
// the spec does not declare redacted (and known secrets).
func (p *Proxy) safePath(u *url.URL) string {
	if u.RawQuery == "" {
		return u.EscapedPath()
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return u.EscapedPath() + "?(unparsable query)"
	}
	for k := range q {
		if !p.knownQuery[k] || isSecretKey(k) {
			q[k] = []string{Redacted}
		}
	}
	return p.red.redact(u.EscapedPath() + "?" + q.Encode())
}

// forwardError answers 502 when the target cannot be reached.
func (p *Proxy) forwardError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return // the client went away
	}
	p.forwardErrors.Add(1)
	if errors.Is(err, context.DeadlineExceeded) {
		p.log.Error("the target did not answer in time", "api", p.api, "method", r.Method, "path", p.safePath(r.URL), "timeout", p.upstream)
		http.Error(w, "failoverkit proxy: the target did not answer in time", http.StatusGatewayTimeout)
		return
	}
	p.log.Error("cannot forward the request", "api", p.api, "method", r.Method, "path", p.safePath(r.URL), "error", p.red.redact(err.Error()))
	http.Error(w, "failoverkit proxy: cannot reach the target", http.StatusBadGateway)
}

// Violations returns the kept violations, oldest first.
func (p *Proxy) Violations() []Violation {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Violation(nil), p.violations...)
}

// ProxySummary tallies what a proxy saw.
type ProxySummary struct {
	// Requests counts every request forwarded.
	Requests int64 `json:"requests"`
	// Unrouted counts requests that match no operation of the spec.
	Unrouted int64 `json:"unrouted"`
	// Unvalidated counts bodies too large to validate.
	Unvalidated int64 `json:"unvalidated"`
	// Validated counts answers validated against the spec.
	Validated int64 `json:"validated"`
	// ForwardErrors counts requests the target could not be reached for, or
	// did not answer within the upstream timeout (answered 502 or 504 by
	// the proxy).
	ForwardErrors int64 `json:"forwardErrors"`
	// Violations counts every violation, and ByWhere splits them by
	// direction, operation and location.
	Violations int            `json:"violations"`
	ByWhere    map[string]int `json:"byWhere,omitempty"`
}

// Summary tallies the traffic so far.
func (p *Proxy) Summary() ProxySummary {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := ProxySummary{Requests: p.requests.Load(), Unrouted: p.unrouted.Load(), Unvalidated: p.unvalidated.Load(),
		Validated: p.validated.Load(), ForwardErrors: p.forwardErrors.Load(),
		Violations: p.total, ByWhere: make(map[string]int, len(p.byWhere))}
	for k, n := range p.byWhere {
		s.ByWhere[k] = n
	}
	return s
}

// Gate says why a CI job gated by the proxy must not pass although no
// violation was seen ("" when it may): the target was unreachable for
// some requests, or nothing was validated at all.
func (s ProxySummary) Gate() string {
	switch {
	case s.ForwardErrors > 0:
		return fmt.Sprintf("the target could not be reached, or did not answer in time, for %d of %d request(s)", s.ForwardErrors, s.Requests)
	case s.Validated == 0:
		return fmt.Sprintf("nothing was validated (%d request(s), none answered by an operation of the spec)", s.Requests)
	}
	return ""
}

// WriteSummary writes the tally in text, the most frequent violations first.
func (s ProxySummary) WriteSummary(w io.Writer, api spec.API) error {
	var b strings.Builder
	fmt.Fprintf(&b, "failoverkit proxy (%s): %d requests, %d violations, %d matched no operation, %d too large to validate, %d answers validated, %d forwarding errors\n",
		api, s.Requests, s.Violations, s.Unrouted, s.Unvalidated, s.Validated, s.ForwardErrors)
	keys := make([]string, 0, len(s.ByWhere))
	for k := range s.ByWhere {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if s.ByWhere[keys[i]] != s.ByWhere[keys[j]] {
			return s.ByWhere[keys[i]] > s.ByWhere[keys[j]]
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "  %6d  %s\n", s.ByWhere[k], k)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
