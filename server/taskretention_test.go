package server

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestKeptTasks_BusyUserCannotEvictAnothersTask: under a total of 10 and
// 4 per user, a user finishing 1,000 tasks right after another user's one
// task loses only their own oldest; the other user's task is kept, and no
// more than the total is ever kept.
func TestKeptTasks_BusyUserCannotEvictAnothersTask(t *testing.T) {
	k := newKeptTasks(retainPolicy{total: 10, perUser: 4})
	assert.Empty(t, k.finished("quiet-1", "quiet"))
	live := map[string]bool{"quiet-1": true}
	for i := range 1000 {
		id := fmt.Sprint("busy-", i)
		live[id] = true
		for _, gone := range k.finished(id, "busy") {
			delete(live, gone)
		}
		assert.LessOrEqual(t, k.order.Len(), 10)
	}
	assert.True(t, live["quiet-1"], "the quiet user's task is kept")
	assert.Len(t, live, 5, "the quiet task and the busy user's newest four")
	assert.True(t, live["busy-999"])
}

// TestKeptTasks_TotalEvictsOldestOfAll: with many users each under their
// bound, the total forgets the oldest task of all first; 0 keeps all.
func TestKeptTasks_TotalEvictsOldestOfAll(t *testing.T) {
	k := newKeptTasks(retainPolicy{total: 3, perUser: 2})
	assert.Empty(t, k.finished("a1", "a"))
	assert.Empty(t, k.finished("b1", "b"))
	assert.Empty(t, k.finished("c1", "c"))
	assert.Equal(t, []string{"a1"}, k.finished("d1", "d"))
	all := newKeptTasks(retainPolicy{})
	for i := range 100 {
		assert.Empty(t, all.finished(fmt.Sprint(i), "u"))
	}
}
