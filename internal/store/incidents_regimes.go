package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
)

const regimeSelect = `SELECT r.incident_id, r.regime, r.auto, r.removed, r.reason, COALESCE(r.by_id, 0), r.at, r.requested_at FROM incident_regimes r`

func scanRegime(r scanner) (vaern.AppliedRegime, error) {
	var a vaern.AppliedRegime
	var at, req int64
	err := r.Scan(&a.IncidentID, &a.Regime, &a.Auto, &a.Removed, &a.Reason, &a.ByID, &at, &req)
	a.At, a.RequestedAt = fromMS(at), fromMS(req)
	return a, mapErr(err)
}

const reportSelect = `SELECT r.id, r.incident_id, r.regime, r.step, r.submitted_at, COALESCE(r.by_id, 0), COALESCE(u.name, u.email, ''), r.reference
	FROM incident_reports r LEFT JOIN users u ON u.id = r.by_id`

func scanReport(r scanner) (vaern.IncidentReport, error) {
	var p vaern.IncidentReport
	var at int64
	err := r.Scan(&p.ID, &p.IncidentID, &p.Regime, &p.Step, &at, &p.ByID, &p.ByName, &p.Reference)
	p.SubmittedAt = fromMS(at)
	return p, mapErr(err)
}

// IncidentRegimes are the regimes on case id (removed ones too, with their reason).
func (s *Store) IncidentRegimes(ctx context.Context, v access.Principal, id int64) ([]vaern.AppliedRegime, error) {
	w := incidentWhere(v).And("r.incident_id = ?", id)
	rows, err := s.query(ctx, regimeSelect+" JOIN incidents i ON i.id = r.incident_id WHERE "+w.SQL+" ORDER BY r.removed, r.regime", w.Args...)
	return collect(rows, err, scanRegime)
}

// IncidentReports are the reports submitted on case id.
func (s *Store) IncidentReports(ctx context.Context, v access.Principal, id int64) ([]vaern.IncidentReport, error) {
	w := incidentWhere(v).And("r.incident_id = ?", id)
	rows, err := s.query(ctx, reportSelect+" JOIN incidents i ON i.id = r.incident_id WHERE "+w.SQL+" ORDER BY r.submitted_at, r.id", w.Args...)
	return collect(rows, err, scanReport)
}

// IncidentDeadlines are case id's deadlines as stored with it, with their status at now.
func (s *Store) IncidentDeadlines(ctx context.Context, v access.Principal, id int64, now time.Time) ([]vaern.Deadline, error) {
	w := incidentWhere(v).And("d.incident_id = ?", id)
	rows, err := s.query(ctx, `SELECT d.incident_id, d.regime, d.step, d.due_at, d.submitted_at, d.legal FROM incident_deadlines d
		JOIN incidents i ON i.id = d.incident_id WHERE `+w.SQL+" ORDER BY CASE WHEN d.due_at = 0 THEN 1 ELSE 0 END, d.due_at, d.regime, d.step", w.Args...)
	return collect(rows, err, func(r scanner) (vaern.Deadline, error) { return scanDeadline(r, now) })
}

func scanDeadline(r scanner, now time.Time) (vaern.Deadline, error) {
	var d vaern.Deadline
	var due, sub int64
	err := r.Scan(&d.IncidentID, &d.Regime, &d.Step, &due, &sub, &d.Legal)
	d.DueAt, d.Submitted = fromMS(due), fromMS(sub)
	switch {
	case sub != 0:
		d.Status = vaern.DeadlineSubmitted
	case due == 0:
		d.Status = vaern.DeadlineWaiting
	case now.After(d.DueAt):
		d.Status = vaern.DeadlineOverdue
	default:
		d.Status = vaern.DeadlineOpen
	}
	return d, mapErr(err)
}

