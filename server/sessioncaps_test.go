package server

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSessionCaps_PerUserEndsThatUsersLeastRecentlyUsed logs root in three
// times under a per-user cap of two, after using the first session: the
// second (unused the longest) answers 401 in the vendor's shape, the first
// and third work, and another user's session is untouched.
func TestSessionCaps_PerUserEndsThatUsersLeastRecentlyUsed(t *testing.T) {
	tm := newTestMock(t, WithConfig(Config{MaxSessionsPerUser: 2}))
	vcd := vcavLogin(t, tm, vcavAdminLogin)
	first := vcavLogin(t, tm, vcavRootLogin)
	second := vcavLogin(t, tm, vcavRootLogin)
	tm.clock.Advance(time.Second)
	status, _, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+"/sessions", nil, "X-VCAV-Auth", first)
	require.Equal(t, http.StatusOK, status)
	third := vcavLogin(t, tm, vcavRootLogin)
	for tok, want := range map[string]int{first: 200, second: 401, third: 200, vcd: 200} {
		status, body, _ := do(t, tm.vcavHC, "GET", tm.vcavURL+"/sessions", nil, "X-VCAV-Auth", tok)
		assert.Equal(t, want, status, "%s", body)
		if want == 401 {
			assert.Equal(t, vcavCodeNotAuthenticated, vcavAPIError(t, body).Code)
		}
	}
}

// TestSessionCaps_LoginFloodStaysBounded logs in 50,000 times against a
// store capped at 1,000: the store never holds more than the cap, and the
// most recently used session survives the flood.
func TestSessionCaps_LoginFloodStaysBounded(t *testing.T) {
	clock := NewManualClock(testStart)
	s := newSessionStore(clock, time.Hour, nil)
	s.limit(1000, 0)
	keep, _, err := s.create(User{Name: "automation"})
	require.NoError(t, err)
	for i := range 50_000 {
		_, _, err := s.create(User{Name: fmt.Sprint("flood", i%7)})
		require.NoError(t, err)
		if i%500 == 0 {
			clock.Advance(time.Millisecond)
			_, ok := s.lookup(keep)
			require.True(t, ok, "login %d ended a session in use", i)
		}
		require.LessOrEqual(t, len(s.byKey), 1000)
	}
	assert.Equal(t, 1000, s.lru.order.Len())
}
