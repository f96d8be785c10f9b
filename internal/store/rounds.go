package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
)

const roundCols = `r.id, r.centre_id, r.year, r.framework_id, r.title, r.opens_at, r.closes_at, r.status, r.closed_at, r.created_at,
	f.id, f.fid, f.version, f.title, f.questions, f.builtin, f.draft, f.created_at, f.updated_at`

const roundFrom = ` FROM rounds r JOIN frameworks f ON f.id = r.framework_id `

func scanRound(r scanner, extra ...any) (vaern.Round, error) {
	var x vaern.Round
	var o, c, cl, cr, fc, fu int64
	f := &x.Framework
	err := r.Scan(append([]any{&x.ID, &x.CentreID, &x.Year, &x.FrameworkID, &x.Title, &o, &c, &x.Status, &cl, &cr,
		&f.ID, &f.FID, &f.Version, &f.Title, &f.Questions, &f.Builtin, &f.Draft, &fc, &fu}, extra...)...)
	x.OpensAt, x.ClosesAt, x.ClosedAt, x.CreatedAt = fromMS(o), fromMS(c), fromMS(cl), fromMS(cr)
	f.CreatedAt, f.UpdatedAt = fromMS(fc), fromMS(fu)
	return x, mapErr(err)
}

// CreateRound opens a round for the given members (all of the centre's members when none are
// given) and creates each member's assessment.
func (s *Store) CreateRound(ctx context.Context, a vaern.Actor, centreID int64, r vaern.Round, memberIDs []int64) (vaern.Round, error) {
	r.Title = strings.TrimSpace(r.Title)
	switch {
	case r.Year < 2000 || r.Year > 2100:
		return r, vaern.Invalid("year", "must be a year between 2000 and 2100")
	case r.Title == "":
		return r, vaern.Invalid("title", "is required")
	case r.OpensAt.IsZero():
		return r, vaern.Invalid("opens_at", "is required")
	case !r.ClosesAt.After(r.OpensAt):
		return r, vaern.Invalid("closes_at", "must be after the opening date")
	}
	err := s.Write(ctx, func(tx *Tx) error {
		var draft bool
		var kind string
		if err := tx.queryRow(ctx, "SELECT draft, kind FROM frameworks WHERE id = ? AND centre_id = ?", r.FrameworkID, centreID).Scan(&draft, &kind); err != nil {
			return vaern.Invalid("framework", "is not one of the centre's frameworks")
		}
		if kind == string(framework.KindMapping) {
			return vaern.Invalid("framework", "is a mapping questionnaire, not a baseline framework")
		}
		if draft {
			return vaern.Invalid("framework", "is a draft; finish it before using it in a round")
		}
		if len(memberIDs) == 0 {
			rows, err := tx.query(ctx, "SELECT id FROM orgs WHERE parent_id = ? ORDER BY id", centreID)
			ids, err := collect(rows, err, func(r scanner) (int64, error) { var id int64; return id, r.Scan(&id) })
			if err != nil {
				return err
			}
			memberIDs = ids
		}
		if len(memberIDs) == 0 {
			return vaern.Invalid("members", "the round needs at least one member")
		}
		now := tx.s.now()
		r.CentreID, r.Status, r.CreatedAt = centreID, vaern.RoundOpen, now
		id, err := tx.insert(ctx, `INSERT INTO rounds (centre_id, year, framework_id, title, opens_at, closes_at, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, centreID, r.Year, r.FrameworkID, r.Title, ms(r.OpensAt), ms(r.ClosesAt), r.Status, ms(now))
		if err != nil {
			return err
		}
		r.ID = id
		for _, m := range memberIDs {
			var parent int64
			if err := tx.queryRow(ctx, "SELECT COALESCE(parent_id, 0) FROM orgs WHERE id = ?", m).Scan(&parent); err != nil || parent != centreID {
				return vaern.Invalid("members", "organisation %d is not a member of the centre", m)
			}
			if _, err := tx.exec(ctx, "INSERT INTO assessments (round_id, org_id, status, updated_at) VALUES (?, ?, ?, ?)",
				id, m, vaern.AssessmentOpen, ms(now)); err != nil {
				return mapErr(err)
			}
			if err := tx.Audit(ctx, a, Change{OrgID: m, Action: "round.join", ObjectType: "round", ObjectID: id,
				Detail: map[string]any{"year": r.Year, "closes_at": r.ClosesAt.Format(time.RFC3339)}}); err != nil {
				return err
			}
		}
		r.Members = len(memberIDs)
		// The participants are told who takes part: how many, and how many of them the centre
		// created or reached within the independence period (they do not count toward k).
		var recent int
		since := ms(now.AddDate(0, 0, -vaern.IndependenceDays))
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM assessments a JOIN orgs o ON o.id = a.org_id WHERE a.round_id = ?
			AND (o.created_at >= ? OR o.centre_joined_at >= ?)`, id, since, since).Scan(&recent); err != nil {
			return err
		}
		if a.UserID != 0 { // as for new members: seeding by the installation is not news
			if err := tx.notice(ctx, centreID, id, 0, "round.participants", map[string]any{"subject": r.Title, "count": len(memberIDs), "new": recent}); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "round.create", ObjectType: "round", ObjectID: id,
			Detail: map[string]any{"year": r.Year, "framework_id": r.FrameworkID, "members": len(memberIDs),
				"opens_at": r.OpensAt.Format(time.RFC3339), "closes_at": r.ClosesAt.Format(time.RFC3339)}})
	})
	return r, err
}

