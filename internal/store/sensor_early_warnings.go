package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// Early warnings (issue 14): the sensor.correlate job saves what the correlation found; the
// centre's analysts see them all, a member sees those whose member set holds it, and never which
// other members are in it.

// EarlyWarningSaved says what saving one correlated indicator did.
type EarlyWarningSaved struct {
	ID         int64
	Created    bool    // a new early warning
	Opened     bool    // it became open now (created open, or no longer suppressed)
	Status     string  // its status after the save
	Members    []int64 // its whole member set
	NewMembers []int64 // members added by this save
	Changed    bool    // anything of it changed
}

const earlyCols = `e.id, e.kind, e.value, e.signature_id, e.signature, e.members, e.alerts, e.first_seen, e.last_seen,
	e.status, e.suppressed_by, e.reason, e.advisory_id, e.indicator_id, e.created_at, e.updated_at`

func scanEarly(r scanner) (vaern.EarlyWarning, error) {
	var w vaern.EarlyWarning
	var first, last, created, updated int64
	err := r.Scan(&w.ID, &w.Kind, &w.Value, &w.SignatureID, &w.Signature, &w.Members, &w.Alerts, &first, &last,
		&w.Status, &w.SuppressedBy, &w.Reason, &w.AdvisoryID, &w.IndicatorID, &created, &updated)
	w.FirstSeen, w.LastSeen, w.CreatedAt, w.UpdatedAt = fromMS(first), fromMS(last), fromMS(created), fromMS(updated)
	return w, err
}

