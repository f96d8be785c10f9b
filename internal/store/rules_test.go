package store_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// The rules that guard writes are checked inside the store's transactions, so that a caller that
// skips the handler (a job, the API, a script, a test) cannot get past them.

// roundFixture is the fixture with a round on the built-in NIS2 framework (which has unit
// questions) for A and B.
func roundFixture(t *testing.T, s *store.Store) (*fixture, *framework.Framework, int64) {
	t.Helper()
	f := newFixture(t, s)
	fw := builtin(t, "nis2-art21", "2024")
	info := must(s.SaveFramework(f.ctx, f.centreAdmin(), f.Centre.ID, fw, true, false))(t)
	must(s.CreateRound(f.ctx, f.centreAdmin(), f.Centre.ID, vaern.Round{Year: 2025, FrameworkID: info.ID, Title: "Runde 2025",
		OpensAt: t0.Add(-time.Hour), ClosesAt: t0.Add(30 * 24 * time.Hour)}, []int64{f.A.Org.ID, f.B.Org.ID}))(t)
	as := must(s.Assessments(f.ctx, f.A.Org.ID))(t)
	return f, fw, as[0].ID
}

func builtin(t *testing.T, id, version string) *framework.Framework {
	t.Helper()
	fws, err := framework.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, fw := range fws {
		if fw.ID == id && fw.Version == version {
			return fw
		}
	}
	t.Fatalf("no built-in framework %s %s", id, version)
	return nil
}

func orgQuestions(fw *framework.Framework) []*framework.Question {
	var out []*framework.Question
	for _, q := range fw.Questions() {
		if q.Scope == framework.ScopeOrganisation {
			out = append(out, q)
		}
	}
	return out
}

func TestSubmitNeedsEveryAnswerApproved(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f, fw, aid := roundFixture(t, s)
		qs := orgQuestions(fw)
		submit := func() error { return s.SubmitAssessment(f.ctx, f.coordA(), f.A.Org.ID, aid) }
		missing := func(t *testing.T, err error, want int) {
			t.Helper()
			var ue *baseline.UnapprovedError
			if !errors.As(err, &ue) || ue.Missing != want {
				t.Fatalf("submit: %v, want %d answers missing or not approved", err, want)
			}
			wantErr(t, err, invalid("assessment")) // shown on forms and in the API as a validation error
		}
		missing(t, submit(), len(qs))

		// Every answer given, one of them only answered, not approved: still refused.
		var in []store.AnswerInput
		for _, q := range qs[1:] {
			in = append(in, store.AnswerInput{QuestionID: q.ID, Value: "dontknow"})
		}
		ok(t, s.ImportAnswers(f.ctx, sys, f.A.Org.ID, aid, in, true))
		must(s.SaveAnswer(f.ctx, f.coordA(), f.A.Org.ID, aid, store.AnswerInput{QuestionID: qs[0].ID, Value: "dontknow"}))(t)
		missing(t, submit(), 1)
		if a := must(s.Assessment(f.ctx, f.A.Org.ID, aid))(t); !a.SubmittedAt.IsZero() {
			t.Fatal("a refused submission marked the assessment submitted")
		}

		// An answering unit adds its unit questions to what must be approved.
		ok(t, s.ReviewAnswer(f.ctx, f.coordA(), f.A.Org.ID, aid, qs[0].ID, 0, true, ""))
		ok(t, s.SetAssessmentUnits(f.ctx, f.coordA(), f.A.Org.ID, aid, []int64{f.A.Dept.ID}))
		unitQs := len(fw.Questions()) - len(qs)
		if unitQs == 0 {
			t.Fatal("the framework has no unit questions")
		}
		missing(t, submit(), unitQs)
		ok(t, s.SetAssessmentUnits(f.ctx, f.coordA(), f.A.Org.ID, aid, nil))
		ok(t, submit())
	})
}

func TestSaveAnswerChecksWhoMayAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f, fw, aid := roundFixture(t, s)
		qs := orgQuestions(fw)
		save := func(u vaern.User, role vaern.Role, q string, unit int64, v string) error {
			_, err := s.SaveAnswer(f.ctx, f.actor(u, f.A.Org.ID, role), f.A.Org.ID, aid, store.AnswerInput{QuestionID: q, UnitID: unit, Value: v})
			return err
		}
		// A respondent without a delegation, and a viewer, may answer nothing.
		wantErr(t, save(f.A.Respondent, vaern.RoleRespondent, qs[0].ID, 0, "dontknow"), vaern.ErrForbidden)
		wantErr(t, save(f.A.Viewer, vaern.RoleViewer, qs[0].ID, 0, "dontknow"), vaern.ErrForbidden)
		// The role the store reads is the one in the organisation now, not the one the caller claims.
		wantErr(t, save(f.A.Respondent, vaern.RoleCoordinator, qs[0].ID, 0, "dontknow"), vaern.ErrForbidden)
		// A person of another organisation may answer nothing here.
		wantErr(t, save(f.B.Coordinator, vaern.RoleCoordinator, qs[0].ID, 0, "dontknow"), vaern.ErrForbidden)

		d := must(s.CreateDelegation(f.ctx, f.coordA(), f.A.Org.ID, vaern.Delegation{AssessmentID: aid, ScopeKind: vaern.DelegateQuestion,
			ScopeRef: qs[0].ID, AssigneeUserID: f.A.Respondent.ID, Due: t0.Add(24 * time.Hour)}, nil))(t)
		ok(t, save(f.A.Respondent, vaern.RoleRespondent, qs[0].ID, 0, "dontknow"))
		wantErr(t, save(f.A.Respondent, vaern.RoleRespondent, qs[1].ID, 0, "dontknow"), vaern.ErrForbidden)
		// Withdrawn, the delegation no longer lets the respondent answer.
		ok(t, s.DeleteDelegation(f.ctx, f.coordA(), f.A.Org.ID, d.ID))
		wantErr(t, save(f.A.Respondent, vaern.RoleRespondent, qs[0].ID, 0, "dontknow"), vaern.ErrForbidden)

		// The coordinator answers everything, with values the question takes, for units that fit.
		ok(t, save(f.A.Coordinator, vaern.RoleCoordinator, qs[1].ID, 0, "dontknow"))
		wantErr(t, save(f.A.Coordinator, vaern.RoleCoordinator, qs[1].ID, 0, "maybe"), invalid("value"))
		wantErr(t, save(f.A.Coordinator, vaern.RoleCoordinator, "NO-SUCH-QUESTION", 0, "dontknow"), invalid("q"))
		wantErr(t, save(f.A.Coordinator, vaern.RoleCoordinator, qs[1].ID, f.A.Dept.ID, "dontknow"), invalid("unit"))
		var unitQ *framework.Question
		for _, q := range fw.Questions() {
			if q.Scope == framework.ScopeUnit {
				unitQ = q
				break
			}
		}
		ok(t, save(f.A.Coordinator, vaern.RoleCoordinator, unitQ.ID, f.A.Dept.ID, "dontknow"))
		wantErr(t, save(f.A.Coordinator, vaern.RoleCoordinator, unitQ.ID, f.B.Dept.ID, "dontknow"), vaern.ErrNotFound)

		// Nothing refused was written.
		if n := count(t, s, "SELECT COUNT(*) FROM answers WHERE assessment_id = ?", aid); n != 3 {
			t.Fatalf("%d answers stored, want 3", n)
		}
	})
}

func TestDelegationGoesToSomeoneWhoCanAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f, fw, aid := roundFixture(t, s)
		q := orgQuestions(fw)[0].ID
		delegate := func(user, unit int64) error {
			_, err := s.CreateDelegation(f.ctx, f.coordA(), f.A.Org.ID, vaern.Delegation{AssessmentID: aid, ScopeKind: vaern.DelegateQuestion,
				ScopeRef: q, AssigneeUserID: user, AssigneeUnitID: unit, Due: t0.Add(24 * time.Hour)}, nil)
			return err
		}
		// Team's only person is a viewer; Schools has nobody.
		wantErr(t, delegate(f.A.Viewer.ID, 0), invalid("assignee"))
		wantErr(t, delegate(0, f.A.Team.ID), invalid("assignee"))
		wantErr(t, delegate(0, f.A.Other.ID), invalid("assignee"))
		wantErr(t, delegate(f.B.Respondent.ID, 0), invalid("assignee"))
		wantErr(t, delegate(0, f.B.Dept.ID), invalid("assignee"))
		if n := count(t, s, "SELECT COUNT(*) FROM delegations"); n != 0 {
			t.Fatalf("%d delegations stored after refusals", n)
		}
		ok(t, delegate(f.A.Respondent.ID, 0))
		ok(t, delegate(f.A.Coordinator.ID, 0))
		ok(t, delegate(0, f.A.Dept.ID)) // the respondent is in it
	})
}

func TestSaveFrameworkChecksSupersedes(t *testing.T) {
	src, err := os.ReadFile("../framework/builtin/vaern-baseline-2026.yaml")
	if err != nil {
		t.Fatal(err)
	}
	line := "    - {from: GOV-02, to: GOV-02, change: same}\n"
	if !strings.Contains(string(src), line) {
		t.Fatalf("the 2026 baseline no longer maps GOV-02 as %q", line)
	}
	broken, err := framework.Parse("broken.yaml", []byte(strings.Replace(string(src), line, "    - {to: GOV-02, change: new}\n", 1)))
	if err != nil {
		t.Fatalf("with GOV-02 new instead of mapped the file should still parse on its own: %v", err)
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		must(s.SaveFramework(f.ctx, f.centreAdmin(), f.Centre.ID, builtin(t, "vaern-baseline", "2025"), true, false))(t)
		_, err := s.SaveFramework(f.ctx, f.centreAdmin(), f.Centre.ID, broken, false, false)
		var ve *framework.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(ve.Error(), "GOV-02") {
			t.Fatalf("save with a mapping that leaves out GOV-02: %v, want the problem named", err)
		}
		if _, err := s.FrameworkByVersion(f.ctx, f.Centre.ID, "vaern-baseline", "2026"); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("the refused framework was stored: %v", err)
		}
		must(s.SaveFramework(f.ctx, f.centreAdmin(), f.Centre.ID, builtin(t, "vaern-baseline", "2026"), true, false))(t)
	})
}
