package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	dsig "github.com/russellhaering/goxmldsig"
	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/sso"
	"github.com/vaern/vaern/internal/store"
)

// Single logout (docs/sso.md, Single logout). Signing out of Værn after a single sign-on also
// ends the person's session at the identity provider when the provider offers it (OIDC
// end_session_endpoint, SAML SingleLogoutService); and the provider can end Værn's sessions of
// one of its sessions (OIDC back-channel logout, SAML LogoutRequest). Værn's own session always
// ends first: what happens at the provider never keeps anyone signed in here.

func (s *Server) ssoURL(id int64, end string) string {
	return fmt.Sprintf("%s/sso/%d/%s", strings.TrimRight(s.cfg.BaseURL, "/"), id, end)
}

// idpLogout sends the browser on to end the provider's session of ses, which has just been ended
// here. It reports false, having written nothing, when there is nothing to do at the provider
// (a password session, a provider without single logout, a provider that cannot be reached).
func (s *Server) idpLogout(w http.ResponseWriter, r *http.Request, ses *vaern.Session) bool {
	if ses == nil || ses.IdPID == 0 {
		return false
	}
	ctx := r.Context()
	p, err := s.st.ProviderForFlow(ctx, ses.IdPID)
	if err != nil {
		return false
	}
	token, hash := auth.NewToken("")
	st := store.SSOState{ID: hash, ProviderID: p.ID, Kind: store.SSOLogout, Next: "/login", ExpiresAt: s.st.Now().Add(ssoWindow)}
	var out sso.Outgoing
	switch p.Kind {
	case vaern.IdPOIDC:
		u, err := s.oidc.EndSessionURL(ctx, p, ses.IdPIDToken, s.ssoURL(p.ID, "logged-out"), token)
		if err != nil {
			s.log.Warn("sso: end session", "provider", p.ID, "err", err)
		}
		if u == "" {
			return false
		}
		out.Redirect = u
	case vaern.IdPSAML:
		sp, err := sso.ServiceProvider(p, s.cfg.BaseURL, nil, nil)
		if err != nil {
			s.log.Error("sso: saml provider", "provider", p.ID, "err", err)
			return false
		}
		var ok bool
		out, ok, err = sso.LogoutRequest(sp, ses.IdPSubject, ses.IdPSession, token)
		if err != nil {
			s.log.Error("sso: logout request", "provider", p.ID, "err", err)
		}
		if !ok || err != nil {
			return false
		}
		st.RequestID = out.ID
	default:
		return false
	}
	if err := s.st.PutSSOState(ctx, st); err != nil {
		s.log.Error("sso: logout state", "err", err)
		return false
	}
	s.setSSOCookie(w, token, ssoWindow)
	s.clearSessionCookie(w)
	s.sendOut(w, r, out, p.Name)
	return true
}

// sendOut carries a message to the identity provider: a redirect, or a form the browser posts
// (a button without JavaScript, sent at once by sso.js with it).
func (s *Server) sendOut(w http.ResponseWriter, r *http.Request, out sso.Outgoing, name string) {
	if out.Redirect != "" {
		http.Redirect(w, r, out.Redirect, http.StatusSeeOther)
		return
	}
	if target, ok := sso.PostTarget(out.PostURL); ok {
		w.Header().Set("Content-Security-Policy", strings.Replace(csp, "form-action 'self'", "form-action 'self' "+target, 1))
	}
	pg := s.page(w, r, "sso.continue_title", map[string]string{"URL": out.PostURL, "Field": out.Field, "SAMLRequest": out.Value,
		"RelayState": out.RelayState, "Name": name})
	s.render(w, r, http.StatusOK, "sso_post", pg)
}

// ssoLoggedOut is where an OIDC provider sends the browser back after its end_session
// (post_logout_redirect_uri): GET /sso/{id}/logged-out?state=... The state must be the one this
// browser was given when it left, so nobody can make a browser show "signed out at the provider"
// for a sign-out it never made.
func (s *Server) ssoLoggedOut(w http.ResponseWriter, r *http.Request) {
	p, ok := s.flowProvider(w, r, vaern.IdPOIDC)
	if !ok {
		return
	}
	if _, err := s.ssoStateOf(w, r, p.ID, r.URL.Query().Get("state"), store.SSOLogout); err != nil {
		s.logoutUnconfirmed(w, r, p, err)
		return
	}
	s.redirect(w, r, "/login", "sso.signed_out_idp")
}

// logoutUnconfirmed answers a return from the provider's sign-out that cannot be matched to this
// browser's: Værn's session ended anyway, only the provider's end is not confirmed.
func (s *Server) logoutUnconfirmed(w http.ResponseWriter, r *http.Request, p vaern.IdentityProvider, err error) {
	s.log.Warn("sso: single logout not confirmed", "provider", p.ID, "err", err)
	pg := s.loginPage(w, r)
	pg.Error = pg.L.T("sso.logout_unconfirmed", p.Name)
	s.render(w, r, http.StatusBadRequest, "login", pg)
}

