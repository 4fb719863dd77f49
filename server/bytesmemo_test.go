package server

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/gen/vcav"
)

// TestBytesMemo_Bounded: the memo never holds more than its limit, nor a
// key over its maximum length.
func TestBytesMemo_Bounded(t *testing.T) {
	c := newBytesMemo[int](8, 16)
	for i := range 100 {
		c.put([]byte("key-"+strconv.Itoa(i)), i)
		assert.LessOrEqual(t, c.size(), 8)
	}
	v, ok := c.get([]byte("key-99"))
	assert.True(t, ok)
	assert.Equal(t, 99, v)
	c.put([]byte("a key longer than sixteen bytes"), 1)
	_, ok = c.get([]byte("a key longer than sixteen bytes"))
	assert.False(t, ok)
}

// TestVCAVCheckFailoverSettings_MemoSameAnswers: the settings check answers
// the same for a body seen before (remembered) as the first time, and a
// body that cannot be read is refused every time, never remembered.
func TestVCAVCheckFailoverSettings_MemoSameAnswers(t *testing.T) {
	for _, tc := range []struct {
		body     string
		readable bool
	}{
		{vcavVcloudBody, true},
		{`{"type":"vcenter","powerOn":false}`, true},
		{`{"type":"nonsense"}`, false},
		{`{"type":"vcloud","powerOn":"yes"}`, false},
		{`{}`, false},
	} {
		var body vcav.VmReplicationFailoverSettings
		require.NoError(t, json.Unmarshal([]byte(tc.body), &body))
		for range 3 {
			assert.Equal(t, tc.readable, vcavCheckFailoverSettings(&body) == "", tc.body)
		}
		_, remembered := vcavReadableSettings.get([]byte(tc.body))
		assert.Equal(t, tc.readable, remembered, tc.body)
	}
	assert.NotEmpty(t, vcavCheckFailoverSettings(nil))
}
