package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// Exposures: one system (or SBOM component) × one advisory. The matcher's rows are handed in by
// internal/warnings; the diff against what is stored runs inside the transaction that writes it
// (ApplyExposures), so a person's acknowledgement made a moment earlier is seen and kept.

// AssetRow is a system or one of its components as the matcher reads it.
type AssetRow struct {
	OrgID, SystemID, ComponentID              int64
	Name, Vendor, Product, Version, CPE, PURL string
}

// WarningAssets lists the systems and components the matcher reads: every member's (orgID 0), one
// member's, or one system's (systemID, with orgID).
func (s *Store) WarningAssets(ctx context.Context, orgID, systemID int64) ([]AssetRow, error) {
	where, args := "1 = 1", []any{}
	if orgID != 0 {
		where, args = "org_id = ?", append(args, orgID)
	}
	if systemID != 0 {
		where, args = where+" AND id = ?", append(args, systemID)
	}
	rows, err := s.query(ctx, "SELECT org_id, id, name, vendor, product, version, cpe, purl FROM systems WHERE "+where+" ORDER BY org_id, id", args...)
	out, err := collect(rows, err, func(r scanner) (AssetRow, error) {
		var a AssetRow
		return a, r.Scan(&a.OrgID, &a.SystemID, &a.Name, &a.Vendor, &a.Product, &a.Version, &a.CPE, &a.PURL)
	})
	if err != nil {
		return nil, err
	}
	cw := "1 = 1"
	if orgID != 0 {
		cw = "org_id = ?"
	}
	if systemID != 0 {
		cw += " AND system_id = ?"
	}
	rows, err = s.query(ctx, "SELECT org_id, system_id, id, name, version, cpe, purl FROM components WHERE "+cw+" ORDER BY org_id, system_id, id", args...)
	comps, err := collect(rows, err, func(r scanner) (AssetRow, error) {
		var a AssetRow
		err := r.Scan(&a.OrgID, &a.SystemID, &a.ComponentID, &a.Name, &a.Version, &a.CPE, &a.PURL)
		a.Product = a.Name
		return a, err
	})
	return append(out, comps...), err
}

// ExposureRow is an exposure as the store keeps it.
type ExposureRow struct {
	vaern.Exposure
	Subject       string // "system", or "c:" and the component's name key
	ComponentName string
	EvidenceJSON  string
	EscalatedAt   time.Time
	UpdatedBy     int64
}

// ExposureSubject is the subject key of a match: the system itself or a component by name.
func ExposureSubject(componentID int64, componentName string) string {
	if componentID == 0 {
		return "system"
	}
	return "c:" + strings.ToLower(strings.Join(strings.Fields(componentName), " "))
}

// ExposureChange is one write the diff asks for: a new exposure (ID 0), or a change of an
// existing one. Event names what happened for the history and the notifications ("opened",
// "reopened", "closed"); "" is a quiet update (new evidence, same status).
type ExposureChange struct {
	ID    int64
	Row   ExposureRow
	Event string
	From  vaern.ExposureStatus
}

// ExposureScope is what a match covered: exposures inside it that the diff does not keep are its
// business. AdvisoryIDs, or one organisation's systems (SystemIDs), or both.
type ExposureScope struct {
	AdvisoryIDs []int64
	OrgID       int64
	SystemIDs   []int64
	// Pending clears the systems' warn_pending marks that are not newer than these values.
	Pending map[int64]int64
}

func (sc ExposureScope) where() (string, []any) {
	var parts []string
	var args []any
	if len(sc.AdvisoryIDs) > 0 {
		parts = append(parts, "advisory_id IN ("+placeholders(len(sc.AdvisoryIDs))+")")
		for _, id := range sc.AdvisoryIDs {
			args = append(args, id)
		}
	}
	if sc.OrgID != 0 {
		parts = append(parts, "org_id = ?")
		args = append(args, sc.OrgID)
	}
	if len(sc.SystemIDs) > 0 {
		parts = append(parts, "system_id IN ("+placeholders(len(sc.SystemIDs))+")")
		for _, id := range sc.SystemIDs {
			args = append(args, id)
		}
	}
	if len(parts) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(parts, " AND "), args
}

