package store

import (
	"context"
	"net/mail"
	"strings"

	"github.com/vaern/vaern"
)

// ProviderPassword is the identity provider for e-mail and password sign-in; its subject is the
// lower-cased e-mail address and its secret the argon2id hash.
const ProviderPassword = "password"

const userCols = `u.id, u.email, u.name, u.lang, u.totp_enabled,
	EXISTS (SELECT 1 FROM webauthn_credentials wc WHERE wc.user_id = u.id), u.disabled, u.created_at, u.updated_at`

func scanUser(r scanner, extra ...any) (vaern.User, error) {
	var u vaern.User
	var c, m int64
	err := r.Scan(append([]any{&u.ID, &u.Email, &u.Name, &u.Lang, &u.TOTPEnabled, &u.HasPasskey, &u.Disabled, &c, &m}, extra...)...)
	u.CreatedAt, u.UpdatedAt = fromMS(c), fromMS(m)
	return u, mapErr(err)
}

// NormalizeEmail validates an address and returns it lower-cased without a display name.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(a.Address[strings.LastIndexByte(a.Address, '@'):], ".") {
		return "", vaern.Invalid("email", "is not a valid e-mail address")
	}
	return strings.ToLower(a.Address), nil
}

// NewUser is what it takes to create a user with a password and a first membership.
type NewUser struct {
	Email        string
	Name         string
	Lang         string
	PasswordHash string // empty: the user cannot sign in with a password until one is set
	OrgID        int64
	Role         vaern.Role
	UnitID       int64
	// External is set when the user is created from outside the organisation (the operator's
	// vaern user create): in a member that is allowed only while it has nobody, and it counts as
	// the centre reaching the member (see markCentreJoined).
	External bool
}

// CreateUser creates a user, their password identity and their membership in one transaction.
func (s *Store) CreateUser(ctx context.Context, a vaern.Actor, nu NewUser) (vaern.User, error) {
	var u vaern.User
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		u, err = tx.CreateUser(ctx, a, nu)
		return err
	})
	return u, err
}

