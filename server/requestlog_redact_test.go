package server

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/spec"
)

// TestRedactQuery_SpecParametersInClear: the request log shows the
// parameters the specs declare (VCAV listing filters, vSphere's action and
// vmw-task) in clear and any other value redacted.
func TestRedactQuery_SpecParametersInClear(t *testing.T) {
	tm := newTestMock(t)
	tok := vcavLogin(t, tm, vcavRootLogin)
	status, body, _ := do(t, tm.hc(spec.VCAV), "GET", tm.vcavURL+"/vm-replications?site=site2&offset=0&limit=5&pwd=hunter2", nil, "X-VCAV-Auth", tok)
	require.Equal(t, http.StatusOK, status, string(body))
	var q string
	for _, r := range tm.Requests() {
		if r.OperationID == "listVmReplications" {
			q = r.Query
		}
	}
	assert.Contains(t, q, "site=site2")
	assert.Contains(t, q, "limit=5")
	assert.Contains(t, q, "pwd=REDACTED")
}
