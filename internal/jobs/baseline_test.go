package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/jobs"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestBaselineWorker runs the scheduler with a fixed clock: reminders a week before the deadline
// go once to the coordinator and to a delegate with open questions, and a round past its deadline
// is closed so that answers are locked.
func TestBaselineWorker(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		cph, err := time.LoadLocation("Europe/Copenhagen")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 3, 24, 9, 0, 0, 0, time.UTC)
		st.SetClock(func() time.Time { return now })
		sys := vaern.System("test")
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		centre, err := st.CreateCentre(ctx, sys, vaern.Org{Code: "CENTRE", Name: "Centret", Country: "DK"})
		must(err)
		org, err := st.CreateMember(ctx, sys, centre.ID, vaern.Org{Code: "751", Name: "Aarhus", Country: "DK", Population: 367000})
		must(err)
		// A second member that has submitted: nobody there is reminded.
		done, err := st.CreateMember(ctx, sys, centre.ID, vaern.Org{Code: "101", Name: "København", Country: "DK", Population: 650000})
		must(err)
		_, err = st.InstallBuiltinFrameworks(ctx, centre.ID)
		must(err)
		info, err := st.FrameworkByVersion(ctx, centre.ID, "vaern-baseline", "2026")
		must(err)
		_, fw, err := st.Framework(ctx, info.ID)
		must(err)
		user := func(o vaern.Org, email, lang string, role vaern.Role) vaern.User {
			u, err := st.CreateUser(ctx, sys, store.NewUser{Email: email, Name: strings.Split(email, "@")[0], Lang: lang, OrgID: o.ID, Role: role})
			must(err)
			return u
		}
		coord := user(org, "koordinator@aarhus.test", "", vaern.RoleCoordinator)
		busy := user(org, "travl@aarhus.test", "en", vaern.RoleRespondent)
		finished := user(org, "faerdig@aarhus.test", "", vaern.RoleRespondent)
		user(org, "leder@aarhus.test", "", vaern.RoleViewer)
		doneCoord := user(done, "koordinator@kbh.test", "", vaern.RoleCoordinator)

		round, err := st.CreateRound(ctx, sys, centre.ID, vaern.Round{Year: 2026, FrameworkID: info.ID, Title: "Baseline 2026",
			OpensAt: now.AddDate(0, -1, 0), ClosesAt: time.Date(2026, 3, 31, 0, 0, 0, 0, cph)}, nil) // in 6 days 13 hours
		must(err)
		list, err := st.RoundAssessments(ctx, round.ID)
		must(err)
		byOrg := map[int64]int64{}
		for _, a := range list {
			byOrg[a.OrgID] = a.ID
		}
		assessment := byOrg[org.ID]
		must(st.MarkSubmitted(ctx, vaern.Actor{UserID: doneCoord.ID, OrgID: done.ID}, done.ID, byOrg[done.ID], now))

		var orgQuestions []*framework.Question
		for _, q := range fw.Questions() {
			if q.Scope == framework.ScopeOrganisation {
				orgQuestions = append(orgQuestions, q)
			}
		}
		delegate := func(u vaern.User, q *framework.Question) {
			_, err := st.CreateDelegation(ctx, vaern.Actor{UserID: coord.ID, OrgID: org.ID}, org.ID, vaern.Delegation{AssessmentID: assessment,
				ScopeKind: vaern.DelegateQuestion, ScopeRef: q.ID, AssigneeUserID: u.ID, Due: now.Add(72 * time.Hour)}, nil)
			must(err)
		}
		delegate(busy, orgQuestions[0])
		delegate(busy, orgQuestions[1])
		delegate(finished, orgQuestions[2])
		value := "3"
		if orgQuestions[2].Answer == framework.AnswerYesPartlyNo {
			value = "yes"
		}
		_, err = st.SaveAnswer(ctx, vaern.Actor{UserID: finished.ID, OrgID: org.ID}, org.ID, assessment,
			store.AnswerInput{QuestionID: orgQuestions[2].ID, Value: value})
		must(err)

		cat, err := i18n.Load()
		must(err)
		woken := 0
		w := jobs.NewBaselineWorker(st, cat, "https://vaern.example.dk/", slog.New(slog.NewTextHandler(io.Discard, nil)))
		w.Wake = func() { woken++ }
		before, err := st.Outbox(ctx, 1000)
		must(err)

		res, err := w.RunOnce(ctx)
		must(err)
		if len(res.Closed) != 0 || res.Reminders != 2 || woken != 1 {
			t.Fatalf("first run: %+v, woken %d; want 2 reminders, nothing closed", res, woken)
		}
		mails, err := st.Outbox(ctx, 1000)
		must(err)
		mails = mails[:len(mails)-len(before)]
		var to []string
		byTo := map[string]vaern.Mail{}
		for _, m := range mails {
			to = append(to, m.To)
			byTo[m.To] = m
		}
		sort.Strings(to)
		if strings.Join(to, " ") != "koordinator@aarhus.test travl@aarhus.test" {
			t.Fatalf("reminders went to %v; want the coordinator and the delegate with open questions only", to)
		}
		link := "https://vaern.example.dk/baseline/" + strconv.FormatInt(assessment, 10)
		c := byTo[coord.Email] // no language of their own: Danish, as the member is Danish
		if !strings.Contains(c.Subject, "en uge") || !strings.Contains(c.Body, "Aarhus har endnu ikke indsendt") ||
			!strings.Contains(c.Body, "2026-03-30") || !strings.Contains(c.Body, link) {
			t.Errorf("coordinator's reminder:\n%s\n%s", c.Subject, c.Body)
		}
		b := byTo[busy.Email] // English by choice
		if !strings.Contains(b.Subject, "one week") || !strings.Contains(b.Body, "2 of the questions delegated to you") ||
			!strings.Contains(b.Body, "2026-03-30") || !strings.Contains(b.Body, link) {
			t.Errorf("delegate's reminder:\n%s\n%s", b.Subject, b.Body)
		}

		// Later the same day: nothing is sent twice.
		now = now.Add(3 * time.Hour)
		res, err = w.RunOnce(ctx)
		must(err)
		if res.Reminders != 0 {
			t.Fatalf("second run sent %d reminders again", res.Reminders)
		}

		// Past the deadline: the round closes and answers are locked.
		now = round.ClosesAt.Add(time.Minute)
		res, err = w.RunOnce(ctx)
		must(err)
		if len(res.Closed) != 1 || res.Closed[0] != round.ID || res.Reminders != 0 {
			t.Fatalf("run after the deadline: %+v", res)
		}
		r, err := st.Round(ctx, centre.ID, round.ID)
		must(err)
		if r.Status != vaern.RoundClosed {
			t.Fatalf("round status %q after its deadline", r.Status)
		}
		_, err = st.SaveAnswer(ctx, vaern.Actor{UserID: busy.ID, OrgID: org.ID}, org.ID, assessment,
			store.AnswerInput{QuestionID: orgQuestions[0].ID, Value: value})
		if !errors.Is(err, store.ErrLocked) {
			t.Fatalf("SaveAnswer after the deadline: %v, want ErrLocked", err)
		}
	})
}
