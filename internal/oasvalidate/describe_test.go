package oasvalidate_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

func validate(t *testing.T, api spec.API, method, url, body string) error {
	t.Helper()
	v, err := oasvalidate.New(api)
	require.NoError(t, err)
	req := httptest.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	route, params, err := v.Route(req)
	require.NoError(t, err)
	return v.ValidateRequest(context.Background(), req, route, params)
}

func TestDescribe_NamesTheFieldWithoutTheValue(t *testing.T) {
	const failover = "/vm-replications/C4-09b2917c-bbe9-4693-ae3f-95b43a94b244/failover"
	cases := []struct {
		name             string
		api              spec.API
		method, url      string
		body             string
		wantIn, wantPath string
		wantReason       string
	}{
		{"wrong field type", spec.VCAV, "POST", failover, `{"type":"vcloud","powerOn":"yes"}`, "body", "powerOn", "boolean"},
		{"nested field", spec.VCAV, "POST", failover,
			`{"type":"vcloud","vmNetworkSettings":{"nics":[{"nicIndex":-1}]}}`, "body", "vmNetworkSettings.nics.0.nicIndex", "at least 0"},
		{"bad discriminator", spec.VCAV, "POST", failover, `{"type":"bogus"}`, "body", "", "discriminator"},
		{"malformed JSON", spec.VCAV, "POST", failover, `{"type":`, "body", "", "JSON"},
		{"minimum in query", spec.VCAV, "GET", "/vm-replications?limit=0", "", "query", "limit", "at least 1"},
		{"missing required", spec.VCHA, "POST", "/api/vcenter/vcha/cluster?action=failover&vmw-task=true", `{}`, "body", "planned", `"planned" is missing`},
		{"unexpected field", spec.VCHA, "POST", "/api/vcenter/vcha/cluster?action=failover&vmw-task=true", `{"planned":true,"x":1}`, "body", "", `"x" is unsupported`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := validate(t, c.api, c.method, c.url, c.body)
			require.Error(t, err)
			d := oasvalidate.Describe(err)
			assert.Equal(t, c.wantIn, d.In)
			assert.Equal(t, c.wantPath, d.Field)
			assert.Contains(t, d.String(), c.wantReason)
		})
	}
}

func TestDescribe_NeverRepeatsASecret(t *testing.T) {
	const secret = "Sup3r-S3cret-pw"
	// localPassword must be a string: a number here fails validation, and
	// the description must say so without echoing anything from the body.
	body := `{"type":"localUser","localUser":"root","localPassword":12345, "note":"` + secret + `"}`
	err := validate(t, spec.VCAV, "POST", "/sessions", body)
	require.Error(t, err)
	assert.NotContains(t, oasvalidate.Describe(err).String(), secret)
	assert.NotContains(t, oasvalidate.Describe(err).String(), "12345")

	err = validate(t, spec.VCAV, "POST", "/sessions", `{"type":"localUser","localUser":"root","localPassword":"`+secret+`","x":`)
	require.Error(t, err)
	assert.NotContains(t, oasvalidate.Describe(err).String(), secret)
}

func TestValidateResponse_UndocumentedStatusFails(t *testing.T) {
	v, err := oasvalidate.New(spec.VCHA)
	require.NoError(t, err)
	req := httptest.NewRequest("GET", "/api/vcenter/vcha/cluster/mode", nil)
	route, params, err := v.Route(req)
	require.NoError(t, err)
	hdr := http.Header{"Content-Type": {"application/json"}}
	require.NoError(t, v.ValidateResponse(context.Background(), req, route, params, 200, hdr, []byte(`{"mode":"ENABLED"}`)))
	err = v.ValidateResponse(context.Background(), req, route, params, 418, hdr, []byte(`{}`))
	assert.Error(t, err, "418 is not documented")
	err = v.ValidateResponse(context.Background(), req, route, params, 200, hdr, []byte(`{"mode":"SIDEWAYS"}`))
	require.Error(t, err)
	d := oasvalidate.Describe(err)
	assert.Equal(t, "response", d.In)
	assert.Equal(t, "mode", d.Field)
}

func TestValidateSchema(t *testing.T) {
	v, err := oasvalidate.New(spec.VCAV)
	require.NoError(t, err)
	assert.NoError(t, v.ValidateSchema("ApiError", map[string]any{"code": "X", "msg": "y"}))
	assert.Error(t, v.ValidateSchema("ApiError", map[string]any{"message": "echo shape"}))
	assert.Error(t, v.ValidateSchema("NoSuchSchema", nil))
}

func TestTokenHeaders(t *testing.T) {
	got, err := oasvalidate.TokenHeaders()
	require.NoError(t, err)
	assert.Equal(t, []string{"X-VCAV-Auth", "vmware-api-session-id"}, got)
}
