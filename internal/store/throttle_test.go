package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func TestThrottle(t *testing.T) {
	t.Parallel()
	const (
		window  = 15 * time.Minute
		limit   = 3
		lockFor = 10 * time.Minute
	)
	// hold locks for lockFor from the limit's failure on: the simplest rule a caller can give.
	hold := func(n int) time.Duration {
		if n >= limit {
			return lockFor
		}
		return 0
	}
	type step struct {
		at     time.Duration // from t0
		op     string        // "fail", "reset" or "check"
		locked time.Duration // expected lock end from t0; 0: not locked
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"below the limit", []step{{0, "fail", 0}, {time.Minute, "fail", 0}, {time.Minute, "check", 0}}},
		{"locks at the limit", []step{
			{0, "fail", 0}, {time.Minute, "fail", 0}, {2 * time.Minute, "fail", 12 * time.Minute},
			{2 * time.Minute, "check", 12 * time.Minute},
			{12*time.Minute - time.Millisecond, "check", 12 * time.Minute},
			{12 * time.Minute, "check", 0},
		}},
		{"failures during the lock report it without extending it", []step{
			{0, "fail", 0}, {0, "fail", 0}, {0, "fail", 10 * time.Minute},
			{time.Minute, "fail", 10 * time.Minute}, {2 * time.Minute, "fail", 10 * time.Minute},
			{3 * time.Minute, "check", 10 * time.Minute},
		}},
		{"the count starts over after the window", []step{
			{0, "fail", 0}, {time.Minute, "fail", 0},
			{window, "fail", 0}, // the window from t0 is over: this is failure 1 again
			{window + time.Minute, "fail", 0},
			{window + 2*time.Minute, "fail", window + 12*time.Minute},
		}},
		{"just inside the window still counts", []step{
			{0, "fail", 0}, {time.Minute, "fail", 0}, {window - time.Millisecond, "fail", window - time.Millisecond + lockFor},
		}},
		{"reset forgets failures", []step{
			{0, "fail", 0}, {time.Minute, "fail", 0}, {time.Minute, "reset", 0},
			{2 * time.Minute, "fail", 0}, {3 * time.Minute, "fail", 0}, {3 * time.Minute, "check", 0},
		}},
		{"reset lifts a lock", []step{
			{0, "fail", 0}, {0, "fail", 0}, {0, "fail", 10 * time.Minute}, {time.Minute, "reset", 0}, {time.Minute, "check", 0},
		}},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				key := "acct:" + c.name
				other := "ip:" + c.name
				if until := must(s.ThrottleFailure(ctx, other, t0, window, hold))(t); !until.IsZero() {
					t.Fatalf("one failure locked %s", other)
				}
				for i, st := range c.steps {
					now := t0.Add(st.at)
					var got time.Time
					var err error
					switch st.op {
					case "fail":
						got, err = s.ThrottleFailure(ctx, key, now, window, hold)
					case "reset":
						err = s.ThrottleReset(ctx, key)
					case "check":
						got, err = s.Throttled(ctx, key, now)
					}
					ok(t, err)
					var want time.Time
					if st.locked != 0 {
						want = t0.Add(st.locked)
					}
					if !got.Equal(want) {
						t.Fatalf("step %d (%s at +%v): locked until %v, want %v", i, st.op, st.at, got, want)
					}
				}
				// Another key's failures never lock this one and the other way round.
				if until := must(s.Throttled(ctx, other, t0))(t); !until.IsZero() {
					t.Fatalf("other key locked until %v", until)
				}
			})
		}
	})
}

// TestThrottleGrowingHold: the caller's rule sees every counted failure, so a hold can grow; tries
// during a hold are not counted.
func TestThrottleGrowingHold(t *testing.T) {
	t.Parallel()
	grow := func(n int) time.Duration {
		if n < 3 {
			return 0
		}
		return time.Duration(1<<(n-3)) * time.Minute
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		at := t0
		for i, want := range []time.Duration{0, 0, time.Minute, 2 * time.Minute, 4 * time.Minute} {
			got := must(s.ThrottleFailure(ctx, "pair:x", at, time.Hour, grow))(t)
			if (want == 0) != got.IsZero() || (want != 0 && !got.Equal(at.Add(want))) {
				t.Fatalf("failure %d at %v: held until %v, want +%v", i+1, at, got, want)
			}
			if want != 0 {
				// A try during the hold is not counted and does not move the hold.
				if again := must(s.ThrottleFailure(ctx, "pair:x", at.Add(time.Second), time.Hour, grow))(t); !again.Equal(got) {
					t.Fatalf("a try during the hold moved it to %v", again)
				}
				at = got
			}
		}
	})
}

// TestTrustedClients: a remembered client is trusted by its user only, and only while fresh.
func TestTrustedClients(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		u := f.A.Coordinator
		other := f.A.Viewer
		ok(t, s.RememberClient(ctx, u.ID, "device", "hash-1", t0))
		if !must(s.Trusted(ctx, u.ID, t0.Add(-time.Hour), "nope", "hash-1"))(t) {
			t.Fatal("a remembered device is not trusted")
		}
		if must(s.Trusted(ctx, other.ID, t0.Add(-time.Hour), "hash-1"))(t) {
			t.Fatal("another user's device is trusted")
		}
		if must(s.Trusted(ctx, u.ID, t0.Add(time.Hour), "hash-1"))(t) {
			t.Fatal("a device not seen since the cut-off is trusted")
		}
		ok(t, s.RememberClient(ctx, u.ID, "device", "hash-1", t0.Add(2*time.Hour)))
		if !must(s.Trusted(ctx, u.ID, t0.Add(time.Hour), "hash-1"))(t) {
			t.Fatal("using a device again does not refresh it")
		}
	})
}