const exposureCols = `e.id, e.org_id, e.system_id, e.component_id, e.component_name, e.subject, e.advisory_id, e.product_key, e.tier,
	e.status, e.evidence, e.evidence_json, e.range_key, e.reason, e.accepted_by, e.accepted_until, e.due, e.first_seen,
	e.acked_at, e.resolved_at, e.escalated_at, e.updated_by, e.updated_at`

func scanExposureRow(r scanner, extra ...any) (ExposureRow, error) {
	var x ExposureRow
	var tier, status string
	var until, due, first, acked, resolved, esc, upd int64
	dest := []any{&x.ID, &x.OrgID, &x.SystemID, &x.ComponentID, &x.ComponentName, &x.Subject, &x.AdvisoryID, &x.ProductKey, &tier,
		&status, &x.Evidence, &x.EvidenceJSON, &x.RangeKey, &x.Reason, &x.AcceptedBy, &until, &due, &first,
		&acked, &resolved, &esc, &x.UpdatedBy, &upd}
	err := r.Scan(append(dest, extra...)...)
	x.Tier, x.Status = vaern.ExposureTier(tier), vaern.ExposureStatus(status)
	x.AcceptedTill, x.Due, x.FirstSeen, x.AckedAt, x.ResolvedAt = fromMS(until), fromMS(due), fromMS(first), fromMS(acked), fromMS(resolved)
	x.EscalatedAt, x.UpdatedAt = fromMS(esc), fromMS(upd)
	return x, mapErr(err)
}

