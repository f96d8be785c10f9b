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
				if until := must(s.ThrottleFailure(ctx, other, t0, window, limit, lockFor))(t); !until.IsZero() {
					t.Fatalf("one failure locked %s", other)
				}
				for i, st := range c.steps {
					now := t0.Add(st.at)
					var got time.Time
					var err error
					switch st.op {
					case "fail":
						got, err = s.ThrottleFailure(ctx, key, now, window, limit, lockFor)
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