// ssoStateOf is ssoState for a flow of the given kind.
func (s *Server) ssoStateOf(w http.ResponseWriter, r *http.Request, providerID int64, echoed, kind string) (store.SSOState, error) {
	c, err := r.Cookie(s.ssoCookieName())
	s.setSSOCookie(w, "", -time.Second)
	if err != nil || c.Value == "" || len(c.Value) > 100 || c.Value != echoed {
		return store.SSOState{}, errSSOState
	}
	st, err := s.st.TakeSSOStateOf(r.Context(), auth.HashToken(c.Value), providerID, kind)
	if errors.Is(err, vaern.ErrNotFound) {
		return st, errSSOState
	}
	return st, err
}

// ssoSLO is the SAML single logout service, GET (HTTP-Redirect) or POST (HTTP-POST): the IdP's
// LogoutResponse to Værn's LogoutRequest, or the IdP's own LogoutRequest when its session ended.
func (s *Server) ssoSLO(w http.ResponseWriter, r *http.Request) {
	p, ok := s.flowProvider(w, r, vaern.IdPSAML)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	// Times are checked against the store's clock, the one sessions use; the replay record is the
	// store's, shared by every node.
	sp, err := sso.ServiceProvider(p, s.cfg.BaseURL, s.st, dsig.NewFakeClockAt(s.st.Now()))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if sso.IsLogoutResponse(r) {
		st, err := s.ssoStateOf(w, r, p.ID, r.Form.Get("RelayState"), store.SSOLogout)
		if err == nil {
			err = sso.CheckLogoutResponse(sp, r, st.RequestID)
		}
		if err != nil {
			s.logoutUnconfirmed(w, r, p, err)
			return
		}
		s.redirect(w, r, "/login", "sso.signed_out_idp")
		return
	}
	req, err := sso.CheckLogoutRequest(sp, r)
	if err != nil {
		// Forged, altered, stale or replayed: nothing is ended, and nothing is answered that the
		// IdP could take for a confirmation.
		s.log.Warn("sso: logout request refused", "provider", p.ID, "err", err)
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	ended, okAll := s.endProviderSessions(r, p, req.NameID, req.SessionIndexes)
	s.log.Info("sso: sessions ended by the identity provider", "provider", p.ID, "sessions", ended)
	out, err := sso.LogoutResponse(sp, req.RequestID, r.Form.Get("RelayState"), okAll)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.sendOut(w, r, out, p.Name)
}

// endProviderSessions ends the sessions of subject at p, those of the given provider sessions
// only when any are named. ok is false when the store could not end them all.
func (s *Server) endProviderSessions(r *http.Request, p vaern.IdentityProvider, subject string, sessions []string) (int64, bool) {
	if len(sessions) == 0 {
		sessions = []string{""}
	}
	var n int64
	for _, sid := range sessions {
		k, err := s.st.EndProviderSessions(r.Context(), p.ID, sid, subject, s.clientIP(r))
		if err != nil {
			s.log.Error("sso: end sessions", "provider", p.ID, "err", err)
			return n, false
		}
		n += k
	}
	return n, true
}

// ssoBackchannel is the OIDC back-channel logout endpoint (backchannel_logout_uri): the provider
// posts a logout token, server to server, when one of its sessions ends. POST
// /sso/{id}/backchannel-logout with logout_token=JWT; 200 when it was accepted, 400 otherwise.
func (s *Server) ssoBackchannel(w http.ResponseWriter, r *http.Request) {
	p, ok := s.flowProvider(w, r, vaern.IdPOIDC)
	if !ok {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	now := s.st.Now()
	lt, err := s.oidc.VerifyLogoutToken(r.Context(), p, r.PostForm.Get("logout_token"), now)
	if err == nil {
		// A token is accepted once: its jti goes into the replay record every node shares.
		h := sha256.Sum256([]byte(lt.ID))
		err = s.st.ConsumeAssertion(r.Context(), fmt.Sprintf("oidc-logout:%d:%s", p.ID, hex.EncodeToString(h[:])), lt.Expires)
	}
	if err != nil {
		s.log.Warn("sso: logout token refused", "provider", p.ID, "err", err)
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	n, err := s.st.EndProviderSessions(r.Context(), p.ID, lt.SID, lt.Subject, s.clientIP(r))
	if err != nil {
		s.log.Error("sso: end sessions", "provider", p.ID, "err", err)
		writeJSON(w, http.StatusNotImplemented, map[string]string{"error": "temporarily_unavailable"})
		return
	}
	s.log.Info("sso: sessions ended by the identity provider", "provider", p.ID, "sessions", n)
	w.WriteHeader(http.StatusOK)
}
