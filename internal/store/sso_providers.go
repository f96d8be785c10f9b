package store

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/vaern/vaern"
)

// ProviderIdP is the identities.provider of a subject at identity provider id.
func ProviderIdP(id int64) string { return fmt.Sprintf("idp:%d", id) }

const idpCols = `p.id, p.org_id, p.kind, p.name, p.issuer, p.client_id, p.client_secret <> '', p.scopes, p.acr_values,
	p.claim_email, p.claim_name, p.claim_groups, p.profile, p.sp_cert, p.jit, p.default_role, p.role_map, p.created_at, p.updated_at`

func scanIdP(r scanner, extra ...any) (vaern.IdentityProvider, error) {
	var p vaern.IdentityProvider
	var kind, scopes, acr, role, roleMap string
	var c, u int64
	err := r.Scan(append([]any{&p.ID, &p.OrgID, &kind, &p.Name, &p.Issuer, &p.ClientID, &p.HasSecret, &scopes, &acr,
		&p.ClaimEmail, &p.ClaimName, &p.ClaimGroups, &p.Profile, &p.SPCert, &p.JIT, &role, &roleMap, &c, &u}, extra...)...)
	p.Kind, p.DefaultRole = vaern.IdPKind(kind), vaern.Role(role)
	p.Scopes, p.ACRValues = strings.Fields(scopes), strings.Fields(acr)
	p.RoleMap = parseRoleMap(roleMap)
	p.CreatedAt, p.UpdatedAt = fromMS(c), fromMS(u)
	return p, mapErr(err)
}

func parseRoleMap(s string) []vaern.GroupRole {
	var out []vaern.GroupRole
	for line := range strings.SplitSeq(s, "\n") {
		g, r, ok := strings.Cut(line, "=")
		if ok && strings.TrimSpace(g) != "" {
			out = append(out, vaern.GroupRole{Group: strings.TrimSpace(g), Role: vaern.Role(strings.TrimSpace(r))})
		}
	}
	return out
}

func formatRoleMap(m []vaern.GroupRole) string {
	var b strings.Builder
	for _, x := range m {
		fmt.Fprintf(&b, "%s=%s\n", x.Group, x.Role)
	}
	return b.String()
}

// checkIdP validates a provider for an organisation of kind k: a role it may give must fit the
// organisation, so a member's IdP can never make anyone a centre role.
func checkIdP(p *vaern.IdentityProvider, k vaern.OrgKind) error {
	p.Name = strings.TrimSpace(p.Name)
	p.Issuer = strings.TrimSpace(p.Issuer)
	p.ClientID = strings.TrimSpace(p.ClientID)
	switch {
	case p.Name == "" || len(p.Name) > 100:
		return vaern.Invalid("name", "is required (at most 100 characters)")
	case p.Kind != vaern.IdPOIDC && p.Kind != vaern.IdPSAML:
		return vaern.Invalid("kind", "must be oidc or saml")
	}
	if p.DefaultRole == "" {
		p.DefaultRole = vaern.RoleViewer
		if k == vaern.OrgCentre {
			p.DefaultRole = vaern.RoleCentreAnalyst
		}
	}
	if !p.DefaultRole.FitsOrg(k) {
		return vaern.Invalid("default_role", "does not fit a %s organisation", k)
	}
	for _, m := range p.RoleMap {
		if !m.Role.FitsOrg(k) || strings.ContainsAny(m.Group, "=\n") {
			return vaern.Invalid("role_map", "%q=%q: the role does not fit a %s organisation", m.Group, m.Role, k)
		}
	}
	for _, v := range append(append([]string{}, p.Scopes...), p.ACRValues...) {
		if strings.ContainsAny(v, " \t\n") || len(v) > 300 {
			return vaern.Invalid("scopes", "has a value with spaces or too long")
		}
	}
	switch p.Kind {
	case vaern.IdPOIDC:
		u, err := url.Parse(p.Issuer)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(p.Issuer) > 500 {
			return vaern.Invalid("issuer", "must be the provider's https:// issuer URL")
		}
		if p.ClientID == "" || len(p.ClientID) > 300 {
			return vaern.Invalid("client_id", "is required")
		}
		if len(p.ClientSecret) > 2000 {
			return vaern.Invalid("client_secret", "is too long")
		}
		if p.Profile != "" {
			return vaern.Invalid("profile", "applies to SAML providers only")
		}
	case vaern.IdPSAML:
		if p.Metadata == "" || p.Issuer == "" {
			return vaern.Invalid("metadata", "is required")
		}
		if p.SPKey == "" || p.SPCert == "" {
			return vaern.Invalid("metadata", "the service provider has no key")
		}
		if p.Profile != vaern.ProfileNone && p.Profile != vaern.ProfileOIOSAML3 {
			return vaern.Invalid("profile", "must be empty or oiosaml3")
		}
	}
	return nil
}

