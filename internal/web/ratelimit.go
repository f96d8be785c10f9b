package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/httpx"
)

// Rate limits are token buckets kept in memory by each node: with several app nodes behind a load
// balancer a client may get the limit once per node. They complement the database-backed lock-out
// after failed sign-ins (which is shared by all nodes): the buckets stop floods of any kind early and
// cheaply, before a password hash or a database query is spent on them.

// RateLimit is one limit: PerMinute requests a minute on average, with bursts of up to Burst.
// A zero PerMinute means no limit.
type RateLimit struct {
	PerMinute float64
	Burst     int
}

// RateLimits are the server's limits. The zero value limits nothing (tests); `vaern serve` sets the
// defaults below.
type RateLimits struct {
	API    RateLimit // /api/ requests, per client address and, separately, per API token
	SignIn RateLimit // POST /login, /login/code, /password/forgot, /password/reset, /invite: per address
}

// DefaultRateLimits are what `vaern serve` uses unless told otherwise.
var DefaultRateLimits = RateLimits{
	API:    RateLimit{PerMinute: 600, Burst: 100},
	SignIn: RateLimit{PerMinute: 10, Burst: 20},
}

// maxBuckets bounds the memory of one limiter; past it, idle buckets are dropped at once and, if
// that is not enough, the oldest half.
const maxBuckets = 100_000

type bucket struct {
	tokens float64
	last   time.Time
}

type limiter struct {
	rate  float64 // tokens per second
	burst float64
	mu    sync.Mutex
	b     map[string]*bucket
	sweep time.Time
}

func newLimiter(l RateLimit) *limiter {
	if l.PerMinute <= 0 {
		return nil
	}
	burst := float64(l.Burst)
	if burst < 1 {
		burst = math.Max(1, l.PerMinute/6)
	}
	return &limiter{rate: l.PerMinute / 60, burst: burst, b: map[string]*bucket{}}
}

// allow takes a token from key's bucket. When there is none it reports how long until there is.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > time.Minute || len(l.b) >= maxBuckets {
		l.gc(now)
	}
	b, ok := l.b[key]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.b[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// gc drops the buckets that have filled up again (they are the same as no bucket).
func (l *limiter) gc(now time.Time) {
	l.sweep = now
	full := time.Duration(l.burst / l.rate * float64(time.Second))
	for k, b := range l.b {
		if now.Sub(b.last) >= full {
			delete(l.b, k)
		}
	}
	if len(l.b) >= maxBuckets {
		// Under a flood of distinct keys: forget the least recently used half.
		cut := now.Add(-full / 2)
		for k, b := range l.b {
			if b.last.Before(cut) || len(l.b) >= maxBuckets/2 {
				delete(l.b, k)
			}
		}
	}
}

type rateLimiters struct {
	apiIP, apiToken, signIn *limiter
}

func newRateLimiters(c RateLimits) *rateLimiters {
	return &rateLimiters{apiIP: newLimiter(c.API), apiToken: newLimiter(c.API), signIn: newLimiter(c.SignIn)}
}

// signInRoute says whether a route is one where passwords, codes or tokens can be guessed.
func signInRoute(method, pattern string) bool {
	if method != http.MethodPost {
		return false
	}
	switch pattern {
	case "/login", "/login/code", "/password/forgot", "/password/reset/{token}", "/invite/{token}":
		return true
	}
	return false
}

// limited applies the rate limits to a request; it answers 429 itself and reports false when the
// request must not go on.
func (s *Server) limited(w http.ResponseWriter, r *http.Request, rt httpx.Route) bool {
	now := time.Now()
	var ok bool
	var wait time.Duration
	switch {
	case rt.API:
		ok, wait = s.limits.apiIP.allow(s.clientIP(r), now)
		if tok, isBearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok && isBearer {
			ok, wait = s.limits.apiToken.allow(auth.HashToken(strings.TrimSpace(tok)), now)
		}
	case signInRoute(rt.Method, rt.Pattern):
		ok, wait = s.limits.signIn.allow(s.clientIP(r), now)
	default:
		return true
	}
	if ok {
		return true
	}
	secs := max(1, int(math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.metrics.rateLimited(rt.API)
	if rt.API || wantsJSON(r) {
		httpx.WriteProblem(w, r, http.StatusTooManyRequests,
			"too many requests: try again in "+strconv.Itoa(secs)+" seconds (see Retry-After)")
		return false
	}
	s.fail(w, r, http.StatusTooManyRequests, "")
	return false
}
