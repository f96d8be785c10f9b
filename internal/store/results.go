package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// Results: each assessment's scoring is stored when it is submitted and when its round closes, and
// the anonymous aggregates of a round are computed when it closes. The computing is the results
// module's (internal/results); the store keeps what it computed, in the module's own encoding,
// and scopes every read by organisation. Member-facing methods take the member's id and return
// its own rows; centre-facing methods return aggregate rows only, never a member's row.

// ResultRow is one assessment's stored result: the scoring as the results module encoded it.
type ResultRow struct {
	AssessmentID, OrgID, RoundID int64
	Overall                      *float64
	Result                       string // the whole result (JSON)
	Scores                       string // the question scores, compact, for trends
	Trend                        string // the trend up to this round (JSON)
	ComputedAt                   int64  // set by the store on reads: when the row was written (ms)
}

func (t *Tx) saveResult(ctx context.Context, r ResultRow) error {
	var overall any
	if r.Overall != nil {
		overall = *r.Overall
	}
	_, err := t.exec(ctx, `INSERT INTO assessment_results (assessment_id, org_id, round_id, overall, result, scores, trend, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (assessment_id) DO UPDATE SET overall = excluded.overall, result = excluded.result, scores = excluded.scores,
		trend = excluded.trend, computed_at = excluded.computed_at`,
		r.AssessmentID, r.OrgID, r.RoundID, overall, r.Result, r.Scores, r.Trend, ms(t.s.now()))
	return err
}

// SaveAssessmentResult stores one of the member's assessment results (on submission, and for
// imports). It changes no answer and is not audited: it is derived data.
func (s *Store) SaveAssessmentResult(ctx context.Context, r ResultRow) error {
	return s.Write(ctx, func(tx *Tx) error {
		var x int64
		if err := tx.queryRow(ctx, "SELECT id FROM assessments WHERE org_id = ? AND id = ?", r.OrgID, r.AssessmentID).Scan(&x); err != nil {
			return mapErr(err)
		}
		return tx.saveResult(ctx, r)
	})
}

// History is one of the member's stored results in brief: its round and question scores.
type History struct {
	AssessmentID int64
	RoundID      int64
	Year         int
	RoundTitle   string
	FrameworkID  int64
	Overall      *float64
	Scores       string // as the results module encoded them
}

// AssessmentHistory returns the member's stored results in brief, oldest round first: for trends
// and lists, without reading whole results.
func (s *Store) AssessmentHistory(ctx context.Context, orgID int64) ([]History, error) {
	rows, err := s.query(ctx, `SELECT x.assessment_id, x.round_id, r.year, r.title, r.framework_id, x.overall, x.scores
		FROM assessment_results x JOIN rounds r ON r.id = x.round_id WHERE x.org_id = ? ORDER BY r.year, r.id`, orgID)
	return collect(rows, err, func(r scanner) (History, error) {
		var x History
		var overall sql.NullFloat64
		if err := r.Scan(&x.AssessmentID, &x.RoundID, &x.Year, &x.RoundTitle, &x.FrameworkID, &overall, &x.Scores); err != nil {
			return x, err
		}
		if overall.Valid {
			x.Overall = &overall.Float64
		}
		return x, nil
	})
}

// FrameworkVersionIDs returns the ids of the centre's finished versions of framework fid, by version.
func (s *Store) FrameworkVersionIDs(ctx context.Context, centreID int64, fid string) (map[string]int64, error) {
	rows, err := s.query(ctx, "SELECT id, version FROM frameworks WHERE centre_id = ? AND fid = ? AND draft = ?", centreID, fid, false)
	type fv struct {
		id      int64
		version string
	}
	list, err := collect(rows, err, func(r scanner) (fv, error) { var x fv; return x, r.Scan(&x.id, &x.version) })
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(list))
	for _, x := range list {
		out[x.version] = x.id
	}
	return out, nil
}

// ResultComputedAt tells when the member's result of an assessment was stored; ok is false when
// none is stored yet. Callers that cache decoded results use it to see a recomputation at once.
func (s *Store) ResultComputedAt(ctx context.Context, orgID, assessmentID int64) (at int64, ok bool, err error) {
	err = s.queryRow(ctx, "SELECT computed_at FROM assessment_results WHERE org_id = ? AND assessment_id = ?", orgID, assessmentID).Scan(&at)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	return at, err == nil, err
}

