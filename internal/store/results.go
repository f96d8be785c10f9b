package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/results"
)

// Results: each assessment's scoring is stored when it is submitted and when its round closes, and
// the anonymous aggregates of a round are computed when it closes. Member-facing methods take the
// member's id and return its own rows; centre-facing methods return results.Aggregate values only,
// never a member's row, so a handler cannot show one by mistake.

// StoredResult is one of the member's own stored assessment results, with its round.
type StoredResult struct {
	AssessmentID int64
	RoundID      int64
	Year         int
	RoundTitle   string
	FrameworkID  int64
	Result       baseline.Result
}

// computeResult scores one assessment from its stored answers.
func (s *Store) computeResult(ctx context.Context, orgID, assessmentID int64) (vaern.Assessment, baseline.Result, error) {
	a, err := s.Assessment(ctx, orgID, assessmentID)
	if err != nil {
		return a, baseline.Result{}, err
	}
	_, f, err := s.Framework(ctx, a.Round.FrameworkID)
	if err != nil {
		return a, baseline.Result{}, err
	}
	rows, err := s.query(ctx, "SELECT question_id, unit_id, value FROM answers WHERE org_id = ? AND assessment_id = ? ORDER BY id", orgID, assessmentID)
	answers, err := collect(rows, err, func(r scanner) (baseline.Answer, error) {
		var x baseline.Answer
		return x, r.Scan(&x.QuestionID, &x.UnitID, &x.Value)
	})
	if err != nil {
		return a, baseline.Result{}, err
	}
	dels, err := s.Delegations(ctx, orgID, assessmentID)
	if err != nil {
		return a, baseline.Result{}, err
	}
	return a, baseline.Compute(f, answers, baseline.AnsweringUnits(a, dels)), nil
}

func (t *Tx) saveResult(ctx context.Context, orgID, assessmentID, roundID int64, res baseline.Result) error {
	res.Ignored = nil
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	var overall any
	if res.Overall != nil {
		overall = *res.Overall
	}
	_, err = t.exec(ctx, `INSERT INTO assessment_results (assessment_id, org_id, round_id, overall, result, computed_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (assessment_id) DO UPDATE SET overall = excluded.overall, result = excluded.result, computed_at = excluded.computed_at`,
		assessmentID, orgID, roundID, overall, string(b), ms(t.s.now()))
	return err
}

// StoreAssessmentResult scores the member's assessment from its answers and stores the result (on
// submission, and for imports). It changes no answer and is not audited: it is derived data.
func (s *Store) StoreAssessmentResult(ctx context.Context, orgID, assessmentID int64) error {
	a, res, err := s.computeResult(ctx, orgID, assessmentID)
	if err != nil {
		return fmt.Errorf("score assessment %d: %w", assessmentID, err)
	}
	return s.Write(ctx, func(tx *Tx) error { return tx.saveResult(ctx, orgID, assessmentID, a.RoundID, res) })
}

// AssessmentResult returns the member's stored result of one of its assessments; ok is false when
// none is stored yet.
func (s *Store) AssessmentResult(ctx context.Context, orgID, assessmentID int64) (res baseline.Result, ok bool, err error) {
	var raw string
	err = s.queryRow(ctx, "SELECT result FROM assessment_results WHERE org_id = ? AND assessment_id = ?", orgID, assessmentID).Scan(&raw)
	if err == sql.ErrNoRows {
		return res, false, nil
	}
	if err != nil {
		return res, false, err
	}
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		return res, false, fmt.Errorf("stored result of assessment %d: %w", assessmentID, err)
	}
	return res, true, nil
}

// AssessmentResults returns every stored result of the member, oldest round first (for trends).
func (s *Store) AssessmentResults(ctx context.Context, orgID int64) ([]StoredResult, error) {
	rows, err := s.query(ctx, `SELECT x.assessment_id, x.round_id, r.year, r.title, r.framework_id, x.result
		FROM assessment_results x JOIN rounds r ON r.id = x.round_id WHERE x.org_id = ? ORDER BY r.year, r.id`, orgID)
	return collect(rows, err, func(r scanner) (StoredResult, error) {
		var x StoredResult
		var raw string
		if err := r.Scan(&x.AssessmentID, &x.RoundID, &x.Year, &x.RoundTitle, &x.FrameworkID, &raw); err != nil {
			return x, err
		}
		return x, json.Unmarshal([]byte(raw), &x.Result)
	})
}

