package store

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/vaern/vaern"
)

// ExternalSignIn is what an identity provider asserted about a person, after the protocol checks.
type ExternalSignIn struct {
	ProviderID int64
	Subject    string
	Email      string // lower-cased; may be empty when the IdP gives none
	Name       string
	Role       vaern.Role // the role for a new person (just-in-time provisioning)
}

// SSOSignIn finds or makes the user behind an external sign-in into the provider's organisation,
// in one transaction:
//
//   - an identity already linked: its user, if they still belong to the provider's organisation;
//   - else a person of the organisation with the asserted e-mail (created beforehand by invitation
//     or by the operator): the identity is linked to them (audited);
//   - else, with just-in-time provisioning on, a new user in the organisation with the role given;
//   - else ErrNotFound: nobody to sign in.
//
// The provider's organisation is the only one the sign-in reaches: a user of another organisation
// is never found through it, and the role always fits the organisation (checked again here).
func (s *Store) SSOSignIn(ctx context.Context, ext ExternalSignIn, ip string) (vaern.User, int64, error) {
	var u vaern.User
	var orgID int64
	err := s.Write(ctx, func(tx *Tx) error {
		var jit bool
		var kind string
		if err := tx.queryRow(ctx, `SELECT p.org_id, p.jit, o.kind FROM identity_providers p JOIN orgs o ON o.id = p.org_id
			WHERE p.id = ?`, ext.ProviderID).Scan(&orgID, &jit, &kind); err != nil {
			return mapErr(err)
		}
		provider := ProviderIdP(ext.ProviderID)
		if ext.Subject == "" || len(ext.Subject) > 500 {
			return vaern.Invalid("subject", "the identity provider gave no usable subject")
		}
		var err error
		u, err = scanUser(tx.queryRow(ctx, `SELECT `+userCols+` FROM users u JOIN identities i ON i.user_id = u.id
			JOIN memberships m ON m.user_id = u.id AND m.org_id = ? WHERE i.provider = ? AND i.subject = ?`, orgID, provider, ext.Subject))
		if err == nil {
			return nil
		}
		if !errors.Is(err, vaern.ErrNotFound) {
			return err
		}
		// A subject linked to someone who has left the organisation signs nobody in, and is not
		// linked to anyone else either.
		var x int
		if err := tx.queryRow(ctx, "SELECT 1 FROM identities WHERE provider = ? AND subject = ?", provider, ext.Subject).Scan(&x); err == nil {
			return vaern.ErrNotFound
		}
		if ext.Email == "" {
			return vaern.ErrNotFound
		}
		email, err := NormalizeEmail(ext.Email)
		if err != nil {
			return vaern.ErrNotFound
		}
		actor := vaern.Actor{Email: email, OrgID: orgID, IP: ip}
		u, err = scanUser(tx.queryRow(ctx, `SELECT `+userCols+` FROM users u JOIN memberships m ON m.user_id = u.id AND m.org_id = ?
			WHERE u.email = ?`, orgID, email))
		switch {
		case err == nil:
			actor.UserID = u.ID
			return tx.linkIdentity(ctx, actor, orgID, u.ID, ext.ProviderID, ext.Subject, "email")
		case !errors.Is(err, vaern.ErrNotFound):
			return err
		case !jit:
			return vaern.ErrNotFound
		}
		role := ext.Role
		if !role.FitsOrg(vaern.OrgKind(kind)) {
			// Never a centre role through a member's IdP, nor a member role in the centre.
			return vaern.Invalid("role", "does not fit the provider's organisation")
		}
		// An e-mail already used by a user of another organisation is not taken over: that user
		// is invited into this one by its coordinator instead.
		if _, err := scanUser(tx.queryRow(ctx, "SELECT "+userCols+" FROM users u WHERE u.email = ?", email)); err == nil {
			return vaern.ErrNotFound
		}
		u, err = tx.CreateUser(ctx, actor, NewUser{Email: email, Name: ext.Name, OrgID: orgID, Role: role})
		if err != nil {
			return err
		}
		actor.UserID = u.ID
		return tx.linkIdentity(ctx, actor, orgID, u.ID, ext.ProviderID, ext.Subject, "provisioned")
	})
	return u, orgID, err
}

