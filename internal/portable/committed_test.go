package portable

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The committed portable spec routes the vendor URLs with a generic OpenAPI
// router (kin-openapi's legacy router), which the source spec cannot do,
// and validates their query and body.
func TestCommittedPortableSpec_GenericRouterRoutesTheFailover(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile("../../spec/portable/vcha.yaml")
	require.NoError(t, err)
	doc.Servers = nil // match on the path alone
	router, err := legacy.NewRouter(doc)
	require.NoError(t, err)
	validate := func(method, url, body string) error {
		req, err := http.NewRequest(method, url, bytes.NewBufferString(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		route, params, err := router.FindRoute(req)
		if err != nil {
			return err
		}
		return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		})
	}
	assert.NoError(t, validate(http.MethodPost, "/api/vcenter/vcha/cluster?action=failover&vmw-task=true", `{"planned":true}`))
	assert.NoError(t, validate(http.MethodPost, "/api/vcenter/vcha/cluster?action=get", `{}`))
	assert.NoError(t, validate(http.MethodPut, "/api/vcenter/vcha/cluster/mode?vmw-task=true", `{"mode":"ENABLED"}`))
	assert.Error(t, validate(http.MethodPost, "/api/vcenter/vcha/cluster?action=reboot", `{}`))
	assert.Error(t, validate(http.MethodPut, "/api/vcenter/vcha/cluster/mode", `{"mode":"ENABLED"}`))
}
