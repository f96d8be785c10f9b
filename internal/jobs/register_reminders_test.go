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
