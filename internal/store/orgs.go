package store

import (
	"context"
	"strings"

	"github.com/vaern/vaern"
)

const orgCols = `id, kind, COALESCE(parent_id, 0), code, name, country, region, population, size_class, require_2fa, created_at, updated_at, centre_joined_at`

func scanOrg(r scanner) (vaern.Org, error) {
	var o vaern.Org
	var kind string
	var c, u, j int64
	err := r.Scan(&o.ID, &kind, &o.ParentID, &o.Code, &o.Name, &o.Country, &o.Region, &o.Population,
		&o.SizeClass, &o.Require2FA, &c, &u, &j)
	o.Kind, o.CreatedAt, o.UpdatedAt, o.CentreJoinedAt = vaern.OrgKind(kind), fromMS(c), fromMS(u), fromMS(j)
	return o, mapErr(err)
}

func validateOrg(o *vaern.Org) error {
	o.Code, o.Name, o.Region = strings.TrimSpace(o.Code), strings.TrimSpace(o.Name), strings.TrimSpace(o.Region)
	o.Country = strings.ToUpper(strings.TrimSpace(o.Country))
	switch {
	case o.Kind != vaern.OrgCentre && o.Kind != vaern.OrgMember:
		return vaern.Invalid("kind", "must be centre or member")
	case o.Name == "":
		return vaern.Invalid("name", "is required")
	case o.Code == "":
		return vaern.Invalid("code", "is required")
	case o.Country != "DK" && o.Country != "NO":
		return vaern.Invalid("country", "must be DK or NO")
	case o.Population < 0:
		return vaern.Invalid("population", "cannot be negative")
	}
	switch o.SizeClass {
	case "", vaern.SizeSmall, vaern.SizeMedium, vaern.SizeLarge:
	default:
		return vaern.Invalid("size_class", "must be small, medium or large")
	}
	return nil
}

// CreateCentre creates the centre. There is one per installation.
func (s *Store) CreateCentre(ctx context.Context, a vaern.Actor, o vaern.Org) (vaern.Org, error) {
	o.Kind, o.ParentID = vaern.OrgCentre, 0
	if err := validateOrg(&o); err != nil {
		return o, err
	}
	err := s.Write(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM orgs WHERE kind = 'centre'").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return vaern.ErrConflict
		}
		return tx.insertOrg(ctx, a, &o)
	})
	return o, err
}

// CreateMember adds a member to the centre.
func (s *Store) CreateMember(ctx context.Context, a vaern.Actor, centreID int64, o vaern.Org) (vaern.Org, error) {
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		o, err = tx.CreateMember(ctx, a, centreID, o)
		return err
	})
	return o, err
}

// CreateMember is CreateMember inside a transaction (bulk seeding).
func (t *Tx) CreateMember(ctx context.Context, a vaern.Actor, centreID int64, o vaern.Org) (vaern.Org, error) {
	o.Kind, o.ParentID = vaern.OrgMember, centreID
	if err := validateOrg(&o); err != nil {
		return o, err
	}
	// Only the centre has members: a member under a member would be visible to it through Org.
	var kind string
	if err := t.queryRow(ctx, "SELECT kind FROM orgs WHERE id = ?", centreID).Scan(&kind); err != nil {
		return o, mapErr(err)
	}
	if vaern.OrgKind(kind) != vaern.OrgCentre {
		return o, vaern.ErrNotFound
	}
	if err := t.insertOrg(ctx, a, &o); err != nil {
		return o, err
	}
	// Every member is told when the centre's staff add a member (installation seeding, which has
	// no person behind it, is not news to anyone).
	if a.UserID != 0 {
		if err := t.notice(ctx, centreID, 0, o.ID, "member.created", map[string]any{"subject": o.Name}); err != nil {
			return o, err
		}
	}
	return o, nil
}

