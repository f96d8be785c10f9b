package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// Every queued message has a delivery job written with it; marking it sent finishes that job in
// the same transaction. (Claims, leases and retries are the job table's, tested in jobs_test.go.)
func TestOutbox(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := &clock{now: t0}
		s.SetClock(c.Now)
		for _, to := range []string{"a@aarhus.dk", "b@aarhus.dk"} {
			ok(t, s.EnqueueMail(ctx, vaern.Mail{To: to, Subject: "Hello " + to, Body: "Body"}))
			c.Add(time.Second)
		}
		wantErr(t, s.EnqueueMail(ctx, vaern.Mail{To: "x@aarhus.dk", Subject: "Hi\nBcc: evil@example.com"}), invalid("email"))
		// A message whose transaction rolls back has no job either.
		boom := errors.New("boom")
		if err := s.Write(ctx, func(tx *store.Tx) error {
			if err := tx.EnqueueMail(ctx, vaern.Mail{To: "z@aarhus.dk", Subject: "never"}); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatal(err)
		}
		all := must(s.Outbox(ctx, 10))(t)
		if len(all) != 2 || all[0].To != "b@aarhus.dk" || !all[1].CreatedAt.Equal(t0) {
			t.Fatalf("outbox = %+v", all)
		}
		jobs := must(s.Jobs(ctx, store.JobFilter{Kind: store.MailDeliverKind}))(t)
		if len(jobs) != 2 {
			t.Fatalf("delivery jobs = %+v", jobs)
		}
		claimed := must(s.ClaimJobs(ctx, "w", []string{store.MailDeliverKind}, c.Now(), time.Minute, 10))(t)
		if len(claimed) != 2 {
			t.Fatalf("claimed %d", len(claimed))
		}
		var args store.MailArgs
		ok(t, json.Unmarshal(claimed[0].Args, &args))
		m := must(s.Mail(ctx, args.ID))(t)
		if m.To != "a@aarhus.dk" || m.Body != "Body" {
			t.Fatalf("first job's message = %+v", m)
		}
		ok(t, s.MailFailed(ctx, m.ID, c.Now().Add(time.Hour), "550 mailbox unavailable"))
		ok(t, s.MailSent(ctx, claimed[0].Lock(), m.ID))
		m = must(s.Mail(ctx, m.ID))(t)
		if m.SentAt.IsZero() || m.Attempts != 2 || m.LastError != "" {
			t.Fatalf("sent message = %+v", m)
		}
		if j := must(s.Job(ctx, claimed[0].ID))(t); j.State != store.JobDone {
			t.Fatalf("its job = %+v", j)
		}
		// A worker that lost its lease cannot mark the message sent: the newer attempt will.
		other := claimed[1].Lock()
		other.Attempt++
		wantErr(t, s.MailSent(ctx, other, 0), store.ErrLeaseLost)
	})
}
