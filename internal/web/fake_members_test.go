package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/results"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// TestFakeMembersCannotRevealAnswers replays issue 9's second attack: the centre creates four
// members, gives them coordinators it controls, puts them and member A alone in a round, has the
// fakes answer 0, closes the round and reads the national report. No published figure may give
// A's answers away: the fakes do not count toward k, so every group is suppressed.
func TestFakeMembersCannotRevealAnswers(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{})
			ctx := context.Background()
			st := s.Store
			admin := s.Fix.Users["centre-admin"]
			ca := vaern.Actor{UserID: admin.ID, Email: admin.Email, OrgID: s.Fix.Centre.ID, Role: vaern.RoleCentreAdmin}
			if _, err := st.InstallBuiltinFrameworks(ctx, s.Fix.Centre.ID); err != nil {
				t.Fatal(err)
			}
			info, err := st.FrameworkByVersion(ctx, s.Fix.Centre.ID, "vaern-baseline", "2026")
			if err != nil {
				t.Fatal(err)
			}
			ids := []int64{s.Fix.A.ID}
			for i := 0; i < 4; i++ {
				m, err := st.CreateMember(ctx, ca, s.Fix.Centre.ID, vaern.Org{Code: fmt.Sprint(900 + i), Name: fmt.Sprintf("Falsk %d", i), Country: "DK",
					Region: "Region Midtjylland", SizeClass: vaern.SizeLarge})
				if err != nil {
					t.Fatal(err)
				}
				// The coordinator the centre controls arrives through the centre.
				if _, err := st.CreateUser(ctx, ca, store.NewUser{Email: fmt.Sprintf("falsk%d@attacker.test", i), OrgID: m.ID, Role: vaern.RoleCoordinator, External: true}); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, m.ID)
			}
			now := st.Now()
			r, err := st.CreateRound(ctx, ca, s.Fix.Centre.ID, vaern.Round{Year: now.Year(), FrameworkID: info.ID, Title: "Fælde",
				OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour)}, ids)
			if err != nil {
				t.Fatal(err)
			}
			sys := vaern.System("test")
			for i, id := range ids {
				list, _ := st.Assessments(ctx, id)
				x := list[0].ID
				v := "0"
				if i == 0 {
					v = "3" // A's answer
				}
				if err := st.ImportAnswers(ctx, sys, id, x, []store.AnswerInput{{QuestionID: "GOV-02", Value: v}}, true); err != nil {
					t.Fatal(err)
				}
				if err := st.MarkSubmitted(ctx, sys, id, x, now); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.CloseRound(ctx, ca, s.Fix.Centre.ID, r.ID); err != nil {
				t.Fatal(err)
			}
			if err := results.ComputeRound(ctx, st, r.ID, 5); err != nil {
				t.Fatal(err)
			}
			aggs, err := results.CentreAggregates(ctx, st, s.Fix.Centre.ID, r.ID, 5)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range aggs {
				if !a.Suppressed || a.Summary != nil {
					t.Errorf("published with fakes: %+v %+v", a, a.Summary)
				}
			}
			stats, _ := st.CentreRoundStats(ctx, s.Fix.Centre.ID)
			if len(stats) != 1 || stats[0].Included != 1 || stats[0].Dependent != 4 {
				t.Errorf("stats: %+v", stats)
			}
			c := s.Login(t, "centre-admin")
			for _, u := range []string{"/centre/national?round=" + fmt.Sprint(r.ID), "/centre/national/export?format=json&round=" + fmt.Sprint(r.ID),
				"/centre/national/export?format=csv&round=" + fmt.Sprint(r.ID)} {
				_, body := get(t, c, s.URL+u)
				for _, secret := range []string{"3.00", "3,00", "\"median\":3", "\"mean\":0.6"} {
					if strings.Contains(body, secret) {
						t.Errorf("%s shows %q", u, secret)
					}
				}
			}
			// A was told: four members created, and a round whose members are mostly new.
			_, dash := get(t, s.Login(t, "A:coordinator"), s.URL+"/")
			if strings.Count(dash, "Falsk ") < 4 {
				t.Error("member A's dashboard does not tell of the four new members")
			}
		})
	}
}
