package store_test

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func mailIDs(ms []vaern.Mail) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestOutbox(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{now: t0}
		s.SetClock(c.Now)
		for _, to := range []string{"a@aarhus.dk", "b@aarhus.dk", "c@aarhus.dk"} {
			ok(t, s.EnqueueMail(ctx, vaern.Mail{To: to, Subject: "Hello " + to, Body: "Body"}))
			c.Add(time.Second)
		}
		wantErr(t, s.EnqueueMail(ctx, vaern.Mail{To: "x@aarhus.dk", Subject: "Hi\nBcc: evil@example.com"}), invalid("email"))
		all := must(s.Outbox(ctx, 10))(t)
		if len(all) != 3 || all[0].To != "c@aarhus.dk" || all[2].To != "a@aarhus.dk" || !all[2].CreatedAt.Equal(t0) {
			t.Fatalf("outbox = %+v", all)
		}
		a, b, cc := all[2].ID, all[1].ID, all[0].ID
		const lease = 5 * time.Minute

		// Nothing is due before it was queued.
		if got := must(s.ClaimMail(ctx, t0.Add(-time.Second), lease, 10))(t); len(got) != 0 {
			t.Fatalf("claimed before due: %+v", got)
		}
		now := t0.Add(time.Minute)
		first := must(s.ClaimMail(ctx, now, lease, 2))(t)
		if !sameIDs(mailIDs(first), []int64{a, b}) || first[0].Subject != "Hello a@aarhus.dk" || first[0].Body != "Body" || first[0].Attempts != 0 {
			t.Fatalf("first claim = %+v", first)
		}
		second := must(s.ClaimMail(ctx, now, lease, 10))(t)
		if !sameIDs(mailIDs(second), []int64{cc}) {
			t.Fatalf("second claim = %v, want only %d", mailIDs(second), cc)
		}
		if got := must(s.ClaimMail(ctx, now, lease, 10))(t); len(got) != 0 {
			t.Fatalf("a claim at the same time got leased mail: %v", mailIDs(got))
		}
		if got := must(s.ClaimMail(ctx, now.Add(lease-time.Millisecond), lease, 10))(t); len(got) != 0 {
			t.Fatalf("claimed before the lease ran out: %v", mailIDs(got))
		}

		// a is sent; b fails and is retried later; c's lease runs out unsent.
		ok(t, s.MailSent(ctx, a, now.Add(time.Second)))
		retry := now.Add(time.Hour)
		ok(t, s.MailFailed(ctx, b, retry, "550 mailbox unavailable"))
		later := must(s.ClaimMail(ctx, now.Add(lease), lease, 10))(t)
		if !sameIDs(mailIDs(later), []int64{cc}) {
			t.Fatalf("after the lease: claimed %v, want only %d", mailIDs(later), cc)
		}
		byID := map[int64]vaern.Mail{}
		for _, m := range must(s.Outbox(ctx, 10))(t) {
			byID[m.ID] = m
		}
		if m := byID[a]; !m.SentAt.Equal(now.Add(time.Second)) || m.Attempts != 1 || m.LastError != "" {
			t.Fatalf("sent mail = %+v", m)
		}
		if m := byID[b]; !m.SentAt.IsZero() || m.Attempts != 1 || m.LastError != "550 mailbox unavailable" || !m.NextAttemptAt.Equal(retry) {
			t.Fatalf("failed mail = %+v", m)
		}
		// Just before b's retry only c (whose lease ran out again) is due.
		if got := must(s.ClaimMail(ctx, retry.Add(-time.Millisecond), lease, 10))(t); !sameIDs(mailIDs(got), []int64{cc}) {
			t.Fatalf("before the retry: claimed %v, want only %d", mailIDs(got), cc)
		}
		got := must(s.ClaimMail(ctx, retry, lease, 10))(t)
		if !sameIDs(mailIDs(got), []int64{b}) || got[0].Attempts != 1 {
			t.Fatalf("retry claim = %+v", got)
		}
		// A success after a failure clears the error; a sent mail is never claimed again.
		ok(t, s.MailSent(ctx, b, retry))
		if m := must(s.Outbox(ctx, 10))(t); m[1].ID != b || m[1].Attempts != 2 || m[1].LastError != "" {
			t.Fatalf("b after success = %+v", m[1])
		}
		if got := must(s.ClaimMail(ctx, retry.Add(24*time.Hour), lease, 10))(t); !sameIDs(mailIDs(got), []int64{cc}) {
			t.Fatalf("final claim = %v, want only the unsent %d", mailIDs(got), cc)
		}
	})
}

func TestClaimMailConcurrently(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.SetClock(func() time.Time { return t0 })
		const mails, workers = 40, 8
		for i := 0; i < mails; i++ {
			ok(t, s.EnqueueMail(ctx, vaern.Mail{To: "m@aarhus.dk", Subject: "s"}))
		}
		var mu sync.Mutex
		var claimed []int64
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					got, err := s.ClaimMail(ctx, t0, time.Minute, 3)
					if err != nil {
						errs <- err
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					claimed = append(claimed, mailIDs(got)...)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		sort.Slice(claimed, func(i, j int) bool { return claimed[i] < claimed[j] })
		if len(claimed) != mails {
			t.Fatalf("claimed %d mails, want each of %d exactly once", len(claimed), mails)
		}
		for i := 1; i < len(claimed); i++ {
			if claimed[i] == claimed[i-1] {
				t.Fatalf("mail %d claimed twice", claimed[i])
			}
		}
	})
}
