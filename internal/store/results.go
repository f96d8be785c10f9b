package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/results"
)

// Results: each assessment's scoring is stored when it is submitted and when its round closes, and
// the anonymous aggregates of a round are computed when it closes. Member-facing methods take the
// member's id and return its own rows; centre-facing methods return results.Aggregate values only,
// never a member's row, so a handler cannot show one by mistake.

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

func (t *Tx) saveResult(ctx context.Context, orgID, assessmentID, roundID int64, res baseline.Result, trend []results.TrendRow) error {
	res.Ignored = nil
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	tr, err := json.Marshal(trend)
	if err != nil {
		return err
	}
	var overall any
	if res.Overall != nil {
		overall = *res.Overall
	}
	_, err = t.exec(ctx, `INSERT INTO assessment_results (assessment_id, org_id, round_id, overall, result, scores, trend, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (assessment_id) DO UPDATE SET overall = excluded.overall, result = excluded.result, scores = excluded.scores,
		trend = excluded.trend, computed_at = excluded.computed_at`,
		assessmentID, orgID, roundID, overall, string(b), results.EncodeScores(res), string(tr), ms(t.s.now()))
	return err
}

// History is one of the member's stored results in brief: its round and question scores.
type History struct {
	AssessmentID int64
	RoundID      int64
	Year         int
	RoundTitle   string
	FrameworkID  int64
	Overall      *float64
	Scores       map[string]float64
}

// AssessmentHistory returns the member's stored results in brief, oldest round first: for trends
// and lists, without reading whole results.
func (s *Store) AssessmentHistory(ctx context.Context, orgID int64) ([]History, error) {
	rows, err := s.query(ctx, `SELECT x.assessment_id, x.round_id, r.year, r.title, r.framework_id, x.overall, x.scores
		FROM assessment_results x JOIN rounds r ON r.id = x.round_id WHERE x.org_id = ? ORDER BY r.year, r.id`, orgID)
	return collect(rows, err, func(r scanner) (History, error) {
		var x History
		var overall sql.NullFloat64
		var scores string
		if err := r.Scan(&x.AssessmentID, &x.RoundID, &x.Year, &x.RoundTitle, &x.FrameworkID, &overall, &scores); err != nil {
			return x, err
		}
		if overall.Valid {
			x.Overall = &overall.Float64
		}
		x.Scores = results.DecodeScores(scores)
		return x, nil
	})
}

