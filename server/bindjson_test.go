package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
	"github.com/failoverkit/failoverkit/internal/oasvalidate"
	"github.com/failoverkit/failoverkit/spec"
)

// TestBodyJSON_BindsAsEchosSerializer: the failover settings union bound
// through bodyJSON from a validated body (first validation, then the
// validator's memo), with and without whitespace around it, and from bodies
// the validator never saw (one with trailing data, one unreadable), equal
// what echo's own serializer binds, error for error.
func TestBodyJSON_BindsAsEchosSerializer(t *testing.T) {
	v, err := oasvalidate.New(spec.VCAV)
	require.NoError(t, err)
	const target = "/vm-replications/C4-09b2917c-bbe9-4693-ae3f-95b43a94b244/failover"
	bodies := []struct {
		body     string
		validate bool
	}{
		{`{"type":"vcloud","powerOn":true}`, true},
		{`{"type":"vcloud","powerOn":true}`, true},
		{" \n\t{\"type\":\"vcloud\"}\r\n ", true},
		{`{"type":"vcloud"} {"trailing":1}`, false},
		{`{"type":`, false},
	}
	e := echo.New()
	for _, tc := range bodies {
		bind := func(s echo.JSONSerializer) (vcav.VmReplicationFailoverSettings, error) {
			req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			if tc.validate {
				route, params, err := v.Route(req)
				require.NoError(t, err)
				require.NoError(t, v.ValidateRequest(context.Background(), req, route, params))
			}
			var got vcav.VmReplicationFailoverSettings
			err := s.Deserialize(e.NewContext(req, httptest.NewRecorder()), &got)
			return got, err
		}
		want, wantErr := bind(echo.DefaultJSONSerializer{})
		got, gotErr := bind(bodyJSON{})
		assert.Equal(t, wantErr, gotErr, "%q", tc.body)
		wantRaw, _ := want.MarshalJSON()
		gotRaw, _ := got.MarshalJSON()
		assert.Equal(t, string(wantRaw), string(gotRaw), "%q", tc.body)
		if tc.validate {
			assert.NotEmpty(t, gotRaw, "%q", tc.body)
		}
	}
}
