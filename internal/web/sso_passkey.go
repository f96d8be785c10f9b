package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/sso"
)

// Passkeys (WebAuthn): registered on the account page, used for passwordless sign-in on the
// sign-in page. Both need the browser's navigator.credentials, so a little script of our own
// (passkey.js) runs them; the password form works without it.

const passkeyWindow = 5 * time.Minute

func (s *Server) passkeyCookie() string {
	if s.secure {
		return "__Host-vaern_pk"
	}
	return "vaern_pk"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// passkeyCeremony starts a ceremony: its session data is stored under the hash of a cookie.
func (s *Server) passkeyCeremony(w http.ResponseWriter, r *http.Request, userID int64, sd *webauthn.SessionData, options any) {
	data, err := json.Marshal(sd)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	token, hash := auth.NewToken("")
	if err := s.st.PutWebAuthnSession(r.Context(), hash, userID, string(data), s.st.Now().Add(passkeyWindow)); err != nil {
		s.failErr(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: s.passkeyCookie(), Value: token, Path: "/", MaxAge: int(passkeyWindow.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode})
	writeJSON(w, http.StatusOK, options)
}

// takeCeremony ends the ceremony this browser started.
func (s *Server) takeCeremony(w http.ResponseWriter, r *http.Request) (int64, webauthn.SessionData, bool) {
	var sd webauthn.SessionData
	c, err := r.Cookie(s.passkeyCookie())
	http.SetCookie(w, &http.Cookie{Name: s.passkeyCookie(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode})
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return 0, sd, false
	}
	userID, data, err := s.st.TakeWebAuthnSession(r.Context(), auth.HashToken(c.Value))
	if err != nil || json.Unmarshal([]byte(data), &sd) != nil {
		return 0, sd, false
	}
	return userID, sd, true
}

func (s *Server) passkeyUser(r *http.Request, u vaern.User) (*sso.PasskeyUser, error) {
	keys, err := s.st.UserPasskeys(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	return sso.NewPasskeyUser(u, keys)
}

// relyingParty gives the WebAuthn relying party and, for u, the user as the ceremony sees them
// (their passkeys); on a failure it answers the request itself and reports false.
func (s *Server) relyingParty(w http.ResponseWriter, r *http.Request, u *vaern.User) (*webauthn.WebAuthn, *sso.PasskeyUser, bool) {
	wa, err := sso.NewWebAuthn(s.cfg.BaseURL)
	if err != nil {
		s.failErr(w, r, err)
		return nil, nil, false
	}
	if u == nil {
		return wa, nil, true
	}
	pu, err := s.passkeyUser(r, *u)
	if err != nil {
		s.failErr(w, r, err)
		return nil, nil, false
	}
	return wa, pu, true
}

// recordPasskeyUse stores the credential's state after a use (its signature counter, flags), so
// a cloned authenticator shows; a failure is logged, never a reason to refuse the sign-in.
func (s *Server) recordPasskeyUse(ctx context.Context, passkeyID int64, cred *webauthn.Credential) {
	data, err := json.Marshal(cred)
	if err == nil {
		err = s.st.UsedPasskey(ctx, passkeyID, string(data))
	}
	if err != nil {
		s.log.Error("record passkey use", "err", err)
	}
}

// passkeyRegisterBegin: POST /account/passkeys/begin answers the options for navigator.credentials.create.
func (s *Server) passkeyRegisterBegin(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	wa, pu, ok := s.relyingParty(w, r, &p.User)
	if !ok {
		return
	}
	var exclude []protocol.CredentialDescriptor
	for _, c := range pu.Creds {
		exclude = append(exclude, c.Descriptor())
	}
	creation, sd, err := wa.BeginRegistration(pu, webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementRequired),
		webauthn.WithExclusions(exclude))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.passkeyCeremony(w, r, p.User.ID, sd, creation)
}

// passkeyRegisterFinish: POST /account/passkeys/finish?name=NAME with the browser's credential.
func (s *Server) passkeyRegisterFinish(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	userID, sd, ok := s.takeCeremony(w, r)
	if !ok || userID != p.User.ID {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "no passkey registration under way"})
		return
	}
	wa, pu, ok := s.relyingParty(w, r, &p.User)
	if !ok {
		return
	}
	cred, err := wa.FinishRegistration(pu, sd, r)
	if err != nil {
		s.log.Warn("passkey registration refused", "user", p.User.ID, "err", err)
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "the passkey could not be verified"})
		return
	}
	data, err := json.Marshal(cred)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	name := truncate(r.URL.Query().Get("name"), 100)
	if _, err := s.st.AddPasskey(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, p.User.ID,
		base64.RawURLEncoding.EncodeToString(cred.ID), name, string(data)); err != nil {
		var ve *vaern.ValidationError
		if errors.As(err, &ve) {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": ve.Error()})
			return
		}
		s.failErr(w, r, err)
		return
	}
	s.setFlash(w, "sso.passkey_added")
	writeJSON(w, http.StatusOK, map[string]string{"next": "/account"})
}

// passkeyDelete removes one of the signed-in user's passkeys, unless it is their last second
// factor under the organisation's two-factor rule.
func (s *Server) passkeyDelete(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	// The last second factor under the organisation's two-factor rule is refused by the store
	// before anything changes; the account page then says why.
	if err := s.st.DeletePasskey(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, p.User.ID, id); err != nil {
		s.refill(w, r, err, "account", false, func() (*Page, error) { return s.accountPage(w, r) })
		return
	}
	s.redirect(w, r, "/account", "sso.passkey_removed")
}

