package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/spec"
)

// controlDo sends a control request from loopback to m's VCAV listener.
func controlDo(t *testing.T, m *Mock, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, ControlPrefix+path, strings.NewReader(body))
	req.RemoteAddr, req.Host = "127.0.0.1:5000", "localhost:8441"
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	m.Handler(spec.VCAV).ServeHTTP(rec, req)
	return rec
}

// TestFaults_RefusedUnlessTheSpecAllowsThem posts faults the mock could
// not answer faithfully: each is refused with 400 and a message naming
// what is wrong, and none is kept.
func TestFaults_RefusedUnlessTheSpecAllowsThem(t *testing.T) {
	m, err := New()
	require.NoError(t, err)
	cases := map[string]struct{ fault, want string }{
		"unknown operationId":           {`{"api":"vcav","operationId":"failoverEverything","status":500}`, `"failoverEverything" is not an operation of the vcav spec`},
		"operation of the other API":    {`{"api":"vcav","operationId":"failoverVchaClusterAsync","status":500}`, "is not an operation of the vcav spec"},
		"informational status":          {`{"api":"vcav","operationId":"getTask","status":101}`, "not a final HTTP status"},
		"204 with a body":               {`{"api":"vcav","operationId":"getTask","status":204,"body":{}}`, "needs a status whose answer has a body"},
		"body of the wrong shape":       {`{"api":"vcav","operationId":"getTask","status":500,"body":{"code":42}}`, `fault body does not fit the 500 answer of getTask: field "code"`},
		"body for an undeclared status": {`{"api":"vcav","operationId":"getTask","status":418,"body":{"code":"x"}}`, "does not fit the 418 answer of getTask"},
	}
	for name, c := range cases {
		rec := controlDo(t, m, http.MethodPost, "/faults", c.fault)
		assert.Equal(t, http.StatusBadRequest, rec.Code, name)
		assert.Contains(t, vcavAPIError(t, rec.Body.Bytes()).Msg, c.want, name)
	}
	assert.Empty(t, m.Faults())
}

// TestFaults_IdsRemoveOneAndBoundedList adds faults, removes one by its id
// (the others stay), and finds the list bounded at MaxFaults.
func TestFaults_IdsRemoveOneAndBoundedList(t *testing.T) {
	m, err := New()
	require.NoError(t, err)
	var ids []string
	for _, op := range []string{"getTask", "failoverVmReplication"} {
		rec := controlDo(t, m, http.MethodPost, "/faults", `{"api":"vcav","operationId":"`+op+`","status":503}`)
		require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
		var f Fault
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &f))
		require.NotEmpty(t, f.ID)
		ids = append(ids, f.ID)
	}
	assert.Equal(t, http.StatusNoContent, controlDo(t, m, http.MethodDelete, "/faults/"+ids[0], "").Code)
	assert.Equal(t, http.StatusNotFound, controlDo(t, m, http.MethodDelete, "/faults/"+ids[0], "").Code)
	require.Len(t, m.Faults(), 1)
	assert.Equal(t, ids[1], m.Faults()[0].ID)

	for i := len(m.Faults()); i < MaxFaults; i++ {
		require.NoError(t, m.InjectFault(Fault{API: spec.VCAV, OperationID: "getTask", Latency: Duration(i + 1)}))
	}
	rec := controlDo(t, m, http.MethodPost, "/faults", `{"api":"vcav","operationId":"getTask","status":503}`)
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Contains(t, rec.Body.String(), fmt.Sprintf("%d faults are active", MaxFaults))
	assert.Len(t, m.Faults(), MaxFaults)
}