// OpenDeadlines are the deadlines not yet met of every open case v sees, nearest first (the
// dashboard's "next deadline" and the benchmark of every open case's clocks).
func (s *Store) OpenDeadlines(ctx context.Context, v access.Principal, now time.Time, limit int) ([]vaern.Deadline, error) {
	w := incidentWhere(v)
	if !v.Centre {
		w = w.And("i.org_id = ? AND d.org_id = ?", v.Org, v.Org)
	}
	rows, err := s.query(ctx, `SELECT d.incident_id, d.regime, d.step, d.due_at, d.submitted_at, d.legal FROM incident_deadlines d
		JOIN incidents i ON i.id = d.incident_id WHERE `+w.SQL+` AND d.submitted_at = 0 AND d.due_at > 0
		AND i.is_open = ? ORDER BY d.due_at`+fmt.Sprintf(" LIMIT %d", max(limit, 1)), append(w.Args, true)...)
	return collect(rows, err, func(r scanner) (vaern.Deadline, error) { return scanDeadline(r, now) })
}

// SetIncidentRegime adds regime to a case or removes it, with the handler's reason (required for
// a removal, since it stops a legal clock).
func (s *Store) SetIncidentRegime(ctx context.Context, a vaern.Actor, v access.Principal, id int64, regime string, remove bool, reason string) error {
	return s.Write(ctx, func(tx *Tx) error {
		c, err := tx.ownCase(ctx, v, id)
		if err != nil {
			return err
		}
		settings, err := tx.caseSettings(ctx, c)
		if err != nil {
			return err
		}
		if !tx.s.rules.Incident.KnownRegime(regime, settings) {
			return vaern.Invalid("regime", "is not a regime")
		}
		reason = strings.TrimSpace(reason)
		if remove && reason == "" {
			return vaern.Invalid("reason", "say why the regime does not apply")
		}
		if len(reason) > 2000 {
			return vaern.Invalid("reason", "is longer than 2000 characters")
		}
		if _, err := tx.exec(ctx, `INSERT INTO incident_regimes (incident_id, org_id, regime, auto, removed, reason, by_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (incident_id, regime) DO UPDATE SET removed = excluded.removed, reason = excluded.reason, by_id = excluded.by_id, at = excluded.at`,
			id, c.OrgID, regime, false, remove, reason, nullID(a.UserID), ms(tx.s.now())); err != nil {
			return err
		}
		if err := tx.touch(ctx, c); err != nil {
			return err
		}
		action := "incident.regime_add"
		if remove {
			action = "incident.regime_remove"
		}
		return tx.Audit(ctx, a, Change{OrgID: c.OrgID, Action: action, ObjectType: "incident", ObjectID: id,
			Detail: map[string]any{"regime": regime, "reason": reason}})
	})
}

// RequestIncidentReport records that the authority asked for a report "on request" (NIS2's
// intermediate report, GDPR's supplement): its clock starts at at.
func (s *Store) RequestIncidentReport(ctx context.Context, a vaern.Actor, v access.Principal, id int64, regime string, at time.Time) error {
	return s.Write(ctx, func(tx *Tx) error {
		c, err := tx.ownCase(ctx, v, id)
		if err != nil {
			return err
		}
		if at.IsZero() || at.After(tx.s.now()) {
			at = tx.s.now()
		}
		res, err := tx.exec(ctx, "UPDATE incident_regimes SET requested_at = ? WHERE incident_id = ? AND regime = ? AND removed = ?", ms(at), id, regime, false)
		if err := affected(res, err); err == vaern.ErrNotFound {
			return vaern.Invalid("regime", "is not a regime on this case")
		} else if err != nil {
			return err
		}
		if err := tx.touch(ctx, c); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: c.OrgID, Action: "incident.request", ObjectType: "incident", ObjectID: id,
			Detail: map[string]any{"regime": regime}})
	})
}