// SaveEarlyWarnings upserts the correlation's warnings in one transaction. A warning continues an
// existing one of the same indicator when they overlap or lie within the window of each other:
// its member set and first and last seen widen, and nothing is duplicated however often the
// correlation runs. The run first touches the centre's settings row, which serialises runs on
// several app nodes (a row lock on PostgreSQL, the single writer on SQLite). after is called in
// the transaction for every warning that changed, to notify.
func (s *Store) SaveEarlyWarnings(ctx context.Context, centreID int64, window time.Duration, list []vaern.EarlyWarning,
	after func(tx *Tx, w vaern.EarlyWarning, saved EarlyWarningSaved) error) error {
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.centreOnly(ctx, centreID); err != nil {
			return err
		}
		now := ms(s.now())
		if _, err := tx.exec(ctx, `INSERT INTO sensor_correlation_settings (centre_id, k, window_ms, last_run) VALUES (?, 3, 3600000, ?)
			ON CONFLICT (centre_id) DO UPDATE SET last_run = excluded.last_run`, centreID, now); err != nil {
			return fmt.Errorf("correlation run: %w", err)
		}
		for _, w := range list {
			saved, err := tx.saveEarly(ctx, centreID, window, w)
			if err != nil {
				return err
			}
			if saved.Changed && after != nil {
				full, err := tx.earlyByID(ctx, centreID, saved.ID)
				if err != nil {
					return err
				}
				if err := after(tx, full, saved); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func (t *Tx) saveEarly(ctx context.Context, centreID int64, window time.Duration, w vaern.EarlyWarning) (EarlyWarningSaved, error) {
	var out EarlyWarningSaved
	if w.Kind == "" || w.Value == "" || len(w.MemberIDs) == 0 {
		return out, fmt.Errorf("save early warning: kind, value and members are required")
	}
	now := ms(t.s.now())
	first, last := ms(w.FirstSeen), ms(w.LastSeen)
	win := window.Milliseconds()
	status := vaern.EarlyOpen
	if w.SuppressedBy != "" {
		status = vaern.EarlySuppressed
	}
	var old struct {
		status, suppressedBy string
		first, last, alerts  int64
	}
	err := t.queryRow(ctx, `SELECT id, status, suppressed_by, first_seen, last_seen, alerts FROM early_warnings
		WHERE centre_id = ? AND kind = ? AND value = ? AND last_seen >= ? AND first_seen <= ?
		ORDER BY last_seen DESC LIMIT 1`, centreID, w.Kind, w.Value, first-win, last+win).
		Scan(&out.ID, &old.status, &old.suppressedBy, &old.first, &old.last, &old.alerts)
	switch err := mapErr(err); {
	case err == vaern.ErrNotFound:
		id, err := t.insert(ctx, `INSERT INTO early_warnings (centre_id, kind, value, signature_id, signature, members, alerts,
			first_seen, last_seen, status, suppressed_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)`,
			centreID, w.Kind, w.Value, w.SignatureID, w.Signature, w.Alerts, first, last, status, w.SuppressedBy, now, now)
		if err != nil {
			return out, fmt.Errorf("save early warning %s %s: %w", w.Kind, w.Value, err)
		}
		out.ID, out.Created, out.Changed, out.Opened, out.Status = id, true, true, status == vaern.EarlyOpen, status
	case err != nil:
		return out, err
	default:
		// Open and suppressed follow the warninglists as they are now; an analyst's decision
		// (advised, dismissed) stays.
		newStatus, newBy := old.status, old.suppressedBy
		switch {
		case old.status == vaern.EarlyOpen && w.SuppressedBy != "":
			newStatus, newBy = vaern.EarlySuppressed, w.SuppressedBy
		case old.status == vaern.EarlySuppressed && w.SuppressedBy == "":
			newStatus, newBy = vaern.EarlyOpen, ""
			out.Opened = true
		case old.status == vaern.EarlySuppressed:
			newBy = w.SuppressedBy
		}
		nf, nl, na := min(old.first, first), max(old.last, last), max(old.alerts, w.Alerts)
		out.Status = newStatus
		if nf != old.first || nl != old.last || na != old.alerts || newStatus != old.status || newBy != old.suppressedBy {
			out.Changed = true
			if _, err := t.exec(ctx, `UPDATE early_warnings SET first_seen = ?, last_seen = ?, alerts = ?, status = ?, suppressed_by = ?,
				signature_id = CASE WHEN signature_id = 0 THEN ? ELSE signature_id END,
				signature = CASE WHEN signature = '' THEN ? ELSE signature END, updated_at = ? WHERE id = ?`,
				nf, nl, na, newStatus, newBy, w.SignatureID, w.Signature, now, out.ID); err != nil {
				return out, fmt.Errorf("update early warning %d: %w", out.ID, err)
			}
		}
	}
	for _, m := range w.MemberIDs {
		res, err := t.exec(ctx, `INSERT INTO early_warning_members (warning_id, org_id, added_at) VALUES (?, ?, ?)
			ON CONFLICT (warning_id, org_id) DO NOTHING`, out.ID, m, now)
		if err != nil {
			return out, fmt.Errorf("early warning %d member %d: %w", out.ID, m, err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			out.NewMembers = append(out.NewMembers, m)
		}
	}
	if len(out.NewMembers) > 0 {
		out.Changed = true
		if _, err := t.exec(ctx, `UPDATE early_warnings SET members = (SELECT COUNT(*) FROM early_warning_members WHERE warning_id = ?),
			updated_at = ? WHERE id = ?`, out.ID, now, out.ID); err != nil {
			return out, err
		}
	}
	rows, err := t.query(ctx, "SELECT org_id FROM early_warning_members WHERE warning_id = ? ORDER BY org_id", out.ID)
	out.Members, err = collect(rows, err, func(r scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	return out, err
}

func (t *Tx) earlyByID(ctx context.Context, centreID, id int64) (vaern.EarlyWarning, error) {
	w, err := scanEarly(t.queryRow(ctx, "SELECT "+earlyCols+" FROM early_warnings e WHERE e.centre_id = ? AND e.id = ?", centreID, id))
	return w, mapErr(err)
}

// EarlyFilter narrows the centre's list.
type EarlyFilter struct {
	Status string // "" for all
	Kind   string
	Query  string // a substring of the indicator or the signature
	Limit  int
}

// EarlyWarnings lists the centre's early warnings, open first, then by last seen (newest first),
// and how many match.
func (s *Store) EarlyWarnings(ctx context.Context, centreID int64, f EarlyFilter) ([]vaern.EarlyWarning, int, error) {
	where, args := "e.centre_id = ? AND EXISTS (SELECT 1 FROM orgs o WHERE o.id = e.centre_id AND o.kind = 'centre')", []any{centreID}
	if f.Status != "" {
		where += " AND e.status = ?"
		args = append(args, f.Status)
	}
	if f.Kind != "" {
		where += " AND e.kind = ?"
		args = append(args, f.Kind)
	}
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		where += " AND (LOWER(e.value) LIKE ? ESCAPE '\\' OR LOWER(e.signature) LIKE ? ESCAPE '\\')"
		like := "%" + escapeLike(q) + "%"
		args = append(args, like, like)
	}
	var total int
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM early_warnings e WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	rows, err := s.query(ctx, "SELECT "+earlyCols+" FROM early_warnings e WHERE "+where+
		" ORDER BY CASE e.status WHEN 'open' THEN 0 WHEN 'advised' THEN 1 ELSE 2 END, e.last_seen DESC, e.id DESC LIMIT ?", append(args, limit)...)
	list, err := collect(rows, err, scanEarly)
	return list, total, err
}

// EarlyWarning is one of the centre's early warnings with its member set; a warning of another
// centre, or an organisation that is not the centre, is not found.
func (s *Store) EarlyWarning(ctx context.Context, centreID, id int64) (vaern.EarlyWarning, error) {
	w, err := scanEarly(s.queryRow(ctx, "SELECT "+earlyCols+` FROM early_warnings e JOIN orgs o ON o.id = e.centre_id AND o.kind = 'centre'
		WHERE e.centre_id = ? AND e.id = ?`, centreID, id))
	if err := mapErr(err); err != nil {
		return w, err
	}
	rows, err := s.query(ctx, "SELECT org_id FROM early_warning_members WHERE warning_id = ? ORDER BY org_id", id)
	w.MemberIDs, err = collect(rows, err, func(r scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	return w, err
}

// EarlyMemberNames are the names of the members in an early warning's member set, for the centre.
func (s *Store) EarlyMemberNames(ctx context.Context, centreID, id int64) ([]string, error) {
	rows, err := s.query(ctx, `SELECT o.name FROM early_warning_members m JOIN early_warnings e ON e.id = m.warning_id
		JOIN orgs o ON o.id = m.org_id WHERE e.centre_id = ? AND e.id = ? ORDER BY o.name`, centreID, id)
	return collect(rows, err, func(r scanner) (string, error) {
		var n string
		return n, r.Scan(&n)
	})
}

// MemberEarlyWarnings lists the early warnings whose member set holds the member: open and
// advised ones (dismissed and suppressed ones are judged harmless), newest first. Nothing in
// them names another member; Members is only a count. MemberIDs is left empty.
func (s *Store) MemberEarlyWarnings(ctx context.Context, orgID int64, limit int) ([]vaern.EarlyWarning, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.query(ctx, "SELECT "+earlyCols+` FROM early_warnings e JOIN early_warning_members m ON m.warning_id = e.id
		WHERE m.org_id = ? AND e.status IN ('open', 'advised') ORDER BY e.last_seen DESC, e.id DESC LIMIT ?`, orgID, limit)
	return collect(rows, err, scanEarly)
}

// DismissEarlyWarning records an analyst's judgement that an open early warning is harmless.
func (s *Store) DismissEarlyWarning(ctx context.Context, a vaern.Actor, centreID, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return vaern.Invalid("reason", "say why the early warning is dismissed")
	}
	if len(reason) > 2000 {
		return vaern.Invalid("reason", "is longer than 2000 characters")
	}
	return s.Write(ctx, func(tx *Tx) error {
		w, err := tx.earlyByID(ctx, centreID, id)
		if err != nil {
			return err
		}
		if w.Status == vaern.EarlyDismissed {
			return vaern.Invalid("status", "the early warning is already dismissed")
		}
		if _, err := tx.exec(ctx, "UPDATE early_warnings SET status = 'dismissed', reason = ?, decided_by = ?, updated_at = ? WHERE id = ?",
			reason, a.UserID, ms(tx.s.now()), id); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "early_warning.dismiss", ObjectType: "early_warning", ObjectID: id,
			Detail: map[string]any{"indicator": w.Value, "reason": reason}})
	})
}

// AdviseEarlyWarning makes a draft advisory from an early warning and marks the warning advised
// with the advisory's id, in one transaction. An early warning that was already advised returns
// its advisory instead of making a second one.
func (s *Store) AdviseEarlyWarning(ctx context.Context, a vaern.Actor, centreID, id int64, adv vaern.Advisory) (int64, error) {
	return s.AdviseEarlyWarningShare(ctx, a, centreID, id, adv, nil)
}

// AdviseEarlyWarningShare is AdviseEarlyWarning that also shares the warning's indicator with
// the members' sensors (ShareEarlyWarning) in the same transaction, when share is not nil.
func (s *Store) AdviseEarlyWarningShare(ctx context.Context, a vaern.Actor, centreID, id int64, adv vaern.Advisory, share *EarlyShare) (int64, error) {
	var advID int64
	err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.centreOnly(ctx, centreID); err != nil {
			return err
		}
		if share != nil {
			if _, err := tx.shareEarly(ctx, a, centreID, id, *share); err != nil {
				return err
			}
		}
		w, err := tx.earlyByID(ctx, centreID, id)
		if err != nil {
			return err
		}
		if w.AdvisoryID != 0 {
			advID = w.AdvisoryID
			return nil
		}
		adv.Source, adv.State, adv.CreatedBy = vaern.SourceCentre, vaern.AdvisoryDraft, a.UserID
		adv.SourceID = fmt.Sprintf("VAERN-EW-%d", id)
		saved, err := tx.saveAdvisory(ctx, a, centreID, adv)
		if err != nil {
			return err
		}
		advID = saved.ID
		if _, err := tx.exec(ctx, "UPDATE early_warnings SET status = 'advised', advisory_id = ?, decided_by = ?, updated_at = ? WHERE id = ?",
			advID, a.UserID, ms(tx.s.now()), id); err != nil {
			return err
		}
		if err := tx.Audit(ctx, a, Change{OrgID: centreID, Action: "advisory.create", ObjectType: "advisory", ObjectID: advID,
			Detail: map[string]any{"title": adv.Title, "tlp": adv.TLP}}); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "early_warning.advise", ObjectType: "early_warning", ObjectID: id,
			Detail: map[string]any{"indicator": w.Value, "advisory_id": advID}})
	})
	return advID, err
}

