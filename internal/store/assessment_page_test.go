package store_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestAssessmentPageReadsAsSingleQueries checks the focus-area page's batched read (one round trip
// on PostgreSQL) gives exactly what the single-query methods give, scoped the same way: another
// organisation's id finds nothing, and a session read with it that is gone or dead says so.
func TestAssessmentPageReadsAsSingleQueries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := richFixture(t, s)
		ctx := f.ctx
		a := must(s.Assessments(ctx, f.A.Org.ID))(t)[0]
		q := store.AssessmentPageQuery{OrgID: f.A.Org.ID, UserID: f.A.Coordinator.ID, AssessmentID: a.ID, Evidence: true, WithUnits: true,
			Session: "sessionhash", Now: t0, Idle: idle}
		got := must(s.AssessmentPage(ctx, q))(t)

		if want := must(s.Assessment(ctx, f.A.Org.ID, a.ID))(t); !reflect.DeepEqual(got.Assessment, want) {
			t.Errorf("assessment = %+v, want %+v", got.Assessment, want)
		}
		if want := must(s.Units(ctx, f.A.Org.ID))(t); !reflect.DeepEqual(got.Units, want) || len(want) < 3 {
			t.Errorf("units = %+v, want %+v", got.Units, want)
		}
		if want := must(s.Answers(ctx, f.A.Org.ID, a.ID))(t); !reflect.DeepEqual(got.Answers, want) || len(want) != 8 {
			t.Errorf("answers = %+v, want %+v", got.Answers, want)
		}
		if want := must(s.EvidenceFor(ctx, f.A.Org.ID, a.ID))(t); !reflect.DeepEqual(got.Evidence, want) || len(want) != 1 {
			t.Errorf("evidence = %+v, want %+v", got.Evidence, want)
		}
		if want := must(s.UnreadNotifications(ctx, f.A.Org.ID, f.A.Coordinator.ID))(t); got.Unread != want {
			t.Errorf("unread = %d, want %d", got.Unread, want)
		}
		if want := must(s.LoadSession(ctx, "sessionhash", t0, idle))(t); !reflect.DeepEqual(got.Principal, want) {
			t.Errorf("principal = %+v, want %+v", got.Principal, want)
		}

		// Without the optional parts, they are not read.
		plain := must(s.AssessmentPage(ctx, store.AssessmentPageQuery{OrgID: f.A.Org.ID, AssessmentID: a.ID}))(t)
		if plain.Principal != nil || plain.Units != nil || len(plain.Evidence) != 0 || len(plain.Answers) != 8 {
			t.Errorf("plain read = %+v", plain)
		}

		// Member B asking for A's assessment finds nothing, and is told nothing of A's answers.
		foreign := q
		foreign.OrgID, foreign.UserID, foreign.Session = f.B.Org.ID, f.B.Coordinator.ID, ""
		res, err := s.AssessmentPage(ctx, foreign)
		wantErr(t, err, vaern.ErrNotFound)
		if len(res.Answers) != 0 || len(res.Evidence) != 0 {
			t.Errorf("foreign read returned A's answers: %+v", res)
		}

		// A dead session is reported, whatever the rest found.
		late := q
		late.Now = t0.Add(idle + time.Minute)
		if _, err := s.AssessmentPage(ctx, late); !errors.Is(err, store.ErrSessionGone) {
			t.Errorf("idle session: err = %v, want ErrSessionGone", err)
		}
		ok(t, s.DeleteSession(ctx, "sessionhash"))
		if res, err := s.AssessmentPage(ctx, q); !errors.Is(err, store.ErrSessionGone) || res.Principal != nil {
			t.Errorf("deleted session: err = %v, principal %+v", err, res.Principal)
		}
	})
}

// TestReportPageReadsAsSingleQueries checks the report page's batched read gives what ReportMark,
// UnreadNotifications and LoadSession give, that another organisation's id finds nothing, and that
// a dead session is reported.
func TestReportPageReadsAsSingleQueries(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := richFixture(t, s)
		ctx := f.ctx
		a := must(s.Assessments(ctx, f.A.Org.ID))(t)[0]
		q := store.ReportPageQuery{OrgID: f.A.Org.ID, UserID: f.A.Coordinator.ID, AssessmentID: a.ID, Session: "sessionhash", Now: t0, Idle: idle}
		got := must(s.ReportPage(ctx, q))(t)
		if want := must(s.ReportMark(ctx, f.A.Org.ID, a.ID))(t); got.Mark != want || want.RoundMembers == 0 {
			t.Errorf("mark = %+v, want %+v", got.Mark, want)
		}
		if want := must(s.UnreadNotifications(ctx, f.A.Org.ID, f.A.Coordinator.ID))(t); got.Unread != want {
			t.Errorf("unread = %d, want %d", got.Unread, want)
		}
		if want := must(s.LoadSession(ctx, "sessionhash", t0, idle))(t); !reflect.DeepEqual(got.Principal, want) {
			t.Errorf("principal = %+v, want %+v", got.Principal, want)
		}
		if plain := must(s.ReportPage(ctx, store.ReportPageQuery{OrgID: f.A.Org.ID, AssessmentID: a.ID}))(t); plain.Principal != nil || plain.Mark != got.Mark {
			t.Errorf("plain read = %+v", plain)
		}

		foreign := q
		foreign.OrgID, foreign.UserID, foreign.Session = f.B.Org.ID, f.B.Coordinator.ID, ""
		res, err := s.ReportPage(ctx, foreign)
		wantErr(t, err, vaern.ErrNotFound)
		if res.Mark != (store.ReportMark{}) {
			t.Errorf("foreign read returned A's mark: %+v", res.Mark)
		}

		late := q
		late.Now = t0.Add(idle + time.Minute)
		if _, err := s.ReportPage(ctx, late); !errors.Is(err, store.ErrSessionGone) {
			t.Errorf("idle session: err = %v, want ErrSessionGone", err)
		}
	})
}