func (t *Tx) linkIdentity(ctx context.Context, a vaern.Actor, orgID, userID, providerID int64, subject, how string) error {
	now := ms(t.s.now())
	id, err := t.insert(ctx, `INSERT INTO identities (user_id, provider, subject, secret, created_at, updated_at) VALUES (?, ?, ?, '', ?, ?)`,
		userID, ProviderIdP(providerID), subject, now, now)
	if err != nil {
		if isConflict(err) {
			return vaern.Invalid("identity", "this identity is already linked to a user")
		}
		return err
	}
	return t.Audit(ctx, a, Change{OrgID: orgID, Action: "identity.link", ObjectType: "user", ObjectID: userID,
		Detail: map[string]any{"identity_id": id, "provider_id": providerID, "how": how}})
}

// LinkIdentity links a subject at one of the organisation's providers to a signed-in user of it
// (the account page's "link" flow, after the IdP answered).
func (s *Store) LinkIdentity(ctx context.Context, a vaern.Actor, orgID, userID, providerID int64, subject string) error {
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.memberOf(ctx, orgID, userID); err != nil {
			return err
		}
		var x int
		if err := tx.queryRow(ctx, "SELECT 1 FROM identity_providers WHERE id = ? AND org_id = ?", providerID, orgID).Scan(&x); err != nil {
			return mapErr(err)
		}
		return tx.linkIdentity(ctx, a, orgID, userID, providerID, subject, "account")
	})
}

// UserIdentities lists the user's identities with their providers' names.
func (s *Store) UserIdentities(ctx context.Context, userID int64) ([]vaern.Identity, error) {
	rows, err := s.query(ctx, `SELECT i.id, i.user_id, i.provider, i.subject, i.created_at, COALESCE(p.name, '')
		FROM identities i LEFT JOIN identity_providers p ON i.provider = 'idp:' || CAST(p.id AS TEXT)
		WHERE i.user_id = ? ORDER BY i.id`, userID)
	return collect(rows, err, func(r scanner) (vaern.Identity, error) {
		var x vaern.Identity
		var c int64
		err := r.Scan(&x.ID, &x.UserID, &x.Provider, &x.Subject, &c, &x.Name)
		x.CreatedAt = fromMS(c)
		if id, ok := strings.CutPrefix(x.Provider, "idp:"); ok {
			x.ProviderID, _ = strconv.ParseInt(id, 10, 64)
		}
		return x, err
	})
}

// UnlinkIdentity removes one of the user's own identities. The last way to sign in is kept: a
// user with no password and no other identity would be locked out.
func (s *Store) UnlinkIdentity(ctx context.Context, a vaern.Actor, orgID, userID, identityID int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.memberOf(ctx, orgID, userID); err != nil {
			return err
		}
		var provider, secret string
		if err := tx.queryRow(ctx, "SELECT provider, secret FROM identities WHERE id = ? AND user_id = ?", identityID, userID).
			Scan(&provider, &secret); err != nil {
			return mapErr(err)
		}
		if provider == ProviderPassword {
			return vaern.Invalid("identity", "the password is changed, not unlinked")
		}
		var usable int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM identities WHERE user_id = ? AND id <> ? AND (provider <> ? OR secret <> '')`,
			userID, identityID, ProviderPassword).Scan(&usable); err != nil {
			return err
		}
		if usable == 0 {
			return vaern.Invalid("identity", "this is your only way to sign in: set a password or link another first")
		}
		if _, err := tx.exec(ctx, "DELETE FROM identities WHERE id = ? AND user_id = ?", identityID, userID); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "identity.unlink", ObjectType: "user", ObjectID: userID,
			Detail: map[string]any{"identity_id": identityID, "provider": provider}})
	})
}
