package web

import (
	"context"
	"errors"
	"net/http"

	dsig "github.com/russellhaering/goxmldsig"
	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/sso"
	"github.com/vaern/vaern/internal/store"
)

// ssoCallback ends an OIDC flow: GET /sso/{id}/callback?code=...&state=...
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) {
	p, ok := s.flowProvider(w, r, vaern.IdPOIDC)
	if !ok {
		return
	}
	q := r.URL.Query()
	st, err := s.ssoState(w, r, p.ID, q.Get("state"))
	if err != nil {
		s.ssoRefused(w, r, p, "state", err)
		return
	}
	if e := q.Get("error"); e != "" {
		// The user cancelled, or the IdP refused: nothing to sign in with.
		s.ssoRefused(w, r, p, "idp_error", errors.New("idp: "+truncate(e, 100)))
		return
	}
	a, err := s.oidc.Exchange(r.Context(), p, s.ssoRedirectURL(p.ID), q.Get("code"), st.Verifier, st.Nonce)
	if err != nil {
		step := "token"
		if errors.Is(err, sso.ErrACR) {
			step = "acr"
		}
		s.ssoRefused(w, r, p, step, err)
		return
	}
	s.ssoFinish(w, r, p, st, a, "oidc")
}

// ssoACS ends a SAML flow: the IdP's response posted by the browser (HTTP-POST binding).
func (s *Server) ssoACS(w http.ResponseWriter, r *http.Request) {
	p, ok := s.flowProvider(w, r, vaern.IdPSAML)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	st, err := s.ssoState(w, r, p.ID, r.PostForm.Get("RelayState"))
	if err != nil {
		s.ssoRefused(w, r, p, "state", err)
		return
	}
	// The assertion's times are checked against the store's clock, the one sessions use.
	sp, err := sso.ServiceProvider(p, s.cfg.BaseURL, s.st, dsig.NewFakeClockAt(s.st.Now()))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	a, err := sso.ParseResponse(r.Context(), sp, p, r, st.RequestID)
	if err != nil {
		s.ssoRefused(w, r, p, "assertion", err)
		return
	}
	s.ssoFinish(w, r, p, st, a, "saml")
}

// ssoMetadata publishes the service provider's metadata for the provider's IdP administrator.
func (s *Server) ssoMetadata(w http.ResponseWriter, r *http.Request) {
	p, ok := s.flowProvider(w, r, vaern.IdPSAML)
	if !ok {
		return
	}
	sp, err := sso.ServiceProvider(p, s.cfg.BaseURL, nil, nil)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	el, err := sp.SignedMetadata()
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	b, err := sso.ElementBytes(el)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	w.Header().Set("Content-Disposition", `inline; filename="vaern-sp-metadata.xml"`)
	w.Write(b)
}

// ssoRefused answers a flow that did not end in a sign-in: audited, and the sign-in page again
// with a message that says no more than that it failed (the reason is in the log).
func (s *Server) ssoRefused(w http.ResponseWriter, r *http.Request, p vaern.IdentityProvider, step string, err error) {
	ctx := r.Context()
	s.log.Warn("sso: sign-in refused", "provider", p.ID, "step", step, "err", err)
	werr := s.st.Write(ctx, func(tx *store.Tx) error {
		return tx.Audit(ctx, vaern.Actor{IP: s.clientIP(r)}, store.Change{OrgID: p.OrgID, Action: "auth.login_failed",
			ObjectType: "identity_provider", ObjectID: p.ID, Detail: map[string]any{"step": "sso_" + step}})
	})
	if werr != nil {
		s.log.Error("audit sso failure", "err", werr)
	}
	pg := s.loginPage(w, r)
	pg.Error = pg.L.T("sso.failed", p.Name)
	status := http.StatusUnauthorized
	if step == "state" {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, "login", pg)
}

// ssoFinish signs the person in (or links the identity, for the account page's flow).
func (s *Server) ssoFinish(w http.ResponseWriter, r *http.Request, p vaern.IdentityProvider, st store.SSOState, a sso.Asserted, method string) {
	ctx := r.Context()
	ip := s.clientIP(r)
	if st.LinkUserID != 0 {
		pr := httpx.PrincipalFrom(ctx)
		if pr == nil || pr.User.ID != st.LinkUserID || pr.Org.ID != p.OrgID {
			s.ssoRefused(w, r, p, "link_session", errors.New("the linking user is not signed in here"))
			return
		}
		if err := s.st.LinkIdentity(ctx, pr.Actor(ip), p.OrgID, pr.User.ID, p.ID, a.Subject); err != nil {
			var ve *vaern.ValidationError
			if errors.As(err, &ve) {
				s.redirect(w, r, "/account", "sso.link_taken")
				return
			}
			s.failErr(w, r, err)
			return
		}
		s.redirect(w, r, "/account", "sso.linked")
		return
	}
	u, orgID, err := s.st.SSOSignIn(ctx, store.ExternalSignIn{ProviderID: p.ID, Subject: a.Subject, Email: a.Email, Name: a.Name,
		Role: sso.RoleFor(p, a.Groups)}, ip)
	if err == nil && u.Disabled {
		err = vaern.ErrNotFound
	}
	if err != nil {
		var ve *vaern.ValidationError
		if errors.Is(err, vaern.ErrNotFound) || errors.As(err, &ve) {
			s.ssoRefused(w, r, p, "no_account", err)
			return
		}
		s.failErr(w, r, err)
		return
	}
	now := s.st.Now()
	s.dropOldSession(r)
	token, sid := auth.NewToken("")
	// The IdP did the authentication, second factor included (its acr or NSIS level says how
	// strong): no second factor is asked here.
	// The provider's session is remembered, so that the provider can end this one (single logout).
	ses := vaern.Session{ID: sid, UserID: u.ID, OrgID: orgID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.cfg.SessionMax), IP: ip, UserAgent: truncate(r.UserAgent(), 200),
		AuthMethod: method, IdPID: p.ID, IdPSession: a.Session, IdPSubject: a.Subject, IdPIDToken: a.IDToken}
	if err := s.st.CreateSession(ctx, ses); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.signedIn(ctx, w, r, u, orgID, method)
	s.setSessionCookie(w, token, s.cfg.SessionMax)
	http.Redirect(w, r, safeNext(st.Next), http.StatusSeeOther)
}

// passwordOrgs keeps the organisations that let their people sign in with a password.
func (s *Server) passwordOrgs(ctx context.Context, orgs []vaern.Org) ([]vaern.Org, error) {
	var out []vaern.Org
	for _, o := range orgs {
		req, err := s.st.OrgSignin(ctx, o.ID)
		if err != nil {
			return nil, err
		}
		if req == vaern.SigninAny {
			out = append(out, o)
		}
	}
	return out, nil
}
