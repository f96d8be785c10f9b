package results

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/store"
)

// The computations over stored data: scoring an assessment, its trend, and a round's results and
// anonymous aggregates. The rules are the pure functions of this package; these functions read
// what the rules need through Source and hand the outcome back to the store to keep.

// Source is what scoring and trends read. *store.Store is one.
type Source interface {
	Assessment(ctx context.Context, orgID, id int64) (vaern.Assessment, error)
	Framework(ctx context.Context, id int64) (vaern.FrameworkInfo, *framework.Framework, error)
	Answers(ctx context.Context, orgID, assessmentID int64) ([]vaern.Answer, error)
	Delegations(ctx context.Context, orgID, assessmentID int64) ([]vaern.Delegation, error)
	AssessmentHistory(ctx context.Context, orgID int64) ([]store.History, error)
	FrameworkVersionIDs(ctx context.Context, centreID int64, fid string) (map[string]int64, error)
}

// RoundStore is what computing a round's results reads and writes. *store.Store is one.
type RoundStore interface {
	Source
	RoundCentre(ctx context.Context, roundID int64) (int64, error)
	RoundAssessments(ctx context.Context, roundID int64) ([]vaern.Assessment, error)
	Members(ctx context.Context, centreID int64) ([]vaern.Org, error)
	GroupsByMember(ctx context.Context, centreID int64) (map[int64][]int64, error)
	Now() time.Time
	SaveAssessmentResult(ctx context.Context, r store.ResultRow) error
	SaveRoundResults(ctx context.Context, st store.RoundStats, rows []store.ResultRow, aggs []store.AggregateRow) error
}

// score scores one assessment from its stored answers.
func score(ctx context.Context, src Source, orgID, assessmentID int64) (vaern.Assessment, *framework.Framework, baseline.Result, error) {
	a, err := src.Assessment(ctx, orgID, assessmentID)
	if err != nil {
		return a, nil, baseline.Result{}, err
	}
	_, f, err := src.Framework(ctx, a.Round.FrameworkID)
	if err != nil {
		return a, nil, baseline.Result{}, err
	}
	stored, err := src.Answers(ctx, orgID, assessmentID)
	if err != nil {
		return a, nil, baseline.Result{}, err
	}
	answers := make([]baseline.Answer, len(stored))
	for i, x := range stored {
		answers[i] = baseline.Answer{QuestionID: x.QuestionID, UnitID: x.UnitID, Value: x.Value}
	}
	dels, err := src.Delegations(ctx, orgID, assessmentID)
	if err != nil {
		return a, nil, baseline.Result{}, err
	}
	return a, f, baseline.Compute(f, answers, baseline.AnsweringUnits(a, dels)), nil
}

// ScoreAssessment scores one of the member's assessments from its current answers, without
// storing anything (for reports of assessments still being answered).
func ScoreAssessment(ctx context.Context, src Source, orgID, assessmentID int64) (baseline.Result, error) {
	_, _, res, err := score(ctx, src, orgID, assessmentID)
	return res, err
}

// versionsOf returns the centre's finished versions of framework fid, by version.
func versionsOf(ctx context.Context, src Source, centreID int64, fid string) (map[string]*framework.Framework, error) {
	ids, err := src.FrameworkVersionIDs(ctx, centreID, fid)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*framework.Framework, len(ids))
	for v, id := range ids {
		_, f, err := src.Framework(ctx, id)
		if err != nil {
			return nil, err
		}
		out[v] = f
	}
	return out, nil
}

