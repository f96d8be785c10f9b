package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/results"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestRoundResults runs a round with A, B and five more members, closes it and checks the stored
// results, the aggregates with their suppression and opt-out, and the tenant scoping.
func TestRoundResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := f.ctx
		if _, err := s.InstallBuiltinFrameworks(ctx, f.Centre.ID); err != nil {
			t.Fatal(err)
		}
		info := must(s.FrameworkByVersion(ctx, f.Centre.ID, "vaern-baseline", "2026"))(t)
		var extra []vaern.Org
		for i := 0; i < 5; i++ {
			extra = append(extra, must(s.CreateMember(ctx, sys, f.Centre.ID, vaern.Org{Code: fmt.Sprint(900 + i), Name: fmt.Sprint("Kommune ", i),
				Country: "DK", Region: "Region", Population: 100000, SizeClass: vaern.SizeLarge}))(t))
		}
		r := must(s.CreateRound(ctx, f.centreAdmin(), f.Centre.ID, vaern.Round{Year: 2025, FrameworkID: info.ID, Title: "Baseline 2025",
			OpensAt: t0, ClosesAt: t0.Add(30 * 24 * time.Hour)}, nil))(t)
		// Every member answers GOV-02 (maturity) with a level of its own: A 1, B 2, the others 3, 4, 5, 0, 2.
		levels := map[int64]string{f.A.Org.ID: "1", f.B.Org.ID: "2"}
		for i, o := range extra {
			levels[o.ID] = []string{"3", "4", "5", "0", "2"}[i]
		}
		ids := map[int64]int64{}
		for org, level := range levels {
			list := must(s.Assessments(ctx, org))(t)
			ids[org] = list[0].ID
			if err := s.ImportAnswers(ctx, sys, org, list[0].ID, []store.AnswerInput{{QuestionID: "GOV-02", Value: level}}, true); err != nil {
				t.Fatal(err)
			}
			if err := s.MarkSubmitted(ctx, sys, org, list[0].ID, t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
		// B opts out: 6 members are included.
		if err := s.SetBenchmarkOptOut(ctx, f.coordB(), f.B.Org.ID, ids[f.B.Org.ID], true); err != nil {
			t.Fatal(err)
		}
		if err := results.StoreAssessment(ctx, s, f.A.Org.ID, ids[f.A.Org.ID]); err != nil {
			t.Fatal(err)
		}
		res, _, ok, err := results.AssessmentResult(ctx, s, f.A.Org.ID, ids[f.A.Org.ID])
		if err != nil || !ok || res.Overall == nil || *res.Overall != 1 {
			t.Fatalf("A's stored result: %v %v %v", res.Overall, ok, err)
		}
		if _, _, ok, _ := results.AssessmentResult(ctx, s, f.B.Org.ID, ids[f.A.Org.ID]); ok {
			t.Error("B can read A's stored result")
		}
		if err := s.CloseRound(ctx, f.centreAdmin(), f.Centre.ID, r.ID); err != nil {
			t.Fatal(err)
		}
		pending := must(s.RoundsWithoutResults(ctx, 5))(t)
		if len(pending) != 1 || pending[0] != r.ID {
			t.Fatalf("rounds without results: %v", pending)
		}
		if err := results.ComputeRound(ctx, s, r.ID, 5); err != nil {
			t.Fatal(err)
		}
		if p := must(s.RoundsWithoutResults(ctx, 5))(t); len(p) != 0 {
			t.Errorf("still without results: %v", p)
		}
		if p := must(s.RoundsWithoutResults(ctx, 6))(t); len(p) != 1 {
			t.Errorf("a new k should ask for a new computation: %v", p)
		}
		stats := must(s.CentreRoundStats(ctx, f.Centre.ID))(t)
		if len(stats) != 1 || stats[0].Invited != 7 || stats[0].Submitted != 7 || stats[0].Included != 6 || stats[0].OptedOut != 1 {
			t.Fatalf("stats: %+v", stats)
		}
		aggs := must(results.CentreAggregates(ctx, s, f.Centre.ID, r.ID, 5))(t)
		byKey := map[string]results.Aggregate{}
		for _, a := range aggs {
			byKey[a.Area+"|"+a.Group] = a
		}
		// Overall scores of the six: GOV-02 is the only answer, so overall = level: 1 3 4 5 0 2.
		all := byKey["|all"]
		if all.Suppressed || all.Summary == nil || all.Summary.N != 6 || all.Summary.Median != 2.5 || all.Summary.P10 != 1 || all.Summary.P90 != 4 {
			t.Fatalf("all: %+v %+v", all, all.Summary)
		}
		// NO has no included member (B opted out); DK has all six.
		if _, ok := byKey["|country:NO"]; ok {
			t.Error("an opted-out member's country appears")
		}
		// With k = 7 everything is suppressed, without figures and counts.
		for _, a := range must(results.CentreAggregates(ctx, s, f.Centre.ID, r.ID, 7))(t) {
			if !a.Suppressed || a.Summary != nil || a.N != 0 {
				t.Errorf("k 7: %+v", a)
			}
		}
		// The member reads the aggregates of its own round; another centre's id is not found.
		if _, err := results.MemberAggregates(ctx, s, f.A.Org.ID, r.ID, 5); err != nil {
			t.Error(err)
		}
		if _, err := results.MemberAggregates(ctx, s, f.A.Org.ID, r.ID+99, 5); !errors.Is(err, vaern.ErrNotFound) {
			t.Errorf("foreign round: %v", err)
		}
		if got := must(results.CentreAggregates(ctx, s, f.A.Org.ID, r.ID, 5))(t); len(got) != 0 {
			t.Errorf("a member id as centre sees %d aggregates", len(got))
		}
		hist := must(s.AssessmentHistory(ctx, f.A.Org.ID))(t)
		if len(hist) != 1 || hist[0].Year != 2025 || results.DecodeScores(hist[0].Scores)["GOV-02"] != 1 {
			t.Errorf("history: %+v", hist)
		}
	})
}

