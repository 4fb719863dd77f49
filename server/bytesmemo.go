package server

import "sync"

// bytesMemo remembers a value computed from a short byte string: what a
// pure function of a request body gave, for bodies clients send again and
// again (the same failover settings for every VM of a runbook). It holds at
// most limit entries of keys at most maxKey bytes long and forgets them all
// at once when full, so it stays bounded whatever clients send. Safe for
// concurrent use; values must not be modified once put.
type bytesMemo[V any] struct {
	limit, maxKey int
	mu            sync.Mutex
	m             map[string]V
}

func newBytesMemo[V any](limit, maxKey int) *bytesMemo[V] {
	return &bytesMemo[V]{limit: limit, maxKey: maxKey}
}

// get returns the value remembered for key.
func (c *bytesMemo[V]) get(key []byte) (V, bool) {
	var zero V
	if len(key) > c.maxKey {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[string(key)]
	return v, ok
}

// put remembers v for key (a key over maxKey bytes is not remembered).
func (c *bytesMemo[V]) put(key []byte, v V) {
	if len(key) > c.maxKey {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= c.limit {
		c.m = make(map[string]V, c.limit)
	}
	c.m[string(key)] = v
}

// size is how many entries the memo holds.
func (c *bytesMemo[V]) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