// Trend computes the member's trend up to assessment a (whose result is res), expressed in a's
// framework: every earlier round of the member through the framework's version mapping, and a
// itself. Later rounds are left out.
func (s *Store) Trend(ctx context.Context, a vaern.Assessment, res baseline.Result) ([]results.TrendRow, error) {
	hist, err := s.AssessmentHistory(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	return s.trendFrom(ctx, a, res, hist, nil)
}

// trendFrom is Trend over a history already read; versions, when not nil, are the centre's
// versions of a's framework.
func (s *Store) trendFrom(ctx context.Context, a vaern.Assessment, res baseline.Result, hist []History, versions map[string]*framework.Framework) ([]results.TrendRow, error) {
	_, cur, err := s.Framework(ctx, a.Round.FrameworkID)
	if err != nil {
		return nil, err
	}
	var in []results.History
	for _, h := range hist {
		if h.AssessmentID == a.ID || h.Year > a.Round.Year || (h.Year == a.Round.Year && h.RoundID > a.RoundID) {
			continue
		}
		_, f, err := s.Framework(ctx, h.FrameworkID)
		if err != nil {
			return nil, err
		}
		if versions == nil && f.Version != cur.Version && f.ID == cur.ID {
			if versions, err = s.frameworkVersions(ctx, a.Round.CentreID, cur.ID); err != nil {
				return nil, err
			}
		}
		in = append(in, results.History{AssessmentID: h.AssessmentID, Year: h.Year, Round: h.RoundTitle, F: f, Scores: h.Scores})
	}
	in = append(in, results.History{AssessmentID: a.ID, Year: a.Round.Year, Round: a.Round.Title, F: cur, Scores: results.Scores(res)})
	return results.Trend(cur, versions, in), nil
}

// frameworkVersions returns the centre's finished versions of framework fid, by version.
func (s *Store) frameworkVersions(ctx context.Context, centreID int64, fid string) (map[string]*framework.Framework, error) {
	rows, err := s.query(ctx, "SELECT id, version FROM frameworks WHERE centre_id = ? AND fid = ? AND draft = ?", centreID, fid, false)
	type fv struct {
		id      int64
		version string
	}
	list, err := collect(rows, err, func(r scanner) (fv, error) { var x fv; return x, r.Scan(&x.id, &x.version) })
	if err != nil {
		return nil, err
	}
	out := map[string]*framework.Framework{}
	for _, x := range list {
		_, f, err := s.Framework(ctx, x.id)
		if err != nil {
			return nil, err
		}
		out[x.version] = f
	}
	return out, nil
}

// StoreAssessmentResult scores the member's assessment from its answers and stores the result (on
// submission, and for imports). It changes no answer and is not audited: it is derived data.
func (s *Store) StoreAssessmentResult(ctx context.Context, orgID, assessmentID int64) error {
	a, res, err := s.computeResult(ctx, orgID, assessmentID)
	if err != nil {
		return fmt.Errorf("score assessment %d: %w", assessmentID, err)
	}
	trend, err := s.Trend(ctx, a, res)
	if err != nil {
		return fmt.Errorf("trend of assessment %d: %w", assessmentID, err)
	}
	return s.Write(ctx, func(tx *Tx) error { return tx.saveResult(ctx, orgID, assessmentID, a.RoundID, res, trend) })
}

// AssessmentResult returns the member's stored result of one of its assessments and the trend
// stored with it; ok is false when none is stored yet. Decoded results are cached by assessment
// and computation time, so a report read many times is decoded once; callers must not change
// what they get.
func (s *Store) AssessmentResult(ctx context.Context, orgID, assessmentID int64) (res baseline.Result, trend []results.TrendRow, ok bool, err error) {
	var at int64
	err = s.queryRow(ctx, "SELECT computed_at FROM assessment_results WHERE org_id = ? AND assessment_id = ?", orgID, assessmentID).Scan(&at)
	if err == sql.ErrNoRows {
		return res, nil, false, nil
	}
	if err != nil {
		return res, nil, false, err
	}
	if c, hit := s.caches().results.get(assessmentID, at); hit {
		return c.res, c.trend, true, nil
	}
	var raw, tr string
	err = s.queryRow(ctx, "SELECT result, trend, computed_at FROM assessment_results WHERE org_id = ? AND assessment_id = ?", orgID, assessmentID).Scan(&raw, &tr, &at)
	if err != nil {
		return res, nil, false, mapErr(err)
	}
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		return res, nil, false, fmt.Errorf("stored result of assessment %d: %w", assessmentID, err)
	}
	if tr != "" {
		if err := json.Unmarshal([]byte(tr), &trend); err != nil {
			return res, nil, false, fmt.Errorf("stored trend of assessment %d: %w", assessmentID, err)
		}
	}
	s.caches().results.put(assessmentID, at, cachedResult{res: res, trend: trend})
	return res, trend, true, nil
}