// HourCount is one hour of an indicator's or the sector's sightings.
type HourCount struct {
	Hour    time.Time
	Members int   // distinct members
	Alerts  int64 // sum of the sightings' counts
}

// IndicatorTimeline is an indicator's sightings per hour between from and to, across members:
// only counts, for the centre.
func (s *Store) IndicatorTimeline(ctx context.Context, centreID int64, kind, value string, from, to time.Time) ([]HourCount, error) {
	if err := s.isCentre(ctx, centreID); err != nil {
		return nil, err
	}
	if err := s.freshSightings(ctx); err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT hour, COUNT(DISTINCT org_id), SUM(count) FROM sensor_sightings
		WHERE kind = ? AND value = ? AND hour >= ? AND hour <= ? GROUP BY hour ORDER BY hour`, kind, value, ms(from), ms(to))
	return collect(rows, err, scanHour)
}

// AlertsPerHour is the sector's alerts per hour since from (the sum of the signature sightings'
// counts), for the centre.
func (s *Store) AlertsPerHour(ctx context.Context, centreID int64, from time.Time) ([]HourCount, error) {
	if err := s.isCentre(ctx, centreID); err != nil {
		return nil, err
	}
	if err := s.freshSightings(ctx); err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT hour, COUNT(DISTINCT org_id), SUM(count) FROM sensor_sightings
		WHERE kind = 'signature' AND hour >= ? GROUP BY hour ORDER BY hour`, ms(from))
	return collect(rows, err, scanHour)
}