const roundCounts = `, (SELECT COUNT(*) FROM assessments x WHERE x.round_id = r.id),
	(SELECT COUNT(*) FROM assessments x WHERE x.round_id = r.id AND x.status IN ('submitted'))`

// Rounds lists the centre's rounds, newest first, with participation counts.
func (s *Store) Rounds(ctx context.Context, centreID int64) ([]vaern.Round, error) {
	rows, err := s.query(ctx, "SELECT "+roundCols+roundCounts+roundFrom+"WHERE r.centre_id = ? ORDER BY r.year DESC, r.id DESC", centreID)
	return collect(rows, err, func(r scanner) (vaern.Round, error) {
		var m, sub int
		x, err := scanRound(r, &m, &sub)
		x.Members, x.Submitted = m, sub
		return x, err
	})
}

// Round returns one of the centre's rounds.
func (s *Store) Round(ctx context.Context, centreID, id int64) (vaern.Round, error) {
	var m, sub int
	r, err := scanRound(s.queryRow(ctx, "SELECT "+roundCols+roundCounts+roundFrom+"WHERE r.centre_id = ? AND r.id = ?", centreID, id), &m, &sub)
	r.Members, r.Submitted = m, sub
	return r, err
}

// Participant is a member's standing in a round as the centre sees it: whether it has submitted,
// never what it answered.
type Participant struct {
	Org           vaern.Org
	AssessmentID  int64
	Status        string
	SubmittedAt   time.Time
	ReopenedUntil time.Time
}

// Participation lists the members of a round with their assessment status.
func (s *Store) Participation(ctx context.Context, centreID, roundID int64) ([]Participant, error) {
	rows, err := s.query(ctx, `SELECT `+prefixCols(orgCols, "o.")+`, x.id, x.status, x.submitted_at, x.reopened_until
		FROM assessments x JOIN rounds r ON r.id = x.round_id JOIN orgs o ON o.id = x.org_id
		WHERE r.centre_id = ? AND r.id = ? ORDER BY o.country, o.name`, centreID, roundID)
	return collect(rows, err, func(r scanner) (Participant, error) {
		var p Participant
		var sub, until int64
		o, err := scanOrg(scanFunc(func(dest ...any) error {
			return r.Scan(append(dest, &p.AssessmentID, &p.Status, &sub, &until)...)
		}))
		p.Org, p.SubmittedAt, p.ReopenedUntil = o, fromMS(sub), fromMS(until)
		return p, err
	})
}

// scanFunc adapts a function to the scanner interface (to scan extra columns after a shared set).
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// prefixCols qualifies a column list written without table prefix. Only the first column name of
// a function call is qualified (COALESCE(parent_id, 0) → COALESCE(o.parent_id, 0)).
func prefixCols(cols, prefix string) string {
	var parts []string
	depth, start := 0, 0
	for i, c := range cols {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, cols[start:i])
				start = i + 1
			}
		}
	}
	parts = append(parts, cols[start:])
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if fn, rest, ok := strings.Cut(p, "("); ok {
			parts[i] = fn + "(" + prefix + rest
			continue
		}
		parts[i] = prefix + p
	}
	return strings.Join(parts, ", ")
}

// CloseRound closes a round now: every assessment in it is locked.
func (s *Store) CloseRound(ctx context.Context, a vaern.Actor, centreID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.closeRound(ctx, a, centreID, id) })
}