// AssessmentResult returns the member's stored result of one of its assessments; ok is false
// when none is stored yet.
func (s *Store) AssessmentResult(ctx context.Context, orgID, assessmentID int64) (r ResultRow, ok bool, err error) {
	var overall sql.NullFloat64
	err = s.queryRow(ctx, `SELECT assessment_id, org_id, round_id, overall, result, scores, trend, computed_at FROM assessment_results
		WHERE org_id = ? AND assessment_id = ?`, orgID, assessmentID).
		Scan(&r.AssessmentID, &r.OrgID, &r.RoundID, &overall, &r.Result, &r.Scores, &r.Trend, &r.ComputedAt)
	if err == sql.ErrNoRows {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	if overall.Valid {
		r.Overall = &overall.Float64
	}
	return r, true, nil
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

// AggregateRow is one stored anonymous aggregate of a round: a group's distribution of one area's
// scores (Area "" is the overall score). A suppressed group has no figures.
type AggregateRow struct {
	Group, Area string
	N           int
	Suppressed  bool
	// P10, Q1, Median, Q3, P90, Mean; nil when suppressed.
	Figures *[6]float64
	// MinDiff, for a centre-defined group, is the smallest difference in members between it and a
	// shown group it contains or sits inside (see results.NamedHidden).
	MinDiff int
}

// RoundCentre returns the centre a round belongs to.
func (s *Store) RoundCentre(ctx context.Context, roundID int64) (int64, error) {
	var centreID int64
	err := s.queryRow(ctx, "SELECT centre_id FROM rounds WHERE id = ?", roundID).Scan(&centreID)
	return centreID, mapErr(err)
}

// SaveRoundResults stores, in one transaction, the result of every assessment of a round, the
// round's anonymous aggregates (replacing those stored before) and its participation, with one
// audit row for the round.
func (s *Store) SaveRoundResults(ctx context.Context, st RoundStats, rows []ResultRow, aggs []AggregateRow) error {
	centreID, err := s.RoundCentre(ctx, st.RoundID)
	if err != nil {
		return err
	}
	return s.Write(ctx, func(tx *Tx) error {
		for _, r := range rows {
			if err := tx.saveResult(ctx, r); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, "DELETE FROM round_aggregates WHERE round_id = ?", st.RoundID); err != nil {
			return err
		}
		for _, g := range aggs {
			var v [6]any
			if g.Figures != nil {
				for i, x := range g.Figures {
					v[i] = x
				}
			}
			if _, err := tx.exec(ctx, `INSERT INTO round_aggregates (round_id, centre_id, grp, area, n, suppressed, p10, q1, median, q3, p90, mean, min_diff)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, st.RoundID, centreID, g.Group, g.Area, g.N, g.Suppressed, v[0], v[1], v[2], v[3], v[4], v[5], g.MinDiff); err != nil {
				return err
			}
		}
		_, err := tx.exec(ctx, `INSERT INTO round_stats (round_id, centre_id, k, invited, submitted, included, opted_out, dependent, computed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (round_id) DO UPDATE SET k = excluded.k, invited = excluded.invited,
			submitted = excluded.submitted, included = excluded.included, opted_out = excluded.opted_out, dependent = excluded.dependent,
			computed_at = excluded.computed_at`,
			st.RoundID, centreID, st.K, st.Invited, st.Submitted, st.Included, st.OptedOut, st.Dependent, ms(tx.s.now()))
		if err != nil {
			return err
		}
		return tx.Audit(ctx, vaern.System("results"), Change{OrgID: centreID, Action: "round.results", ObjectType: "round", ObjectID: st.RoundID,
			Detail: map[string]any{"k": st.K, "included": st.Included, "dependent": st.Dependent, "groups": len(aggs)}})
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

// CentreAggregateRounds lists the centre's rounds that have aggregates.
func (s *Store) CentreAggregateRounds(ctx context.Context, centreID int64) ([]int64, error) {
	rows, err := s.query(ctx, "SELECT DISTINCT round_id FROM round_aggregates WHERE centre_id = ? ORDER BY round_id", centreID)
	return collect(rows, err, func(r scanner) (int64, error) { var id int64; return id, r.Scan(&id) })
}

// CentreAggregatesAt tells when the aggregates of one of the centre's rounds were computed; ok is
// false for a round of another centre or one without aggregates.
func (s *Store) CentreAggregatesAt(ctx context.Context, centreID, roundID int64) (at int64, ok bool, err error) {
	err = s.queryRow(ctx, "SELECT computed_at FROM round_stats WHERE centre_id = ? AND round_id = ?", centreID, roundID).Scan(&at)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	return at, err == nil, err
}

// MemberAggregatesAt is CentreAggregatesAt for a round the member took part in; another round
// answers vaern.ErrNotFound.
func (s *Store) MemberAggregatesAt(ctx context.Context, orgID, roundID int64) (at int64, ok bool, err error) {
	var x int64
	if err := s.queryRow(ctx, "SELECT id FROM assessments WHERE org_id = ? AND round_id = ?", orgID, roundID).Scan(&x); err != nil {
		return 0, false, mapErr(err)
	}
	err = s.queryRow(ctx, "SELECT computed_at FROM round_stats WHERE round_id = ?", roundID).Scan(&at)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	return at, err == nil, err
}

// RoundAggregates returns the stored aggregates of a round, by area and group. Callers reach it
// only after CentreAggregatesAt or MemberAggregatesAt has said the round is theirs.
func (s *Store) RoundAggregates(ctx context.Context, roundID int64) ([]AggregateRow, error) {
	rows, err := s.query(ctx, `SELECT a.grp, a.area, a.n, a.suppressed, a.p10, a.q1, a.median, a.q3, a.p90, a.mean, a.min_diff
		FROM round_aggregates a WHERE a.round_id = ? ORDER BY a.area, a.grp`, roundID)
	return collect(rows, err, func(r scanner) (AggregateRow, error) {
		var x AggregateRow
		var v [6]sql.NullFloat64
		if err := r.Scan(&x.Group, &x.Area, &x.N, &x.Suppressed, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &x.MinDiff); err != nil {
			return x, err
		}
		if v[2].Valid {
			x.Figures = &[6]float64{v[0].Float64, v[1].Float64, v[2].Float64, v[3].Float64, v[4].Float64, v[5].Float64}
		}
		return x, nil
	})
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
