package results

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/store"
)

// Reading what ComputeRound and StoreAssessment stored: decoded results, and aggregates with the
// suppression applied again with today's k.

// Stored is what reading stored results needs. *store.Store is one.
type Stored interface {
	ResultComputedAt(ctx context.Context, orgID, assessmentID int64) (int64, bool, error)
	AssessmentResult(ctx context.Context, orgID, assessmentID int64) (store.ResultRow, bool, error)
	CentreAggregateRounds(ctx context.Context, centreID int64) ([]int64, error)
	CentreAggregatesAt(ctx context.Context, centreID, roundID int64) (int64, bool, error)
	MemberAggregatesAt(ctx context.Context, orgID, roundID int64) (int64, bool, error)
	RoundAggregates(ctx context.Context, roundID int64) ([]store.AggregateRow, error)
}

// AssessmentResult returns the member's stored result of one of its assessments and the trend
// stored with it; ok is false when none is stored yet. Decoded results are cached by assessment
// and computation time, so a report read many times is decoded once; callers must not change
// what they get.
func AssessmentResult(ctx context.Context, st Stored, orgID, assessmentID int64) (res baseline.Result, trend []TrendRow, ok bool, err error) {
	at, ok, err := st.ResultComputedAt(ctx, orgID, assessmentID)
	if err != nil || !ok {
		return res, nil, false, err
	}
	c := cachesOf(st)
	if x, hit := c.results.get(assessmentID, at); hit {
		return x.res, x.trend, true, nil
	}
	row, ok, err := st.AssessmentResult(ctx, orgID, assessmentID)
	if err != nil || !ok {
		return res, nil, false, err
	}
	if err := json.Unmarshal([]byte(row.Result), &res); err != nil {
		return res, nil, false, fmt.Errorf("stored result of assessment %d: %w", assessmentID, err)
	}
	if row.Trend != "" {
		if err := json.Unmarshal([]byte(row.Trend), &trend); err != nil {
			return res, nil, false, fmt.Errorf("stored trend of assessment %d: %w", assessmentID, err)
		}
	}
	c.results.put(assessmentID, row.ComputedAt, cachedResult{res: res, trend: trend})
	return res, trend, true, nil
}

// CentreAggregates returns the anonymous aggregates of one of the centre's rounds, suppressed with
// k; a round of another centre, or one without aggregates, has none.
func CentreAggregates(ctx context.Context, st Stored, centreID, roundID int64, k int) ([]Aggregate, error) {
	at, ok, err := st.CentreAggregatesAt(ctx, centreID, roundID)
	if err != nil || !ok {
		return nil, err
	}
	return roundAggregates(ctx, st, roundID, at, k)
}

// CentreAggregatesAll returns the aggregates of every round of the centre, by round id.
func CentreAggregatesAll(ctx context.Context, st Stored, centreID int64, k int) (map[int64][]Aggregate, error) {
	ids, err := st.CentreAggregateRounds(ctx, centreID)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]Aggregate, len(ids))
	for _, id := range ids {
		a, err := CentreAggregates(ctx, st, centreID, id, k)
		if err != nil {
			return nil, err
		}
		out[id] = a
	}
	return out, nil
}

// MemberAggregates returns the anonymous aggregates of a round the member took part in (for its
// benchmark position); another round answers vaern.ErrNotFound.
func MemberAggregates(ctx context.Context, st Stored, orgID, roundID int64, k int) ([]Aggregate, error) {
	at, ok, err := st.MemberAggregatesAt(ctx, orgID, roundID)
	if err != nil || !ok {
		return nil, err
	}
	return roundAggregates(ctx, st, roundID, at, k)
}

// roundAggregates returns one round's aggregates suppressed with k, cached by round, computation
// time and k (aggregates change only when ComputeRound runs). The stored suppression is applied
// again with k, per area, over the stored counts, so that raising k hides more at once;
// suppressed groups come without figures and with N 0.
func roundAggregates(ctx context.Context, st Stored, roundID, at int64, k int) ([]Aggregate, error) {
	c := cachesOf(st)
	key := roundID*1000 + int64(k%1000)
	if x, hit := c.aggregates.get(key, at); hit {
		return x, nil
	}
	list, err := st.RoundAggregates(ctx, roundID)
	if err != nil {
		return nil, err
	}
	counts := map[string]map[string]int{}
	for _, x := range list {
		if counts[x.Area] == nil {
			counts[x.Area] = map[string]int{}
		}
		counts[x.Area][x.Group] = x.N
	}
	hidden := map[string]map[string]bool{}
	for area, n := range counts {
		hidden[area] = Suppress(n, PartitionsOfCounts(n), k)
	}
	out := make([]Aggregate, 0, len(list))
	for _, x := range list {
		a := Aggregate{Group: x.Group, Area: x.Area, N: x.N, Suppressed: x.Suppressed || hidden[x.Area][x.Group] || x.Figures == nil,
			MinDiff: x.MinDiff}
		if IsNamed(x.Group) && NamedHidden(x.N, x.MinDiff, k) {
			a.Suppressed = true
		}
		if a.Suppressed {
			a.N = 0
		} else {
			v := x.Figures
			a.Summary = &Summary{N: x.N, P10: v[0], Q1: v[1], Median: v[2], Q3: v[3], P90: v[4], Mean: v[5]}
		}
		out = append(out, a)
	}
	c.aggregates.put(key, at, out)
	return out, nil
}

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
	trend []TrendRow
}

type resultCaches struct {
	results    timedCache[cachedResult]
	aggregates timedCache[[]Aggregate]
}

var caches sync.Map // Stored (a store) → *resultCaches

func cachesOf(st Stored) *resultCaches {
	if c, ok := caches.Load(st); ok {
		return c.(*resultCaches)
	}
	c, _ := caches.LoadOrStore(st, &resultCaches{results: timedCache[cachedResult]{max: 1024}, aggregates: timedCache[[]Aggregate]{max: 256}})
	return c.(*resultCaches)
}
