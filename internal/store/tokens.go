package store

import (
	"context"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// CreateAPIToken stores a token by its hash.
func (s *Store) CreateAPIToken(ctx context.Context, a vaern.Actor, t vaern.APIToken, hash string) (vaern.APIToken, error) {
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" {
		return t, vaern.Invalid("name", "is required")
	}
	if len([]rune(t.Name)) > 100 {
		return t, vaern.Invalid("name", "is longer than 100 characters")
	}
	err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.memberOf(ctx, t.OrgID, t.UserID); err != nil {
			return err
		}
		t.CreatedAt = tx.s.now()
		id, err := tx.insert(ctx, `INSERT INTO api_tokens (user_id, org_id, name, token_hash, prefix, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, t.UserID, t.OrgID, t.Name, hash, t.Prefix, ms(t.CreatedAt), ms(t.ExpiresAt))
		if err != nil {
			return err
		}
		t.ID = id
		return tx.Audit(ctx, a, Change{OrgID: t.OrgID, Action: "api_token.create", ObjectType: "api_token", ObjectID: id,
			Detail: map[string]any{"name": t.Name, "expires_at": t.ExpiresAt.Format(time.RFC3339)}})
	})
	return t, err
}

const tokenCols = `x.id, x.user_id, x.org_id, x.name, x.prefix, x.created_at, x.expires_at, x.last_used_at, x.revoked_at`

func scanToken(r scanner, t *vaern.APIToken) []any {
	return []any{&t.ID, &t.UserID, &t.OrgID, &t.Name, &t.Prefix}
}

func tokenTimes(t *vaern.APIToken, c, e, l, r int64) {
	t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt = fromMS(c), fromMS(e), fromMS(l), fromMS(r)
}

// APITokens lists the user's tokens in the organisation.
func (s *Store) APITokens(ctx context.Context, orgID, userID int64) ([]vaern.APIToken, error) {
	rows, err := s.query(ctx, "SELECT "+tokenCols+" FROM api_tokens x WHERE x.org_id = ? AND x.user_id = ? ORDER BY x.id DESC", orgID, userID)
	return collect(rows, err, func(r scanner) (vaern.APIToken, error) {
		var t vaern.APIToken
		var c, e, l, rv int64
		err := r.Scan(append(scanToken(r, &t), &c, &e, &l, &rv)...)
		tokenTimes(&t, c, e, l, rv)
		return t, err
	})
}

// RevokeAPIToken revokes one of the user's tokens in the organisation.
func (s *Store) RevokeAPIToken(ctx context.Context, a vaern.Actor, orgID, userID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND org_id = ? AND user_id = ? AND revoked_at = 0",
			ms(tx.s.now()), id, orgID, userID)
		if err := affected(res, err); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "api_token.revoke", ObjectType: "api_token", ObjectID: id})
	})
}

// LoadAPIToken returns who is behind a bearer token; a revoked or expired one is not found.
func (s *Store) LoadAPIToken(ctx context.Context, hash string, now time.Time) (*vaern.Principal, error) {
	t := &vaern.APIToken{}
	var c, e, l, rv int64
	p, err := scanPrincipal(s.queryRow(ctx, `SELECT `+principalCols+`, `+tokenCols+` FROM api_tokens x`+principalFrom+`WHERE x.token_hash = ?`, hash),
		append(scanToken(nil, t), &c, &e, &l, &rv)...)
	if err != nil {
		return nil, err
	}
	tokenTimes(t, c, e, l, rv)
	if p.User.Disabled || !t.Active(now) {
		return nil, vaern.ErrNotFound
	}
	p.Token = t
	return p, nil
}

// TouchAPIToken records the token's last use.
func (s *Store) TouchAPIToken(ctx context.Context, id int64, now time.Time) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", ms(now), id)
		return err
	})
}

// CreateLinkToken stores a single-use link and queues the e-mail that carries it, in one transaction.
func (s *Store) CreateLinkToken(ctx context.Context, a vaern.Actor, lt vaern.LinkToken, hash string, m vaern.Mail) (vaern.LinkToken, error) {
	err := s.Write(ctx, func(tx *Tx) error { return tx.createLinkToken(ctx, a, &lt, hash, m) })
	return lt, err
}

func (tx *Tx) createLinkToken(ctx context.Context, a vaern.Actor, lt *vaern.LinkToken, hash string, m vaern.Mail) error {
	lt.CreatedAt = tx.s.now()
	id, err := tx.insert(ctx, `INSERT INTO link_tokens (kind, token_hash, email, user_id, org_id, role, unit_id, created_by, created_at, expires_at, origin)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, lt.Kind, hash, lt.Email, nullID(lt.UserID), nullID(lt.OrgID),
		string(lt.Role), nullID(lt.UnitID), nullID(lt.CreatedBy), ms(lt.CreatedAt), ms(lt.ExpiresAt), lt.Origin)
	if err != nil {
		return err
	}
	lt.ID = id
	if err := tx.EnqueueMail(ctx, m); err != nil {
		return err
	}
	detail := map[string]any{"email": lt.Email}
	if lt.Kind == "invite" {
		detail["role"], detail["unit_id"] = lt.Role, lt.UnitID
		if lt.Origin != "" {
			detail["origin"] = lt.Origin
		}
	}
	return tx.Audit(ctx, a, Change{OrgID: lt.OrgID, Action: "link." + lt.Kind, ObjectType: "link_token", ObjectID: id, Detail: detail})
}

