package web_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// baselineFixture is a round with members A and B, built once per test server.
type baselineFixture struct {
	round     vaern.Round
	byOrg     map[int64]int64 // org id → assessment id
	framework int64
}

var (
	baselineMu       sync.Mutex
	baselineFixtures = map[*testserver.Server]*baselineFixture{}
)

func baselineFor(t *testing.T, s *testserver.Server) *baselineFixture {
	t.Helper()
	baselineMu.Lock()
	defer baselineMu.Unlock()
	if f, ok := baselineFixtures[s]; ok {
		return f
	}
	ctx := context.Background()
	if _, err := s.Store.InstallBuiltinFrameworks(ctx, s.Fix.Centre.ID); err != nil {
		t.Fatal(err)
	}
	info, err := s.Store.FrameworkByVersion(ctx, s.Fix.Centre.ID, "vaern-baseline", "2026")
	if err != nil {
		t.Fatal(err)
	}
	now := s.Store.Now()
	r, err := s.Store.CreateRound(ctx, vaern.System("test"), s.Fix.Centre.ID, vaern.Round{Year: now.Year(), FrameworkID: info.ID,
		Title: "Baseline", OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(30 * 24 * time.Hour)}, []int64{s.Fix.A.ID, s.Fix.B.ID})
	if err != nil {
		t.Fatal(err)
	}
	f := &baselineFixture{round: r, byOrg: map[int64]int64{}, framework: info.ID}
	for _, o := range []vaern.Org{s.Fix.A, s.Fix.B} {
		list, err := s.Store.Assessments(ctx, o.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("assessments of %s: %v %v", o.Name, list, err)
		}
		f.byOrg[o.ID] = list[0].ID
	}
	baselineFixtures[s] = f
	return f
}

func init() {
	routeQuery["/baseline/{id}/area"] = "?a=GOV"
	routeQuery["/baseline/{id}/history"] = "?q=GOV-01&unit=0"
	assessmentOf := func(t *testing.T, s *testserver.Server, org vaern.Org) int64 {
		f := baselineFor(t, s)
		if id, ok := f.byOrg[org.ID]; ok {
			return id
		}
		return f.byOrg[s.Fix.A.ID] // centre roles are refused before the id matters
	}
	idKinds["assessment"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			return fmt.Sprint(assessmentOf(t, s, memberOf(s, role)))
		},
		foreign: func(t *testing.T, s *testserver.Server, rt httpx.Route, role string) (string, bool) {
			return fmt.Sprint(assessmentOf(t, s, s.Fix.B)), memberOf(s, role).ID != s.Fix.B.ID
		},
	}
	delegation := func(t *testing.T, s *testserver.Server, org vaern.Org) string {
		// The unit with people who can answer (a delegation to an empty unit is refused).
		unit := s.Fix.UnitsA[1].ID
		if org.ID == s.Fix.B.ID {
			unit = s.Fix.UnitsB[1].ID
		}
		d, err := s.Store.CreateDelegation(context.Background(), vaern.System("test"), org.ID, vaern.Delegation{
			AssessmentID: assessmentOf(t, s, org), ScopeKind: vaern.DelegateDepartment, AssigneeUnitID: unit, UnitID: unit,
			Due: s.Store.Now().Add(7 * 24 * time.Hour)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(d.ID)
	}
	idKinds["delegation"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			org := memberOf(s, role)
			if org.IsCentre() {
				org = s.Fix.A
			}
			return delegation(t, s, org)
		},
		foreign: func(t *testing.T, s *testserver.Server, rt httpx.Route, role string) (string, bool) {
			return delegation(t, s, s.Fix.B), memberOf(s, role).ID != s.Fix.B.ID
		},
	}
	evidence := func(t *testing.T, s *testserver.Server, org vaern.Org, by vaern.User) string {
		ctx := context.Background()
		actor := vaern.Actor{UserID: by.ID, Email: by.Email, OrgID: org.ID}
		// The coordinator answers (only they may answer undelegated questions); by adds the evidence.
		key := "A:coordinator"
		if org.ID == s.Fix.B.ID {
			key = "B:coordinator"
		}
		coord := s.Fix.Users[key]
		a, err := s.Store.SaveAnswer(ctx, vaern.Actor{UserID: coord.ID, Email: coord.Email, OrgID: org.ID}, org.ID, assessmentOf(t, s, org),
			store.AnswerInput{QuestionID: "GOV-02", Value: "2"})
		if err != nil {
			t.Fatal(err)
		}
		e, err := s.Store.AddEvidence(ctx, actor, org.ID, a.ID, vaern.Evidence{Kind: "file", Name: "politik.txt",
			ContentType: "text/plain"}, []byte("Informationssikkerhedspolitik for "+org.Name))
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(e.ID)
	}
	idKinds["evidence"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			org := memberOf(s, role)
			if org.IsCentre() {
				org = s.Fix.A
			}
			return evidence(t, s, org, s.Fix.Users[role])
		},
		foreign: func(t *testing.T, s *testserver.Server, rt httpx.Route, role string) (string, bool) {
			return evidence(t, s, s.Fix.B, s.Fix.Users["B:respondent"]), memberOf(s, role).ID != s.Fix.B.ID
		},
	}
}
