package store

import (
	"context"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// PutWebAuthnSession stores a passkey ceremony under way (id: the hash of the browser's cookie).
func (s *Store) PutWebAuthnSession(ctx context.Context, id string, userID int64, data string, expires time.Time) error {
	return s.Write(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "DELETE FROM webauthn_sessions WHERE expires_at <= ?", ms(tx.s.now())); err != nil {
			return err
		}
		_, err := tx.exec(ctx, "INSERT INTO webauthn_sessions (id, user_id, data, expires_at) VALUES (?, ?, ?, ?)", id, userID, data, ms(expires))
		return mapErr(err)
	})
}

// TakeWebAuthnSession returns and deletes a ceremony; an expired one is not found.
func (s *Store) TakeWebAuthnSession(ctx context.Context, id string) (int64, string, error) {
	var userID, e int64
	var data string
	err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.queryRow(ctx, "SELECT user_id, data, expires_at FROM webauthn_sessions WHERE id = ?", id).Scan(&userID, &data, &e); err != nil {
			return mapErr(err)
		}
		_, err := tx.exec(ctx, "DELETE FROM webauthn_sessions WHERE id = ?", id)
		return err
	})
	if err == nil && !s.now().Before(fromMS(e)) {
		return 0, "", vaern.ErrNotFound
	}
	return userID, data, err
}

const passkeyCols = `id, user_id, credential_id, name, data, created_at, last_used_at`

func scanPasskey(r scanner) (vaern.Passkey, error) {
	var p vaern.Passkey
	var c, l int64
	err := r.Scan(&p.ID, &p.UserID, &p.CredentialID, &p.Name, &p.Data, &c, &l)
	p.CreatedAt, p.LastUsedAt = fromMS(c), fromMS(l)
	return p, mapErr(err)
}

// AddPasskey stores a user's new passkey (audited in the organisation they are signed in to).
func (s *Store) AddPasskey(ctx context.Context, a vaern.Actor, orgID, userID int64, credentialID, name, data string) (vaern.Passkey, error) {
	name = strings.TrimSpace(name)
	if len(name) > 100 {
		return vaern.Passkey{}, vaern.Invalid("name", "is longer than 100 characters")
	}
	var p vaern.Passkey
	err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.memberOf(ctx, orgID, userID); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM webauthn_credentials WHERE user_id = ?", userID).Scan(&n); err != nil {
			return err
		}
		if n >= 20 {
			return vaern.Invalid("name", "a user has at most 20 passkeys")
		}
		now := tx.s.now()
		id, err := tx.insert(ctx, `INSERT INTO webauthn_credentials (user_id, credential_id, name, data, created_at) VALUES (?, ?, ?, ?, ?)`,
			userID, credentialID, name, data, ms(now))
		if err != nil {
			if isConflict(err) {
				return vaern.Invalid("passkey", "this passkey is already registered")
			}
			return err
		}
		p = vaern.Passkey{ID: id, UserID: userID, CredentialID: credentialID, Name: name, Data: data, CreatedAt: now}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "identity.passkey_add", ObjectType: "user", ObjectID: userID,
			Detail: map[string]any{"passkey_id": id, "name": name}})
	})
	return p, err
}

// UserPasskeys lists a user's passkeys.
func (s *Store) UserPasskeys(ctx context.Context, userID int64) ([]vaern.Passkey, error) {
	rows, err := s.query(ctx, "SELECT "+passkeyCols+" FROM webauthn_credentials WHERE user_id = ? ORDER BY id", userID)
	return collect(rows, err, scanPasskey)
}

// PasskeyByCredential finds a passkey by its credential id (a passwordless sign-in).
func (s *Store) PasskeyByCredential(ctx context.Context, credentialID string) (vaern.Passkey, error) {
	return scanPasskey(s.queryRow(ctx, "SELECT "+passkeyCols+" FROM webauthn_credentials WHERE credential_id = ?", credentialID))
}

// UsedPasskey records a sign-in with a passkey and its new state (the signature counter).
func (s *Store) UsedPasskey(ctx context.Context, id int64, data string) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "UPDATE webauthn_credentials SET data = ?, last_used_at = ? WHERE id = ?", data, ms(tx.s.now()), id)
		return err
	})
}

// ErrLastFactor refuses to remove a passkey that is the person's last second factor while the
// organisation's two-factor rule asks for one.
var ErrLastFactor = vaern.Invalid("passkey", "is your last second factor, which your organisation requires: add another passkey or an authenticator app first")

// DeletePasskey removes one of the user's passkeys; under the organisation's two-factor rule the
// last second factor (no TOTP app, no other passkey) stays: ErrLastFactor, and nothing changes.
func (s *Store) DeletePasskey(ctx context.Context, a vaern.Actor, orgID, userID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.memberOf(ctx, orgID, userID); err != nil {
			return err
		}
		// Writing the user's row first makes two removals of the same person's passkeys wait for
		// each other on PostgreSQL, so that both cannot see the other passkey remaining.
		if _, err := tx.exec(ctx, "UPDATE users SET totp_enabled = totp_enabled WHERE id = ?", userID); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM webauthn_credentials WHERE id = ? AND user_id = ?", id, userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return vaern.ErrNotFound
		}
		last, err := tx.lastFactor(ctx, orgID, userID, id)
		if err != nil {
			return err
		}
		if last {
			return ErrLastFactor
		}
		res, err := tx.exec(ctx, "DELETE FROM webauthn_credentials WHERE id = ? AND user_id = ?", id, userID)
		if err := affected(res, err); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "identity.passkey_remove", ObjectType: "user", ObjectID: userID,
			Detail: map[string]any{"passkey_id": id}})
	})
}

// lastFactor says whether passkey id is all that meets the organisation's two-factor rule for the
// user: the rule is on, the user has no TOTP app and no other passkey.
func (t *Tx) lastFactor(ctx context.Context, orgID, userID, id int64) (bool, error) {
	var rule, totp bool
	var others int
	err := t.queryRow(ctx, `SELECT o.require_2fa, u.totp_enabled,
		(SELECT COUNT(*) FROM webauthn_credentials c WHERE c.user_id = u.id AND c.id <> ?)
		FROM orgs o, users u WHERE o.id = ? AND u.id = ?`, id, orgID, userID).Scan(&rule, &totp, &others)
	if err != nil {
		return false, mapErr(err)
	}
	return rule && !totp && others == 0, nil
}