// CreateUser is CreateUser inside a transaction (e.g. an accepted invitation).
func (t *Tx) CreateUser(ctx context.Context, a vaern.Actor, nu NewUser) (vaern.User, error) {
	email, err := NormalizeEmail(nu.Email)
	if err != nil {
		return vaern.User{}, err
	}
	if !nu.Role.Valid() {
		return vaern.User{}, vaern.Invalid("role", "is not a known role")
	}
	if err := validLang(nu.Lang); err != nil {
		return vaern.User{}, err
	}
	u := vaern.User{Email: email, Name: strings.TrimSpace(nu.Name), Lang: nu.Lang}
	tx := t
	err = func() error {
		var kind string
		if err := tx.queryRow(ctx, "SELECT kind FROM orgs WHERE id = ?", nu.OrgID).Scan(&kind); err != nil {
			return mapErr(err)
		}
		if !nu.Role.FitsOrg(vaern.OrgKind(kind)) {
			return vaern.Invalid("role", "does not fit a %s organisation", kind)
		}
		if nu.UnitID != 0 {
			if err := tx.unitExists(ctx, nu.OrgID, nu.UnitID); err != nil {
				return vaern.Invalid("unit", "is not a unit of this organisation")
			}
		}
		if nu.External && vaern.OrgKind(kind) == vaern.OrgMember {
			if nu.Role != vaern.RoleCoordinator {
				return vaern.Invalid("role", "from outside a member, only its first coordinator is created")
			}
			if n, err := tx.orgPeople(ctx, nu.OrgID); err != nil {
				return err
			} else if n > 0 {
				return vaern.Invalid("org", "the member already has people: only its own coordinators add more")
			}
			if err := tx.markCentreJoined(ctx, a, nu.OrgID, "operator"); err != nil {
				return err
			}
		}
		now := tx.s.now()
		u.CreatedAt, u.UpdatedAt = now, now
		id, err := tx.insert(ctx, "INSERT INTO users (email, name, lang, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
			email, u.Name, u.Lang, ms(now), ms(now))
		if err != nil {
			if isConflict(err) {
				return vaern.Invalid("email", "is already in use")
			}
			return err
		}
		u.ID = id
		if _, err := tx.exec(ctx, `INSERT INTO identities (user_id, provider, subject, secret, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, id, ProviderPassword, email, nu.PasswordHash, ms(now), ms(now)); err != nil {
			return mapErr(err)
		}
		if _, err := tx.exec(ctx, "INSERT INTO memberships (user_id, org_id, role, unit_id, created_at) VALUES (?, ?, ?, ?, ?)",
			id, nu.OrgID, string(nu.Role), nullID(nu.UnitID), ms(now)); err != nil {
			return mapErr(err)
		}
		return tx.Audit(ctx, a, Change{OrgID: nu.OrgID, Action: "user.create", ObjectType: "user", ObjectID: id,
			Detail: map[string]any{"email": email, "role": nu.Role, "unit_id": nu.UnitID}})
	}()
	return u, err
}

// AddMembership gives an existing user a role in another organisation (an accepted invitation).
func (s *Store) AddMembership(ctx context.Context, a vaern.Actor, m vaern.Membership) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.AddMembership(ctx, a, m) })
}

// AddMembership is AddMembership inside a transaction.
func (t *Tx) AddMembership(ctx context.Context, a vaern.Actor, m vaern.Membership) error {
	// The same checks as CreateUser and SetRole: an invitation must not place someone in a role that
	// does not fit the organisation, nor in another organisation's unit.
	var kind string
	if err := t.queryRow(ctx, "SELECT kind FROM orgs WHERE id = ?", m.OrgID).Scan(&kind); err != nil {
		return mapErr(err)
	}
	if !m.Role.FitsOrg(vaern.OrgKind(kind)) {
		return vaern.Invalid("role", "does not fit a %s organisation", kind)
	}
	if m.UnitID != 0 {
		if err := t.unitExists(ctx, m.OrgID, m.UnitID); err != nil {
			return vaern.Invalid("unit", "is not a unit of this organisation")
		}
	}
	if err := t.otherSide(ctx, m.UserID, vaern.OrgKind(kind)); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `INSERT INTO memberships (user_id, org_id, role, unit_id, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id, org_id) DO UPDATE SET role = excluded.role, unit_id = excluded.unit_id`,
		m.UserID, m.OrgID, string(m.Role), nullID(m.UnitID), ms(t.s.now())); err != nil {
		return mapErr(err)
	}
	return t.Audit(ctx, a, Change{OrgID: m.OrgID, Action: "membership.add", ObjectType: "user", ObjectID: m.UserID,
		Detail: map[string]any{"role": m.Role, "unit_id": m.UnitID}})
}

func isConflict(err error) bool {
	return err != nil && strings.Contains(err.Error(), vaern.ErrConflict.Error())
}

// memberOf answers ErrNotFound unless the user belongs to the organisation, so that a method taking
// an organisation and a user cannot reach (or write audit rows about) a user of another tenant.
func (t *Tx) memberOf(ctx context.Context, orgID, userID int64) error {
	var x int
	return mapErr(t.queryRow(ctx, "SELECT 1 FROM memberships WHERE org_id = ? AND user_id = ?", orgID, userID).Scan(&x))
}

// validLang accepts the languages Værn speaks, or "" to follow the browser.
func validLang(lang string) error {
	switch lang {
	case "", "da", "nb", "en":
		return nil
	}
	return vaern.Invalid("lang", "must be da, nb or en")
}

// PasswordLogin finds a user by e-mail with the password hash of their password identity.
func (s *Store) PasswordLogin(ctx context.Context, email string) (vaern.User, string, error) {
	var hash string
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userCols+`, i.secret FROM users u
		JOIN identities i ON i.user_id = u.id AND i.provider = ? WHERE i.subject = ?`,
		ProviderPassword, strings.ToLower(strings.TrimSpace(email))), &hash)
	return u, hash, err
}

// UserByEmail finds a user by e-mail (invitations, resets, operator commands).
func (s *Store) UserByEmail(ctx context.Context, email string) (vaern.User, error) {
	return scanUser(s.queryRow(ctx, "SELECT "+userCols+" FROM users u WHERE u.email = ?", strings.ToLower(strings.TrimSpace(email))))
}

// UserSelf returns the signed-in user's own record.
func (s *Store) UserSelf(ctx context.Context, userID int64) (vaern.User, error) {
	return scanUser(s.queryRow(ctx, "SELECT "+userCols+" FROM users u WHERE u.id = ?", userID))
}

const memberCols = userCols + `, m.role, COALESCE(m.unit_id, 0), COALESCE(un.name, '')`

func scanMember(r scanner) (vaern.Member, error) {
	var m vaern.Member
	var role string
	u, err := scanUser(r, &role, &m.UnitID, &m.UnitName)
	m.User, m.Role = u, vaern.Role(role)
	return m, err
}

const memberFrom = ` FROM memberships m JOIN users u ON u.id = m.user_id LEFT JOIN units un ON un.id = m.unit_id `

// OrgUsers lists the organisation's people.
func (s *Store) OrgUsers(ctx context.Context, orgID int64) ([]vaern.Member, error) {
	rows, err := s.query(ctx, "SELECT "+memberCols+memberFrom+"WHERE m.org_id = ? ORDER BY u.name, u.email", orgID)
	return collect(rows, err, scanMember)
}

// OrgUser returns one of the organisation's people; a user outside it is not found.
func (s *Store) OrgUser(ctx context.Context, orgID, userID int64) (vaern.Member, error) {
	return scanMember(s.queryRow(ctx, "SELECT "+memberCols+memberFrom+"WHERE m.org_id = ? AND m.user_id = ?", orgID, userID))
}

// UserOrgs lists the organisations a user belongs to, with the role in each.
func (s *Store) UserOrgs(ctx context.Context, userID int64) ([]vaern.Org, []vaern.Role, error) {
	rows, err := s.query(ctx, `SELECT o.id, o.kind, COALESCE(o.parent_id, 0), o.code, o.name, o.country, o.region, o.population,
		o.size_class, o.require_2fa, o.created_at, o.updated_at, m.role FROM memberships m JOIN orgs o ON o.id = m.org_id
		WHERE m.user_id = ? ORDER BY o.kind, o.name`, userID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var orgs []vaern.Org
	var roles []vaern.Role
	for rows.Next() {
		var o vaern.Org
		var kind, role string
		var c, u int64
		if err := rows.Scan(&o.ID, &kind, &o.ParentID, &o.Code, &o.Name, &o.Country, &o.Region, &o.Population,
			&o.SizeClass, &o.Require2FA, &c, &u, &role); err != nil {
			return nil, nil, err
		}
		o.Kind, o.CreatedAt, o.UpdatedAt = vaern.OrgKind(kind), fromMS(c), fromMS(u)
		orgs, roles = append(orgs, o), append(roles, vaern.Role(role))
	}
	return orgs, roles, rows.Err()
}

// SetRole changes a person's role and unit in the organisation.
func (s *Store) SetRole(ctx context.Context, a vaern.Actor, orgID, userID int64, role vaern.Role, unitID int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		var kind, old string
		if err := tx.queryRow(ctx, `SELECT o.kind, m.role FROM memberships m JOIN orgs o ON o.id = m.org_id
			WHERE m.org_id = ? AND m.user_id = ?`, orgID, userID).Scan(&kind, &old); err != nil {
			return mapErr(err)
		}
		if !role.FitsOrg(vaern.OrgKind(kind)) {
			return vaern.Invalid("role", "does not fit a %s organisation", kind)
		}
		// Roles in a member are changed by its own coordinators only (the web checks the
		// coordinator's permission), never by the operator's commands, which act as no person.
		if vaern.OrgKind(kind) == vaern.OrgMember && a.UserID == 0 {
			return vaern.Invalid("role", "roles in a member are changed only by its own coordinators")
		}
		if unitID != 0 {
			if err := tx.unitExists(ctx, orgID, unitID); err != nil {
				return vaern.Invalid("unit", "is not a unit of this organisation")
			}
		}
		if err := tx.keepOneAdmin(ctx, orgID, userID, role); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE memberships SET role = ?, unit_id = ? WHERE org_id = ? AND user_id = ?",
			string(role), nullID(unitID), orgID, userID); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "membership.role", ObjectType: "user", ObjectID: userID,
			Detail: map[string]any{"from": old, "to": role, "unit_id": unitID}})
	})
}

// keepOneAdmin refuses a change that would leave the organisation without anyone who can manage it.
func (t *Tx) keepOneAdmin(ctx context.Context, orgID, userID int64, newRole vaern.Role) error {
	if newRole == vaern.RoleCoordinator || newRole == vaern.RoleCentreAdmin {
		return nil
	}
	var others int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM memberships WHERE org_id = ? AND user_id <> ?
		AND role IN ('coordinator', 'centre-admin')`, orgID, userID).Scan(&others); err != nil {
		return err
	}
	var self int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM memberships WHERE org_id = ? AND user_id = ?
		AND role IN ('coordinator', 'centre-admin')`, orgID, userID).Scan(&self); err != nil {
		return err
	}
	if self > 0 && others == 0 {
		return vaern.Invalid("role", "the organisation must keep at least one coordinator or administrator")
	}
	return nil
}

// RemoveMember takes a person out of the organisation and ends their sessions and tokens there.
func (s *Store) RemoveMember(ctx context.Context, a vaern.Actor, orgID, userID int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.keepOneAdmin(ctx, orgID, userID, ""); err != nil {
			return err
		}
		res, err := tx.exec(ctx, "DELETE FROM memberships WHERE org_id = ? AND user_id = ?", orgID, userID)
		if err := affected(res, err); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE org_id = ? AND user_id = ?", orgID, userID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE org_id = ? AND user_id = ? AND revoked_at = 0",
			ms(tx.s.now()), orgID, userID); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "membership.remove", ObjectType: "user", ObjectID: userID})
	})
}

// SetPassword replaces the user's password hash and ends every other session of theirs.
func (s *Store) SetPassword(ctx context.Context, a vaern.Actor, orgID, userID int64, hash, keepSession string) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.SetPassword(ctx, a, orgID, userID, hash, keepSession) })
}

// SetPassword is SetPassword inside a transaction (e.g. a used reset link).
func (tx *Tx) SetPassword(ctx context.Context, a vaern.Actor, orgID, userID int64, hash, keepSession string) error {
	if orgID != 0 { // 0: the system chain (operator commands)
		if err := tx.memberOf(ctx, orgID, userID); err != nil {
			return err
		}
	}
	var email string
	if err := tx.queryRow(ctx, "SELECT email FROM users WHERE id = ?", userID).Scan(&email); err != nil {
		return mapErr(err)
	}
	now := ms(tx.s.now())
	if _, err := tx.exec(ctx, `INSERT INTO identities (user_id, provider, subject, secret, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (provider, subject) DO UPDATE SET secret = excluded.secret,
		updated_at = excluded.updated_at`, userID, ProviderPassword, email, hash, now, now); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ? AND id <> ?", userID, keepSession); err != nil {
		return err
	}
	return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "user.password", ObjectType: "user", ObjectID: userID})
}

// UpdateProfile sets the user's name and language.
func (s *Store) UpdateProfile(ctx context.Context, a vaern.Actor, orgID, userID int64, name, lang string) error {
	if err := validLang(lang); err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	if len([]rune(name)) > 200 {
		return vaern.Invalid("name", "is longer than 200 characters")
	}
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.memberOf(ctx, orgID, userID); err != nil {
			return err
		}
		res, err := tx.exec(ctx, "UPDATE users SET name = ?, lang = ?, updated_at = ? WHERE id = ?", name, lang, ms(tx.s.now()), userID)
		if err := affected(res, err); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "user.profile", ObjectType: "user", ObjectID: userID,
			Detail: map[string]any{"name": name, "lang": lang}})
	})
}

// TOTPSecret returns the user's TOTP secret (pending or enabled).
func (s *Store) TOTPSecret(ctx context.Context, userID int64) (string, error) {
	var sec string
	if err := s.queryRow(ctx, "SELECT totp_secret FROM users WHERE id = ?", userID).Scan(&sec); err != nil {
		return "", mapErr(err)
	}
	return s.unseal("users.totp_secret", sec)
}

// StartTOTP stores a new, not yet enabled secret while the user scans it.
func (s *Store) StartTOTP(ctx context.Context, userID int64, secret string) error {
	sealed, err := s.seal("users.totp_secret", secret)
	if err != nil {
		return err
	}
	return s.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "UPDATE users SET totp_secret = ? WHERE id = ? AND totp_enabled = ?", sealed, userID, false)
		return affected(res, err)
	})
}

// EnableTOTP turns two-factor sign-in on with fresh recovery codes (given as hashes).
func (s *Store) EnableTOTP(ctx context.Context, a vaern.Actor, orgID, userID int64, recoveryHashes []string) error {
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.memberOf(ctx, orgID, userID); err != nil {
			return err
		}
		res, err := tx.exec(ctx, "UPDATE users SET totp_enabled = ?, updated_at = ? WHERE id = ? AND totp_secret <> ''", true, ms(tx.s.now()), userID)
		if err := affected(res, err); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM recovery_codes WHERE user_id = ?", userID); err != nil {
			return err
		}
		for _, h := range recoveryHashes {
			if _, err := tx.exec(ctx, "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)", userID, h); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "user.2fa.enable", ObjectType: "user", ObjectID: userID})
	})
}

// ResetTOTP turns two-factor sign-in off for a user of the organisation (lost phone) and ends their sessions.
func (s *Store) ResetTOTP(ctx context.Context, a vaern.Actor, orgID, userID int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		var x int
		if err := tx.queryRow(ctx, "SELECT 1 FROM memberships WHERE org_id = ? AND user_id = ?", orgID, userID).Scan(&x); err != nil {
			return mapErr(err)
		}
		if _, err := tx.exec(ctx, "UPDATE users SET totp_enabled = ?, totp_secret = '', updated_at = ? WHERE id = ?",
			false, ms(tx.s.now()), userID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM recovery_codes WHERE user_id = ?", userID); err != nil {
			return err
		}
		if a.UserID != userID {
			if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "user.2fa.reset", ObjectType: "user", ObjectID: userID})
	})
}

// UseRecoveryCode consumes one recovery code; it reports false when the code is unknown or used.
func (s *Store) UseRecoveryCode(ctx context.Context, a vaern.Actor, orgID, userID int64, hash string) (bool, error) {
	ok := false
	err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.memberOf(ctx, orgID, userID); err != nil {
			return err
		}
		res, err := tx.exec(ctx, "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at = 0",
			ms(tx.s.now()), userID, hash)
		if err := affected(res, err); err != nil {
			if err == vaern.ErrNotFound {
				return nil
			}
			return err
		}
		ok = true
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "user.2fa.recovery_code", ObjectType: "user", ObjectID: userID})
	})
	return ok, err
}

// RecoveryCodesLeft counts unused recovery codes.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.queryRow(ctx, "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at = 0", userID).Scan(&n)
	return n, err
}
