package server

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLoggedBody_MemoSameAndNeverSecret: a body logged again (from the
// memo) reads as it did the first time; a body with a secret is never
// remembered, so the memo holds no credential, and is redacted each time;
// the memo stays bounded.
func TestLoggedBody_MemoSameAndNeverSecret(t *testing.T) {
	plain := []byte(`{"type":"vcloud","powerOn":true,"consolidate":false,"instanceId":null}`)
	first := loggedBody(plain)
	require.NotNil(t, first)
	again := loggedBody(plain)
	assert.Equal(t, string(first), string(again))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(again, &doc))
	assert.Equal(t, "vcloud", doc["type"])

	secret := []byte(`{"type":"localUser","localUser":"root","localPassword":"s3cr3t-memo"}`)
	for range 2 {
		out := loggedBody(secret)
		assert.NotContains(t, string(out), "s3cr3t-memo")
		assert.Contains(t, string(out), "REDACTED")
	}
	loggedBodies.mu.Lock()
	for k, v := range loggedBodies.m {
		assert.NotContains(t, k+string(v), "s3cr3t-memo", "the memo holds a secret")
	}
	loggedBodies.mu.Unlock()

	for i := range 3 * logMemoBodies {
		loggedBody([]byte(`{"n":` + strings.Repeat("1", 1+i%5) + `,"i":` + string(rune('0'+i%10)) + `}`))
		loggedBody([]byte(`{"k` + strings.Repeat("x", i) + `":1}`))
	}
	assert.LessOrEqual(t, loggedBodies.size(), logMemoBodies)
}
