package store

import (
	"context"
	"errors"
	"time"

	"github.com/vaern/vaern"
)

// SSOState is a sign-in under way at an identity provider. ID is the hash of the random value the
// browser holds in a short-lived cookie (and, for OIDC, sends back as the state parameter).
type SSOState struct {
	ID         string
	ProviderID int64
	Nonce      string
	Verifier   string // the PKCE code verifier
	RequestID  string // the SAML AuthnRequest's id
	Next       string
	LinkUserID int64 // set when a signed-in user links an identity from the account page
	// Kind is SSOLogin (a sign-in) or SSOLogout (a single logout waiting for the provider's
	// answer); a state is taken only by the end of the flow of its kind.
	Kind      string
	ExpiresAt time.Time
}

// Kinds of flow at an identity provider.
const (
	SSOLogin  = "login"
	SSOLogout = "logout"
)

// PutSSOState stores a sign-in under way.
func (s *Store) PutSSOState(ctx context.Context, st SSOState) error {
	return s.Write(ctx, func(tx *Tx) error {
		// Old states are swept as new ones come; a state is useless once expired anyway.
		if _, err := tx.exec(ctx, "DELETE FROM sso_states WHERE expires_at <= ?", ms(tx.s.now())); err != nil {
			return err
		}
		if st.Kind == "" {
			st.Kind = SSOLogin
		}
		_, err := tx.exec(ctx, `INSERT INTO sso_states (id, provider_id, nonce, verifier, request_id, next, link_user_id, kind, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, st.ID, st.ProviderID, st.Nonce, st.Verifier, st.RequestID, st.Next, st.LinkUserID, st.Kind, ms(st.ExpiresAt))
		return mapErr(err)
	})
}

// TakeSSOState returns and deletes the sign-in state of provider providerID with id: a state is
// used once. An expired state, one for another provider, or a logout's, is not found.
func (s *Store) TakeSSOState(ctx context.Context, id string, providerID int64) (SSOState, error) {
	return s.TakeSSOStateOf(ctx, id, providerID, SSOLogin)
}

// TakeSSOStateOf is TakeSSOState for a flow of the given kind.
func (s *Store) TakeSSOStateOf(ctx context.Context, id string, providerID int64, kind string) (SSOState, error) {
	var st SSOState
	err := s.Write(ctx, func(tx *Tx) error {
		var e int64
		err := tx.queryRow(ctx, `SELECT id, provider_id, nonce, verifier, request_id, next, link_user_id, kind, expires_at FROM sso_states
			WHERE id = ? AND provider_id = ? AND kind = ?`, id, providerID, kind).Scan(&st.ID, &st.ProviderID, &st.Nonce, &st.Verifier, &st.RequestID,
			&st.Next, &st.LinkUserID, &st.Kind, &e)
		if err != nil {
			return mapErr(err)
		}
		st.ExpiresAt = fromMS(e)
		if _, err := tx.exec(ctx, "DELETE FROM sso_states WHERE id = ?", id); err != nil {
			return err
		}
		if !tx.s.now().Before(st.ExpiresAt) {
			return errExpiredState
		}
		return nil
	})
	if errors.Is(err, errExpiredState) {
		return SSOState{}, vaern.ErrNotFound
	}
	return st, err
}

var errExpiredState = errors.New("sso state expired")

// ErrReplayed is the answer to an assertion id seen before.
var ErrReplayed = errors.New("assertion already used")

// ConsumeAssertion records a SAML assertion id as used until expires; ErrReplayed if it was
// recorded before. The table is shared by every app node, so a replay to another node is refused too.
func (s *Store) ConsumeAssertion(ctx context.Context, id string, expires time.Time) error {
	if id == "" || len(id) > 300 {
		return vaern.Invalid("assertion", "has no usable id")
	}
	return s.Write(ctx, func(tx *Tx) error {
		now := ms(tx.s.now())
		if _, err := tx.exec(ctx, "DELETE FROM saml_replay WHERE expires_at < ?", now); err != nil {
			return err
		}
		var e int64
		if err := tx.queryRow(ctx, "SELECT expires_at FROM saml_replay WHERE assertion_id = ?", id).Scan(&e); err == nil {
			return ErrReplayed
		}
		_, err := tx.exec(ctx, "INSERT INTO saml_replay (assertion_id, expires_at) VALUES (?, ?)", id, ms(expires))
		if isConflict(mapErr(err)) {
			return ErrReplayed
		}
		return mapErr(err)
	})
}

// OrgSignin returns how the organisation's people must sign in (vaern.SigninAny, SigninSSO or
// SigninSSOOrPasskey).
func (s *Store) OrgSignin(ctx context.Context, orgID int64) (string, error) {
	var v string
	err := s.queryRow(ctx, "SELECT required FROM org_signin WHERE org_id = ?", orgID).Scan(&v)
	if errors.Is(mapErr(err), vaern.ErrNotFound) {
		return vaern.SigninAny, nil
	}
	return v, err
}

// SetOrgSignin sets how the organisation's people must sign in. Requiring single sign-on needs a
// provider of the organisation's own, so nobody is locked out by a setting that cannot be met.
func (s *Store) SetOrgSignin(ctx context.Context, a vaern.Actor, orgID int64, required string) error {
	switch required {
	case vaern.SigninAny, vaern.SigninSSO, vaern.SigninSSOOrPasskey:
	default:
		return vaern.Invalid("signin_required", "must be empty, sso or sso_or_passkey")
	}
	return s.Write(ctx, func(tx *Tx) error {
		if required != vaern.SigninAny {
			var n int
			if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM identity_providers WHERE org_id = ?", orgID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return vaern.Invalid("signin_required", "add an identity provider first")
			}
		}
		if _, err := tx.exec(ctx, `INSERT INTO org_signin (org_id, required) VALUES (?, ?)
			ON CONFLICT (org_id) DO UPDATE SET required = excluded.required`, orgID, required); err != nil {
			return mapErr(err)
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "sso.signin_required", ObjectType: "org", ObjectID: orgID,
			Detail: map[string]any{"required": required}})
	})
}
