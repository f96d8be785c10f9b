package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/results"
	"github.com/vaern/vaern/internal/store"
)

// The demo's baseline history: three closed rounds on "Værn Baseline 2025" and this year's open round
// on "Værn Baseline 2026". Every member has a maturity of its own that grows a little each year, so
// that trends, benchmarks and national figures look like real ones.

// ClosedRounds is how many earlier rounds the demo holds.
const ClosedRounds = 3

// SeedBaseline creates the demo rounds and answers for every member.
func SeedBaseline(ctx context.Context, st *store.Store, centre vaern.Org) error {
	if _, err := st.InstallBuiltinFrameworks(ctx, centre.ID); err != nil {
		return fmt.Errorf("demo: frameworks: %w", err)
	}
	old, err := st.FrameworkByVersion(ctx, centre.ID, "vaern-baseline", "2025")
	if err != nil {
		return fmt.Errorf("demo: framework 2025: %w", err)
	}
	cur, err := st.FrameworkByVersion(ctx, centre.ID, "vaern-baseline", "2026")
	if err != nil {
		return fmt.Errorf("demo: framework 2026: %w", err)
	}
	_, fOld, err := st.Framework(ctx, old.ID)
	if err != nil {
		return err
	}
	_, fCur, err := st.Framework(ctx, cur.ID)
	if err != nil {
		return err
	}
	members, err := st.Members(ctx, centre.ID)
	if err != nil {
		return err
	}
	sys := vaern.System("demo")
	now := st.Now()
	year := now.Year()
	answering := map[int64][]int64{}
	for _, m := range members {
		units, err := st.Units(ctx, m.ID)
		if err != nil {
			return err
		}
		for _, n := range vaern.UnitTree(units) {
			if n.Depth == 1 && len(answering[m.ID]) < 3 {
				answering[m.ID] = append(answering[m.ID], n.ID)
			}
		}
	}
	for i := ClosedRounds; i >= 1; i-- {
		y := year - i
		r, err := st.CreateRound(ctx, sys, centre.ID, vaern.Round{Year: y, FrameworkID: old.ID, Title: "Baseline " + strconv.Itoa(y),
			OpensAt: time.Date(y, 9, 1, 8, 0, 0, 0, time.UTC), ClosesAt: time.Date(y, 11, 30, 22, 59, 0, 0, time.UTC)}, nil)
		if err != nil {
			return fmt.Errorf("demo: round %d: %w", y, err)
		}
		for _, m := range members {
			rng := rngFor(m.Code, y)
			if rng.Float64() < 0.06 {
				continue // a few members did not finish that year
			}
			if err := seedAssessment(ctx, st, sys, m, r.ID, fOld, answering[m.ID], maturity(m, y), 1.0, true, rng); err != nil {
				return err
			}
			if err := st.MarkSubmitted(ctx, sys, m.ID, assessmentID(ctx, st, m.ID, r.ID), time.Date(y, 11, 20+rng.IntN(9), 14, 0, 0, 0, time.UTC)); err != nil {
				return err
			}
		}
		if err := st.CloseRound(ctx, sys, centre.ID, r.ID); err != nil {
			return err
		}
		// The reports need each closed round's results and anonymous aggregates.
		if err := results.ComputeRound(ctx, st, r.ID, 5); err != nil {
			return fmt.Errorf("demo: results of round %d: %w", y, err)
		}
	}
	r, err := st.CreateRound(ctx, sys, centre.ID, vaern.Round{Year: year, FrameworkID: cur.ID, Title: "Baseline " + strconv.Itoa(year),
		OpensAt: time.Date(year, 9, 1, 8, 0, 0, 0, time.UTC), ClosesAt: time.Date(year, 12, 15, 22, 59, 0, 0, time.UTC)}, nil)
	if err != nil {
		return fmt.Errorf("demo: round %d: %w", year, err)
	}
	for _, m := range members {
		rng := rngFor(m.Code, year)
		done := rng.Float64() * 0.8
		if m.Code == "751" || m.Code == "101" || m.Code == "4601" {
			done = 0.4 // the featured members have work left for the demo users
		}
		if err := seedAssessment(ctx, st, sys, m, r.ID, fCur, answering[m.ID], maturity(m, year), done, false, rng); err != nil {
			return err
		}
	}
	return nil
}

func assessmentID(ctx context.Context, st *store.Store, orgID, roundID int64) int64 {
	list, _ := st.Assessments(ctx, orgID)
	for _, a := range list {
		if a.RoundID == roundID {
			return a.ID
		}
	}
	return 0
}

// seedAssessment answers a share of the questions (all of them when done is 1).
func seedAssessment(ctx context.Context, st *store.Store, sys vaern.Actor, m vaern.Org, roundID int64, f *framework.Framework,
	units []int64, level float64, done float64, approved bool, rng *rand.Rand) error {
	id := assessmentID(ctx, st, m.ID, roundID)
	if id == 0 {
		return fmt.Errorf("demo: no assessment for %s in round %d", m.Name, roundID)
	}
	if err := st.SetAssessmentUnits(ctx, sys, m.ID, id, units); err != nil {
		return err
	}
	areaBias := map[string]float64{}
	for _, a := range f.Areas {
		areaBias[a.ID] = rng.NormFloat64() * 0.45
	}
	var in []store.AnswerInput
	for _, q := range f.Questions() {
		a, _ := f.AreaOf(q.ID)
		targets := []int64{0}
		if q.Scope == framework.ScopeUnit {
			targets = units
		}
		for _, u := range targets {
			if rng.Float64() >= done {
				continue
			}
			in = append(in, store.AnswerInput{QuestionID: q.ID, UnitID: u, Value: demoValue(f, q, level+areaBias[a.ID], rng)})
		}
	}
	if len(in) == 0 {
		return nil
	}
	return st.ImportAnswers(ctx, sys, m.ID, id, in, approved)
}

// maturity is a member's underlying level in a year: larger municipalities a little higher, and
// everyone a little better each year.
func maturity(m vaern.Org, year int) float64 {
	rng := rngFor(m.Code, 0)
	base := 1.6 + rng.Float64()*1.6
	switch m.SizeClass {
	case vaern.SizeLarge:
		base += 0.4
	case vaern.SizeMedium:
		base += 0.15
	}
	return base + float64(year-2023)*(0.12+rng.Float64()*0.2)
}

func demoValue(f *framework.Framework, q *framework.Question, level float64, rng *rand.Rand) string {
	x := rng.Float64()
	switch {
	case x < 0.03:
		return "dontknow"
	case x < 0.05 && q.AllowsNotRelevant(f):
		return "na"
	}
	v := level + rng.NormFloat64()*0.8
	if q.Answer == framework.AnswerYesPartlyNo {
		switch {
		case v >= 3.3:
			return "yes"
		case v >= 2:
			return "partly"
		}
		return "no"
	}
	return strconv.Itoa(int(math.Max(0, math.Min(5, math.Round(v)))))
}

func rngFor(code string, year int) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(code))
	return rand.New(rand.NewPCG(h.Sum64(), uint64(year)))
}
