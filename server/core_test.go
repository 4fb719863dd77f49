package server

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/failoverkit/failoverkit/spec"
)

func TestSessionStore_TokensAndExpiry(t *testing.T) {
	clock := NewManualClock(testStart)
	s := newSessionStore(clock, time.Minute, nil)
	u := User{Name: "root", Password: "vmware"}

	tok, sess, err := s.create(u)
	require.NoError(t, err)
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{32}$`), tok, "128 random bits, hex")
	assert.Equal(t, "root", sess.User.Name)
	tok2, _, err := s.create(u)
	require.NoError(t, err)
	assert.NotEqual(t, tok, tok2)

	_, ok := s.lookup(tok)
	assert.True(t, ok)
	flip := map[bool]string{true: "1", false: "0"}[tok[31] == '0']
	_, ok = s.lookup(tok[:31] + flip)
	assert.False(t, ok, "near-miss token")
	_, ok = s.lookup("")
	assert.False(t, ok)

	clock.Advance(59 * time.Second)
	_, ok = s.lookup(tok) // use refreshes the idle timer
	require.True(t, ok)
	clock.Advance(59 * time.Second)
	_, ok = s.lookup(tok)
	assert.True(t, ok, "still within idle timeout of last use")
	clock.Advance(61 * time.Second)
	_, ok = s.lookup(tok)
	assert.False(t, ok, "idle too long")

	got, ok := s.lookup(tok2)
	assert.False(t, ok, "tok2 idle since creation")
	assert.Empty(t, got.User.Name)

	tok3, sess3, err := s.create(u)
	require.NoError(t, err)
	assert.True(t, s.remove(sess3))
	_, ok = s.lookup(tok3)
	assert.False(t, ok, "logout kills the token")
	assert.False(t, s.remove(sess3))
}

func TestUser_NeverPrintsPassword(t *testing.T) {
	u := User{Name: "root", Password: "s3cr3t-pw"}
	for _, s := range []string{u.String(), u.GoString(), u.LogValue().String(), sprintAll(u)} {
		assert.NotContains(t, s, "s3cr3t-pw")
	}
	assert.Empty(t, u.redacted().Password)
}

func TestFindUser(t *testing.T) {
	users := []User{{Name: "root", Password: "a", Type: "localUser"}, {Name: "admin@System", Password: "b", Type: "vcdCredentials"}}
	u, ok := findUser(users, "root", "a", "localUser")
	require.True(t, ok)
	assert.Equal(t, "root", u.Name)
	_, ok = findUser(users, "root", "a", "vcdCredentials")
	assert.False(t, ok, "login type must match")
	_, ok = findUser(users, "root", "b", "")
	assert.False(t, ok)
	_, ok = findUser(users, "nobody", "a", "")
	assert.False(t, ok)
}

func TestFaults_ValidateAndCount(t *testing.T) {
	var s faultSet
	for _, bad := range []Fault{
		{API: "nope", OperationID: "x", Status: 500},
		{API: spec.VCAV, Status: 500},
		{API: spec.VCAV, OperationID: "x", Status: 42},
		{API: spec.VCAV, OperationID: "x", Status: 500, Body: []byte("{not json")},
		{API: spec.VCAV, OperationID: "x", Task: "explode"},
		{API: spec.VCAV, OperationID: "x"},
		{API: spec.VCAV, OperationID: "x", Status: 500, Times: -1},
	} {
		assert.Error(t, s.add(bad), "%+v", bad)
	}
	require.NoError(t, s.add(Fault{API: spec.VCAV, OperationID: "getTask", Status: 503, Times: 2}))
	require.NoError(t, s.add(Fault{API: spec.VCHA, OperationID: "getTask", Task: TaskHangs}))

	_, ok := s.take(spec.VCAV, "login")
	assert.False(t, ok)
	for i := 0; i < 2; i++ {
		f, ok := s.take(spec.VCAV, "getTask")
		require.True(t, ok, "use %d", i)
		assert.Equal(t, 503, f.Status)
	}
	_, ok = s.take(spec.VCAV, "getTask")
	assert.False(t, ok, "Times exhausted")
	for i := 0; i < 3; i++ {
		_, ok = s.take(spec.VCHA, "getTask")
		assert.True(t, ok, "unlimited")
	}
	assert.Len(t, s.list(), 1)
	s.clear()
	assert.Empty(t, s.list())
}

func TestDuration_JSON(t *testing.T) {
	var d Duration
	require.NoError(t, d.UnmarshalJSON([]byte(`"1.5s"`)))
	assert.Equal(t, Duration(1500*time.Millisecond), d)
	b, err := d.MarshalJSON()
	require.NoError(t, err)
	assert.Equal(t, `"1.5s"`, string(b))
	assert.Error(t, d.UnmarshalJSON([]byte(`15`)))
	assert.Error(t, d.UnmarshalJSON([]byte(`"soon"`)))
}

func TestRequestLog_RingKeepsNewest(t *testing.T) {
	l := newRequestLog(3)
	for i := 0; i < 5; i++ {
		l.add(RequestRecord{Status: 200 + i})
	}
	got := l.records()
	require.Len(t, got, 3)
	assert.Equal(t, []int{202, 203, 204}, []int{got[0].Status, got[1].Status, got[2].Status})
	l.clear()
	assert.Empty(t, l.records())
}

func TestRedactQuery(t *testing.T) {
	known := map[string]bool{"site": true}
	assert.Equal(t, "", redactQuery("", known))
	got := redactQuery("site=site1&session_token=abc123&password=pw&pwd=p1&sid=s1&credential=c1&jwt=j1&sig=g1", known)
	assert.Contains(t, got, "site=site1")
	for _, s := range []string{"abc123", "=pw", "p1", "s1", "c1", "j1", "g1"} {
		assert.NotContains(t, got, s)
	}
}

func TestTaskTiming(t *testing.T) {
	tt := taskTiming{Start: testStart, Duration: 10 * time.Second}
	assert.Equal(t, 0, tt.percent(testStart))
	assert.Equal(t, 50, tt.percent(testStart.Add(5*time.Second)))
	assert.Equal(t, 99, tt.percent(testStart.Add(time.Hour)), "capped until finished")
	assert.False(t, tt.due(testStart.Add(9*time.Second)))
	assert.True(t, tt.due(testStart.Add(10*time.Second)))

	hang := taskTiming{Start: testStart, Duration: time.Second, Hang: true}
	assert.False(t, hang.due(testStart.Add(24*time.Hour)))
	assert.LessOrEqual(t, hang.percent(testStart.Add(24*time.Hour)), 50)

	instant := taskTiming{Start: testStart}
	assert.True(t, instant.due(testStart))
	assert.Equal(t, 0, instant.percent(testStart))
}

func TestDueQueue_PopsInDeadlineOrder(t *testing.T) {
	var q dueQueue
	q.schedule(testStart.Add(3*time.Second), "c")
	q.schedule(testStart.Add(1*time.Second), "a")
	q.schedule(testStart.Add(2*time.Second), "b")
	q.schedule(testStart.Add(9*time.Second), "z")
	assert.Empty(t, q.popDue(testStart))
	assert.Equal(t, []string{"a", "b", "c"}, q.popDue(testStart.Add(5*time.Second)))
	assert.Equal(t, []string{"z"}, q.popDue(testStart.Add(time.Hour)))
	assert.Zero(t, q.Len())
}

func TestRetention_EvictsOldestFinished(t *testing.T) {
	r := retention{limit: 2}
	assert.Empty(t, r.finished("a"))
	assert.Empty(t, r.finished("b"))
	assert.Equal(t, []string{"a"}, r.finished("c"))
	assert.Equal(t, []string{"b"}, r.finished("d"))
	for i := 0; i < 1000; i++ {
		require.Len(t, r.finished(strings.Repeat("x", 1)), 1)
	}
	assert.LessOrEqual(t, len(r.ids), 8, "the backing slice is compacted")

	keepAll := retention{}
	for i := 0; i < 10; i++ {
		assert.Empty(t, keepAll.finished("t"))
	}
}
