package store

import (
	"context"
	"time"

	"github.com/vaern/vaern"
)

// CreateSession stores a new session. Callers pass the hash of the cookie value as ID.
func (s *Store) CreateSession(ctx context.Context, ses vaern.Session) error {
	return s.Write(ctx, func(tx *Tx) error {
		return tx.insertSession(ctx, ses)
	})
}

// RotateSession replaces session oldID by ses (after the second factor, or on switching
// organisation), so a session id seen before sign-in is never valid after it.
func (s *Store) RotateSession(ctx context.Context, oldID string, ses vaern.Session) error {
	return s.Write(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE id = ?", oldID); err != nil {
			return err
		}
		return tx.insertSession(ctx, ses)
	})
}

func (tx *Tx) insertSession(ctx context.Context, ses vaern.Session) error {
	_, err := tx.exec(ctx, `INSERT INTO sessions (id, user_id, org_id, mfa_pending, created_at, last_seen_at, expires_at, ip, user_agent,
		auth_method, idp_id, idp_session, idp_subject, idp_id_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ses.ID, ses.UserID, ses.OrgID, ses.MFAPending, ms(ses.CreatedAt), ms(ses.LastSeenAt), ms(ses.ExpiresAt), ses.IP, ses.UserAgent,
		ses.AuthMethod, ses.IdPID, ses.IdPSession, ses.IdPSubject, ses.IdPIDToken)
	return mapErr(err)
}

const principalFrom = ` JOIN users u ON u.id = x.user_id
	JOIN memberships m ON m.user_id = x.user_id AND m.org_id = x.org_id
	JOIN orgs o ON o.id = x.org_id `

const principalCols = userCols + `, m.role, COALESCE(m.unit_id, 0),
	o.id, o.kind, COALESCE(o.parent_id, 0), o.code, o.name, o.country, o.region, o.population, o.size_class, o.require_2fa, o.created_at, o.updated_at`

func scanPrincipal(r scanner, extra ...any) (*vaern.Principal, error) {
	p := &vaern.Principal{}
	var role, kind string
	var oc, ou int64
	o := &p.Org
	u, err := scanUser(r, append([]any{&role, &p.UnitID, &o.ID, &kind, &o.ParentID, &o.Code, &o.Name, &o.Country,
		&o.Region, &o.Population, &o.SizeClass, &o.Require2FA, &oc, &ou}, extra...)...)
	if err != nil {
		return nil, err
	}
	p.User, p.Role = u, vaern.Role(role)
	o.Kind, o.CreatedAt, o.UpdatedAt = vaern.OrgKind(kind), fromMS(oc), fromMS(ou)
	return p, nil
}

// sessionQuery reads a session with its person, organisation and role (argument: the session id).
const sessionQuery = `SELECT ` + principalCols + `, x.mfa_pending, x.created_at, x.last_seen_at, x.expires_at, x.ip, x.user_agent,
		x.auth_method, x.idp_id, x.idp_session, x.idp_subject, x.idp_id_token
		FROM sessions x` + principalFrom + `WHERE x.id = ?`

// scanSession scans a row of sessionQuery and checks the session is live: its user is not disabled
// and it has not expired or been idle longer than idle. A dead one is vaern.ErrNotFound.
func scanSession(r scanner, id string, now time.Time, idle time.Duration) (*vaern.Principal, error) {
	ses := &vaern.Session{ID: id}
	var c, l, e int64
	p, err := scanPrincipal(r, &ses.MFAPending, &c, &l, &e, &ses.IP, &ses.UserAgent, &ses.AuthMethod, &ses.IdPID, &ses.IdPSession,
		&ses.IdPSubject, &ses.IdPIDToken)
	if err != nil {
		return nil, err
	}
	ses.UserID, ses.OrgID = p.User.ID, p.Org.ID
	ses.CreatedAt, ses.LastSeenAt, ses.ExpiresAt = fromMS(c), fromMS(l), fromMS(e)
	if p.User.Disabled || !now.Before(ses.ExpiresAt) || now.Sub(ses.LastSeenAt) > idle {
		return nil, vaern.ErrNotFound
	}
	p.Session = ses
	return p, nil
}

// LoadSession returns who is behind a session: user, organisation and role in one query. A session
// whose membership has gone, whose user is disabled, or that has expired, is not found.
func (s *Store) LoadSession(ctx context.Context, id string, now time.Time, idle time.Duration) (*vaern.Principal, error) {
	return scanSession(s.queryRow(ctx, sessionQuery, id), id, now, idle)
}

// TouchSession records activity. Callers only call it when the last touch is a while ago, so that
// reads do not turn into writes.
func (s *Store) TouchSession(ctx context.Context, id string, now time.Time) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "UPDATE sessions SET last_seen_at = ? WHERE id = ?", ms(now), id)
		return err
	})
}

// DeleteSession signs one browser out.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, "DELETE FROM sessions WHERE id = ?", id)
		return err
	})
}

// SignOutEverywhere ends every session of the user, in every organisation.
func (s *Store) SignOutEverywhere(ctx context.Context, a vaern.Actor, orgID, userID int64) (int64, error) {
	var n int64
	err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.memberOf(ctx, orgID, userID); err != nil {
			return err
		}
		res, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "user.sign_out_everywhere", ObjectType: "user", ObjectID: userID,
			Detail: map[string]any{"sessions": n}})
	})
	return n, err
}

// UserSessions lists the user's live sessions, newest first.
func (s *Store) UserSessions(ctx context.Context, userID int64, now time.Time) ([]vaern.Session, error) {
	rows, err := s.query(ctx, `SELECT id, user_id, org_id, mfa_pending, created_at, last_seen_at, expires_at, ip, user_agent,
		auth_method, idp_id FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY last_seen_at DESC`, userID, ms(now))
	return collect(rows, err, func(r scanner) (vaern.Session, error) {
		var x vaern.Session
		var c, l, e int64
		err := r.Scan(&x.ID, &x.UserID, &x.OrgID, &x.MFAPending, &c, &l, &e, &x.IP, &x.UserAgent, &x.AuthMethod, &x.IdPID)
		x.CreatedAt, x.LastSeenAt, x.ExpiresAt = fromMS(c), fromMS(l), fromMS(e)
		return x, err
	})
}

// PurgeSessions deletes expired sessions and used or expired link tokens.
func (s *Store) PurgeSessions(ctx context.Context, now time.Time, idle time.Duration) (int64, error) {
	var n int64
	err := s.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at < ?", ms(now), ms(now.Add(-idle)))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = tx.exec(ctx, "DELETE FROM link_tokens WHERE expires_at <= ?", ms(now.Add(-30*24*time.Hour)))
		return err
	})
	return n, err
}

// EndProviderSessions ends the sessions signed in through identity provider providerID that belong
// to the provider's session sid, or, with sid empty, to its subject (OIDC back-channel logout,
// SAML LogoutRequest). Both given: a session must match both, which is how a SAML LogoutRequest
// names one session (NameID and SessionIndex). It returns the sessions ended; each user's
// organisation audit log records it.
func (s *Store) EndProviderSessions(ctx context.Context, providerID int64, sid, subject, ip string) (int64, error) {
	if providerID == 0 || (sid == "" && subject == "") {
		return 0, vaern.Invalid("logout", "names no provider session")
	}
	var n int64
	err := s.Write(ctx, func(tx *Tx) error {
		where, args := "idp_id = ?", []any{providerID}
		if sid != "" {
			where, args = where+" AND idp_session = ?", append(args, sid)
		}
		if subject != "" {
			where, args = where+" AND idp_subject = ?", append(args, subject)
		}
		type ended struct{ user, org int64 }
		rows, err := tx.query(ctx, "SELECT user_id, org_id FROM sessions WHERE "+where, args...)
		list, err := collect(rows, err, func(r scanner) (ended, error) {
			var e ended
			return e, r.Scan(&e.user, &e.org)
		})
		if err != nil {
			return err
		}
		res, err := tx.exec(ctx, "DELETE FROM sessions WHERE "+where, args...)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		for _, e := range list {
			if err := tx.Audit(ctx, vaern.Actor{UserID: e.user, OrgID: e.org, IP: ip}, Change{OrgID: e.org, Action: "auth.logout",
				ObjectType: "user", ObjectID: e.user, Detail: map[string]any{"by": "identity_provider", "provider": providerID}}); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}