// CreateIdentityProvider adds an identity provider to an organisation (the member's coordinator,
// the centre's admin, or the operator's command).
func (s *Store) CreateIdentityProvider(ctx context.Context, a vaern.Actor, orgID int64, p vaern.IdentityProvider) (vaern.IdentityProvider, error) {
	err := s.Write(ctx, func(tx *Tx) error {
		var kind string
		if err := tx.queryRow(ctx, "SELECT kind FROM orgs WHERE id = ?", orgID).Scan(&kind); err != nil {
			return mapErr(err)
		}
		if err := checkIdP(&p, vaern.OrgKind(kind)); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM identity_providers WHERE org_id = ?", orgID).Scan(&n); err != nil {
			return err
		}
		if n >= 10 {
			return vaern.Invalid("name", "an organisation has at most 10 identity providers")
		}
		now := tx.s.now()
		p.OrgID, p.CreatedAt, p.UpdatedAt, p.HasSecret = orgID, now, now, p.ClientSecret != ""
		secret, err := s.seal("identity_providers.client_secret", p.ClientSecret)
		if err != nil {
			return err
		}
		spKey, err := s.seal("identity_providers.sp_key", p.SPKey)
		if err != nil {
			return err
		}
		id, err := tx.insert(ctx, `INSERT INTO identity_providers (org_id, kind, name, issuer, client_id, client_secret, scopes,
			acr_values, claim_email, claim_name, claim_groups, metadata, profile, sp_key, sp_cert, jit, default_role, role_map,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			orgID, string(p.Kind), p.Name, p.Issuer, p.ClientID, secret, strings.Join(p.Scopes, " "),
			strings.Join(p.ACRValues, " "), p.ClaimEmail, p.ClaimName, p.ClaimGroups, p.Metadata, p.Profile, spKey, p.SPCert,
			p.JIT, string(p.DefaultRole), formatRoleMap(p.RoleMap), ms(now), ms(now))
		if err != nil {
			if isConflict(err) {
				return vaern.Invalid("name", "is already used by another identity provider")
			}
			return err
		}
		p.ID = id
		// Neither the secret nor the keys go into the audit log.
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "sso.provider_create", ObjectType: "identity_provider", ObjectID: id,
			Detail: map[string]any{"name": p.Name, "kind": p.Kind, "issuer": p.Issuer, "jit": p.JIT, "default_role": p.DefaultRole}})
	})
	p.ClientSecret, p.SPKey, p.Metadata = "", "", ""
	return p, err
}

// IdentityProviders lists an organisation's identity providers (without secrets or keys).
func (s *Store) IdentityProviders(ctx context.Context, orgID int64) ([]vaern.IdentityProvider, error) {
	rows, err := s.query(ctx, "SELECT "+idpCols+" FROM identity_providers p WHERE p.org_id = ? ORDER BY p.name, p.id", orgID)
	return collect(rows, err, func(r scanner) (vaern.IdentityProvider, error) { return scanIdP(r) })
}

// IdentityProvider returns one of the organisation's identity providers (without secrets or keys).
func (s *Store) IdentityProvider(ctx context.Context, orgID, id int64) (vaern.IdentityProvider, error) {
	return scanIdP(s.queryRow(ctx, "SELECT "+idpCols+" FROM identity_providers p WHERE p.org_id = ? AND p.id = ?", orgID, id))
}

// SignInProvider is what the sign-in page shows of a provider.
type SignInProvider struct {
	ID      int64
	Name    string
	OrgName string
}

// SignInProviders lists every provider for the sign-in page, by organisation.
func (s *Store) SignInProviders(ctx context.Context) ([]SignInProvider, error) {
	rows, err := s.query(ctx, `SELECT p.id, p.name, o.name FROM identity_providers p JOIN orgs o ON o.id = p.org_id
		ORDER BY o.kind, o.name, p.name, p.id`)
	return collect(rows, err, func(r scanner) (SignInProvider, error) {
		var x SignInProvider
		return x, r.Scan(&x.ID, &x.Name, &x.OrgName)
	})
}

// ProviderForFlow returns a provider with its secret, metadata and key, for the sign-in flow that
// starts at its public URL (/sso/{id}/...). Nothing of it is shown to the browser.
func (s *Store) ProviderForFlow(ctx context.Context, id int64) (vaern.IdentityProvider, error) {
	var p vaern.IdentityProvider
	var secret, meta, key string
	p, err := scanIdP(s.queryRow(ctx, "SELECT "+idpCols+", p.client_secret, p.metadata, p.sp_key FROM identity_providers p WHERE p.id = ?", id),
		&secret, &meta, &key)
	p.ClientSecret, p.Metadata, p.SPKey = secret, meta, key
	if err == nil {
		p.ClientSecret, err = s.unseal("identity_providers.client_secret", secret)
	}
	if err == nil {
		p.SPKey, err = s.unseal("identity_providers.sp_key", key)
	}
	return p, err
}

// DeleteIdentityProvider removes a provider and every identity its users had with it; their
// other identities (the password, another provider) stay.
func (s *Store) DeleteIdentityProvider(ctx context.Context, a vaern.Actor, orgID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		var name string
		if err := tx.queryRow(ctx, "SELECT name FROM identity_providers WHERE org_id = ? AND id = ?", orgID, id).Scan(&name); err != nil {
			return mapErr(err)
		}
		res, err := tx.exec(ctx, "DELETE FROM identities WHERE provider = ?", ProviderIdP(id))
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		if _, err := tx.exec(ctx, "DELETE FROM sso_states WHERE provider_id = ?", id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM identity_providers WHERE org_id = ? AND id = ?", orgID, id); err != nil {
			return err
		}
		// Without a provider left, a requirement to sign in through one would lock everybody out.
		var left int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM identity_providers WHERE org_id = ?", orgID).Scan(&left); err != nil {
			return err
		}
		if left == 0 {
			if _, err := tx.exec(ctx, "DELETE FROM org_signin WHERE org_id = ?", orgID); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "sso.provider_delete", ObjectType: "identity_provider", ObjectID: id,
			Detail: map[string]any{"name": name, "identities": n}})
	})
}
