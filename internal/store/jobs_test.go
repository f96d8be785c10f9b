package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func TestJobsEnqueueInTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.SetClock((&clock{now: t0}).Now)
		// A rolled-back transaction leaves no job.
		boom := errors.New("boom")
		err := s.Write(ctx, func(tx *store.Tx) error {
			if _, err := tx.EnqueueJob(ctx, "test.a", map[string]int{"n": 1}, store.JobOpts{}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("write = %v", err)
		}
		if js := must(s.Jobs(ctx, store.JobFilter{}))(t); len(js) != 0 {
			t.Fatalf("rolled-back job is there: %+v", js)
		}
		id := must(s.EnqueueJob(ctx, "test.a", map[string]int{"n": 2}, store.JobOpts{OrgID: 7}))(t)
		j := must(s.Job(ctx, id))(t)
		if j.Kind != "test.a" || j.State != store.JobQueued || j.OrgID != 7 || string(j.Args) != `{"n":2}` ||
			j.MaxAttempts != store.DefaultMaxAttempts || !j.RunAt.Equal(t0) {
			t.Fatalf("job = %+v", j)
		}
		if _, err := s.EnqueueJob(ctx, "", nil, store.JobOpts{}); err == nil {
			t.Fatal("a job without a kind was enqueued")
		}
	})
}

func TestJobsUniqueKey(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{now: t0}
		s.SetClock(c.Now)
		first := must(s.EnqueueJob(ctx, "kev.sync", nil, store.JobOpts{UniqueKey: "kev"}))(t)
		// Inside a transaction that goes on after the duplicate: it must not be aborted.
		var second, other int64
		ok(t, s.Write(ctx, func(tx *store.Tx) error {
			var err error
			if second, err = tx.EnqueueJob(ctx, "kev.sync", nil, store.JobOpts{UniqueKey: "kev"}); err != nil {
				return err
			}
			other, err = tx.EnqueueJob(ctx, "test.b", nil, store.JobOpts{})
			return err
		}))
		if second != first || other == 0 {
			t.Fatalf("second enqueue = %d, want %d (other %d)", second, first, other)
		}
		// Once the job is done the key is free again; a kept key is not.
		claimed := must(s.ClaimJobs(ctx, "w1", []string{"kev.sync"}, t0, time.Minute, 10))(t)
		if len(claimed) != 1 || claimed[0].ID != first {
			t.Fatalf("claimed %+v", claimed)
		}
		ok(t, s.FinishJob(ctx, claimed[0].Lock(), 0, 0))
		third := must(s.EnqueueJob(ctx, "kev.sync", nil, store.JobOpts{UniqueKey: "kev"}))(t)
		if third == first {
			t.Fatal("a finished job kept its key")
		}
		p1 := must(s.EnqueueJob(ctx, "tick", nil, store.JobOpts{UniqueKey: "period:1", KeepUnique: true}))(t)
		cl := must(s.ClaimJobs(ctx, "w1", []string{"tick"}, t0, time.Minute, 10))(t)
		ok(t, s.FinishJob(ctx, cl[0].Lock(), 0, 0))
		if again := must(s.EnqueueJob(ctx, "tick", nil, store.JobOpts{UniqueKey: "period:1", KeepUnique: true}))(t); again != p1 {
			t.Fatalf("a kept key was enqueued again: %d, first %d", again, p1)
		}
	})
}

func TestJobsClaimLeaseAndRetry(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{now: t0}
		s.SetClock(c.Now)
		later := must(s.EnqueueJob(ctx, "test.a", nil, store.JobOpts{RunAt: t0.Add(time.Hour)}))(t)
		id := must(s.EnqueueJob(ctx, "test.a", nil, store.JobOpts{MaxAttempts: 2}))(t)
		must(s.EnqueueJob(ctx, "other.kind", nil, store.JobOpts{}))(t)

		got := must(s.ClaimJobs(ctx, "w1", []string{"test.a"}, t0, time.Minute, 10))(t)
		if len(got) != 1 || got[0].ID != id || got[0].Attempts != 1 || got[0].LockedBy != "w1" {
			t.Fatalf("claim = %+v (later %d)", got, later)
		}
		// Held by its lease: nobody else gets it.
		if again := must(s.ClaimJobs(ctx, "w2", []string{"test.a"}, t0.Add(30*time.Second), time.Minute, 10))(t); len(again) != 0 {
			t.Fatalf("claimed under lease: %+v", again)
		}
		ok(t, s.ExtendJob(ctx, got[0].Lock(), t0.Add(2*time.Minute), 5, 10))
		j := must(s.Job(ctx, id))(t)
		if j.ProgressDone != 5 || j.ProgressTotal != 10 {
			t.Fatalf("progress = %d/%d", j.ProgressDone, j.ProgressTotal)
		}
		// The attempt fails and is queued again for its backoff.
		ok(t, s.FailJob(ctx, got[0].Lock(), "smtp down", t0.Add(5*time.Minute)))
		j = must(s.Job(ctx, id))(t)
		if j.State != store.JobQueued || j.LastError != "smtp down" || !j.RunAt.Equal(t0.Add(5*time.Minute)) {
			t.Fatalf("after failure = %+v", j)
		}
		if g := must(s.ClaimJobs(ctx, "w2", []string{"test.a"}, t0.Add(4*time.Minute), time.Minute, 10))(t); len(g) != 0 {
			t.Fatalf("claimed before its backoff: %+v", g)
		}
		// The second attempt's process dies: its lease runs out, and as it was the last attempt the
		// job fails with the reason instead of running a third time.
		g := must(s.ClaimJobs(ctx, "w2", []string{"test.a"}, t0.Add(5*time.Minute), time.Minute, 10))(t)
		if len(g) != 1 || g[0].Attempts != 2 {
			t.Fatalf("second claim = %+v", g)
		}
		if g2 := must(s.ClaimJobs(ctx, "w3", []string{"test.a"}, t0.Add(7*time.Minute), time.Minute, 10))(t); len(g2) != 0 {
			t.Fatalf("claimed after its last attempt: %+v", g2)
		}
		j = must(s.Job(ctx, id))(t)
		if j.State != store.JobFailed || !contains(j.LastError, "lease expired") || !contains(j.LastError, "smtp down") {
			t.Fatalf("after lost last attempt = %+v", j)
		}
		// The dead worker's late report changes nothing.
		wantErr(t, s.FinishJob(ctx, g[0].Lock(), 0, 0), store.ErrLeaseLost)

		// A job whose lease ran out with attempts left is claimed again by another worker.
		id2 := must(s.EnqueueJob(ctx, "test.b", nil, store.JobOpts{}))(t)
		a := must(s.ClaimJobs(ctx, "w1", []string{"test.b"}, t0, time.Minute, 1))(t)
		b := must(s.ClaimJobs(ctx, "w2", []string{"test.b"}, t0.Add(61*time.Second), time.Minute, 1))(t)
		if len(a) != 1 || len(b) != 1 || b[0].ID != id2 || b[0].Attempts != 2 {
			t.Fatalf("takeover: %+v / %+v", a, b)
		}
		wantErr(t, s.ExtendJob(ctx, a[0].Lock(), t0.Add(time.Hour), 0, 0), store.ErrLeaseLost)
		ok(t, s.FinishJob(ctx, b[0].Lock(), 1, 1))
	})
}

func TestJobsRetryCancelScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := f.ctx
		other := vaern.Org{ID: f.B.Org.ID + 1000} // an organisation outside the centre
		mine := must(s.EnqueueJob(ctx, "test.a", nil, store.JobOpts{OrgID: f.A.Org.ID, UniqueKey: "k", MaxAttempts: 1}))(t)
		sysJob := must(s.EnqueueJob(ctx, "test.a", nil, store.JobOpts{}))(t)
		foreign := must(s.EnqueueJob(ctx, "test.a", nil, store.JobOpts{OrgID: other.ID}))(t)
		list := must(s.CentreJobs(ctx, f.Centre.ID, store.JobFilter{}))(t)
		if len(list) != 2 || list[0].ID != sysJob || list[1].ID != mine {
			t.Fatalf("centre's jobs = %+v", list)
		}
		if all := must(s.Jobs(ctx, store.JobFilter{}))(t); len(all) != 3 {
			t.Fatalf("all jobs = %d", len(all))
		}
		admin := f.centreAdmin()
		wantErr(t, s.CancelJob(ctx, admin, f.Centre.ID, foreign), vaern.ErrNotFound)
		wantErr(t, s.RetryJob(ctx, admin, f.Centre.ID, mine), vaern.ErrConflict) // queued: nothing to retry
		now := s.Now()
		c := must(s.ClaimJobs(ctx, "w", []string{"test.a"}, now, time.Minute, 1))(t)
		ok(t, s.FailJob(ctx, c[0].Lock(), "bad input", time.Time{}))
		j := must(s.Job(ctx, mine))(t)
		if j.State != store.JobFailed || j.FinishedAt.IsZero() {
			t.Fatalf("failed job = %+v", j)
		}
		// Its key is free while it is failed; a retry takes it again, unless another holds it.
		dup := must(s.EnqueueJob(ctx, "test.a", nil, store.JobOpts{UniqueKey: "k"}))(t)
		wantErr(t, s.RetryJob(ctx, admin, f.Centre.ID, mine), vaern.ErrConflict)
		ok(t, s.CancelJob(ctx, admin, f.Centre.ID, dup))
		ok(t, s.RetryJob(ctx, admin, f.Centre.ID, mine))
		j = must(s.Job(ctx, mine))(t)
		if j.State != store.JobQueued || j.Attempts != 0 || j.Key != "k" {
			t.Fatalf("retried job = %+v", j)
		}
		if again := must(s.EnqueueJob(ctx, "test.a", nil, store.JobOpts{UniqueKey: "k"}))(t); again != mine {
			t.Fatalf("the retried job does not hold its key: %d", again)
		}
		f.wantAudit(t, f.Centre.ID, admin, "job.retry", mine)
		counts := must(s.JobCounts(ctx, f.Centre.ID))(t)
		if counts[store.JobQueued] != 2 || counts[store.JobCancelled] != 1 {
			t.Fatalf("counts = %v", counts)
		}
	})
}

// Several workers claiming at once each get different jobs, and every job is claimed once.
func TestJobsConcurrentClaims(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const n = 60
		for range n {
			must(s.EnqueueJob(ctx, "test.c", nil, store.JobOpts{}))(t)
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					got, err := s.ClaimJobs(ctx, "w"+itoa(int64(w)), []string{"test.c"}, s.Now(), time.Minute, 3)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, j := range got {
						seen[j.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != n {
			t.Fatalf("claimed %d of %d jobs", len(seen), n)
		}
		for id, k := range seen {
			if k != 1 {
				t.Fatalf("job %d claimed %d times", id, k)
			}
		}
	})
}
