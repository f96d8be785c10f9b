package sensor

import (
	"sync"
	"time"
)

// RateLimit bounds how often one sensor may send a batch: PerSecond on average, bursts of Burst.
type RateLimit struct {
	PerSecond float64
	Burst     int
}

// DefaultRate is the ingest's stated per-sensor limit.
var DefaultRate = RateLimit{PerSecond: 20, Burst: 40}

// Limiter keeps one token bucket per sensor in memory (each app node has its own).
type Limiter struct {
	l  RateLimit
	mu sync.Mutex
	b  map[int64]*tokens
}

type tokens struct {
	n    float64
	last time.Time
}

// NewLimiter returns a limiter; a zero PerSecond limits nothing.
func NewLimiter(l RateLimit) *Limiter { return &Limiter{l: l, b: map[int64]*tokens{}} }

// Allow takes one token for the sensor; when none is left it returns how long to wait.
func (lim *Limiter) Allow(sensorID int64, now time.Time) (bool, time.Duration) {
	if lim == nil || lim.l.PerSecond <= 0 {
		return true, 0
	}
	lim.mu.Lock()
	defer lim.mu.Unlock()
	t, ok := lim.b[sensorID]
	if !ok {
		if len(lim.b) > 100_000 {
			lim.b = map[int64]*tokens{}
		}
		t = &tokens{n: float64(max(lim.l.Burst, 1)), last: now}
		lim.b[sensorID] = t
	}
	t.n = min(float64(max(lim.l.Burst, 1)), t.n+now.Sub(t.last).Seconds()*lim.l.PerSecond)
	t.last = now
	if t.n < 1 {
		return false, time.Duration((1 - t.n) / lim.l.PerSecond * float64(time.Second))
	}
	t.n--
	return true, 0
}
