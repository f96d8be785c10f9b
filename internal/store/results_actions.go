package store

import (
	"context"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// validAction checks a task's fields and names the one that is wrong.
func validAction(x *vaern.Action) error {
	x.Title = strings.TrimSpace(x.Title)
	x.Note = strings.TrimSpace(x.Note)
	switch {
	case x.Title == "":
		return vaern.Invalid("title", "is required")
	case len(x.Title) > 500:
		return vaern.Invalid("title", "is longer than 500 characters")
	case len(x.Note) > 5000:
		return vaern.Invalid("note", "is longer than 5,000 characters")
	}
	for _, st := range vaern.ActionStatuses {
		if x.Status == st {
			return nil
		}
	}
	return vaern.Invalid("status", "must be open, in progress or done")
}

func (t *Tx) checkActionRefs(ctx context.Context, orgID int64, x vaern.Action) error {
	if x.OwnerID != 0 {
		if err := t.memberOf(ctx, orgID, x.OwnerID); err != nil {
			return vaern.Invalid("owner", "is not a person in this organisation")
		}
	}
	if x.UnitID != 0 {
		if err := t.unitExists(ctx, orgID, x.UnitID); err != nil {
			return vaern.Invalid("unit", "is not a unit of this organisation")
		}
	}
	return nil
}

// CreateAction adds a task to the member's action plan, made from the report of one of its
// assessments.
func (s *Store) CreateAction(ctx context.Context, a vaern.Actor, orgID int64, x vaern.Action) (vaern.Action, error) {
	if x.Status == "" {
		x.Status = vaern.ActionOpen
	}
	err := s.Write(ctx, func(tx *Tx) error {
		// A foreign assessment is not found before any field is judged, so that nothing about it shows.
		var id int64
		if err := tx.queryRow(ctx, "SELECT id FROM assessments WHERE org_id = ? AND id = ?", orgID, x.AssessmentID).Scan(&id); err != nil {
			return mapErr(err)
		}
		if err := validAction(&x); err != nil {
			return err
		}
		if err := tx.checkActionRefs(ctx, orgID, x); err != nil {
			return err
		}
		now := tx.s.now()
		x.OrgID, x.CreatedBy, x.CreatedAt, x.UpdatedAt = orgID, a.UserID, now, now
		if x.Status == vaern.ActionDone {
			x.DoneAt = now
		}
		id, err := tx.insert(ctx, `INSERT INTO actions (org_id, assessment_id, question_id, unit_id, title, owner_id, due, status, note,
			created_by, created_at, updated_at, done_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, orgID, x.AssessmentID, x.QuestionID,
			x.UnitID, x.Title, nullID(x.OwnerID), ms(x.Due), x.Status, x.Note, a.UserID, ms(now), ms(now), ms(x.DoneAt))
		if err != nil {
			return err
		}
		x.ID = id
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "action.create", ObjectType: "action", ObjectID: id,
			Detail: map[string]any{"assessment_id": x.AssessmentID, "question": x.QuestionID, "unit_id": x.UnitID, "owner_id": x.OwnerID,
				"due": dateOrEmpty(x.Due), "status": x.Status}})
	})
	return x, err
}

func dateOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// UpdateAction changes a task's title, owner, due date, status and note.
func (s *Store) UpdateAction(ctx context.Context, a vaern.Actor, orgID int64, x vaern.Action) error {
	if err := validAction(&x); err != nil {
		return err
	}
	return s.Write(ctx, func(tx *Tx) error {
		var was string
		var doneAt, wasOwner int64
		if err := tx.queryRow(ctx, "SELECT status, done_at, COALESCE(owner_id, 0) FROM actions WHERE org_id = ? AND id = ?", orgID, x.ID).
			Scan(&was, &doneAt, &wasOwner); err != nil {
			return mapErr(err)
		}
		if err := tx.checkActionRefs(ctx, orgID, x); err != nil {
			return err
		}
		now := ms(tx.s.now())
		switch {
		case x.Status == vaern.ActionDone && was != vaern.ActionDone:
			doneAt = now
		case x.Status != vaern.ActionDone:
			doneAt = 0
		}
		if _, err := tx.exec(ctx, `UPDATE actions SET title = ?, owner_id = ?, due = ?, status = ?, note = ?, updated_at = ?, done_at = ?
			WHERE org_id = ? AND id = ?`, x.Title, nullID(x.OwnerID), ms(x.Due), x.Status, x.Note, now, doneAt, orgID, x.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "action.update", ObjectType: "action", ObjectID: x.ID,
			Detail: map[string]any{"owner_id": x.OwnerID, "was_owner": wasOwner, "due": dateOrEmpty(x.Due), "status": x.Status, "was": was}})
	})
}

// DeleteAction removes a task from the action plan.
func (s *Store) DeleteAction(ctx context.Context, a vaern.Actor, orgID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		var title string
		if err := tx.queryRow(ctx, "SELECT title FROM actions WHERE org_id = ? AND id = ?", orgID, id).Scan(&title); err != nil {
			return mapErr(err)
		}
		if _, err := tx.exec(ctx, "DELETE FROM actions WHERE org_id = ? AND id = ?", orgID, id); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "action.delete", ObjectType: "action", ObjectID: id, Detail: map[string]any{"title": title}})
	})
}

const actionCols = `t.id, t.org_id, t.assessment_id, r.year, t.question_id, t.unit_id, t.title, COALESCE(t.owner_id, 0),
	COALESCE(NULLIF(u.name, ''), u.email, ''), t.due, t.status, t.note, t.created_by, t.created_at, t.updated_at, t.done_at`

const actionFrom = ` FROM actions t JOIN assessments x ON x.id = t.assessment_id JOIN rounds r ON r.id = x.round_id
	LEFT JOIN users u ON u.id = t.owner_id `

func scanAction(r scanner) (vaern.Action, error) {
	var x vaern.Action
	var due, c, u, d int64
	err := r.Scan(&x.ID, &x.OrgID, &x.AssessmentID, &x.RoundYear, &x.QuestionID, &x.UnitID, &x.Title, &x.OwnerID, &x.OwnerName,
		&due, &x.Status, &x.Note, &x.CreatedBy, &c, &u, &d)
	x.Due, x.CreatedAt, x.UpdatedAt, x.DoneAt = fromMS(due), fromMS(c), fromMS(u), fromMS(d)
	return x, mapErr(err)
}

// Action returns one of the member's tasks.
func (s *Store) Action(ctx context.Context, orgID, id int64) (vaern.Action, error) {
	return scanAction(s.queryRow(ctx, "SELECT "+actionCols+actionFrom+"WHERE t.org_id = ? AND t.id = ?", orgID, id))
}

// Actions lists the member's whole action plan: newest round first, then open before done, then
// by due date.
func (s *Store) Actions(ctx context.Context, orgID int64) ([]vaern.Action, error) {
	rows, err := s.query(ctx, "SELECT "+actionCols+actionFrom+`WHERE t.org_id = ?
		ORDER BY r.year DESC, CASE t.status WHEN 'done' THEN 1 ELSE 0 END, CASE WHEN t.due = 0 THEN 1 ELSE 0 END, t.due, t.id`, orgID)
	return collect(rows, err, scanAction)
}