// TrendOf computes the member's trend up to assessment a (whose result is res), expressed in a's
// framework: every earlier round of the member through the framework's version mapping, and a
// itself. Later rounds are left out.
func TrendOf(ctx context.Context, src Source, a vaern.Assessment, res baseline.Result) ([]TrendRow, error) {
	hist, err := src.AssessmentHistory(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	return trendFrom(ctx, src, a, res, hist, nil)
}

// trendFrom is TrendOf over a history already read; versions, when not nil, are the centre's
// versions of a's framework.
func trendFrom(ctx context.Context, src Source, a vaern.Assessment, res baseline.Result, hist []store.History, versions map[string]*framework.Framework) ([]TrendRow, error) {
	_, cur, err := src.Framework(ctx, a.Round.FrameworkID)
	if err != nil {
		return nil, err
	}
	var in []History
	for _, h := range hist {
		if h.AssessmentID == a.ID || h.Year > a.Round.Year || (h.Year == a.Round.Year && h.RoundID > a.RoundID) {
			continue
		}
		_, f, err := src.Framework(ctx, h.FrameworkID)
		if err != nil {
			return nil, err
		}
		if versions == nil && f.Version != cur.Version && f.ID == cur.ID {
			if versions, err = versionsOf(ctx, src, a.Round.CentreID, cur.ID); err != nil {
				return nil, err
			}
		}
		in = append(in, History{AssessmentID: h.AssessmentID, Year: h.Year, Round: h.RoundTitle, F: f, Scores: DecodeScores(h.Scores)})
	}
	in = append(in, History{AssessmentID: a.ID, Year: a.Round.Year, Round: a.Round.Title, F: cur, Scores: Scores(res)})
	return Trend(cur, versions, in), nil
}

// resultRow encodes a result and its trend for the store.
func resultRow(a vaern.Assessment, res baseline.Result, trend []TrendRow) (store.ResultRow, error) {
	res.Ignored = nil // answers to questions the framework does not have are not kept
	b, err := json.Marshal(res)
	if err != nil {
		return store.ResultRow{}, err
	}
	tr, err := json.Marshal(trend)
	if err != nil {
		return store.ResultRow{}, err
	}
	return store.ResultRow{AssessmentID: a.ID, OrgID: a.OrgID, RoundID: a.RoundID, Overall: res.Overall, Result: string(b),
		Scores: EncodeScores(res), Trend: string(tr)}, nil
}

// StoreAssessment scores the member's assessment from its answers and stores the result with its
// trend (on submission, and for imports).
func StoreAssessment(ctx context.Context, st RoundStore, orgID, assessmentID int64) error {
	a, _, res, err := score(ctx, st, orgID, assessmentID)
	if err != nil {
		return fmt.Errorf("score assessment %d: %w", assessmentID, err)
	}
	trend, err := TrendOf(ctx, st, a, res)
	if err != nil {
		return fmt.Errorf("trend of assessment %d: %w", assessmentID, err)
	}
	row, err := resultRow(a, res, trend)
	if err != nil {
		return err
	}
	return st.SaveAssessmentResult(ctx, row)
}

// ComputeRound stores the result of every assessment of a round and the round's anonymous
// aggregates over the submitted assessments of members that have not opted out and are
// independent of the centre (see Independent), suppressing every
// group below k and its complements (see Suppress). Closing a round calls it; running it again
// replaces what it stored.
func ComputeRound(ctx context.Context, st RoundStore, roundID int64, k int) error {
	centreID, err := st.RoundCentre(ctx, roundID)
	if err != nil {
		return err
	}
	list, err := st.RoundAssessments(ctx, roundID)
	if err != nil {
		return err
	}
	members, err := st.Members(ctx, centreID)
	if err != nil {
		return err
	}
	orgs := make(map[int64]vaern.Org, len(members))
	for _, m := range members {
		orgs[m.ID] = m
	}
	named, err := st.GroupsByMember(ctx, centreID)
	if err != nil {
		return err
	}
	// Independence is judged at the round's close (now, for a round computed before closing).
	ref := st.Now()
	if len(list) > 0 && !list[0].Round.ClosedAt.IsZero() {
		ref = list[0].Round.ClosedAt
	}
	var versions map[string]*framework.Framework
	if len(list) > 0 {
		_, f, err := st.Framework(ctx, list[0].Round.FrameworkID)
		if err != nil {
			return err
		}
		if versions, err = versionsOf(ctx, st, centreID, f.ID); err != nil {
			return err
		}
	}
	rows := make([]store.ResultRow, 0, len(list))
	var in []Scored
	stats := store.RoundStats{RoundID: roundID, K: k, Invited: len(list)}
	for _, a := range list {
		_, _, res, err := score(ctx, st, a.OrgID, a.ID)
		if err != nil {
			return fmt.Errorf("round %d: score assessment %d: %w", roundID, a.ID, err)
		}
		hist, err := st.AssessmentHistory(ctx, a.OrgID)
		if err != nil {
			return err
		}
		trend, err := trendFrom(ctx, st, a, res, hist, versions)
		if err != nil {
			return fmt.Errorf("round %d: trend of assessment %d: %w", roundID, a.ID, err)
		}
		row, err := resultRow(a, res, trend)
		if err != nil {
			return err
		}
		rows = append(rows, row)
		if a.SubmittedAt.IsZero() {
			continue
		}
		stats.Submitted++
		if a.BenchmarkOptOut {
			stats.OptedOut++
			continue
		}
		o := orgs[a.OrgID]
		if !Independent(o.CentreJoinedAt, ref, DefaultIndependenceDays) {
			stats.Dependent++
			continue
		}
		stats.Included++
		in = append(in, Scored{Member: Member{Country: o.Country, Region: o.Region, SizeClass: o.SizeClass, Named: named[o.ID]}, Result: res})
	}
	aggs := AggregateAll(in, k)
	out := make([]store.AggregateRow, len(aggs))
	for i, g := range aggs {
		out[i] = store.AggregateRow{Group: g.Group, Area: g.Area, N: g.N, Suppressed: g.Suppressed, MinDiff: g.MinDiff}
		if s := g.Summary; s != nil {
			out[i].Figures = &[6]float64{s.P10, s.Q1, s.Median, s.Q3, s.P90, s.Mean}
		}
	}
	return st.SaveRoundResults(ctx, stats, rows, out)
}