// RoundStats is a round's participation, as counted when its aggregates were computed.
type RoundStats struct {
	RoundID   int64
	Year      int
	Title     string
	K         int // the k the aggregates were computed with
	Invited   int
	Submitted int
	Included  int // submitted, not opted out of the benchmark and independent of the centre
	OptedOut  int
	Dependent int // submitted and not opted out, but left out as not independent of the centre
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
	named, err := s.groupsByMember(ctx, centreID)
	if err != nil {
		return err
	}
	// Independence is judged at the round's close (now, for a round computed before closing).
	ref := s.now()
	var closedAt int64
	if err := s.queryRow(ctx, "SELECT closed_at FROM rounds WHERE id = ?", roundID).Scan(&closedAt); err != nil {
		return err
	}
	if closedAt > 0 {
		ref = fromMS(closedAt)
	}
	type scored struct {
		a     vaern.Assessment
		res   baseline.Result
		trend []results.TrendRow
	}
	var versions map[string]*framework.Framework
	if len(list) > 0 {
		_, f, err := s.Framework(ctx, list[0].Round.FrameworkID)
		if err != nil {
			return err
		}
		if versions, err = s.frameworkVersions(ctx, centreID, f.ID); err != nil {
			return err
		}
	}
	all := make([]scored, 0, len(list))
	var in []results.Scored
	st := RoundStats{RoundID: roundID, K: k, Invited: len(list)}
	for _, a := range list {
		_, res, err := s.computeResult(ctx, a.OrgID, a.ID)
		if err != nil {
			return fmt.Errorf("round %d: score assessment %d: %w", roundID, a.ID, err)
		}
		hist, err := s.AssessmentHistory(ctx, a.OrgID)
		if err != nil {
			return err
		}
		trend, err := s.trendFrom(ctx, a, res, hist, versions)
		if err != nil {
			return fmt.Errorf("round %d: trend of assessment %d: %w", roundID, a.ID, err)
		}
		all = append(all, scored{a, res, trend})
		if a.SubmittedAt.IsZero() {
			continue
		}
		st.Submitted++
		if a.BenchmarkOptOut {
			st.OptedOut++
			continue
		}
		o := orgs[a.OrgID]
		if !results.Independent(o.CentreJoinedAt, ref, results.DefaultIndependenceDays) {
			st.Dependent++
			continue
		}
		st.Included++
		in = append(in, results.Scored{Member: results.Member{Country: o.Country, Region: o.Region, SizeClass: o.SizeClass,
			Named: named[o.ID]}, Result: res})
	}
	aggs := results.AggregateAll(in, k)
	return s.Write(ctx, func(tx *Tx) error {
		for _, x := range all {
			if err := tx.saveResult(ctx, x.a.OrgID, x.a.ID, roundID, x.res, x.trend); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, "DELETE FROM round_aggregates WHERE round_id = ?", roundID); err != nil {
			return err
		}
		for _, g := range aggs {
			var v [6]any
			if g.Summary != nil {
				v = [6]any{g.Summary.P10, g.Summary.Q1, g.Summary.Median, g.Summary.Q3, g.Summary.P90, g.Summary.Mean}
			}
			if _, err := tx.exec(ctx, `INSERT INTO round_aggregates (round_id, centre_id, grp, area, n, suppressed, p10, q1, median, q3, p90, mean, min_diff)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, roundID, centreID, g.Group, g.Area, g.N, g.Suppressed, v[0], v[1], v[2], v[3], v[4], v[5], g.MinDiff); err != nil {
				return err
			}
		}
		_, err := tx.exec(ctx, `INSERT INTO round_stats (round_id, centre_id, k, invited, submitted, included, opted_out, dependent, computed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (round_id) DO UPDATE SET k = excluded.k, invited = excluded.invited,
			submitted = excluded.submitted, included = excluded.included, opted_out = excluded.opted_out, dependent = excluded.dependent,
			computed_at = excluded.computed_at`,
			roundID, centreID, k, st.Invited, st.Submitted, st.Included, st.OptedOut, st.Dependent, ms(tx.s.now()))
		if err != nil {
			return err
		}
		return tx.Audit(ctx, vaern.System("results"), Change{OrgID: centreID, Action: "round.results", ObjectType: "round", ObjectID: roundID,
			Detail: map[string]any{"k": k, "included": st.Included, "dependent": st.Dependent, "groups": len(aggs)}})
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

const statsCols = `x.round_id, r.year, r.title, x.k, x.invited, x.submitted, x.included, x.opted_out, x.dependent`

func scanStats(r scanner) (RoundStats, error) {
	var x RoundStats
	err := r.Scan(&x.RoundID, &x.Year, &x.Title, &x.K, &x.Invited, &x.Submitted, &x.Included, &x.OptedOut, &x.Dependent)
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
	var x int64
	if err := s.queryRow(ctx, "SELECT id FROM rounds WHERE centre_id = ? AND id = ?", centreID, roundID).Scan(&x); err != nil {
		if err == sql.ErrNoRows {
			return nil, nil
		}
		return nil, err
	}
	return s.roundAggregates(ctx, roundID, k)
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
	return s.roundAggregates(ctx, roundID, k)
}

// roundAggregates returns one round's aggregates suppressed with k, cached by round, computation
// time and k (aggregates change only when ComputeRoundResults runs).
func (s *Store) roundAggregates(ctx context.Context, roundID int64, k int) ([]results.Aggregate, error) {
	var at int64
	if err := s.queryRow(ctx, "SELECT computed_at FROM round_stats WHERE round_id = ?", roundID).Scan(&at); err != nil {
		if err == sql.ErrNoRows {
			return nil, nil
		}
		return nil, err
	}
	key := roundID*1000 + int64(k%1000)
	if c, hit := s.caches().aggregates.get(key, at); hit {
		return c, nil
	}
	list, err := s.aggregates(ctx, "a.round_id = ?", k, roundID)
	if err != nil {
		return nil, err
	}
	s.caches().aggregates.put(key, at, list)
	return list, nil
}

func (s *Store) aggregates(ctx context.Context, where string, k int, args ...any) ([]results.Aggregate, error) {
	rows, err := s.query(ctx, `SELECT a.grp, a.area, a.n, a.suppressed, a.p10, a.q1, a.median, a.q3, a.p90, a.mean, a.min_diff
		FROM round_aggregates a WHERE `+where+` ORDER BY a.area, a.grp`, args...)
	type row struct {
		results.Aggregate
		v [6]sql.NullFloat64
	}
	list, err := collect(rows, err, func(r scanner) (row, error) {
		var x row
		err := r.Scan(&x.Group, &x.Area, &x.N, &x.Suppressed, &x.v[0], &x.v[1], &x.v[2], &x.v[3], &x.v[4], &x.v[5], &x.MinDiff)
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
		if results.IsNamed(x.Group) && results.NamedHidden(x.N, x.MinDiff, k) {
			a.Suppressed = true
		}
		if a.Suppressed {
			a.N = 0
		} else {
			a.Summary = &results.Summary{N: x.N, P10: x.v[0].Float64, Q1: x.v[1].Float64, Median: x.v[2].Float64, Q3: x.v[3].Float64,
				P90: x.v[4].Float64, Mean: x.v[5].Float64}
		}
		out = append(out, a)
	}
	return out, nil
}

// ScoreAssessment scores one of the member's assessments from its current answers, without
// storing anything (for reports of assessments still being answered).
func (s *Store) ScoreAssessment(ctx context.Context, orgID, assessmentID int64) (baseline.Result, error) {
	_, res, err := s.computeResult(ctx, orgID, assessmentID)
	return res, err
}

// BulkAnswer is one answer of a bulk import (generated datasets).
type BulkAnswer struct {
	OrgID, AssessmentID int64
	QuestionID          string
	UnitID              int64
	Value               string
}

// BulkImportAnswers writes many members' answers in one transaction with multi-row inserts, as
// approved, without per-answer history: for generating large datasets (vaern demo --scale), where
// the per-answer history of ImportAnswers would dominate. One audit row per organisation records
// the import.
func (s *Store) BulkImportAnswers(ctx context.Context, a vaern.Actor, rows []BulkAnswer) error {
	const batch = 400
	return s.Write(ctx, func(tx *Tx) error {
		now := ms(tx.s.now())
		counts := map[int64]int{}
		for i := 0; i < len(rows); i += batch {
			part := rows[i:min(i+batch, len(rows))]
			var q strings.Builder
			q.WriteString(`INSERT INTO answers (assessment_id, org_id, question_id, unit_id, value, status, answered_by, answered_at, reviewed_by, reviewed_at) VALUES `)
			args := make([]any, 0, len(part)*7)
			for j, r := range part {
				if j > 0 {
					q.WriteString(", ")
				}
				q.WriteString("(?, ?, ?, ?, ?, 'approved', ?, ?, ?, ?)")
				args = append(args, r.AssessmentID, r.OrgID, r.QuestionID, r.UnitID, r.Value, a.UserID, now, a.UserID, now)
				counts[r.OrgID]++
			}
			if _, err := tx.tx.ExecContext(tx.c(ctx), s.rebind(q.String()), args...); err != nil {
				return mapErr(err)
			}
		}
		for org, n := range counts {
			if err := tx.Audit(ctx, a, Change{OrgID: org, Action: "answer.import", ObjectType: "org", ObjectID: org,
				Detail: map[string]any{"answers": n, "bulk": true}}); err != nil {
				return err
			}
		}
		return nil
	})
}

// MarkRoundSubmitted marks every open assessment of a round that has answers submitted at the given
// time (generated datasets), with one audit row for the round.
func (s *Store) MarkRoundSubmitted(ctx context.Context, a vaern.Actor, centreID, roundID int64, at time.Time) error {
	return s.Write(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `UPDATE assessments SET status = 'submitted', submitted_at = ?, submitted_by = ?, updated_at = ?
			WHERE round_id = ? AND status = 'open' AND round_id IN (SELECT id FROM rounds WHERE centre_id = ?)
			AND EXISTS (SELECT 1 FROM answers a WHERE a.assessment_id = assessments.id)`,
			ms(at), a.UserID, ms(tx.s.now()), roundID, centreID); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "round.bulk_submit", ObjectType: "round", ObjectID: roundID})
	})
}
