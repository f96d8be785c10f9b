package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/sso"
	"github.com/vaern/vaern/internal/store"
	"golang.org/x/oauth2"
)

// ssoWindow is how long a sign-in may stay at the identity provider.
const ssoWindow = 10 * time.Minute

func (s *Server) ssoCookieName() string {
	if s.secure {
		return "__Host-vaern_sso"
	}
	return "vaern_sso"
}

// setSSOCookie binds a flow to this browser. The SAML response comes back as a cross-site POST,
// which carries a cookie only with SameSite=None (and so Secure); without HTTPS (development,
// tests) the IdP is on the same site and Lax does.
func (s *Server) setSSOCookie(w http.ResponseWriter, value string, maxAge time.Duration) {
	same := http.SameSiteLaxMode
	if s.secure {
		same = http.SameSiteNoneMode
	}
	http.SetCookie(w, &http.Cookie{Name: s.ssoCookieName(), Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: same})
}

// ssoState takes the flow this browser started with provider id: the cookie's value must be the
// one the IdP echoes back (OIDC state, SAML RelayState), and the stored state is used once.
func (s *Server) ssoState(w http.ResponseWriter, r *http.Request, providerID int64, echoed string) (store.SSOState, error) {
	return s.ssoStateOf(w, r, providerID, echoed, store.SSOLogin)
}

var errSSOState = errors.New("sso: no sign-in under way in this browser")

// flowProvider loads the provider named in the path for a public flow route; one of another kind
// than the route's (kind "": any) is not found.
func (s *Server) flowProvider(w http.ResponseWriter, r *http.Request, kind vaern.IdPKind) (vaern.IdentityProvider, bool) {
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return vaern.IdentityProvider{}, false
	}
	p, err := s.st.ProviderForFlow(r.Context(), id)
	if err == nil && kind != "" && p.Kind != kind {
		err = vaern.ErrNotFound
	}
	if err != nil {
		s.failErr(w, r, err)
		return p, false
	}
	return p, true
}

// ssoLogin starts a sign-in at the provider: GET /sso/{id}/login?next=/path.
func (s *Server) ssoLogin(w http.ResponseWriter, r *http.Request) {
	p, ok := s.flowProvider(w, r, "")
	if !ok {
		return
	}
	s.ssoStart(w, r, p, safeNext(r.URL.Query().Get("next")), 0)
}

// ssoStart stores the flow's state and sends the browser to the provider. linkUser is the
// signed-in user who links this provider to their account (0: a sign-in).
func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request, p vaern.IdentityProvider, next string, linkUser int64) {
	ctx := r.Context()
	token, hash := auth.NewToken("")
	nonce, _ := auth.NewToken("")
	st := store.SSOState{ID: hash, ProviderID: p.ID, Next: next, LinkUserID: linkUser, ExpiresAt: s.st.Now().Add(ssoWindow)}
	var redirect, postURL, postValue string
	switch p.Kind {
	case vaern.IdPOIDC:
		st.Nonce, st.Verifier = nonce, oauth2.GenerateVerifier()
		u, err := s.oidc.AuthURL(ctx, p, s.ssoRedirectURL(p.ID), token, st.Nonce, st.Verifier)
		if err != nil {
			s.log.Warn("sso: provider unreachable", "provider", p.ID, "err", err)
			s.fail(w, r, http.StatusServiceUnavailable, "sso.unreachable")
			return
		}
		redirect = u
	case vaern.IdPSAML:
		sp, err := sso.ServiceProvider(p, s.cfg.BaseURL, s.st, nil)
		if err != nil {
			s.log.Error("sso: saml provider", "provider", p.ID, "err", err)
			s.fail(w, r, http.StatusServiceUnavailable, "sso.unreachable")
			return
		}
		st.RequestID, redirect, postURL, postValue, err = sso.AuthnRequest(sp, token)
		if err != nil {
			s.log.Error("sso: authn request", "provider", p.ID, "err", err)
			s.fail(w, r, http.StatusServiceUnavailable, "sso.unreachable")
			return
		}
	}
	if err := s.st.PutSSOState(ctx, st); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.setSSOCookie(w, token, ssoWindow)
	if redirect != "" {
		http.Redirect(w, r, redirect, http.StatusSeeOther)
		return
	}
	// The POST binding: a form the browser posts to the IdP (a button without JavaScript, sent
	// at once by sso.js with it). The page's policy lets this one form go to the IdP.
	if u, err := url.Parse(postURL); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		w.Header().Set("Content-Security-Policy", strings.Replace(csp, "form-action 'self'",
			fmt.Sprintf("form-action 'self' %s://%s", u.Scheme, u.Host), 1))
	}
	pg := s.page(w, r, "sso.continue_title", map[string]string{"URL": postURL, "SAMLRequest": postValue, "RelayState": token, "Name": p.Name})
	s.render(w, r, http.StatusOK, "sso_post", pg)
}

func (s *Server) ssoRedirectURL(id int64) string {
	return fmt.Sprintf("%s/sso/%d/callback", strings.TrimRight(s.cfg.BaseURL, "/"), id)
}

// identityLink starts linking one of the organisation's providers to the signed-in user.
func (s *Server) identityLink(w http.ResponseWriter, r *http.Request) {
	pr := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	id, err := httpx.IntParam(r.PostForm, "provider", 1)
	if err != nil || id == 0 {
		s.fail(w, r, http.StatusUnprocessableEntity, "")
		return
	}
	if _, err := s.st.IdentityProvider(r.Context(), pr.Org.ID, id); err != nil {
		s.failErr(w, r, err)
		return
	}
	p, err := s.st.ProviderForFlow(r.Context(), id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.ssoStart(w, r, p, "/account", pr.User.ID)
}
