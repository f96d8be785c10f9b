package store

import (
	"context"
	"strings"

	"github.com/vaern/vaern"
)

// MemberGroup is a benchmark group the centre defines (e.g. a regional cooperation's members).
// Its aggregates follow the same k and independence rules as every other group, and the rule for
// groups the centre chooses itself (results.NamedHidden).
type MemberGroup struct {
	ID        int64
	CentreID  int64
	Name      string
	MemberIDs []int64
}

// MemberGroups lists the centre's groups by name, each with its members' ids.
func (s *Store) MemberGroups(ctx context.Context, centreID int64) ([]MemberGroup, error) {
	rows, err := s.query(ctx, "SELECT id, centre_id, name FROM member_groups WHERE centre_id = ? ORDER BY name", centreID)
	list, err := collect(rows, err, func(r scanner) (MemberGroup, error) {
		var g MemberGroup
		return g, r.Scan(&g.ID, &g.CentreID, &g.Name)
	})
	if err != nil {
		return nil, err
	}
	byGroup, err := s.groupMembers(ctx, centreID)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].MemberIDs = byGroup[list[i].ID]
	}
	return list, nil
}

// MemberGroup returns one of the centre's groups; another centre's answers vaern.ErrNotFound.
func (s *Store) MemberGroup(ctx context.Context, centreID, id int64) (MemberGroup, error) {
	var g MemberGroup
	if err := s.queryRow(ctx, "SELECT id, centre_id, name FROM member_groups WHERE centre_id = ? AND id = ?", centreID, id).
		Scan(&g.ID, &g.CentreID, &g.Name); err != nil {
		return g, mapErr(err)
	}
	byGroup, err := s.groupMembers(ctx, centreID)
	g.MemberIDs = byGroup[id]
	return g, err
}

func (s *Store) groupMembers(ctx context.Context, centreID int64) (map[int64][]int64, error) {
	rows, err := s.query(ctx, `SELECT m.group_id, m.org_id FROM member_group_members m JOIN member_groups g ON g.id = m.group_id
		WHERE g.centre_id = ? ORDER BY m.group_id, m.org_id`, centreID)
	pairs, err := collect(rows, err, func(r scanner) ([2]int64, error) { var x [2]int64; return x, r.Scan(&x[0], &x[1]) })
	out := map[int64][]int64{}
	for _, p := range pairs {
		out[p[0]] = append(out[p[0]], p[1])
	}
	return out, err
}

// GroupsByMember maps each member of the centre to the ids of the centre's groups it is in.
func (s *Store) GroupsByMember(ctx context.Context, centreID int64) (map[int64][]int64, error) {
	byGroup, err := s.groupMembers(ctx, centreID)
	out := map[int64][]int64{}
	for g, ms := range byGroup {
		for _, m := range ms {
			out[m] = append(out[m], g)
		}
	}
	return out, err
}

// SaveMemberGroup creates (ID 0) or replaces one of the centre's groups: its name and members.
// Every member id must be one of the centre's members. Aggregates already computed keep the
// membership they were computed with (frozen at close).
func (s *Store) SaveMemberGroup(ctx context.Context, a vaern.Actor, centreID int64, g MemberGroup) (MemberGroup, error) {
	g.Name = strings.TrimSpace(g.Name)
	switch {
	case g.Name == "":
		return g, vaern.Invalid("name", "is required")
	case len([]rune(g.Name)) > 100:
		return g, vaern.Invalid("name", "is longer than 100 characters")
	}
	err := s.Write(ctx, func(tx *Tx) error {
		now := ms(tx.s.now())
		for _, m := range g.MemberIDs {
			var parent int64
			if err := tx.queryRow(ctx, "SELECT COALESCE(parent_id, 0) FROM orgs WHERE id = ?", m).Scan(&parent); err != nil || parent != centreID {
				return vaern.Invalid("members", "organisation %d is not a member of the centre", m)
			}
		}
		action := "member_group.update"
		if g.ID == 0 {
			id, err := tx.insert(ctx, "INSERT INTO member_groups (centre_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)", centreID, g.Name, now, now)
			if isConflict(err) {
				return vaern.Invalid("name", "is already the name of another group")
			}
			if err != nil {
				return err
			}
			g.ID, action = id, "member_group.create"
		} else {
			res, err := tx.exec(ctx, "UPDATE member_groups SET name = ?, updated_at = ? WHERE id = ? AND centre_id = ?", g.Name, now, g.ID, centreID)
			if isConflict(err) {
				return vaern.Invalid("name", "is already the name of another group")
			}
			if err := affected(res, err); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, "DELETE FROM member_group_members WHERE group_id = ?", g.ID); err != nil {
				return err
			}
		}
		seen := map[int64]bool{}
		for _, m := range g.MemberIDs {
			if seen[m] {
				continue
			}
			seen[m] = true
			if _, err := tx.exec(ctx, "INSERT INTO member_group_members (group_id, org_id) VALUES (?, ?)", g.ID, m); err != nil {
				return err
			}
		}
		g.CentreID = centreID
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: action, ObjectType: "member_group", ObjectID: g.ID,
			Detail: map[string]any{"name": g.Name, "members": len(seen)}})
	})
	return g, err
}

// DeleteMemberGroup removes one of the centre's groups.
func (s *Store) DeleteMemberGroup(ctx context.Context, a vaern.Actor, centreID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		var x int64
		if err := tx.queryRow(ctx, "SELECT id FROM member_groups WHERE id = ? AND centre_id = ?", id, centreID).Scan(&x); err != nil {
			return mapErr(err)
		}
		if _, err := tx.exec(ctx, "DELETE FROM member_group_members WHERE group_id = ?", id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM member_groups WHERE id = ?", id); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "member_group.delete", ObjectType: "member_group", ObjectID: id})
	})
}

// MemberGroupNames returns the names of the centre's groups by id, for labelling aggregates. A
// member reads only the names of the groups, never who else is in them.
func (s *Store) MemberGroupNames(ctx context.Context, centreID int64) (map[int64]string, error) {
	rows, err := s.query(ctx, "SELECT id, name FROM member_groups WHERE centre_id = ?", centreID)
	type kv struct {
		id   int64
		name string
	}
	list, err := collect(rows, err, func(r scanner) (kv, error) { var x kv; return x, r.Scan(&x.id, &x.name) })
	out := map[int64]string{}
	for _, x := range list {
		out[x.id] = x.name
	}
	return out, err
}
