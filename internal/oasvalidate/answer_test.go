package oasvalidate_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

// TestValidateAnswer_UnroutedErrorsKeepTheErrorShape: an answer to a
// request that is no operation must be a JSON error in the API's shape.
func TestValidateAnswer_UnroutedErrorsKeepTheErrorShape(t *testing.T) {
	jsonHdr := http.Header{"Content-Type": {"application/json"}}
	cases := []struct {
		name   string
		api    spec.API
		status int
		header http.Header
		body   string
		check  func(t *testing.T, err error)
	}{
		{"vcav error", spec.VCAV, 404, jsonHdr, `{"code":"NotFound","msg":"no"}`, noErr},
		{"vcha error", spec.VCHA, 404, jsonHdr, `{"error_type":"NOT_FOUND","messages":[]}`, noErr},
		{"echo's shape", spec.VCAV, 404, jsonHdr, `{"message":"Not Found"}`, anErr},
		{"vcav shape on vcha", spec.VCHA, 404, jsonHdr, `{"code":"NotFound","msg":"no"}`, anErr},
		{"plain text", spec.VCAV, 404, http.Header{"Content-Type": {"text/plain"}}, `404 page not found`, func(t *testing.T, err error) {
			var cte *oasvalidate.ContentTypeError
			require.ErrorAs(t, err, &cte)
			assert.Equal(t, "text/plain", cte.Got)
		}},
		{"malformed", spec.VCAV, 500, jsonHdr, `{"code":`, func(t *testing.T, err error) { assert.ErrorIs(t, err, oasvalidate.ErrMalformedJSON) }},
		{"success", spec.VCAV, 200, jsonHdr, `{}`, func(t *testing.T, err error) {
			var noOp *oasvalidate.NoOperationError
			require.True(t, errors.As(err, &noOp))
			assert.Equal(t, 200, noOp.Status)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := oasvalidate.New(c.api)
			require.NoError(t, err)
			req := httptest.NewRequest("GET", "/no/such/route", nil)
			c.check(t, v.ValidateAnswer(context.Background(), req, nil, nil, c.status, c.header, []byte(c.body)))
		})
	}
}

func noErr(t *testing.T, err error) { assert.NoError(t, err) }
func anErr(t *testing.T, err error) { assert.Error(t, err) }

// TestValidateResponse_VendorJSONTypesAreJSON: an operation documented
// under application/json validates the same body sent as a versioned
// +json vendor type (VCDA), with or without parameters; other types, and
// invalid bodies under a +json type, still fail.
func TestValidateResponse_VendorJSONTypesAreJSON(t *testing.T) {
	v, err := oasvalidate.New(spec.VCAV)
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodGet, "/diagnostics/about", nil)
	route, params, err := v.Route(req)
	require.NoError(t, err)
	about := `{"productName":"p","buildVersion":"4.7.0.1","buildDate":1,"instanceId":"i","serviceType":"CLOUD"}`
	check := func(ct, body string, status int) error {
		return v.ValidateResponse(context.Background(), req, route, params, status, http.Header{"Content-Type": {ct}}, []byte(body))
	}
	for _, ct := range []string{"application/json;charset=UTF-8", "application/vnd.vmware.h4-v4.7+json;charset=UTF-8",
		"application/vnd.vmware.h4-v3.5+json", "Application/VND.vmware.h4-v4+JSON"} {
		assert.NoError(t, check(ct, about, 200), ct)
		assert.NoError(t, check(ct, `{"code":"NotAuthenticated","msg":"no"}`, 401), "errors too: %s", ct)
	}
	assert.Error(t, check("text/plain", about, 200))
	assert.Error(t, check("application/xml", about, 200))
	assert.Error(t, check("application/vnd.vmware.h4-v4.7+json", `{"productName":1}`, 200), "the schema still applies")
}
