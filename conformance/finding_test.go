package conformance_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/conformance"
)

// fakeVCAV is a tiny hand-written VCAV server: login answers with status,
// content type and body, and every other request 404 VmReplicationNotFound.
func fakeVCAV(status int, contentType, token, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/sessions" && r.Method == http.MethodPost {
			if token != "" {
				w.Header().Set("X-VCAV-Auth", token)
			}
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/sessions" && r.Header.Get("X-VCAV-Auth") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"code":"NotAuthenticated","msg":"Not authenticated.","args":[]}`))
			return
		}
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"code":"VmReplicationNotFound","msg":"not found","args":[]}`))
	})
}

// checkOne runs one case against h as a VCAV target with credentials.
func checkOne(t *testing.T, h http.Handler, name string) conformance.Result {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	target := conformance.Target{VCAVURL: srv.URL, Credentials: conformance.Credentials{VCAVUser: "root", VCAVPassword: "hunter2-secret"}}
	rep, err := conformance.Check(t.Context(), target, append(fastOpts, conformance.WithFilter(func(c conformance.Case) bool { return c.Name == name }))...)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	return rep.Results[0]
}

const goodSession = `{"user":"root","roles":["ADMINISTRATORS"],"authenticatedSites":[{"site":"site2"}]}`

func TestFinding_UnwrapsToKinErrors(t *testing.T) {
	// roles must be an array: the finding names the field and unwraps to
	// the response error and the schema error behind it.
	res := checkOne(t, fakeVCAV(200, "application/json", "tok-0123456789", `{"user":"root","roles":"ADMIN","authenticatedSites":[]}`), "vcav.session.login")
	require.Equal(t, conformance.StatusFail, res.Status)
	require.Len(t, res.Findings, 1)
	f := res.Findings[0]
	assert.Equal(t, "vcav.session.login", f.Case)
	assert.Equal(t, "login", f.Operation)
	assert.Equal(t, 200, f.Status)
	assert.Equal(t, conformance.InBody, f.In)
	assert.Equal(t, "roles", f.Field)
	var respErr *openapi3filter.ResponseError
	assert.True(t, errors.As(f, &respErr), "finding unwraps to *openapi3filter.ResponseError")
	var schemaErr *openapi3.SchemaError
	assert.True(t, errors.As(f, &schemaErr), "finding unwraps to *openapi3.SchemaError")
	var asFinding *conformance.Finding
	assert.True(t, errors.As(error(f), &asFinding))
	assert.NotContains(t, f.Error(), "ADMIN", "the finding's text must not quote the offending value")
}

func TestFinding_Locations(t *testing.T) {
	tests := []struct {
		name           string
		h              http.Handler
		in             conformance.Location
		field, contain string
	}{
		{"missing required field", fakeVCAV(200, "application/json", "tok-0123456789", `{"user":"root","roles":[]}`),
			conformance.InBody, "authenticatedSites", "missing"},
		{"missing promised header", fakeVCAV(200, "application/json", "", goodSession),
			conformance.InHeader, "X-VCAV-Auth", "missing"},
		{"wrong content type", fakeVCAV(200, "text/plain", "tok-0123456789", goodSession),
			conformance.InHeader, "Content-Type", "text/plain"},
		{"undocumented status", fakeVCAV(201, "application/json", "tok-0123456789", goodSession),
			conformance.InStatus, "", "got 201, want 200"},
		{"malformed json", fakeVCAV(200, "application/json", "tok-0123456789", `{"user":`),
			conformance.InBody, "", "JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := checkOne(t, tc.h, "vcav.session.login")
			require.Equal(t, conformance.StatusFail, res.Status, res.Reason)
			var hit bool
			for _, f := range res.Findings {
				if f.In == tc.in && f.Field == tc.field && strings.Contains(f.Reason, tc.contain) {
					hit = true
				}
			}
			assert.True(t, hit, "no finding in %s %q containing %q among %v", tc.in, tc.field, tc.contain, res.Findings)
		})
	}
}

func TestFinding_ErrorText(t *testing.T) {
	f := &conformance.Finding{Case: "vcav.x", API: "vcav", Operation: "getTask", Method: "GET", Path: "/tasks/1",
		Status: 200, In: conformance.InBody, Field: "state", Reason: "value is not one of the allowed values"}
	assert.Equal(t, `vcav.x: getTask (GET /tasks/1) → 200 body field "state": value is not one of the allowed values`, f.Error())
	assert.Nil(t, f.Unwrap())
}

// TestCheck_LoginlessCasesRunWithoutCredentials: without credentials,
// preflight refuses a selection with cases that log in, in one line naming
// the variables; a selection of cases that need no login runs.
func TestCheck_LoginlessCasesRunWithoutCredentials(t *testing.T) {
	srv := httptest.NewServer(fakeVCAV(200, "application/json", "tok-0123456789", goodSession))
	t.Cleanup(srv.Close)
	_, err := conformance.Check(t.Context(), conformance.Target{VCAVURL: srv.URL}, fastOpts...)
	var pe *conformance.PreflightError
	require.ErrorAs(t, err, &pe)
	assert.Contains(t, pe.Error(), "FAILOVERKIT_VCAV_USER")
	assert.NotContains(t, pe.Error(), "\n")

	noLogin := conformance.WithFilter(func(c conformance.Case) bool { return c.Name == "vcav.session.no-token" })
	rep, err := conformance.Check(t.Context(), conformance.Target{VCAVURL: srv.URL}, append(fastOpts, noLogin)...)
	require.NoError(t, err)
	require.Len(t, rep.Results, 1)
	assert.Equal(t, conformance.StatusPass, rep.Results[0].Status, rep.Results[0].Reason)
}

func TestCheck_UnreachableTarget(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := conformance.Check(t.Context(), conformance.Target{VCHAURL: url}, fastOpts...)
	var ce *conformance.ConnectionError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "vcha", string(ce.API))
}

func TestCheck_BadTarget(t *testing.T) {
	for _, tg := range []conformance.Target{
		{},
		{VCAVURL: "ftp://example.com"},
		{VCAVURL: "http://example.com?x=1"},
		{VCAVURL: "http://example.com", VCAVLoginType: "kerberos"},
		{VCAVURL: "https://example.com", CAFile: "/nonexistent/ca.pem"},
	} {
		_, err := conformance.Check(t.Context(), tg)
		assert.Error(t, err, "%+v", tg)
	}
}
