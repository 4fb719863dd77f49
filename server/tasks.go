package server

import (
	"container/heap"
	"time"
)

// taskTiming decides a task's progress from the clock alone, so tasks need no
// goroutine and a test that moves a ManualClock moves every task with it.
type taskTiming struct {
	Start    time.Time
	Duration time.Duration
	// Queue is how long the task waits queued after Start before it runs.
	Queue time.Duration
	// Hang keeps the task running forever (fault injection).
	Hang bool
}

// deadline is when the task finishes.
func (t taskTiming) deadline() time.Time { return t.Start.Add(t.Queue + t.Duration) }

// queued reports whether the task still waits to run at now.
func (t taskTiming) queued(now time.Time) bool { return now.Before(t.Start.Add(t.Queue)) }

// due reports whether the task has reached its end at now.
func (t taskTiming) due(now time.Time) bool { return !t.Hang && !now.Before(t.deadline()) }

// percent is the progress at now while running: 0 at the start, rising
// linearly and capped at 99 until the task is finished; a hanging task stops
// at 50.
func (t taskTiming) percent(now time.Time) int {
	if t.Hang {
		return min(50, t.linear(now))
	}
	return min(99, t.linear(now))
}

func (t taskTiming) linear(now time.Time) int {
	if t.Duration <= 0 {
		return 0
	}
	el := now.Sub(t.Start.Add(t.Queue))
	if el <= 0 {
		return 0
	}
	return int(el * 100 / t.Duration)
}

// dueQueue orders unfinished tasks by deadline, so a store finishes every
// task that is due in O(log n) each, without scanning them all.
type dueQueue []dueItem

type dueItem struct {
	at time.Time
	id string
}

func (q dueQueue) Len() int           { return len(q) }
func (q dueQueue) Less(i, j int) bool { return q[i].at.Before(q[j].at) }
func (q dueQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *dueQueue) Push(x any)        { *q = append(*q, x.(dueItem)) }
func (q *dueQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

// schedule queues id to finish at t.
func (q *dueQueue) schedule(t time.Time, id string) { heap.Push(q, dueItem{at: t, id: id}) }

// popDue removes and returns the ids whose deadline is not after now, in
// deadline order.
func (q *dueQueue) popDue(now time.Time) []string {
	var ids []string
	for q.Len() > 0 && !(*q)[0].at.After(now) {
		ids = append(ids, heap.Pop(q).(dueItem).id)
	}
	return ids
}

// retention remembers finished tasks in finishing order and says which to
// forget once more than limit are kept (0 keeps all).
type retention struct {
	limit int
	ids   []string
	head  int
}

// finished records id and returns the ids to evict.
func (r *retention) finished(id string) []string {
	r.ids = append(r.ids, id)
	if r.limit <= 0 || len(r.ids)-r.head <= r.limit {
		return nil
	}
	n := len(r.ids) - r.head - r.limit
	out := append([]string(nil), r.ids[r.head:r.head+n]...)
	r.head += n
	if r.head > len(r.ids)/2 { // compact so the slice cannot grow without bound
		r.ids = append(r.ids[:0], r.ids[r.head:]...)
		r.head = 0
	}
	return out
}
