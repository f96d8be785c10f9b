package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/sso"
)

type ssoProvidersData struct {
	Providers []vaern.IdentityProvider
	Required  string
	Roles     []vaern.Role
	Base      string
}

func (s *Server) ssoProvidersPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	p := httpx.PrincipalFrom(r.Context())
	list, err := s.st.IdentityProviders(r.Context(), p.Org.ID)
	if err != nil {
		return nil, err
	}
	req, err := s.st.OrgSignin(r.Context(), p.Org.ID)
	if err != nil {
		return nil, err
	}
	roles := vaern.MemberRoles
	if p.Org.IsCentre() {
		roles = vaern.CentreRoles
	}
	pg := s.page(w, r, "sso.title", ssoProvidersData{Providers: list, Required: req, Roles: roles, Base: strings.TrimRight(s.cfg.BaseURL, "/")})
	pg.Form.Set("signin_required", req)
	return pg, nil
}

// ssoProviders lists the organisation's identity providers with the forms to add one.
func (s *Server) ssoProviders(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "sso_providers", s.ssoProvidersPage)
}

// providerForm reads what the OIDC and SAML forms share.
func providerForm(r *http.Request, kind vaern.IdPKind) (vaern.IdentityProvider, error) {
	f := r.PostForm
	roles, err := sso.ParseRoleMap(f.Get("role_map"))
	if err != nil {
		return vaern.IdentityProvider{}, err
	}
	return vaern.IdentityProvider{Kind: kind, Name: f.Get("name"), ClaimEmail: strings.TrimSpace(f.Get("claim_email")),
		ClaimName: strings.TrimSpace(f.Get("claim_name")), ClaimGroups: strings.TrimSpace(f.Get("claim_groups")),
		ACRValues: strings.Fields(f.Get("acr_values")), JIT: f.Get("jit") != "", DefaultRole: vaern.Role(f.Get("default_role")),
		RoleMap: roles}, nil
}

// ssoAddOIDC adds an OpenID Connect provider.
func (s *Server) ssoAddOIDC(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	idp, err := providerForm(r, vaern.IdPOIDC)
	if err == nil {
		idp.Issuer, idp.ClientID, idp.ClientSecret = r.PostForm.Get("issuer"), r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		idp.Scopes = strings.Fields(r.PostForm.Get("scopes"))
		idp, err = s.st.CreateIdentityProvider(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, idp)
	}
	if err != nil {
		r.PostForm.Del("client_secret")
		s.refill(w, r, err, "sso_providers", true, func() (*Page, error) { return s.ssoProvidersPage(w, r) })
		return
	}
	s.redirect(w, r, fmt.Sprintf("/org/sso/%d", idp.ID), "sso.added")
}

// ssoAddSAML adds a SAML identity provider from its metadata (pasted or uploaded) and makes the
// service provider's key pair for it.
func (s *Server) ssoAddSAML(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseMultipartForm(2 << 20); err != nil && err != http.ErrNotMultipart {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	if r.PostForm == nil {
		if err := r.ParseForm(); err != nil {
			s.fail(w, r, http.StatusBadRequest, "")
			return
		}
	}
	meta := r.PostForm.Get("metadata")
	if r.MultipartForm != nil {
		if fh := r.MultipartForm.File["metadata_file"]; len(fh) == 1 && fh[0].Size > 0 {
			f, err := fh[0].Open()
			if err == nil {
				buf := make([]byte, min(fh[0].Size, int64(sso.MetadataLimits.MaxBytes)+1))
				n, _ := f.Read(buf)
				f.Close()
				meta = string(buf[:n])
			}
		}
	}
	idp, err := providerForm(r, vaern.IdPSAML)
	if err == nil {
		idp, err = s.newSAMLProvider(r, idp, []byte(meta), r.PostForm.Get("profile"))
	}
	if err == nil {
		idp, err = s.st.CreateIdentityProvider(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, idp)
	}
	if err != nil {
		s.refill(w, r, err, "sso_providers", true, func() (*Page, error) { return s.ssoProvidersPage(w, r) })
		return
	}
	s.redirect(w, r, fmt.Sprintf("/org/sso/%d", idp.ID), "sso.added")
}

// newSAMLProvider checks the metadata and makes the key pair.
func (s *Server) newSAMLProvider(r *http.Request, idp vaern.IdentityProvider, meta []byte, profile string) (vaern.IdentityProvider, error) {
	entity, err := sso.CheckMetadata(r.Context(), meta)
	if err != nil {
		return idp, err
	}
	idp.Metadata, idp.Issuer, idp.Profile = string(meta), entity, profile
	idp.SPKey, idp.SPCert, err = sso.NewKeyPair("Værn "+idp.Name, s.st.Now())
	return idp, err
}

type ssoProviderData struct {
	Provider vaern.IdentityProvider
	Redirect string
	Metadata string
	ACS      string
	// Single logout: SAML's service; OIDC's post-logout redirect and back-channel logout URIs.
	SLO, PostLogout, Backchannel string
}

// ssoProvider shows one provider: what to register at the IdP (redirect URL, or SP metadata).
func (s *Server) ssoProvider(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "sso_provider", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		p := httpx.PrincipalFrom(r.Context())
		id, ok := httpx.PathID(r, "id")
		if !ok {
			return nil, vaern.ErrNotFound
		}
		idp, err := s.st.IdentityProvider(r.Context(), p.Org.ID, id)
		if err != nil {
			return nil, err
		}
		meta, acs := sso.SPURLs(s.cfg.BaseURL, id)
		slo := sso.SLOURL(s.cfg.BaseURL, id)
		return s.page(w, r, "sso.provider_title", ssoProviderData{Provider: idp, Redirect: s.ssoRedirectURL(id),
			Metadata: meta.String(), ACS: acs.String(), SLO: slo.String(), PostLogout: s.ssoURL(id, "logged-out"),
			Backchannel: s.ssoURL(id, "backchannel-logout")}), nil
	})
}

// ssoDelete removes a provider and the identities linked through it.
func (s *Server) ssoDelete(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.st.DeleteIdentityProvider(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/org/sso", "sso.deleted")
}

// ssoSigninRequired sets how the organisation's people must sign in.
func (s *Server) ssoSigninRequired(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	if err := s.st.SetOrgSignin(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, r.PostForm.Get("signin_required")); err != nil {
		s.refill(w, r, err, "sso_providers", true, func() (*Page, error) { return s.ssoProvidersPage(w, r) })
		return
	}
	s.redirect(w, r, "/org/sso", "sso.signin_saved")
}

// identityUnlink removes one of the signed-in user's identities at an IdP.
func (s *Server) identityUnlink(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	err := s.st.UnlinkIdentity(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, p.User.ID, id)
	if err != nil {
		s.refill(w, r, err, "account", false, func() (*Page, error) { return s.accountPage(w, r) })
		return
	}
	s.redirect(w, r, "/account", "sso.unlinked")
}

// ssoFuncs are single sign-on's template helpers.
func ssoFuncs() template.FuncMap {
	return template.FuncMap{
		// ssoArgs builds the argument map of the sso_providers form fields: key, value, ...
		"ssoArgs": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("ssoArgs: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("ssoArgs: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
	}
}
