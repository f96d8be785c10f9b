package store_test

import (
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestAssessmentPageAnswersFollowEveryChange checks the focus-area page's cached answers: after
// every kind of change (a save, a review, an import, evidence added and removed, the name of the
// person who answered) the page reads what Answers and EvidenceFor read, and while nothing changes the cache is
// used (its version stays). Another organisation never reads them through the cache.
func TestAssessmentPageAnswersFollowEveryChange(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := richFixture(t, s)
		ctx := f.ctx
		org := f.A.Org.ID
		a := must(s.Assessments(ctx, org))(t)[0]
		q := store.AssessmentPageQuery{OrgID: org, UserID: f.A.Coordinator.ID, AssessmentID: a.ID, Evidence: true}
		var last int64
		check := func(what string, moved bool) {
			t.Helper()
			got := must(s.AssessmentPage(ctx, q))(t)
			want := must(s.Answers(ctx, org, a.ID))(t)
			if !reflect.DeepEqual(got.Answers, want) {
				t.Fatalf("%s: page answers = %+v, want %+v", what, got.Answers, want)
			}
			if want := must(s.EvidenceFor(ctx, org, a.ID))(t); !reflect.DeepEqual(got.Evidence, want) {
				t.Fatalf("%s: page evidence = %+v, want %+v", what, got.Evidence, want)
			}
			v, held := store.CachedAnswersVersionForTest(s, org, a.ID)
			if !held {
				t.Fatalf("%s: no answers cached", what)
			}
			if moved != (v != last) {
				t.Fatalf("%s: version %d after %d, want moved=%v", what, v, last, moved)
			}
			last = v
			// The caller's copy is its own: changing it changes nothing cached.
			if len(got.Answers) > 0 {
				got.Answers[0].Value = "tampered"
				if again := must(s.AssessmentPage(ctx, q))(t); again.Answers[0].Value == "tampered" {
					t.Fatalf("%s: the cache handed out its own slice", what)
				}
			}
		}
		check("first read", true)
		check("nothing changed", false)

		qs := must(s.Answers(ctx, org, a.ID))(t)
		must(s.SaveAnswer(ctx, f.coordA(), org, a.ID, store.AnswerInput{QuestionID: qs[1].QuestionID, Value: "4", Comment: "ny"}))(t)
		check("save", true)
		ok(t, s.ReviewAnswer(ctx, f.coordA(), org, a.ID, qs[2].QuestionID, 0, true, ""))
		check("approve", true)
		ok(t, s.ReviewAnswer(ctx, f.coordA(), org, a.ID, qs[3].QuestionID, 0, false, "Uddyb venligst"))
		check("return", true)
		must(s.ApproveAnswers(ctx, f.coordA(), org, a.ID, []store.Slot{{QuestionID: qs[4].QuestionID}}))(t)
		check("approve many", true)
		ok(t, s.ImportAnswers(ctx, sys, org, a.ID, []store.AnswerInput{{QuestionID: qs[5].QuestionID, Value: "1", Comment: "import"}}, false))
		check("import", true)
		ev := must(s.AddEvidence(ctx, f.coordA(), org, qs[1].ID, vaern.Evidence{Kind: "link", Name: "Politik", URL: "https://intra.example.dk/politik"}, nil))(t)
		check("evidence added", true)
		ok(t, s.DeleteEvidence(ctx, f.coordA(), org, ev.ID))
		check("evidence removed", true)
		ok(t, s.UpdateProfile(ctx, f.coordA(), org, f.A.Coordinator.ID, "Kirsten Koordinator", "da"))
		check("answerer renamed", true)
		if got := must(s.AssessmentPage(ctx, q))(t); got.Answers[1].AnsweredByName != "Kirsten Koordinator" {
			t.Errorf("answered by %q after the rename", got.Answers[1].AnsweredByName)
		}
		ok(t, s.UpdateProfile(ctx, f.coordA(), org, f.A.Coordinator.ID, "Kirsten Koordinator", "en"))
		check("language changed only", false)

		// B's own assessment has no answers yet: read as empty and kept so, told apart from unchanged.
		bq := store.AssessmentPageQuery{OrgID: f.B.Org.ID, UserID: f.B.Coordinator.ID, AssessmentID: must(s.Assessments(ctx, f.B.Org.ID))(t)[0].ID}
		for i := 0; i < 2; i++ {
			if got := must(s.AssessmentPage(ctx, bq))(t); len(got.Answers) != 0 || len(got.Evidence) != 0 {
				t.Fatalf("B's empty assessment read %d answers, %d evidence", len(got.Answers), len(got.Evidence))
			}
			if _, held := store.CachedAnswersVersionForTest(s, f.B.Org.ID, bq.AssessmentID); !held {
				t.Fatal("B's empty answers not kept")
			}
		}
		must(s.SaveAnswer(ctx, f.coordB(), f.B.Org.ID, bq.AssessmentID, store.AnswerInput{QuestionID: qs[1].QuestionID, Value: "4", Comment: "første i Bergen – æøå"}))(t)
		if got := must(s.AssessmentPage(ctx, bq))(t); len(got.Answers) != 1 || got.Answers[0].Comment != "første i Bergen – æøå" {
			t.Fatalf("B's first answer: page read %+v", got.Answers)
		}

		// Member B asking for A's assessment, with A's answers cached, reads nothing.
		foreign := q
		foreign.OrgID, foreign.UserID = f.B.Org.ID, f.B.Coordinator.ID
		res, err := s.AssessmentPage(ctx, foreign)
		wantErr(t, err, vaern.ErrNotFound)
		if len(res.Answers) != 0 {
			t.Errorf("foreign read returned A's answers: %+v", res.Answers)
		}
	})
}

// TestAssessmentPageAnswersUnderConcurrentSaves saves from many goroutines while others read the
// page; once the saves are done, the page reads exactly what Answers reads (no save was missed by
// a version that did not move, on PostgreSQL's per-connection slots too).
func TestAssessmentPageAnswersUnderConcurrentSaves(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := richFixture(t, s)
		ctx := f.ctx
		org := f.A.Org.ID
		a := must(s.Assessments(ctx, org))(t)[0]
		fws, err := framework.Builtin()
		if err != nil {
			t.Fatal(err)
		}
		var qs []string // questions answered with a maturity level
		for _, fq := range fws[0].Questions() {
			if fq.Scope == framework.ScopeOrganisation && fq.Answer == framework.AnswerMaturity && len(qs) < 12 {
				qs = append(qs, fq.ID)
			}
		}
		q := store.AssessmentPageQuery{OrgID: org, AssessmentID: a.ID}
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for w := 0; w < 8; w++ {
			wg.Add(2)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < 20; i++ {
					in := store.AnswerInput{QuestionID: qs[(w+i)%len(qs)], Value: fmt.Sprint(i % 5), Comment: fmt.Sprintf("w%d i%d", w, i)}
					if _, err := s.SaveAnswer(ctx, f.coordA(), org, a.ID, in); err != nil {
						errs <- err
						return
					}
				}
			}(w)
			go func() {
				defer wg.Done()
				for i := 0; i < 20; i++ {
					if _, err := s.AssessmentPage(ctx, q); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		got := must(s.AssessmentPage(ctx, q))(t)
		if want := must(s.Answers(ctx, org, a.ID))(t); !reflect.DeepEqual(got.Answers, want) {
			t.Fatalf("after concurrent saves: page answers = %+v, want %+v", got.Answers, want)
		}
	})
}