// RoundStats is a round's participation, as counted when its aggregates were computed.
type RoundStats struct {
	RoundID   int64
	Year      int
	Title     string
	K         int // the k the aggregates were computed with
	Invited   int
	Submitted int
	Included  int // submitted and not opted out of the benchmark
	OptedOut  int
}

// ComputeRoundResults stores the result of every assessment of a round and the round's anonymous
// aggregates over the submitted assessments of members that have not opted out, suppressing every
// group below k and its complements (see results.Suppress). Closing a round calls it; running it
// again replaces what it stored.
func (s *Store) ComputeRoundResults(ctx context.Context, roundID int64, k int) error {
	var centreID int64
	if err := s.queryRow(ctx, "SELECT centre_id FROM rounds WHERE id = ?", roundID).Scan(&centreID); err != nil {
		return mapErr(err)
	}
	list, err := s.RoundAssessments(ctx, roundID)
	if err != nil {
		return err
	}
	members, err := s.Members(ctx, centreID)
	if err != nil {
		return err
	}
	orgs := make(map[int64]vaern.Org, len(members))
	for _, m := range members {
		orgs[m.ID] = m
	}
	type scored struct {
		a   vaern.Assessment
		res baseline.Result
	}
	all := make([]scored, 0, len(list))
	var in []results.Scored
	st := RoundStats{RoundID: roundID, K: k, Invited: len(list)}
	for _, a := range list {
		_, res, err := s.computeResult(ctx, a.OrgID, a.ID)
		if err != nil {
			return fmt.Errorf("round %d: score assessment %d: %w", roundID, a.ID, err)
		}
		all = append(all, scored{a, res})
		if a.SubmittedAt.IsZero() {
			continue
		}
		st.Submitted++
		if a.BenchmarkOptOut {
			st.OptedOut++
			continue
		}
		st.Included++
		o := orgs[a.OrgID]
		in = append(in, results.Scored{Member: results.Member{Country: o.Country, Region: o.Region, SizeClass: o.SizeClass}, Result: res})
	}
	aggs := results.AggregateAll(in, k)
	return s.Write(ctx, func(tx *Tx) error {
		for _, x := range all {
			if err := tx.saveResult(ctx, x.a.OrgID, x.a.ID, roundID, x.res); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, "DELETE FROM round_aggregates WHERE round_id = ?", roundID); err != nil {
			return err
		}
		for _, g := range aggs {
			var v [6]any
			if g.Summary != nil {
				v = [6]any{g.Summary.Min, g.Summary.Q1, g.Summary.Median, g.Summary.Q3, g.Summary.Max, g.Summary.Mean}
			}
			if _, err := tx.exec(ctx, `INSERT INTO round_aggregates (round_id, centre_id, grp, area, n, suppressed, min, q1, median, q3, max, mean)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, roundID, centreID, g.Group, g.Area, g.N, g.Suppressed, v[0], v[1], v[2], v[3], v[4], v[5]); err != nil {
				return err
			}
		}
		_, err := tx.exec(ctx, `INSERT INTO round_stats (round_id, centre_id, k, invited, submitted, included, opted_out, computed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (round_id) DO UPDATE SET k = excluded.k, invited = excluded.invited,
			submitted = excluded.submitted, included = excluded.included, opted_out = excluded.opted_out, computed_at = excluded.computed_at`,
			roundID, centreID, k, st.Invited, st.Submitted, st.Included, st.OptedOut, ms(tx.s.now()))
		if err != nil {
			return err
		}
		return tx.Audit(ctx, vaern.System("results"), Change{OrgID: centreID, Action: "round.results", ObjectType: "round", ObjectID: roundID,
			Detail: map[string]any{"k": k, "included": st.Included, "groups": len(aggs)}})
	})
}

// RoundsWithoutResults lists the closed rounds (of every centre) whose aggregates have not been
// computed yet, or were computed with another k: rounds closed before the results module existed,
// or while the server ran with another k.
func (s *Store) RoundsWithoutResults(ctx context.Context, k int) ([]int64, error) {
	rows, err := s.query(ctx, `SELECT r.id FROM rounds r LEFT JOIN round_stats x ON x.round_id = r.id
		WHERE r.status = ? AND (x.round_id IS NULL OR x.k <> ?) ORDER BY r.id`, vaern.RoundClosed, k)
	return collect(rows, err, func(r scanner) (int64, error) { var id int64; return id, r.Scan(&id) })
}

const statsCols = `x.round_id, r.year, r.title, x.k, x.invited, x.submitted, x.included, x.opted_out`

func scanStats(r scanner) (RoundStats, error) {
	var x RoundStats
	err := r.Scan(&x.RoundID, &x.Year, &x.Title, &x.K, &x.Invited, &x.Submitted, &x.Included, &x.OptedOut)
	return x, mapErr(err)
}

// CentreRoundStats lists the participation of the centre's rounds that have aggregates, oldest
// first. Participation counts are not scores; they are what the centre's round pages show anyway.
func (s *Store) CentreRoundStats(ctx context.Context, centreID int64) ([]RoundStats, error) {
	rows, err := s.query(ctx, "SELECT "+statsCols+` FROM round_stats x JOIN rounds r ON r.id = x.round_id
		WHERE x.centre_id = ? ORDER BY r.year, r.id`, centreID)
	return collect(rows, err, scanStats)
}

// CentreAggregates returns the anonymous aggregates of one of the centre's rounds, suppressed with
// k: the stored suppression, applied again with k so that raising k hides more at once. Suppressed
// groups come without figures and with N 0.
func (s *Store) CentreAggregates(ctx context.Context, centreID, roundID int64, k int) ([]results.Aggregate, error) {
	return s.aggregates(ctx, "a.centre_id = ? AND a.round_id = ?", k, centreID, roundID)
}

// CentreAggregatesAll returns the aggregates of every round of the centre, by round id.
func (s *Store) CentreAggregatesAll(ctx context.Context, centreID int64, k int) (map[int64][]results.Aggregate, error) {
	rows, err := s.query(ctx, "SELECT DISTINCT round_id FROM round_aggregates WHERE centre_id = ?", centreID)
	ids, err := collect(rows, err, func(r scanner) (int64, error) { var id int64; return id, r.Scan(&id) })
	if err != nil {
		return nil, err
	}
	out := map[int64][]results.Aggregate{}
	for _, id := range ids {
		a, err := s.CentreAggregates(ctx, centreID, id, k)
		if err != nil {
			return nil, err
		}
		out[id] = a
	}
	return out, nil
}

// MemberAggregates returns the anonymous aggregates of a round the member took part in (for its
// benchmark position); another round answers vaern.ErrNotFound.
func (s *Store) MemberAggregates(ctx context.Context, orgID, roundID int64, k int) ([]results.Aggregate, error) {
	var x int64
	if err := s.queryRow(ctx, "SELECT id FROM assessments WHERE org_id = ? AND round_id = ?", orgID, roundID).Scan(&x); err != nil {
		return nil, mapErr(err)
	}
	return s.aggregates(ctx, "a.round_id = ?", k, roundID)
}

func (s *Store) aggregates(ctx context.Context, where string, k int, args ...any) ([]results.Aggregate, error) {
	rows, err := s.query(ctx, `SELECT a.grp, a.area, a.n, a.suppressed, a.min, a.q1, a.median, a.q3, a.max, a.mean
		FROM round_aggregates a WHERE `+where+` ORDER BY a.area, a.grp`, args...)
	type row struct {
		results.Aggregate
		v [6]sql.NullFloat64
	}
	list, err := collect(rows, err, func(r scanner) (row, error) {
		var x row
		err := r.Scan(&x.Group, &x.Area, &x.N, &x.Suppressed, &x.v[0], &x.v[1], &x.v[2], &x.v[3], &x.v[4], &x.v[5])
		return x, err
	})
	if err != nil {
		return nil, err
	}
	// Apply the suppression again with today's k, per area, over the stored counts.
	counts := map[string]map[string]int{}
	for _, x := range list {
		if counts[x.Area] == nil {
			counts[x.Area] = map[string]int{}
		}
		counts[x.Area][x.Group] = x.N
	}
	hidden := map[string]map[string]bool{}
	for area, c := range counts {
		hidden[area] = results.Suppress(c, results.PartitionsOfCounts(c), k)
	}
	out := make([]results.Aggregate, 0, len(list))
	for _, x := range list {
		a := results.Aggregate{Group: x.Group, Area: x.Area, N: x.N, Suppressed: x.Suppressed || hidden[x.Area][x.Group] || !x.v[2].Valid}
		if a.Suppressed {
			a.N = 0
		} else {
			a.Summary = &results.Summary{N: x.N, Min: x.v[0].Float64, Q1: x.v[1].Float64, Median: x.v[2].Float64, Q3: x.v[3].Float64,
				Max: x.v[4].Float64, Mean: x.v[5].Float64}
		}
		out = append(out, a)
	}
	return out, nil
}
