package oasvalidate

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/spec"
)

const memoFailover = "/vm-replications/C4-09b2917c-bbe9-4693-ae3f-95b43a94b244/failover"

// validateBody validates a request to target with body sent as ct and
// returns the error and the body as the validator left it.
func validateBody(t *testing.T, v *Validator, target, ct, body string) (string, error) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	req.Header.Set("Content-Type", ct)
	route, params, err := v.Route(req)
	require.NoError(t, err)
	verr := v.ValidateRequest(context.Background(), req, route, params)
	left, err := io.ReadAll(req.Body)
	require.NoError(t, err)
	return string(left), verr
}

// TestBodyMemo_RemembersOnlyWhatIsValidAndStillChecksTheRest: a body seen
// valid skips body validation the next time, but the parameters of that
// request, an invalid body, and the same body under another content type
// are still refused; the body left in the request is the one a full
// validation leaves.
func TestBodyMemo_RemembersOnlyWhatIsValidAndStillChecksTheRest(t *testing.T) {
	v, err := New(spec.VCAV)
	require.NoError(t, err)
	vcha, err := New(spec.VCHA)
	require.NoError(t, err)
	vcha.memo = v.memo // one memo for both: the key holds the operation
	const good = `{"type":"vcloud","powerOn":true}`
	left1, err1 := validateBody(t, v, memoFailover, "application/json", good)
	require.NoError(t, err1)
	require.Len(t, v.memo.valid, 1, "a valid body is remembered")
	left2, err2 := validateBody(t, v, memoFailover, "application/json", good)
	require.NoError(t, err2)
	assert.Equal(t, left1, left2, "a remembered body leaves the request as a full validation does")

	_, err = validateBody(t, vcha, "/api/vcenter/vcha/cluster?action=failover&vmw-task=true", "application/json", good)
	assert.Error(t, err, "the same bytes sent to another operation are validated again")
	_, err = validateBody(t, v, memoFailover, "text/plain", good)
	assert.Error(t, err, "the same bytes under another content type are validated again")

	for _, bad := range []string{`{"type":"vcloud","powerOn":"yes"}`, `{"type":"bogus"}`, `{"type":`} {
		_, err = validateBody(t, v, memoFailover, "application/json", bad)
		assert.Error(t, err, bad)
		_, err = validateBody(t, v, memoFailover, "application/json", bad)
		assert.Error(t, err, "%s, a second time", bad)
	}
	assert.Len(t, v.memo.valid, 1, "invalid bodies are never remembered")
}

// TestBodyMemo_IsBounded: many distinct valid bodies keep at most
// memoBodies entries; a body over memoBodyMax is validated, not kept.
func TestBodyMemo_IsBounded(t *testing.T) {
	v, err := New(spec.VCAV)
	require.NoError(t, err)
	for i := range 3 * memoBodies {
		_, err := validateBody(t, v, memoFailover, "application/json", fmt.Sprintf(`{"type":"vcloud","instanceId":"i-%d"}`, i))
		require.NoError(t, err)
		require.LessOrEqual(t, len(v.memo.valid), memoBodies)
	}
	v.memo.valid = nil
	long := `{"type":"vcloud","instanceId":"` + strings.Repeat("x", memoBodyMax) + `"}`
	left, err := validateBody(t, v, memoFailover, "application/json", long)
	require.NoError(t, err)
	assert.True(t, strings.Contains(left, strings.Repeat("x", memoBodyMax)), "the long body is left whole")
	assert.Empty(t, v.memo.valid)
}

// TestValidatedBody_OnlyTheValidatorsUnreadBytes: after validation (first
// time and from the memo) ValidatedBody hands over the body as validation
// left it, without consuming it; once anything has read from it, or for a
// body the validator did not put back, it hands over nothing.
func TestValidatedBody_OnlyTheValidatorsUnreadBytes(t *testing.T) {
	v, err := New(spec.VCAV)
	require.NoError(t, err)
	const good = `{"type":"vcloud","powerOn":true}`
	for round := range 2 { // validated, then remembered
		req := httptest.NewRequest(http.MethodPost, memoFailover, strings.NewReader(good))
		req.Header.Set("Content-Type", "application/json")
		route, params, err := v.Route(req)
		require.NoError(t, err)
		require.NoError(t, v.ValidateRequest(context.Background(), req, route, params))
		b, ok := ValidatedBody(req)
		require.True(t, ok, "round %d", round)
		left, err := io.ReadAll(req.Body)
		require.NoError(t, err)
		assert.Equal(t, string(left), string(b), "round %d: the bytes are the body's, still readable", round)
		_, ok = ValidatedBody(req)
		assert.False(t, ok, "round %d: a body read from is not handed over", round)
		again, err := req.GetBody()
		require.NoError(t, err)
		req.Body = again
		b, ok = ValidatedBody(req)
		assert.True(t, ok && string(b) == string(left), "round %d: GetBody's copy is the same body", round)
	}
	req := httptest.NewRequest(http.MethodPost, memoFailover, strings.NewReader(good))
	_, ok := ValidatedBody(req)
	assert.False(t, ok, "a body the validator did not put back is not handed over")
}
