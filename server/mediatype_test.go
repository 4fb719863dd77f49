package server

import (
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPipeline_JSONMediaTypeInAnyCase sends failovers and a mode change
// with Content-Type application/json in odd cases, with and without
// parameters (found by fuzzing: the validator accepted them and echo's
// binder refused them, which the mock answered 500). Media types are
// case-insensitive: each is accepted.
func TestPipeline_JSONMediaTypeInAnyCase(t *testing.T) {
	tm := newTestMock(t)
	vcavToken, vchaToken := vcavLogin(t, tm, vcavRootLogin), vchaLogin(t, tm, vchaAdmin)
	for i, ct := range []string{"AppliCAtion/json", "APPLICATION/JSON; charset=UTF-8", " application/Json "} {
		id := []string{vcavReadyID, vcavAppWebID, vcavWeb02ID}[i]
		status, body := rawDoType(t, tm.vcavHC, "POST", tm.vcavURL+"/vm-replications/"+id+"/failover", ct, vcavVcloudBody, "X-VCAV-Auth", vcavToken)
		assert.Equal(t, http.StatusAccepted, status, "%q: %s", ct, body)
	}
	status, body := rawDoType(t, tm.vchaHC, "POST", tm.vchaURL+"/api/vcenter/vcha/cluster?action=failover&vmw-task=true",
		"Application/JSON", `{"planned":false}`, "vmware-api-session-id", vchaToken)
	assert.Equal(t, http.StatusAccepted, status, "%s", body)
	tm.clock.Advance(DefaultTaskDuration)
	status, body = rawDoType(t, tm.vchaHC, "PUT", tm.vchaURL+"/api/vcenter/vcha/cluster/mode?vmw-task=true",
		"applicatiOn/json", `{"mode":"MAINTENANCE"}`, "vmware-api-session-id", vchaToken)
	assert.Equal(t, http.StatusAccepted, status, "%s", body)
}

// TestCanonicalJSONType checks the rewrite on its own.
func TestCanonicalJSONType(t *testing.T) {
	for in, want := range map[string]string{
		"application/json":                  "application/json",
		"Application/JSON":                  "application/json",
		"APPLICATION/JSON; charset=UTF-8":   "application/json; charset=UTF-8",
		"application/json;charset=utf-8":    "application/json;charset=utf-8",
		"text/plain":                        "text/plain",
		"application/jsonx":                 "application/jsonx",
		"":                                  "",
		" application/JSON ;q=1":            "application/json;q=1",
		"application/vnd.vmware.h4+json":    "application/vnd.vmware.h4+json",
		"APPLICATION/X-WWW-FORM-URLENCODED": "APPLICATION/X-WWW-FORM-URLENCODED",
	} {
		h := http.Header{}
		if in != "" {
			h.Set(echo.HeaderContentType, in)
		}
		canonicalJSONType(h)
		assert.Equal(t, want, h.Get(echo.HeaderContentType), "%q", in)
	}
}

// TestAsProblem_OtherClientErrorsAre400 checks that an echo refusal the
// mock has no kind for (such as 415 from the binder) is a 400, not a 500.
func TestAsProblem_OtherClientErrorsAre400(t *testing.T) {
	p, internal := asProblem(echo.ErrUnsupportedMediaType)
	require.False(t, internal)
	assert.Equal(t, KindBadRequest, p.Kind)
	assert.Equal(t, http.StatusBadRequest, statusOf(p))
	_, internal = asProblem(echo.ErrInternalServerError)
	assert.True(t, internal)
}

// rawDoType is rawDo with an explicit Content-Type.
func rawDoType(t *testing.T, hc *http.Client, method, url, contentType, body string, headers ...string) (int, []byte) {
	t.Helper()
	return rawDo(t, hc, method, url, stringsReader(body), append([]string{"Content-Type", contentType}, headers...)...)
}