// ApplyExposures reads the stored exposures inside scope, hands them to diff and writes the
// changes it returns, with their events, in one transaction. It returns how many events it wrote.
// With notify, a warnings.notify job is queued for them in the same transaction.
func (s *Store) ApplyExposures(ctx context.Context, scope ExposureScope, notify bool, diff func(existing []ExposureRow) []ExposureChange) (int, error) {
	var events int
	err := s.Write(ctx, func(tx *Tx) error {
		events = 0
		// Two runs over the same systems (the job and a direct run, or two app nodes) would each
		// read "no exposure yet" and insert the same one: on PostgreSQL the runs take turns. (On
		// SQLite the one writer already serialises them.)
		if tx.s.engine == Postgres {
			if _, err := tx.exec(ctx, "SELECT pg_advisory_xact_lock(7275277)"); err != nil {
				return err
			}
		}
		where, args := scope.where()
		rows, err := tx.query(ctx, "SELECT "+exposureCols+" FROM exposures e WHERE "+where, args...)
		existing, err := collect(rows, err, func(r scanner) (ExposureRow, error) { return scanExposureRow(r) })
		if err != nil {
			return err
		}
		now := ms(tx.s.now())
		for _, c := range diff(existing) {
			x := c.Row
			id := c.ID
			if id == 0 {
				id, err = tx.insert(ctx, `INSERT INTO exposures (org_id, system_id, component_id, component_name, subject, advisory_id,
					product_key, tier, status, evidence, evidence_json, range_key, due, first_seen, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					x.OrgID, x.SystemID, x.ComponentID, x.ComponentName, x.Subject, x.AdvisoryID, x.ProductKey, string(x.Tier),
					string(x.Status), x.Evidence, x.EvidenceJSON, x.RangeKey, ms(x.Due), now, now)
				if err != nil {
					return fmt.Errorf("exposure %d/%d/%s: %w", x.SystemID, x.AdvisoryID, x.Subject, err)
				}
			} else {
				resolved := ms(x.ResolvedAt)
				if x.Status == vaern.ExposureClosed && resolved == 0 {
					resolved = now
				}
				if c.Event == "reopened" {
					resolved = 0
				}
				if _, err := tx.exec(ctx, `UPDATE exposures SET component_id = ?, component_name = ?, product_key = ?, tier = ?, status = ?,
					evidence = ?, evidence_json = ?, range_key = ?, due = ?, resolved_at = ?, acked_at = ?, escalated_at = ?, updated_at = ?
					WHERE id = ?`, x.ComponentID, x.ComponentName, x.ProductKey, string(x.Tier), string(x.Status), x.Evidence,
					x.EvidenceJSON, x.RangeKey, ms(x.Due), resolved, ms(x.AckedAt), ms(x.EscalatedAt), now, id); err != nil {
					return err
				}
			}
			if c.Event != "" {
				if err := tx.exposureEvent(ctx, id, x.OrgID, x.AdvisoryID, x.SystemID, c.Event, c.From, x.Status, x.Tier, 0, "",
					x.Tier == vaern.TierTriage); err != nil {
					return err
				}
				events++
			}
		}
		for sys, at := range scope.Pending {
			if _, err := tx.exec(ctx, "UPDATE systems SET warn_pending = 0 WHERE id = ? AND warn_pending <= ?", sys, at); err != nil {
				return err
			}
		}
		if events > 0 && notify {
			_, err := tx.EnqueueJob(ctx, WarningsNotifyKind, nil, JobOpts{UniqueKey: WarningsNotifyKind, MaxAttempts: 8})
			return err
		}
		return nil
	})
	return events, err
}

// exposureEvent writes one row of an exposure's history. quiet events (triage) are marked as told
// at once: a triage match never notifies a member.
func (t *Tx) exposureEvent(ctx context.Context, exposureID, orgID, advisoryID, systemID int64, kind string,
	from, to vaern.ExposureStatus, tier vaern.ExposureTier, actor int64, note string, quiet bool) error {
	_, err := t.exec(ctx, `INSERT INTO exposure_events (org_id, exposure_id, advisory_id, system_id, kind, from_status, to_status, tier,
		actor_id, note, at, notified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		orgID, exposureID, advisoryID, systemID, kind, string(from), string(to), string(tier), actor, note, ms(t.s.now()), b2i(quiet))
	return err
}

// closeExposures closes the open exposures matching where (an advisory withdrawn).
func (t *Tx) closeExposures(ctx context.Context, where string, args ...any) error {
	rows, err := t.query(ctx, "SELECT "+exposureCols+" FROM exposures e WHERE e.status IN ('new', 'acknowledged') AND "+where, args...)
	open, err := collect(rows, err, func(r scanner) (ExposureRow, error) { return scanExposureRow(r) })
	if err != nil {
		return err
	}
	now := ms(t.s.now())
	for _, x := range open {
		if _, err := t.exec(ctx, "UPDATE exposures SET status = 'closed', resolved_at = ?, updated_at = ? WHERE id = ?", now, now, x.ID); err != nil {
			return err
		}
		if err := t.exposureEvent(ctx, x.ID, x.OrgID, x.AdvisoryID, x.SystemID, "closed", x.Status, vaern.ExposureClosed, x.Tier, 0, "withdrawn",
			x.Tier == vaern.TierTriage); err != nil {
			return err
		}
	}
	if len(open) > 0 {
		_, err := t.EnqueueJob(ctx, WarningsNotifyKind, nil, JobOpts{UniqueKey: WarningsNotifyKind, MaxAttempts: 8})
		return err
	}
	return nil
}

// PendingSystems lists one organisation's systems whose identity changed since they were last
// matched, with the time of the change.
func (s *Store) PendingSystems(ctx context.Context, orgID int64) (map[int64]int64, error) {
	rows, err := s.query(ctx, "SELECT id, warn_pending FROM systems WHERE warn_pending > 0 AND org_id = ?", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		out[id] = at
	}
	return out, rows.Err()
}

// PendingOrgs lists the organisations with systems waiting to be matched.
func (s *Store) PendingOrgs(ctx context.Context) ([]int64, error) {
	rows, err := s.query(ctx, "SELECT DISTINCT org_id FROM systems WHERE warn_pending > 0 ORDER BY org_id")
	return collect(rows, err, func(r scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
}

// warnSystemChanged marks a system for matching again and queues the member's warnings.match-system
// job, in the transaction of the change.
func (t *Tx) warnSystemChanged(ctx context.Context, orgID, systemID int64) error {
	if _, err := t.exec(ctx, "UPDATE systems SET warn_pending = ? WHERE org_id = ? AND id = ?", ms(t.s.now()), orgID, systemID); err != nil {
		return err
	}
	_, err := t.EnqueueJob(ctx, WarningsMatchSystemKind, MatchSystemArgs{OrgID: orgID},
		JobOpts{OrgID: orgID, UniqueKey: fmt.Sprintf("%s:%d", WarningsMatchSystemKind, orgID), MaxAttempts: 5})
	return err
}

// identityChanged reports whether a system's change concerns what the matcher reads.
func identityChanged(a, b vaern.ITSystem) bool {
	return a.Name != b.Name || a.Vendor != b.Vendor || a.Product != b.Product || a.Version != b.Version || a.CPE != b.CPE || a.PURL != b.PURL
}
