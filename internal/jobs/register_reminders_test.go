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
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func TestRegisterReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
		st.SetClock(func() time.Time { return now })
		sys := vaern.System("test")
		c, _ := st.CreateCentre(ctx, sys, vaern.Org{Code: "C", Name: "Centre", Country: "DK"})
		m, _ := st.CreateMember(ctx, sys, c.ID, vaern.Org{Code: "751", Name: "Aarhus", Country: "DK"})
		u, err := st.CreateUser(ctx, sys, store.NewUser{Email: "owner@aarhus.dk", Name: "Mette", Lang: "da", OrgID: m.ID, Role: vaern.RoleRespondent})
		if err != nil {
			t.Fatal(err)
		}
		s, _ := st.CreateSystem(ctx, sys, m.ID, vaern.ITSystem{Name: "Aula", SystemOwnerID: u.ID})
		if _, err := st.CreateRiskAssessment(ctx, sys, m.ID, vaern.RiskAssessment{SystemID: s.ID, Threat: "ransomware", Likelihood: 3, Consequence: 3, ReviewMonths: 1}); err != nil {
			t.Fatal(err)
		}
		cat, _ := i18n.Load()
		w := jobs.NewRegisterReminders(st, cat, "https://vaern.example.dk", slog.New(slog.NewTextHandler(io.Discard, nil)))
		if n, err := w.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("a month early: %d %v", n, err)
		}
		now = now.AddDate(0, 0, 25) // within a week of the review
		if n, err := w.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("due: %d %v", n, err)
		}
		if n, _ := w.RunOnce(ctx); n != 0 {
			t.Fatalf("reminded twice: %d", n)
		}
		box, _ := st.Outbox(ctx, 10)
		if len(box) != 1 || box[0].To != "owner@aarhus.dk" || !strings.Contains(box[0].Subject, "Risikogennemgang") ||
			!strings.Contains(box[0].Body, "Ransomware") || !strings.Contains(box[0].Body, "https://vaern.example.dk/register/risks/") {
			t.Fatalf("mail %+v", box)
		}
	})
}

// TestRegisterRemindersReachContacts: an owner who is a contact (no account) with an e-mail gets
// the risk review and data-processing agreement reminders by e-mail, as plain text without a
// link they could not open, once even when they own the system twice; a contact without an
// e-mail gets nothing, and the users still get theirs.
func TestRegisterRemindersReachContacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
		st.SetClock(func() time.Time { return now })
		sys := vaern.System("test")
		c, _ := st.CreateCentre(ctx, sys, vaern.Org{Code: "C", Name: "Centre", Country: "DK"})
		m, _ := st.CreateMember(ctx, sys, c.ID, vaern.Org{Code: "751", Name: "Aarhus", Country: "DK"})
		u, err := st.CreateUser(ctx, sys, store.NewUser{Email: "owner@aarhus.dk", Name: "Mette", Lang: "da", OrgID: m.ID, Role: vaern.RoleRespondent})
		if err != nil {
			t.Fatal(err)
		}
		karen, err := st.CreateContact(ctx, sys, m.ID, vaern.Contact{Name: "Karen Holm", Email: "karen@leverandor.dk"})
		if err != nil {
			t.Fatal(err)
		}
		quiet, err := st.CreateContact(ctx, sys, m.ID, vaern.Contact{Name: "Uden Mail"})
		if err != nil {
			t.Fatal(err)
		}
		aula, err := st.CreateSystem(ctx, sys, m.ID, vaern.ITSystem{Name: "Aula", SystemOwnerContactID: karen.ID, DataOwnerContactID: karen.ID,
			DPAStatus: vaern.DPASigned, DPAReview: now.AddDate(0, 0, 3)})
		if err != nil {
			t.Fatal(err)
		}
		nexus, err := st.CreateSystem(ctx, sys, m.ID, vaern.ITSystem{Name: "Nexus", SystemOwnerContactID: quiet.ID, DataOwnerID: u.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{aula.ID, nexus.ID} {
			if _, err := st.CreateRiskAssessment(ctx, sys, m.ID, vaern.RiskAssessment{SystemID: id, Threat: "ransomware", Likelihood: 3, Consequence: 3, ReviewMonths: 1}); err != nil {
				t.Fatal(err)
			}
		}
		cat, _ := i18n.Load()
		w := jobs.NewRegisterReminders(st, cat, "https://vaern.example.dk", slog.New(slog.NewTextHandler(io.Discard, nil)))
		now = now.AddDate(0, 0, 25)
		if n, err := w.RunOnce(ctx); err != nil || n != 3 {
			t.Fatalf("due: %d %v", n, err)
		}
		box, _ := st.Outbox(ctx, 20)
		to := map[string][]vaern.Mail{}
		for _, x := range box {
			to[x.To] = append(to[x.To], x)
		}
		if len(to["karen@leverandor.dk"]) != 2 || len(to["owner@aarhus.dk"]) != 1 || len(box) != 3 {
			t.Fatalf("mails %+v, want two to the contact (risk review and agreement) and one to the user", box)
		}
		for _, x := range to["karen@leverandor.dk"] {
			if !strings.Contains(x.Body, "Karen Holm") || !strings.Contains(x.Body, "Aula") || strings.Contains(x.Body, "https://") ||
				!strings.Contains(x.Body, "koordinator") {
				t.Errorf("the contact's mail %q: %s", x.Subject, x.Body)
			}
		}
	})
}
