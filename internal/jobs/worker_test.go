package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vaern/vaern/internal/jobs"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/wire"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// Two app nodes (two stores, two workers) on one database run a periodic job exactly once per
// period, however often each of them looks.
func TestPeriodicOncePerPeriodOnTwoNodes(t *testing.T) {
	t.Parallel()
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			dsn := storetest.DSN(t, e)
			var mu sync.Mutex
			now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			var runs sync.Map // period key → count
			var workers []*jobs.Worker
			for node := range 2 {
				st, err := store.Open(context.Background(), dsn, wire.StoreOptions(store.Options{}))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				if node == 0 {
					if _, err := st.Migrate(context.Background()); err != nil {
						t.Fatal(err)
					}
				}
				st.SetClock(clock)
				reg := jobs.NewRegistry()
				reg.Handle("test.tick", jobs.Kind{Handle: func(ctx context.Context, r *jobs.Run) error {
					key := jobs.PeriodKey("test.tick", time.Hour, r.CreatedAt)
					v, _ := runs.LoadOrStore(key, new(atomic.Int32))
					v.(*atomic.Int32).Add(1)
					return nil
				}})
				reg.Every("test.tick", time.Hour, nil)
				w := jobs.NewWorker(st, reg, quiet)
				w.ID = "node" + string(rune('A'+node))
				workers = append(workers, w)
			}
			ctx := context.Background()
			const periods = 4
			for p := range periods {
				// Within the period each node looks several times, at once.
				for range 3 {
					var wg sync.WaitGroup
					for _, w := range workers {
						wg.Add(1)
						go func() { defer wg.Done(); w.Schedule(ctx); w.RunDue(ctx) }()
					}
					wg.Wait()
					mu.Lock()
					now = now.Add(10 * time.Minute)
					mu.Unlock()
				}
				_ = p
				mu.Lock()
				now = now.Add(30 * time.Minute) // into the next hour
				mu.Unlock()
			}
			n := 0
			runs.Range(func(k, v any) bool {
				n++
				if c := v.(*atomic.Int32).Load(); c != 1 {
					t.Errorf("period %v ran %d times", k, c)
				}
				return true
			})
			if n != periods {
				t.Fatalf("%d periods ran, want %d", n, periods)
			}
		})
	}
}

// A failing job is retried after its backoff and fails for good after its last attempt; a
// permanent error fails it at once.
func TestWorkerRetryBackoff(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		st.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
		advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
		var calls atomic.Int32
		reg := jobs.NewRegistry()
		reg.Handle("test.flaky", jobs.Kind{Handle: func(ctx context.Context, r *jobs.Run) error {
			calls.Add(1)
			r.Progress(int64(r.Attempts), 3)
			return errors.New("remote down")
		}, Backoff: func(n int) time.Duration { return time.Duration(n) * time.Minute }})
		reg.Handle("test.bad", jobs.Kind{Handle: func(ctx context.Context, r *jobs.Run) error {
			var v struct{ N int }
			return r.Decode(&v) // args are a string: permanent
		}})
		w := jobs.NewWorker(st, reg, quiet)
		id, err := st.EnqueueJob(ctx, "test.flaky", nil, store.JobOpts{MaxAttempts: 3})
		if err != nil {
			t.Fatal(err)
		}
		bad, err := st.EnqueueJob(ctx, "test.bad", "not an object", store.JobOpts{})
		if err != nil {
			t.Fatal(err)
		}
		if n := w.RunDue(ctx); n != 2 {
			t.Fatalf("first pass ran %d", n)
		}
		j, _ := st.Job(ctx, id)
		if j.State != store.JobQueued || j.Attempts != 1 || j.LastError != "remote down" || !j.RunAt.Equal(now.Add(time.Minute)) {
			t.Fatalf("after one failure: %+v", j)
		}
		if b, _ := st.Job(ctx, bad); b.State != store.JobFailed || b.Attempts != 1 {
			t.Fatalf("permanent error: %+v", b)
		}
		advance(59 * time.Second)
		if n := w.RunDue(ctx); n != 0 {
			t.Fatal("ran before its backoff")
		}
		advance(time.Second)
		w.RunDue(ctx)
		advance(2 * time.Minute)
		w.RunDue(ctx)
		advance(time.Hour)
		w.RunDue(ctx)
		j, _ = st.Job(ctx, id)
		if calls.Load() != 3 || j.State != store.JobFailed || j.Attempts != 3 || j.FinishedAt.IsZero() {
			t.Fatalf("after the last attempt (%d calls): %+v", calls.Load(), j)
		}
	})
}

// A job whose lease runs out while its worker is gone is run by another worker, and the first
// worker's late result is refused.
func TestWorkerLeaseExpiry(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		st.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
		var ran atomic.Int32
		reg := jobs.NewRegistry()
		reg.Handle("test.once", jobs.Kind{Handle: func(ctx context.Context, r *jobs.Run) error { ran.Add(1); return nil }})
		id, err := st.EnqueueJob(ctx, "test.once", nil, store.JobOpts{})
		if err != nil {
			t.Fatal(err)
		}
		dead, err := st.ClaimJobs(ctx, "dead-node", []string{"test.once"}, st.Now(), time.Minute, 1)
		if err != nil || len(dead) != 1 {
			t.Fatalf("claim %v %v", dead, err)
		}
		w := jobs.NewWorker(st, reg, quiet)
		if n := w.RunDue(ctx); n != 0 {
			t.Fatal("ran a job under another node's lease")
		}
		mu.Lock()
		now = now.Add(time.Minute)
		mu.Unlock()
		if n := w.RunDue(ctx); n != 1 || ran.Load() != 1 {
			t.Fatalf("after the lease: ran %d", n)
		}
		if j, _ := st.Job(ctx, id); j.State != store.JobDone || j.Attempts != 2 {
			t.Fatalf("job = %+v", j)
		}
		if err := st.FinishJob(ctx, dead[0].Lock(), 0, 0); !errors.Is(err, store.ErrLeaseLost) {
			t.Fatalf("the dead node's late finish: %v", err)
		}
	})
}