// passkeyLoginBegin: POST /login/passkey/begin answers the options for navigator.credentials.get
// (a discoverable credential: the browser offers the person's passkeys for this site).
func (s *Server) passkeyLoginBegin(w http.ResponseWriter, r *http.Request) {
	wa, _, ok := s.relyingParty(w, r, nil)
	if !ok {
		return
	}
	assertion, sd, err := wa.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.passkeyCeremony(w, r, 0, sd, assertion)
}

// passkeyLoginFinish: POST /login/passkey/finish?next=PATH with the browser's assertion. A passkey
// is two factors in one (the device, and the PIN or biometric that unlocks it), so no second
// factor is asked after it.
func (s *Server) passkeyLoginFinish(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, sd, ok := s.takeCeremony(w, r)
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "no passkey sign-in under way"})
		return
	}
	wa, _, ok := s.relyingParty(w, r, nil)
	if !ok {
		return
	}
	var found vaern.Passkey
	handler := func(rawID, userHandle []byte) (webauthn.User, error) {
		pk, err := s.st.PasskeyByCredential(ctx, base64.RawURLEncoding.EncodeToString(rawID))
		if err != nil || pk.UserID != sso.HandleUser(userHandle) {
			return nil, fmt.Errorf("unknown passkey")
		}
		u, err := s.st.UserSelf(ctx, pk.UserID)
		if err != nil {
			return nil, err
		}
		found = pk
		return s.passkeyUser(r, u)
	}
	user, cred, err := wa.FinishPasskeyLogin(handler, sd, r)
	pu, _ := user.(*sso.PasskeyUser)
	if err != nil || pu == nil || pu.User.Disabled {
		s.log.Warn("passkey sign-in refused", "err", err)
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the passkey was not accepted"})
		return
	}
	s.recordPasskeyUse(ctx, found.ID, cred)
	u := pu.User
	orgs, _, err := s.st.UserOrgs(ctx, u.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	// An organisation that requires single sign-on takes no passkey; one that takes "an identity
	// provider or a passkey" does.
	var allowed []vaern.Org
	for _, o := range orgs {
		req, err := s.st.OrgSignin(ctx, o.ID)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		if req != vaern.SigninSSO {
			allowed = append(allowed, o)
		}
	}
	if len(allowed) == 0 {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": s.cat.For(s.lang(r, nil)).T("sso.required")})
		return
	}
	org := allowed[0]
	if c, err := r.Cookie("vaern_org"); err == nil {
		for _, o := range allowed {
			if fmt.Sprint(o.ID) == c.Value {
				org = o
			}
		}
	}
	now := s.st.Now()
	s.dropOldSession(r)
	token, sid := auth.NewToken("")
	ses := vaern.Session{ID: sid, UserID: u.ID, OrgID: org.ID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.cfg.SessionMax), IP: s.clientIP(r), UserAgent: truncate(r.UserAgent(), 200), AuthMethod: "passkey"}
	if err := s.st.CreateSession(ctx, ses); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.signedIn(ctx, w, r, u, org.ID, "passkey")
	s.setSessionCookie(w, token, s.cfg.SessionMax)
	writeJSON(w, http.StatusOK, map[string]string{"next": safeNext(r.URL.Query().Get("next"))})
}

// passkeySecondBegin: POST /login/code/passkey/begin, a passkey in place of the second factor's
// code, for the sign-in waiting for it (the password was right).
func (s *Server) passkeySecondBegin(w http.ResponseWriter, r *http.Request) {
	p, _, ok := s.pendingSession(r)
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "no sign-in waits for a second factor"})
		return
	}
	wa, pu, ok := s.relyingParty(w, r, &p.User)
	if !ok {
		return
	}
	if len(pu.Creds) == 0 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "no passkey"})
		return
	}
	assertion, sd, err := wa.BeginLogin(pu)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	s.passkeyCeremony(w, r, p.User.ID, sd, assertion)
}

// passkeySecondFinish ends the second factor with the passkey: the waiting session is replaced
// by a full one, as after a right code.
func (s *Server) passkeySecondFinish(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, _, ok := s.pendingSession(r)
	userID, sd, ok2 := s.takeCeremony(w, r)
	if !ok || !ok2 || userID != p.User.ID {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "no passkey check under way"})
		return
	}
	wa, pu, ok := s.relyingParty(w, r, &p.User)
	if !ok {
		return
	}
	cred, err := wa.FinishLogin(pu, sd, r)
	if err != nil {
		s.log.Warn("passkey second factor refused", "user", p.User.ID, "err", err)
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the passkey was not accepted"})
		return
	}
	if pk, err := s.st.PasskeyByCredential(ctx, base64.RawURLEncoding.EncodeToString(cred.ID)); err == nil && pk.UserID == p.User.ID {
		s.recordPasskeyUse(ctx, pk.ID, cred)
	}
	now := s.st.Now()
	token, sid := auth.NewToken("")
	ses := vaern.Session{ID: sid, UserID: p.User.ID, OrgID: p.Org.ID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.cfg.SessionMax), IP: s.clientIP(r), UserAgent: truncate(r.UserAgent(), 200), AuthMethod: "passkey_second_factor"}
	if err := s.st.RotateSession(ctx, p.Session.ID, ses); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.signedIn(ctx, w, r, p.User, p.Org.ID, "passkey_second_factor")
	s.setSessionCookie(w, token, s.cfg.SessionMax)
	writeJSON(w, http.StatusOK, map[string]string{"next": safeNext(r.URL.Query().Get("next"))})
}