func TestActions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := f.ctx
		if _, err := s.InstallBuiltinFrameworks(ctx, f.Centre.ID); err != nil {
			t.Fatal(err)
		}
		info := must(s.FrameworkByVersion(ctx, f.Centre.ID, "vaern-baseline", "2026"))(t)
		must(s.CreateRound(ctx, f.centreAdmin(), f.Centre.ID, vaern.Round{Year: 2025, FrameworkID: info.ID, Title: "Baseline 2025",
			OpensAt: t0, ClosesAt: t0.Add(30 * 24 * time.Hour)}, nil))(t)
		xa := must(s.Assessments(ctx, f.A.Org.ID))(t)[0]
		xb := must(s.Assessments(ctx, f.B.Org.ID))(t)[0]
		if _, err := s.CreateAction(ctx, f.coordA(), f.A.Org.ID, vaern.Action{AssessmentID: xa.ID, Title: " "}); !isInvalid(err, "title") {
			t.Errorf("empty title: %v", err)
		}
		if _, err := s.CreateAction(ctx, f.coordA(), f.A.Org.ID, vaern.Action{AssessmentID: xb.ID, Title: "x"}); !errors.Is(err, vaern.ErrNotFound) {
			t.Errorf("B's assessment: %v", err)
		}
		if _, err := s.CreateAction(ctx, f.coordA(), f.A.Org.ID, vaern.Action{AssessmentID: xa.ID, Title: "x", OwnerID: f.B.Viewer.ID}); !isInvalid(err, "owner") {
			t.Errorf("B's user as owner: %v", err)
		}
		due := t0.Add(60 * 24 * time.Hour)
		x := must(s.CreateAction(ctx, f.coordA(), f.A.Org.ID, vaern.Action{AssessmentID: xa.ID, QuestionID: "GOV-01", Title: "Få politikken godkendt",
			OwnerID: f.A.Respondent.ID, Due: due}))(t)
		if x.Status != vaern.ActionOpen {
			t.Errorf("status %q", x.Status)
		}
		x.Status = vaern.ActionDone
		if err := s.UpdateAction(ctx, f.coordA(), f.A.Org.ID, x); err != nil {
			t.Fatal(err)
		}
		got := must(s.Action(ctx, f.A.Org.ID, x.ID))(t)
		if got.Status != vaern.ActionDone || got.DoneAt.IsZero() || !got.Due.Equal(due) || got.OwnerName == "" || got.RoundYear != 2025 {
			t.Errorf("after update: %+v", got)
		}
		if _, err := s.Action(ctx, f.B.Org.ID, x.ID); !errors.Is(err, vaern.ErrNotFound) {
			t.Errorf("B reads A's action: %v", err)
		}
		if err := s.UpdateAction(ctx, f.coordB(), f.B.Org.ID, x); !errors.Is(err, vaern.ErrNotFound) {
			t.Errorf("B updates A's action: %v", err)
		}
		if err := s.DeleteAction(ctx, f.coordB(), f.B.Org.ID, x.ID); !errors.Is(err, vaern.ErrNotFound) {
			t.Errorf("B deletes A's action: %v", err)
		}
		if list := must(s.Actions(ctx, f.A.Org.ID))(t); len(list) != 1 {
			t.Errorf("A's actions: %d", len(list))
		}
		if err := s.DeleteAction(ctx, f.coordA(), f.A.Org.ID, x.ID); err != nil {
			t.Fatal(err)
		}
		if list := must(s.Actions(ctx, f.A.Org.ID))(t); len(list) != 0 {
			t.Errorf("after delete: %d", len(list))
		}
	})
}

func isInvalid(err error, field string) bool {
	var ve *vaern.ValidationError
	return errors.As(err, &ve) && ve.Field == field
}