func (t *Tx) insertOrg(ctx context.Context, a vaern.Actor, o *vaern.Org) error {
	now := t.s.now()
	o.CreatedAt, o.UpdatedAt = now, now
	id, err := t.insert(ctx, `INSERT INTO orgs (kind, parent_id, code, name, country, region, population, size_class,
		require_2fa, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		string(o.Kind), nullID(o.ParentID), o.Code, o.Name, o.Country, o.Region, o.Population, o.SizeClass,
		o.Require2FA, ms(now), ms(now))
	if isConflict(err) {
		return vaern.Invalid("code", "is already in use")
	}
	if err != nil {
		return err
	}
	o.ID = id
	chain := o.ParentID // a new member is recorded in the centre's chain, the centre in its own
	if chain == 0 {
		chain = id
	}
	return t.Audit(ctx, a, Change{OrgID: chain, Action: "org.create", ObjectType: "org", ObjectID: id,
		Detail: map[string]any{"kind": o.Kind, "code": o.Code, "name": o.Name, "country": o.Country}})
}

// Centre returns the installation's centre.
func (s *Store) Centre(ctx context.Context) (vaern.Org, error) {
	return scanOrg(s.queryRow(ctx, "SELECT "+orgCols+" FROM orgs WHERE kind = 'centre' ORDER BY id LIMIT 1"))
}

// Org returns organisation id as seen from tenant: its own organisation, or, for the centre, any
// of its members. Anything else is not found.
func (s *Store) Org(ctx context.Context, tenant, id int64) (vaern.Org, error) {
	return scanOrg(s.queryRow(ctx, "SELECT "+orgCols+" FROM orgs WHERE id = ? AND (id = ? OR parent_id = ?)", id, tenant, tenant))
}

// OrgByCode finds an organisation by its official code (operator commands).
func (s *Store) OrgByCode(ctx context.Context, code string) (vaern.Org, error) {
	return scanOrg(s.queryRow(ctx, "SELECT "+orgCols+" FROM orgs WHERE code = ? ORDER BY id LIMIT 1", strings.TrimSpace(code)))
}

// Members lists the centre's members by name.
func (s *Store) Members(ctx context.Context, centreID int64) ([]vaern.Org, error) {
	rows, err := s.query(ctx, "SELECT "+orgCols+" FROM orgs WHERE parent_id = ? ORDER BY country, name", centreID)
	return collect(rows, err, scanOrg)
}

// UpdateMember changes a member's facts (the centre's view of it).
func (s *Store) UpdateMember(ctx context.Context, a vaern.Actor, centreID int64, o vaern.Org) error {
	o.Kind = vaern.OrgMember
	if err := validateOrg(&o); err != nil {
		return err
	}
	return s.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE orgs SET code = ?, name = ?, country = ?, region = ?, population = ?, size_class = ?,
			updated_at = ? WHERE id = ? AND parent_id = ?`, o.Code, o.Name, o.Country, o.Region, o.Population, o.SizeClass,
			ms(tx.s.now()), o.ID, centreID)
		if err := mapErr(err); isConflict(err) {
			return vaern.Invalid("code", "is already in use")
		}
		if err := affected(res, mapErr(err)); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: centreID, Action: "org.update", ObjectType: "org", ObjectID: o.ID,
			Detail: map[string]any{"code": o.Code, "name": o.Name, "country": o.Country, "region": o.Region,
				"population": o.Population, "size_class": o.SizeClass}})
	})
}

// SetRequire2FA sets whether every user of the organisation must use two-factor sign-in.
func (s *Store) SetRequire2FA(ctx context.Context, a vaern.Actor, orgID int64, on bool) error {
	return s.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "UPDATE orgs SET require_2fa = ?, updated_at = ? WHERE id = ?", on, ms(tx.s.now()), orgID)
		if err := affected(res, err); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "org.require_2fa", ObjectType: "org", ObjectID: orgID,
			Detail: map[string]any{"require_2fa": on}})
	})
}

// affected turns "no row matched" into ErrNotFound.
func affected(res interface{ RowsAffected() (int64, error) }, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return vaern.ErrNotFound
	}
	return nil
}
