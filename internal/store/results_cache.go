package store

import (
	"sync"

	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/results"
)

// A small cache of decoded results and aggregates. Entries are keyed by id and validated by the
// stored computation time, so a recomputation is seen at once; the cache only saves decoding.
// Each store has its own (ids repeat between databases), and it is bounded: when full, an
// arbitrary entry goes.
type timedCache[V any] struct {
	mu  sync.Mutex
	max int
	m   map[int64]timed[V]
}

type timed[V any] struct {
	at int64
	v  V
}

func (c *timedCache[V]) get(id, at int64) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	if !ok || e.at != at {
		var zero V
		return zero, false
	}
	return e.v, true
}

func (c *timedCache[V]) put(id, at int64, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[int64]timed[V]{}
	}
	if len(c.m) >= c.max {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[id] = timed[V]{at, v}
}

type cachedResult struct {
	res   baseline.Result
	trend []results.TrendRow
}

type resultCaches struct {
	results    timedCache[cachedResult]
	aggregates timedCache[[]results.Aggregate]
}

var caches sync.Map // *Store → *resultCaches

func (s *Store) caches() *resultCaches {
	if c, ok := caches.Load(s); ok {
		return c.(*resultCaches)
	}
	c, _ := caches.LoadOrStore(s, &resultCaches{results: timedCache[cachedResult]{max: 1024}, aggregates: timedCache[[]results.Aggregate]{max: 256}})
	return c.(*resultCaches)
}
