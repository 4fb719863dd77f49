package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/failoverkit/failoverkit/spec"
)

// PreflightError says, in one line, why the suite cannot judge the target:
// a user's mistake (a URL that is not the API, swapped URLs, refused or
// missing credentials, a replication id that does not exist, a selection
// without cases), never the vendor's non-conformance. The CLI exits 2.
type PreflightError struct {
	// API is the API the problem is about ("" for the selection).
	API spec.API
	// URL is the base URL concerned, if any.
	URL string
	// Reason says what is wrong and what to do.
	Reason string
}

// Error renders the problem on one line.
func (e *PreflightError) Error() string {
	if e.API == "" {
		return "preflight: " + e.Reason
	}
	return fmt.Sprintf("preflight: the %s URL %s: %s", strings.ToUpper(string(e.API)), e.URL, e.Reason)
}

// preflightTimeout bounds the reachability check of each endpoint.
const preflightTimeout = 10 * time.Second

// preflight checks, before any case runs, that the selection holds a case
// and, for every API with a URL, that the URL answers HTTP at all
// (*ConnectionError otherwise), answers as that API, and that the
// credentials log in and the named objects exist (*PreflightError).
func (r *runner) preflight(ctx context.Context) error {
	cases := r.cases()
	if len(cases) == 0 {
		return &PreflightError{Reason: "no case matches the selection (--run): see failoverkit check --list"}
	}
	for _, api := range spec.APIs() {
		c := r.clients[api]
		if c == nil || !selects(cases, api, nil) {
			continue
		}
		if err := r.preflightAPI(ctx, api, c, cases); err != nil {
			return err
		}
	}
	return nil
}

// selects reports whether a case of api that also satisfies f (nil: any) is
// among cases.
func selects(cases []Case, api spec.API, f func(Case) bool) bool {
	for _, c := range cases {
		if c.API == api && (f == nil || f(c)) {
			return true
		}
	}
	return false
}

// preflightAPI runs the preflight checks of one API.
func (r *runner) preflightAPI(ctx context.Context, api spec.API, c *apiClient, cases []Case) error {
	pctx, cancel := context.WithTimeout(ctx, preflightTimeout)
	defer cancel()
	if err := reachable(pctx, c); err != nil {
		return &ConnectionError{API: api, URL: c.base.String(), Err: err}
	}
	fail := func(reason string) error {
		return &PreflightError{API: api, URL: r.red.redact(c.base.String()), Reason: r.red.redact(reason)}
	}
	f := facts(api)
	if err := f.probe(pctx, c); err != nil {
		return fail(err.Error())
	}
	if !selects(cases, api, func(c Case) bool { return !c.anonymous }) {
		return nil
	}
	if missing := f.credentialsMissing(r.target.Credentials); missing != "" {
		return fail(fmt.Sprintf("no %s credentials: %s", strings.ToUpper(string(api)), missing))
	}
	token, logout, err := f.login(pctx, c, r.target, r.red)
	if err != nil {
		return fail(err.Error())
	}
	r.red.add(token)
	defer logout()
	if f.objects != nil {
		if err := f.objects(pctx, c, r.target, token); err != nil {
			return fail(err.Error())
		}
	}
	return nil
}

// reachable makes sure the endpoint answers HTTP at all.
func reachable(ctx context.Context, c *apiClient) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base.String()+"/", nil)
	if err != nil {
		return err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	return errors.Join(resp.Body.Close())
}