// SubmitIncidentReport records that a report was submitted to the authority, when, and with the
// authority's reference. It meets the step's deadline.
func (s *Store) SubmitIncidentReport(ctx context.Context, a vaern.Actor, v access.Principal, p vaern.IncidentReport) (int64, error) {
	var rid int64
	err := s.Write(ctx, func(tx *Tx) error {
		c, err := tx.ownCase(ctx, v, p.IncidentID)
		if err != nil {
			return err
		}
		settings, err := tx.caseSettings(ctx, c)
		if err != nil {
			return err
		}
		if !tx.s.rules.Incident.KnownStep(p.Regime, p.Step, settings) {
			return vaern.Invalid("step", "is not a step of the regime")
		}
		p.Reference = strings.TrimSpace(p.Reference)
		if len(p.Reference) > 200 {
			return vaern.Invalid("reference", "is longer than 200 characters")
		}
		if p.SubmittedAt.IsZero() || p.SubmittedAt.After(tx.s.now()) {
			p.SubmittedAt = tx.s.now()
		}
		if p.SubmittedAt.Before(c.AwareAt) {
			return vaern.Invalid("submitted_at", "is before the time you became aware")
		}
		rid, err = tx.insert(ctx, `INSERT INTO incident_reports (incident_id, org_id, regime, step, submitted_at, by_id, reference, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.OrgID, p.Regime, p.Step, ms(p.SubmittedAt), nullID(a.UserID), p.Reference, ms(tx.s.now()))
		if err != nil {
			return err
		}
		if err := tx.touch(ctx, c); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: c.OrgID, Action: "incident.submit", ObjectType: "incident", ObjectID: c.ID,
			Detail: map[string]any{"regime": p.Regime, "step": p.Step, "reference": p.Reference}})
	})
	return rid, err
}

func (t *Tx) caseSettings(ctx context.Context, c vaern.Incident) ([]byte, error) {
	var parent int64
	if err := t.queryRow(ctx, "SELECT COALESCE(parent_id, 0) FROM orgs WHERE id = ?", c.OrgID).Scan(&parent); err != nil {
		return nil, err
	}
	return t.incidentSettings(ctx, parent)
}

// IncidentSettings are the centre's stored incident settings (nil: the defaults).
func (s *Store) IncidentSettings(ctx context.Context, centreID int64) ([]byte, error) {
	var b string
	err := mapErr(s.queryRow(ctx, "SELECT settings FROM incident_settings WHERE centre_id = ?", centreID).Scan(&b))
	if err == vaern.ErrNotFound {
		return nil, nil
	}
	return []byte(b), err
}

// IncidentSettingsFor are the settings that apply to a member's cases (its centre's).
func (s *Store) IncidentSettingsFor(ctx context.Context, orgID int64) ([]byte, error) {
	var b string
	err := mapErr(s.queryRow(ctx, `SELECT st.settings FROM incident_settings st JOIN orgs o ON st.centre_id = COALESCE(o.parent_id, o.id)
		WHERE o.id = ?`, orgID).Scan(&b))
	if err == vaern.ErrNotFound {
		return nil, nil
	}
	return []byte(b), err
}

// SaveIncidentSettings stores the centre's settings after the rules checked them. Open cases keep
// the deadlines they have until they next change; RecomputeIncidentDeadlines brings them all up
// to date (the settings page calls it).
func (s *Store) SaveIncidentSettings(ctx context.Context, a vaern.Actor, centreID int64, b []byte) error {
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.s.rules.Incident.CleanSettings(b); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO incident_settings (centre_id, settings, updated_by, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (centre_id) DO UPDATE SET settings = excluded.settings, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			centreID, string(b), nullID(a.UserID), ms(tx.s.now())); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "incident.settings", ObjectType: "org", ObjectID: centreID})
	})
}

// RecomputeIncidentDeadlines recomputes the deadlines of every open case of the centre's members,
// in batches of one transaction each, and returns how many cases it did.
func (s *Store) RecomputeIncidentDeadlines(ctx context.Context, centreID int64) (int, error) {
	ids, err := s.ids(ctx, `SELECT i.id FROM incidents i JOIN orgs o ON o.id = i.org_id WHERE o.parent_id = ?
		AND i.status NOT IN ('resolved', 'closed') ORDER BY i.id`, centreID)
	if err != nil {
		return 0, err
	}
	for start := 0; start < len(ids); start += 200 {
		batch := ids[start:min(start+200, len(ids))]
		if err := s.Write(ctx, func(tx *Tx) error {
			for _, id := range batch {
				if err := tx.touch(ctx, vaern.Incident{ID: id}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return start, err
		}
	}
	return len(ids), nil
}

// DueDeadline is a deadline a reminder is due for.
type DueDeadline struct {
	Case     vaern.Incident
	Deadline vaern.Deadline
	// Point is the reminder point (how long before the deadline), 0 for the escalation when overdue.
	Point time.Duration
}

// IncidentReminderKey is the dedupe key of one reminder of one deadline.
func IncidentReminderKey(d vaern.Deadline, point time.Duration) string {
	if point == 0 {
		return fmt.Sprintf("incident.overdue:%d:%s:%s:%d", d.IncidentID, d.Regime, d.Step, ms(d.DueAt))
	}
	return fmt.Sprintf("incident.deadline:%d:%s:%s:%d:%d", d.IncidentID, d.Regime, d.Step, ms(d.DueAt), int64(point/time.Minute))
}

// QueueIncidentReminders calls send, in a transaction of its own, for each deadline of an open
// case that is within point of now (and not yet reminded at that point), and for each deadline
// past due (the escalation). The reminder's event is recorded under IncidentReminderKey, so the
// next run, or another node, skips it. A point already passed when the case was reported fires
// once, at the nearest point.
func (s *Store) QueueIncidentReminders(ctx context.Context, now time.Time, points []time.Duration, send func(*Tx, DueDeadline) error) (int, error) {
	var horizon time.Duration
	for _, p := range points {
		horizon = max(horizon, p)
	}
	rows, err := s.query(ctx, `SELECT d.incident_id, d.regime, d.step, d.due_at, d.submitted_at, d.legal FROM incident_deadlines d
		JOIN incidents i ON i.id = d.incident_id WHERE d.submitted_at = 0 AND d.due_at > 0 AND d.due_at <= ?
		AND i.status NOT IN ('resolved', 'closed') ORDER BY d.due_at LIMIT 2000`, ms(now.Add(horizon)))
	due, err := collect(rows, err, func(r scanner) (vaern.Deadline, error) { return scanDeadline(r, now) })
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range due {
		var point time.Duration
		left := d.DueAt.Sub(now)
		if left > 0 {
			// The smallest point the deadline is already within.
			point = -1
			for _, p := range points {
				if left <= p && (point < 0 || p < point) {
					point = p
				}
			}
			if point < 0 {
				continue
			}
		}
		key := IncidentReminderKey(d, point)
		var seen int
		if err := s.queryRow(ctx, "SELECT COUNT(*) FROM notify_events WHERE dedupe = ?", key).Scan(&seen); err != nil {
			return n, err
		}
		if seen > 0 {
			continue
		}
		c, err := scanIncident(s.queryRow(ctx, "SELECT "+incidentCols+incidentFrom+" WHERE i.id = ?", d.IncidentID))
		if err != nil {
			return n, err
		}
		if err := s.Write(ctx, func(tx *Tx) error { return send(tx, DueDeadline{Case: c, Deadline: d, Point: point}) }); err != nil {
			return n, fmt.Errorf("incident reminder %d %s/%s: %w", d.IncidentID, d.Regime, d.Step, err)
		}
		n++
	}
	return n, nil
}

// NextDeadlines are the nearest unmet deadline of each of the cases ids (of those v sees), for
// the case lists' clocks.
func (s *Store) NextDeadlines(ctx context.Context, v access.Principal, ids []int64, now time.Time) (map[int64]vaern.Deadline, error) {
	out := map[int64]vaern.Deadline{}
	if len(ids) == 0 {
		return out, nil
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	// The unary + keeps the planner on the primary key (incident_id first) instead of the
	// partial index over every open deadline.
	w := incidentWhere(v).And("d.incident_id IN ("+ph+") AND +d.submitted_at = 0 AND +d.due_at > 0", args...)
	rows, err := s.query(ctx, `SELECT d.incident_id, d.regime, d.step, d.due_at, d.submitted_at, d.legal FROM incident_deadlines d
		JOIN incidents i ON i.id = d.incident_id WHERE `+w.SQL, w.Args...)
	list, err := collect(rows, err, func(r scanner) (vaern.Deadline, error) { return scanDeadline(r, now) })
	for _, d := range list {
		// The nearest; of two at once, a legal one before the centre's own.
		if o, ok := out[d.IncidentID]; !ok || d.DueAt.Before(o.DueAt) || (d.DueAt.Equal(o.DueAt) && d.Legal && !o.Legal) {
			out[d.IncidentID] = d
		}
	}
	return out, err
}
