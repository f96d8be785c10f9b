package store

import (
	"context"

	"github.com/vaern/vaern"
)

// The onboarding checklist: the centre's items, the facts Værn sees of each member for the
// automatic ones, and the items members ticked by hand. Automatic items are never stored as done.

const itemCols = `id, centre_id, position, title_da, title_nb, title_en, desc_da, desc_nb, desc_en, link, auto_check`

func scanItem(r scanner) (vaern.OnboardingItem, error) {
	var it vaern.OnboardingItem
	err := r.Scan(&it.ID, &it.CentreID, &it.Position, &it.Title.Da, &it.Title.Nb, &it.Title.En,
		&it.Description.Da, &it.Description.Nb, &it.Description.En, &it.Link, &it.Check)
	return it, mapErr(err)
}

// OnboardingItems is centre centreID's checklist in order. A centre that never had one gets the
// default checklist the first time it is asked for (once: a centre that deleted every item keeps
// an empty list).
func (s *Store) OnboardingItems(ctx context.Context, centreID int64) ([]vaern.OnboardingItem, error) {
	var n int
	if err := s.queryRow(ctx, "SELECT COUNT(*) FROM onboarding_setup WHERE centre_id = ?", centreID).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		if err := s.Write(ctx, func(tx *Tx) error { return tx.seedOnboarding(ctx, centreID) }); err != nil {
			return nil, err
		}
	}
	rows, err := s.query(ctx, "SELECT "+itemCols+" FROM onboarding_items WHERE centre_id = ? ORDER BY position, id", centreID)
	return collect(rows, err, scanItem)
}

func (t *Tx) seedOnboarding(ctx context.Context, centreID int64) error {
	if err := t.centreOnly(ctx, centreID); err != nil {
		return err
	}
	var n int
	if err := t.queryRow(ctx, "SELECT COUNT(*) FROM onboarding_setup WHERE centre_id = ?", centreID).Scan(&n); err != nil || n > 0 {
		return err // another request was first
	}
	if _, err := t.exec(ctx, "INSERT INTO onboarding_setup (centre_id, seeded_at) VALUES (?, ?)", centreID, ms(t.s.now())); err != nil {
		return err
	}
	for i, it := range t.s.rules.Services.DefaultChecklist() {
		it.Position = (i + 1) * 10
		if _, err := t.insertItem(ctx, centreID, it); err != nil {
			return err
		}
	}
	return nil
}

