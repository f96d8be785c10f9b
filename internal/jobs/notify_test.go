package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/jobs"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestAgreementReviewAndDigest: a data-processing agreement due for review tells its system owner
// once, by e-mail even though they switched that kind off (it is a legal deadline); a kind they
// chose the digest for waits for the morning's digest, which goes out once.
func TestAgreementReviewAndDigest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		cph, _ := time.LoadLocation("Europe/Copenhagen")
		now := time.Date(2025, 3, 1, 9, 0, 0, 0, cph)
		st.SetClock(func() time.Time { return now })
		sys := vaern.System("test")
		c, _ := st.CreateCentre(ctx, sys, vaern.Org{Code: "C", Name: "Centre", Country: "DK"})
		m, _ := st.CreateMember(ctx, sys, c.ID, vaern.Org{Code: "4601", Name: "Bergen", Country: "NO"})
		other, _ := st.CreateMember(ctx, sys, c.ID, vaern.Org{Code: "751", Name: "Aarhus", Country: "DK"})
		owner, err := st.CreateUser(ctx, sys, store.NewUser{Email: "eier@bergen.no", Name: "Kari", OrgID: m.ID, Role: vaern.RoleRespondent})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateUser(ctx, sys, store.NewUser{Email: "koordinator@aarhus.dk", OrgID: other.ID, Role: vaern.RoleCoordinator}); err != nil {
			t.Fatal(err)
		}
		cat, _ := i18n.Load()
		n := notify.New(cat, "https://vaern.example.no")
		n.Attach(st)
		if err := st.SetNotifyPrefs(ctx, sys, m.ID, owner.ID, []vaern.NotifyPref{{Kind: notify.RiskReview, Mode: vaern.NotifyDigest}}, notify.IsLegal); err != nil {
			t.Fatal(err)
		}
		// The store alone would refuse switching the legal kind off, so write the choice as an older
		// version might have left it: the sender must still treat it as at once.
		if err := st.SetNotifyPrefs(ctx, sys, m.ID, owner.ID, []vaern.NotifyPref{{Kind: notify.DPAReview, Mode: vaern.NotifyOff}},
			func(string) bool { return false }); err != nil {
			t.Fatal(err)
		}
		s, err := st.CreateSystem(ctx, sys, m.ID, vaern.ITSystem{Name: "Visma Flyt", Supplier: "Visma", SystemOwnerID: owner.ID,
			DPAStatus: vaern.DPASigned, DPAReview: now.AddDate(0, 0, 5)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateRiskAssessment(ctx, sys, m.ID, vaern.RiskAssessment{SystemID: s.ID, Threat: "ransomware", Likelihood: 3, Consequence: 3, ReviewMonths: 1}); err != nil {
			t.Fatal(err)
		}
		w := jobs.NewRegisterReminders(st, cat, "https://vaern.example.no", slog.New(slog.NewTextHandler(io.Discard, nil)))
		now = now.AddDate(0, 0, 25)
		if k, err := w.RunOnce(ctx); err != nil || k != 2 {
			t.Fatalf("reminders: %d %v, want the agreement and the risk review", k, err)
		}
		if k, err := w.RunOnce(ctx); err != nil || k != 0 {
			t.Fatalf("reminded again: %d %v", k, err)
		}
		box, _ := st.Outbox(ctx, 10)
		if len(box) != 1 || box[0].To != owner.Email || !strings.Contains(box[0].Subject, "Databehandleravtale") || !strings.Contains(box[0].Body, "Visma") ||
			!strings.Contains(box[0].Body, "https://vaern.example.no/register/systems/") {
			t.Fatalf("outbox %+v", box)
		}
		ns, _ := st.Notifications(ctx, m.ID, owner.ID, 10)
		if len(ns) != 2 || ns[0].Kind != notify.DPAReview || ns[0].Mail != "sent" || ns[1].Mail != "digest" {
			t.Fatalf("notifications %+v", ns)
		}

		d := jobs.NewDigestWorker(st, n, slog.New(slog.NewTextHandler(io.Discard, nil)))
		// Today's digest went out at 07:00, before the risk review was due: nothing yet.
		if k, err := d.RunOnce(ctx); err != nil || k != 0 {
			t.Fatalf("digest before its hour: %d %v", k, err)
		}
		now = time.Date(now.Year(), now.Month(), now.Day()+1, 7, 5, 0, 0, cph)
		if k, err := d.RunOnce(ctx); err != nil || k != 1 {
			t.Fatalf("digest: %d %v", k, err)
		}
		if k, _ := d.RunOnce(ctx); k != 0 {
			t.Fatal("digest sent twice")
		}
		box, _ = st.Outbox(ctx, 10)
		if len(box) != 2 || box[0].To != owner.Email || !strings.Contains(box[0].Subject, "1 varsler") || !strings.Contains(box[0].Body, "Risikogjennomgang") {
			t.Fatalf("digest %+v", box[0])
		}
	})
}
