package store

import (
	"context"
	"fmt"

	"github.com/vaern/vaern"
)

// The handover of a person who leaves: everything open that is theirs in the member, and its
// transfer to a successor in one transaction.

// Handover is what person userID of member orgID has open. The person must be in the member.
func (s *Store) Handover(ctx context.Context, orgID, userID int64) (vaern.Handover, error) {
	var h vaern.Handover
	err := s.Write(ctx, func(tx *Tx) error { // read in one snapshot; it writes nothing
		var err error
		h, err = tx.handover(ctx, orgID, userID)
		return err
	})
	return h, err
}

func (t *Tx) handover(ctx context.Context, orgID, userID int64) (vaern.Handover, error) {
	var h vaern.Handover
	if err := t.memberOf(ctx, orgID, userID); err != nil {
		return h, err
	}
	var err error
	one := func(path string) func(scanner) (vaern.HandoverRow, error) {
		return func(r scanner) (vaern.HandoverRow, error) {
			var x vaern.HandoverRow
			var due int64
			err := r.Scan(&x.ID, &x.Title, &due)
			x.Path = fmt.Sprintf(path, x.ID)
			if due > 0 {
				x.Note = fromMS(due).Format("2006-01-02")
			}
			return x, err
		}
	}
	q := func(dst *[]vaern.HandoverRow, query string, scan func(scanner) (vaern.HandoverRow, error), args ...any) {
		if err != nil {
			return
		}
		r, e := t.query(ctx, query, args...)
		*dst, err = collect(r, e, scan)
	}
	q(&h.Actions, "SELECT id, title, due FROM actions WHERE org_id = ? AND owner_id = ? AND status <> 'done' ORDER BY id",
		one("/actions#action-%d"), orgID, userID)
	q(&h.Treatments, "SELECT assessment_id, title, due FROM treatments WHERE org_id = ? AND owner_id = ? AND done_at = 0 ORDER BY id",
		one("/register/risks/%d"), orgID, userID)
	q(&h.Tasks, "SELECT incident_id, title, due FROM incident_tasks WHERE org_id = ? AND owner_id = ? AND done = ? ORDER BY id",
		one("/incidents/%d"), orgID, userID, false)
	q(&h.Delegations, `SELECT d.assessment_id, CASE WHEN d.scope_ref = '' THEN d.scope_kind ELSE d.scope_ref END, d.due,
		d.scope_kind, d.scope_ref
		FROM delegations d JOIN assessments x ON x.id = d.assessment_id
		WHERE d.org_id = ? AND d.assignee_user_id = ? AND x.status IN ('open', 'reopened') ORDER BY d.id`,
		func(r scanner) (vaern.HandoverRow, error) {
			var x vaern.HandoverRow
			var due int64
			err := r.Scan(&x.ID, &x.Title, &due, &x.Scope, &x.Ref)
			x.Path = fmt.Sprintf("/baseline/%d", x.ID)
			if due > 0 {
				x.Note = fromMS(due).Format("2006-01-02")
			}
			return x, err
		}, orgID, userID)
	q(&h.Cases, "SELECT id, title, next_due FROM incidents WHERE org_id = ? AND handler_id = ? AND is_open = ? ORDER BY id",
		one("/incidents/%d"), orgID, userID, true)
	q(&h.Systems, `SELECT id, name, CASE WHEN system_owner_id = ? AND data_owner_id = ? THEN 'both'
		WHEN system_owner_id = ? THEN 'system' ELSE 'data' END FROM systems
		WHERE org_id = ? AND (system_owner_id = ? OR data_owner_id = ?) ORDER BY name, id`,
		func(r scanner) (vaern.HandoverRow, error) {
			var x vaern.HandoverRow
			err := r.Scan(&x.ID, &x.Title, &x.Note)
			x.Path = fmt.Sprintf("/register/systems/%d", x.ID)
			return x, err
		}, userID, userID, userID, orgID, userID, userID)
	q(&h.Exposures, `SELECT e.id, e.subject, y.name FROM exposures e JOIN systems y ON y.id = e.system_id
		WHERE e.org_id = ? AND y.system_owner_id = ? AND e.status IN (?, ?) AND e.tier <> ? ORDER BY e.id`,
		func(r scanner) (vaern.HandoverRow, error) {
			var x vaern.HandoverRow
			err := r.Scan(&x.ID, &x.Title, &x.Note)
			x.Path = fmt.Sprintf("/warnings/exposures/%d", x.ID)
			return x, err
		}, orgID, userID, string(vaern.ExposureNew), string(vaern.ExposureAcknowledged), string(vaern.TierTriage))
	return h, err
}

// TransferHandover gives everything open of person fromID to successor toID, both in member
// orgID, in one transaction with one audit row: tasks, treatments, incident tasks and cases,
// delegations in open rounds, and systems (their exposures follow the systems). It returns what
// moved. A successor who cannot answer baseline questions cannot take over delegations.
func (s *Store) TransferHandover(ctx context.Context, a vaern.Actor, orgID, fromID, toID int64) (vaern.Handover, error) {
	var h vaern.Handover
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		if h, err = tx.handover(ctx, orgID, fromID); err != nil {
			return err
		}
		if toID == 0 || toID == fromID {
			return vaern.Invalid("successor", "choose another person of the organisation")
		}
		var role string
		if err := tx.queryRow(ctx, "SELECT role FROM memberships WHERE org_id = ? AND user_id = ?", orgID, toID).Scan(&role); err != nil {
			return vaern.Invalid("successor", "choose another person of the organisation")
		}
		if len(h.Delegations) > 0 && !tx.s.rules.Baseline.MayBeDelegated(vaern.Role(role)) {
			return vaern.Invalid("successor", "cannot answer the delegated questions in this role")
		}
		now := ms(tx.s.now())
		for _, st := range []struct {
			q    string
			args []any
		}{
			{"UPDATE actions SET owner_id = ?, updated_at = ? WHERE org_id = ? AND owner_id = ? AND status <> 'done'", []any{toID, now, orgID, fromID}},
			{"UPDATE treatments SET owner_id = ?, updated_at = ? WHERE org_id = ? AND owner_id = ? AND done_at = 0", []any{toID, now, orgID, fromID}},
			{"UPDATE incident_tasks SET owner_id = ? WHERE org_id = ? AND owner_id = ? AND done = ?", []any{toID, orgID, fromID, false}},
			{`UPDATE delegations SET assignee_user_id = ? WHERE org_id = ? AND assignee_user_id = ?
				AND assessment_id IN (SELECT id FROM assessments WHERE org_id = ? AND status IN ('open', 'reopened'))`, []any{toID, orgID, fromID, orgID}},
			{"UPDATE incidents SET handler_id = ?, updated_at = ? WHERE org_id = ? AND handler_id = ? AND is_open = ?", []any{toID, now, orgID, fromID, true}},
			{"UPDATE systems SET system_owner_id = ?, updated_at = ? WHERE org_id = ? AND system_owner_id = ?", []any{toID, now, orgID, fromID}},
			{"UPDATE systems SET data_owner_id = ?, updated_at = ? WHERE org_id = ? AND data_owner_id = ?", []any{toID, now, orgID, fromID}},
		} {
			if _, err := tx.exec(ctx, st.q, st.args...); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "handover.transfer", ObjectType: "user", ObjectID: fromID,
			Detail: map[string]any{"to": toID, "actions": len(h.Actions), "treatments": len(h.Treatments), "incident_tasks": len(h.Tasks),
				"delegations": len(h.Delegations), "cases": len(h.Cases), "systems": len(h.Systems), "exposures": len(h.Exposures)}})
	})
	return h, err
}