const linkCols = `id, kind, email, COALESCE(user_id, 0), COALESCE(org_id, 0), role, COALESCE(unit_id, 0), COALESCE(created_by, 0), created_at, expires_at, used_at, origin`

func scanLink(r scanner) (vaern.LinkToken, error) {
	var lt vaern.LinkToken
	var role string
	var c, e, u int64
	err := r.Scan(&lt.ID, &lt.Kind, &lt.Email, &lt.UserID, &lt.OrgID, &role, &lt.UnitID, &lt.CreatedBy, &c, &e, &u, &lt.Origin)
	lt.Role, lt.CreatedAt, lt.ExpiresAt, lt.UsedAt = vaern.Role(role), fromMS(c), fromMS(e), fromMS(u)
	return lt, mapErr(err)
}

// LinkToken returns a usable (unused, unexpired) link of the given kind.
func (s *Store) LinkToken(ctx context.Context, kind, hash string, now time.Time) (vaern.LinkToken, error) {
	lt, err := scanLink(s.queryRow(ctx, "SELECT "+linkCols+" FROM link_tokens WHERE kind = ? AND token_hash = ?", kind, hash))
	if err != nil {
		return lt, err
	}
	if !lt.UsedAt.IsZero() || !now.Before(lt.ExpiresAt) {
		return lt, vaern.ErrNotFound
	}
	return lt, nil
}

// UseLinkToken marks the link used inside tx and returns it; a second use, or an expired link, is
// not found. fn runs in the same transaction, so the link is only spent if what it allows succeeds.
func (s *Store) UseLinkToken(ctx context.Context, kind, hash string, fn func(*Tx, vaern.LinkToken) error) error {
	return s.Write(ctx, func(tx *Tx) error {
		now := tx.s.now()
		lt, err := scanLink(tx.queryRow(ctx, "SELECT "+linkCols+" FROM link_tokens WHERE kind = ? AND token_hash = ?", kind, hash))
		if err != nil {
			return err
		}
		if !lt.UsedAt.IsZero() || !now.Before(lt.ExpiresAt) {
			return vaern.ErrNotFound
		}
		res, err := tx.exec(ctx, "UPDATE link_tokens SET used_at = ? WHERE id = ? AND used_at = 0", ms(now), lt.ID)
		if err := affected(res, err); err != nil {
			return err
		}
		return fn(tx, lt)
	})
}