func (t *Tx) closeRound(ctx context.Context, a vaern.Actor, centreID, id int64) error {
	now := t.s.now()
	res, err := t.exec(ctx, "UPDATE rounds SET status = ?, closed_at = ? WHERE id = ? AND centre_id = ? AND status = ?",
		vaern.RoundClosed, ms(now), id, centreID, vaern.RoundOpen)
	if err := affected(res, err); err != nil {
		return err
	}
	if _, err := t.exec(ctx, "UPDATE assessments SET status = ?, updated_at = ? WHERE round_id = ? AND status IN ('open', 'submitted')",
		vaern.AssessmentClosed, ms(now), id); err != nil {
		return err
	}
	return t.Audit(ctx, a, Change{OrgID: centreID, Action: "round.close", ObjectType: "round", ObjectID: id})
}

// CloseDueRounds closes every round whose closing time has passed, and locks again every reopened
// assessment whose extension has run out. It returns the ids of the rounds it closed.
func (s *Store) CloseDueRounds(ctx context.Context, now time.Time) ([]int64, error) {
	var closed []int64
	err := s.Write(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, "SELECT id, centre_id FROM rounds WHERE status = ? AND closes_at <= ?", vaern.RoundOpen, ms(now))
		due, err := collect(rows, err, func(r scanner) ([2]int64, error) { var x [2]int64; return x, r.Scan(&x[0], &x[1]) })
		if err != nil {
			return err
		}
		for _, d := range due {
			if err := tx.closeRound(ctx, vaern.System("scheduler"), d[1], d[0]); err != nil {
				return err
			}
			closed = append(closed, d[0])
		}
		rows, err = tx.query(ctx, "SELECT id, org_id FROM assessments WHERE status = ? AND reopened_until <= ?", vaern.AssessmentReopened, ms(now))
		expired, err := collect(rows, err, func(r scanner) ([2]int64, error) { var x [2]int64; return x, r.Scan(&x[0], &x[1]) })
		if err != nil {
			return err
		}
		for _, e := range expired {
			if _, err := tx.exec(ctx, "UPDATE assessments SET status = ?, updated_at = ? WHERE id = ?", vaern.AssessmentClosed, ms(now), e[0]); err != nil {
				return err
			}
			if err := tx.Audit(ctx, vaern.System("scheduler"), Change{OrgID: e[1], Action: "assessment.relock", ObjectType: "assessment", ObjectID: e[0]}); err != nil {
				return err
			}
		}
		return nil
	})
	return closed, err
}

// ReopenAssessment lets one member change its answers again until the given time, with a reason
// that is audited in both the centre's and the member's chain.
func (s *Store) ReopenAssessment(ctx context.Context, a vaern.Actor, centreID, assessmentID int64, reason string, until time.Time) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return vaern.Invalid("reason", "is required")
	}
	return s.Write(ctx, func(tx *Tx) error {
		var orgID int64
		if err := tx.queryRow(ctx, `SELECT x.org_id FROM assessments x JOIN rounds r ON r.id = x.round_id
			WHERE x.id = ? AND r.centre_id = ?`, assessmentID, centreID).Scan(&orgID); err != nil {
			return mapErr(err)
		}
		if !until.After(tx.s.now()) {
			return vaern.Invalid("until", "must be in the future")
		}
		if _, err := tx.exec(ctx, "UPDATE assessments SET status = ?, reopened_until = ?, reopen_reason = ?, updated_at = ? WHERE id = ?",
			vaern.AssessmentReopened, ms(until), reason, ms(tx.s.now()), assessmentID); err != nil {
			return err
		}
		detail := map[string]any{"reason": reason, "until": until.Format(time.RFC3339), "org_id": orgID}
		if err := tx.Audit(ctx, a, Change{OrgID: centreID, Action: "assessment.reopen", ObjectType: "assessment", ObjectID: assessmentID, Detail: detail}); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "assessment.reopen", ObjectType: "assessment", ObjectID: assessmentID, Detail: detail})
	})
}

const assessmentCols = `x.id, x.round_id, x.org_id, x.status, x.submitted_at, x.submitted_by, x.reopened_until, x.reopen_reason,
	x.benchmark_opt_out, x.units, x.updated_at, ` + roundCols