func (t *Tx) insertItem(ctx context.Context, centreID int64, it vaern.OnboardingItem) (int64, error) {
	now := ms(t.s.now())
	return t.insert(ctx, `INSERT INTO onboarding_items (centre_id, position, title_da, title_nb, title_en, desc_da, desc_nb, desc_en,
		link, auto_check, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, centreID, it.Position,
		it.Title.Da, it.Title.Nb, it.Title.En, it.Description.Da, it.Description.Nb, it.Description.En, it.Link, it.Check, now, now)
}

// SaveOnboardingItem adds an item to the centre's checklist (it.ID 0) or changes one of its own.
func (s *Store) SaveOnboardingItem(ctx context.Context, a vaern.Actor, centreID int64, it vaern.OnboardingItem) (vaern.OnboardingItem, error) {
	err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.centreOnly(ctx, centreID); err != nil {
			return err
		}
		if it.ID != 0 {
			if _, err := scanItem(tx.queryRow(ctx, "SELECT "+itemCols+" FROM onboarding_items WHERE id = ? AND centre_id = ?", it.ID, centreID)); err != nil {
				return err
			}
		}
		if err := tx.s.rules.Services.CleanItem(&it); err != nil {
			return err
		}
		action := "onboarding.item_update"
		if it.ID == 0 {
			if err := tx.seedOnboarding(ctx, centreID); err != nil {
				return err
			}
			if it.Position == 0 {
				if err := tx.queryRow(ctx, "SELECT COALESCE(MAX(position), 0) + 10 FROM onboarding_items WHERE centre_id = ?", centreID).Scan(&it.Position); err != nil {
					return err
				}
			}
			id, err := tx.insertItem(ctx, centreID, it)
			if err != nil {
				return err
			}
			it.ID, action = id, "onboarding.item_create"
		} else {
			res, err := tx.exec(ctx, `UPDATE onboarding_items SET position = ?, title_da = ?, title_nb = ?, title_en = ?, desc_da = ?,
				desc_nb = ?, desc_en = ?, link = ?, auto_check = ?, updated_at = ? WHERE id = ? AND centre_id = ?`, it.Position,
				it.Title.Da, it.Title.Nb, it.Title.En, it.Description.Da, it.Description.Nb, it.Description.En, it.Link, it.Check,
				ms(tx.s.now()), it.ID, centreID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return vaern.ErrNotFound
			}
			if it.Check != "" { // now computed: what was ticked by hand no longer counts
				if _, err := tx.exec(ctx, "DELETE FROM onboarding_done WHERE item_id = ?", it.ID); err != nil {
					return err
				}
			}
		}
		it.CentreID = centreID
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: action, ObjectType: "onboarding_item", ObjectID: it.ID,
			Detail: map[string]any{"title": it.Title.En, "check": it.Check}})
	})
	return it, err
}

// DeleteOnboardingItem removes an item of the centre's checklist, with what members ticked of it.
func (s *Store) DeleteOnboardingItem(ctx context.Context, a vaern.Actor, centreID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		it, err := scanItem(tx.queryRow(ctx, "SELECT "+itemCols+" FROM onboarding_items WHERE id = ? AND centre_id = ?", id, centreID))
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM onboarding_done WHERE item_id = ?", id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM onboarding_items WHERE id = ?", id); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "onboarding.item_delete", ObjectType: "onboarding_item", ObjectID: id,
			Detail: map[string]any{"title": it.Title.En}})
	})
}

// OnboardingItem is one item of the centre's checklist.
func (s *Store) OnboardingItem(ctx context.Context, centreID, id int64) (vaern.OnboardingItem, error) {
	return scanItem(s.queryRow(ctx, "SELECT "+itemCols+" FROM onboarding_items WHERE id = ? AND centre_id = ?", id, centreID))
}

// TickOnboarding marks an item of the member's centre's checklist done (or not) for the member.
// Items with an automatic check cannot be ticked: Værn sees them itself.
func (s *Store) TickOnboarding(ctx context.Context, a vaern.Actor, orgID, itemID int64, done bool) error {
	return s.Write(ctx, func(tx *Tx) error {
		it, err := scanItem(tx.queryRow(ctx, "SELECT "+itemCols+` FROM onboarding_items
			WHERE id = ? AND centre_id = (SELECT parent_id FROM orgs WHERE id = ? AND kind = 'member')`, itemID, orgID))
		if err != nil {
			return err
		}
		if it.Check != "" {
			return vaern.Invalid("item", "is checked by Værn itself")
		}
		if _, err := tx.exec(ctx, "DELETE FROM onboarding_done WHERE item_id = ? AND org_id = ?", itemID, orgID); err != nil {
			return err
		}
		if done {
			if _, err := tx.exec(ctx, "INSERT INTO onboarding_done (item_id, org_id, done_by, done_at) VALUES (?, ?, ?, ?)",
				itemID, orgID, a.UserID, ms(tx.s.now())); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "onboarding.tick", ObjectType: "onboarding_item", ObjectID: itemID,
			Detail: map[string]any{"title": it.Title.En, "done": done}})
	})
}

// OnboardingTicks lists the items ticked by hand: one member's (orgID), or every member's of
// the centre (orgID 0).
func (s *Store) OnboardingTicks(ctx context.Context, centreID, orgID int64) ([]vaern.OnboardingTick, error) {
	q := `SELECT d.item_id, d.org_id, d.done_by, COALESCE(u.name, ''), d.done_at FROM onboarding_done d
		JOIN onboarding_items i ON i.id = d.item_id LEFT JOIN users u ON u.id = d.done_by WHERE i.centre_id = ?`
	args := []any{centreID}
	if orgID != 0 {
		q += " AND d.org_id = ?"
		args = append(args, orgID)
	}
	rows, err := s.query(ctx, q, args...)
	return collect(rows, err, func(r scanner) (vaern.OnboardingTick, error) {
		var t vaern.OnboardingTick
		var at int64
		err := r.Scan(&t.ItemID, &t.OrgID, &t.By, &t.ByName, &at)
		t.At = fromMS(at)
		return t, err
	})
}

// OnboardingFacts is what Værn sees of the centre's members for the automatic checks: one
// member's (orgID), or every member's (orgID 0), by name. A coordinator has two-factor sign-in
// with a TOTP app or with a passkey: a passkey stands in for the code after the password and, as
// it verifies the person, signs in alone, so either is stronger than the password.
func (s *Store) OnboardingFacts(ctx context.Context, centreID, orgID int64) ([]vaern.OnboardingFacts, error) {
	q := `SELECT o.id, o.name,
		(SELECT COUNT(*) FROM units u WHERE u.org_id = o.id),
		(SELECT COUNT(*) FROM systems y WHERE y.org_id = o.id),
		(SELECT COUNT(*) FROM memberships m WHERE m.org_id = o.id AND m.role = ?),
		(SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = o.id AND m.role = ?
			AND (u.totp_enabled = ? OR EXISTS (SELECT 1 FROM webauthn_credentials w WHERE w.user_id = u.id))),
		o.require_2fa,
		(SELECT COUNT(*) FROM memberships m WHERE m.org_id = o.id AND m.role <> ?)
			+ (SELECT COUNT(*) FROM link_tokens l WHERE l.org_id = o.id AND l.kind = 'invite' AND l.used_at = 0 AND l.expires_at > ?),
		(SELECT COUNT(DISTINCT p.user_id) FROM notify_prefs p JOIN memberships m ON m.user_id = p.user_id
			WHERE m.org_id = o.id AND p.kind LIKE 'warnings.%'),
		(SELECT COUNT(*) FROM register_imports r WHERE r.org_id = o.id AND r.status = ?),
		(SELECT COUNT(*) FROM identity_providers i WHERE i.org_id = o.id)
		FROM orgs o WHERE o.parent_id = ? AND o.kind = 'member'`
	coord := string(vaern.RoleCoordinator)
	args := []any{coord, coord, true, coord, ms(s.now()), ImportDone, centreID}
	if orgID != 0 {
		q += " AND o.id = ?"
		args = append(args, orgID)
	}
	rows, err := s.query(ctx, q+" ORDER BY o.name, o.id", args...)
	return collect(rows, err, func(r scanner) (vaern.OnboardingFacts, error) {
		var f vaern.OnboardingFacts
		err := r.Scan(&f.OrgID, &f.OrgName, &f.Units, &f.Systems, &f.Coordinators, &f.Coordinators2FA, &f.Require2FA,
			&f.Others, &f.WarningPrefs, &f.Imports, &f.Providers)
		return f, err
	})
}