func scanHour(r scanner) (HourCount, error) {
	var h HourCount
	var hour int64
	err := r.Scan(&hour, &h.Members, &h.Alerts)
	h.Hour = fromMS(hour)
	return h, err
}

// TopSignature is a signature and how many members and alerts saw it.
type TopSignature struct {
	SignatureID int64
	Signature   string
	Members     int
	Alerts      int64
}

// TopSignatures are the signatures most members saw since from, for the centre.
func (s *Store) TopSignatures(ctx context.Context, centreID int64, from time.Time, limit int) ([]TopSignature, error) {
	if err := s.isCentre(ctx, centreID); err != nil {
		return nil, err
	}
	if err := s.freshSightings(ctx); err != nil {
		return nil, err
	}
	rows, err := s.query(ctx, `SELECT value, MAX(signature), COUNT(DISTINCT org_id), SUM(count) FROM sensor_sightings
		WHERE kind = 'signature' AND hour >= ? GROUP BY value ORDER BY COUNT(DISTINCT org_id) DESC, SUM(count) DESC, value LIMIT ?`, ms(from), limit)
	return collect(rows, err, func(r scanner) (TopSignature, error) {
		var t TopSignature
		var v string
		err := r.Scan(&v, &t.Signature, &t.Members, &t.Alerts)
		fmt.Sscan(v, &t.SignatureID)
		return t, err
	})
}

// isCentre refuses an organisation that is not the centre (reads).
func (s *Store) isCentre(ctx context.Context, orgID int64) error {
	var kind string
	if err := s.queryRow(ctx, "SELECT kind FROM orgs WHERE id = ?", orgID).Scan(&kind); err != nil {
		return mapErr(err)
	}
	if kind != string(vaern.OrgCentre) {
		return vaern.ErrNotFound
	}
	return nil
}