func scanAssessment(r scanner) (vaern.Assessment, error) {
	var x vaern.Assessment
	var sub, until, upd int64
	var units string
	round, err := scanRound(scanFunc(func(dest ...any) error {
		return r.Scan(append([]any{&x.ID, &x.RoundID, &x.OrgID, &x.Status, &sub, &x.SubmittedBy, &until, &x.ReopenReason,
			&x.BenchmarkOptOut, &units, &upd}, dest...)...)
	}))
	x.Round, x.SubmittedAt, x.ReopenedUntil, x.UpdatedAt = round, fromMS(sub), fromMS(until), fromMS(upd)
	x.Units = parseIDs(units)
	return x, err
}

func parseIDs(s string) []int64 {
	var out []int64
	for _, p := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64); err == nil && id > 0 {
			out = append(out, id)
		}
	}
	return out
}

func formatIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

const assessmentFrom = ` FROM assessments x JOIN rounds r ON r.id = x.round_id JOIN frameworks f ON f.id = r.framework_id `

// Assessments lists the organisation's assessments, newest round first.
func (s *Store) Assessments(ctx context.Context, orgID int64) ([]vaern.Assessment, error) {
	rows, err := s.query(ctx, "SELECT "+assessmentCols+assessmentFrom+"WHERE x.org_id = ? ORDER BY r.year DESC, r.id DESC", orgID)
	return collect(rows, err, scanAssessment)
}

// Assessment returns one of the organisation's assessments.
func (s *Store) Assessment(ctx context.Context, orgID, id int64) (vaern.Assessment, error) {
	return scanAssessment(s.queryRow(ctx, "SELECT "+assessmentCols+assessmentFrom+"WHERE x.org_id = ? AND x.id = ?", orgID, id))
}

// SetAssessmentUnits sets which units answer the unit questions.
func (s *Store) SetAssessmentUnits(ctx context.Context, a vaern.Actor, orgID, id int64, units []int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		for _, u := range units {
			if err := tx.unitExists(ctx, orgID, u); err != nil {
				return vaern.Invalid("units", "unit %d is not a unit of this organisation", u)
			}
		}
		res, err := tx.exec(ctx, "UPDATE assessments SET units = ?, updated_at = ? WHERE org_id = ? AND id = ?", formatIDs(units), ms(tx.s.now()), orgID, id)
		if err := affected(res, err); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "assessment.units", ObjectType: "assessment", ObjectID: id, Detail: map[string]any{"units": units}})
	})
}

// SubmitAssessment marks the assessment submitted. The caller has checked it is complete.
func (s *Store) SubmitAssessment(ctx context.Context, a vaern.Actor, orgID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.editable(ctx, orgID, id); err != nil {
			return err
		}
		if err := tx.submittable(ctx, orgID, id); err != nil {
			return err
		}
		now := tx.s.now()
		res, err := tx.exec(ctx, `UPDATE assessments SET status = ?, submitted_at = ?, submitted_by = ?, updated_at = ?
			WHERE org_id = ? AND id = ? AND status IN ('open', 'reopened')`, vaern.AssessmentSubmitted, ms(now), a.UserID, ms(now), orgID, id)
		if err := affected(res, err); err != nil {
			if err == vaern.ErrNotFound {
				return vaern.Invalid("assessment", "is already submitted or closed")
			}
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "assessment.submit", ObjectType: "assessment", ObjectID: id})
	})
}

// SetBenchmarkOptOut sets whether the member's figures stay out of the benchmark for this round.
func (s *Store) SetBenchmarkOptOut(ctx context.Context, a vaern.Actor, orgID, id int64, out bool) error {
	return s.Write(ctx, func(tx *Tx) error {
		// The choice is fixed when the round closes: the aggregates are computed then, and computing
		// them again without one member would let the difference give that member's figures away.
		var roundStatus string
		if err := tx.queryRow(ctx, "SELECT r.status FROM assessments x JOIN rounds r ON r.id = x.round_id WHERE x.org_id = ? AND x.id = ?",
			orgID, id).Scan(&roundStatus); err != nil {
			return mapErr(err)
		}
		if roundStatus != vaern.RoundOpen {
			return vaern.Invalid("opt_out", "can only be changed while the round is open")
		}
		res, err := tx.exec(ctx, "UPDATE assessments SET benchmark_opt_out = ?, updated_at = ? WHERE org_id = ? AND id = ?", out, ms(tx.s.now()), orgID, id)
		if err := affected(res, err); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "assessment.benchmark_opt_out", ObjectType: "assessment", ObjectID: id, Detail: map[string]any{"opt_out": out}})
	})
}
