package store

import (
	"context"
	"strings"

	"github.com/vaern/vaern"
)

const unitCols = `id, org_id, COALESCE(parent_id, 0), name, created_at, updated_at`

func scanUnit(r scanner) (vaern.Unit, error) {
	var u vaern.Unit
	var c, m int64
	err := r.Scan(&u.ID, &u.OrgID, &u.ParentID, &u.Name, &c, &m)
	u.CreatedAt, u.UpdatedAt = fromMS(c), fromMS(m)
	return u, mapErr(err)
}

// Units lists an organisation's units by name; callers build the tree from ParentID.
func (s *Store) Units(ctx context.Context, orgID int64) ([]vaern.Unit, error) {
	rows, err := s.query(ctx, "SELECT "+unitCols+" FROM units WHERE org_id = ? ORDER BY name, id", orgID)
	return collect(rows, err, scanUnit)
}

// Unit returns one of the organisation's units.
func (s *Store) Unit(ctx context.Context, orgID, id int64) (vaern.Unit, error) {
	return scanUnit(s.queryRow(ctx, "SELECT "+unitCols+" FROM units WHERE org_id = ? AND id = ?", orgID, id))
}

func cleanUnitName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", vaern.Invalid("name", "is required")
	}
	if len([]rune(name)) > 200 {
		return "", vaern.Invalid("name", "is longer than 200 characters")
	}
	return name, nil
}

// CreateUnit adds a unit under parentID (0 for the top level).
func (s *Store) CreateUnit(ctx context.Context, a vaern.Actor, orgID, parentID int64, name string) (vaern.Unit, error) {
	var u vaern.Unit
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		u, err = tx.CreateUnit(ctx, a, orgID, parentID, name)
		return err
	})
	return u, err
}

// CreateUnit is CreateUnit inside a transaction (bulk seeding, imports).
func (t *Tx) CreateUnit(ctx context.Context, a vaern.Actor, orgID, parentID int64, name string) (vaern.Unit, error) {
	name, err := cleanUnitName(name)
	if err != nil {
		return vaern.Unit{}, err
	}
	u := vaern.Unit{OrgID: orgID, ParentID: parentID, Name: name}
	if parentID != 0 {
		if err := t.unitExists(ctx, orgID, parentID); err != nil {
			return u, vaern.Invalid("parent", "is not a unit of this organisation")
		}
	}
	now := t.s.now()
	u.CreatedAt, u.UpdatedAt = now, now
	id, err := t.insert(ctx, "INSERT INTO units (org_id, parent_id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
		orgID, nullID(parentID), name, ms(now), ms(now))
	if err != nil {
		return u, err
	}
	u.ID = id
	return u, t.Audit(ctx, a, Change{OrgID: orgID, Action: "unit.create", ObjectType: "unit", ObjectID: id,
		Detail: map[string]any{"name": name, "parent_id": parentID}})
}

func (t *Tx) unitExists(ctx context.Context, orgID, id int64) error {
	var x int64
	return mapErr(t.queryRow(ctx, "SELECT id FROM units WHERE org_id = ? AND id = ?", orgID, id).Scan(&x))
}

// UpdateUnit renames a unit and moves it under parentID, refusing to make a unit its own ancestor.
func (s *Store) UpdateUnit(ctx context.Context, a vaern.Actor, orgID, id, parentID int64, name string) error {
	name, err := cleanUnitName(name)
	if err != nil {
		return err
	}
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.unitExists(ctx, orgID, id); err != nil {
			return err
		}
		// Walk up from the new parent: meeting the unit itself would close a cycle.
		for p := parentID; p != 0; {
			if p == id {
				return vaern.Invalid("parent", "cannot be the unit itself or one of its sub-units")
			}
			var next int64
			if err := tx.queryRow(ctx, "SELECT COALESCE(parent_id, 0) FROM units WHERE org_id = ? AND id = ?", orgID, p).Scan(&next); err != nil {
				return vaern.Invalid("parent", "is not a unit of this organisation")
			}
			p = next
		}
		if _, err := tx.exec(ctx, "UPDATE units SET name = ?, parent_id = ?, updated_at = ? WHERE org_id = ? AND id = ?",
			name, nullID(parentID), ms(tx.s.now()), orgID, id); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "unit.update", ObjectType: "unit", ObjectID: id,
			Detail: map[string]any{"name": name, "parent_id": parentID}})
	})
}

// DeleteUnit removes a unit that has no sub-units. Its people stay in the organisation.
func (s *Store) DeleteUnit(ctx context.Context, a vaern.Actor, orgID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		u, err := scanUnit(tx.queryRow(ctx, "SELECT "+unitCols+" FROM units WHERE org_id = ? AND id = ?", orgID, id))
		if err != nil {
			return err
		}
		var children int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM units WHERE org_id = ? AND parent_id = ?", orgID, id).Scan(&children); err != nil {
			return err
		}
		if children > 0 {
			return vaern.Invalid("unit", "has sub-units; move or delete them first")
		}
		var answers int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM answers WHERE org_id = ? AND unit_id = ?", orgID, id).Scan(&answers); err != nil {
			return err
		}
		if answers > 0 {
			return vaern.Invalid("unit", "has answers in an assessment; it is kept so that they stay readable")
		}
		if _, err := tx.exec(ctx, "UPDATE memberships SET unit_id = NULL WHERE org_id = ? AND unit_id = ?", orgID, id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM units WHERE org_id = ? AND id = ?", orgID, id); err != nil {
			return mapErr(err)
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "unit.delete", ObjectType: "unit", ObjectID: id,
			Detail: map[string]any{"name": u.Name}})
	})
}
