package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// mfaWindow is how long a sign-in may wait for its second factor.
const mfaWindow = 5 * time.Minute

func (s *Server) sessionCookieName() string {
	if s.secure {
		return "__Host-vaern_session"
	}
	return "vaern_session"
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(), Value: token, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// safeNext keeps a post-sign-in redirect on this site. Control characters are refused outright:
// browsers drop tabs and newlines inside a URL, so "/\t/evil.example" would take them to evil.example.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.IndexFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return "/"
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if httpx.PrincipalFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	pg := s.loginPage(w, r)
	pg.Form.Set("next", safeNext(r.URL.Query().Get("next")))
	s.render(w, r, http.StatusOK, "login", pg)
}

// loginData is what the sign-in page shows besides the password form: a "Sign in with NAME"
// button for each identity provider.
type loginData struct {
	Providers []store.SignInProvider
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) *Page {
	providers, err := s.st.SignInProviders(r.Context())
	if err != nil {
		// The password form still works without the buttons.
		s.log.Warn("sign-in providers", "err", err)
	}
	return s.page(w, r, "login.title", loginData{Providers: providers})
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	email := strings.ToLower(strings.TrimSpace(r.PostForm.Get("email")))
	password := r.PostForm.Get("password")
	next := safeNext(r.PostForm.Get("next"))
	ip := s.clientIP(r)
	pg := s.loginPage(w, r)
	pg.Form.Set("email", email)
	pg.Form.Set("next", next)
	now := s.st.Now()

	if email == "" || password == "" {
		pg.Errors = map[string]string{}
		if email == "" {
			pg.Errors["email"] = pg.L.T("err.is required")
		}
		if password == "" {
			pg.Errors["password"] = pg.L.T("err.is required")
		}
		pg.Error = pg.L.T("form.has_errors")
		s.render(w, r, http.StatusUnprocessableEntity, "login", pg)
		return
	}

	u, hash, err := s.st.PasswordLogin(ctx, email)
	if err != nil && !errors.Is(err, vaern.ErrNotFound) {
		s.failErr(w, r, err)
		return
	}
	client, ok := s.signinGate(w, r, pg, "login", email, u)
	if !ok {
		return
	}
	ok = false
	if hash != "" && !u.Disabled {
		ok, err = auth.VerifyPassword(password, hash)
		if err != nil {
			s.log.Error("verify password", "user", u.ID, "err", err)
			ok = false
		}
	} else {
		auth.SpendVerifyTime(password)
	}
	var orgs []vaern.Org
	if ok {
		orgs, _, err = s.st.UserOrgs(ctx, u.ID)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		ok = len(orgs) > 0
	}
	if !ok {
		s.loginFailed(ctx, now, client, u, orgs, "password")
		pg.Error = pg.L.T("login.failed")
		s.render(w, r, http.StatusUnauthorized, "login", pg)
		return
	}
	// An organisation that requires single sign-on takes no password: only the user's other
	// organisations remain (told only now, after the password was right).
	if orgs, err = s.passwordOrgs(ctx, orgs); err != nil {
		s.failErr(w, r, err)
		return
	}
	if len(orgs) == 0 {
		pg.Error = pg.L.T("sso.required")
		s.render(w, r, http.StatusForbidden, "login", pg)
		return
	}
	// The user's organisation: the one they used last time (remembered in a cookie), else the first.
	org := orgs[0]
	if c, err := r.Cookie("vaern_org"); err == nil {
		for _, o := range orgs {
			if fmt.Sprint(o.ID) == c.Value {
				org = o
			}
		}
	}
	s.dropOldSession(r)
	token, sid := auth.NewToken("")
	ses := vaern.Session{ID: sid, UserID: u.ID, OrgID: org.ID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.cfg.SessionMax), IP: ip, UserAgent: truncate(r.UserAgent(), 200), AuthMethod: "password"}
	// A user with a second factor (a TOTP app or a passkey) gives it before the session counts.
	if u.HasSecondFactor() {
		ses.MFAPending, ses.ExpiresAt = true, now.Add(mfaWindow)
	}
	if err := s.st.CreateSession(ctx, ses); err != nil {
		s.failErr(w, r, err)
		return
	}
	if ses.MFAPending {
		s.setSessionCookie(w, token, mfaWindow)
		http.Redirect(w, r, "/login/code?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	s.signedIn(ctx, w, r, u, org.ID, "password")
	s.setSessionCookie(w, token, s.cfg.SessionMax)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// lockedOut reports the latest lock among keys.
func (s *Server) lockedOut(ctx context.Context, now time.Time, keys ...string) (time.Time, error) {
	var until time.Time
	for _, k := range keys {
		t, err := s.st.Throttled(ctx, k, now)
		if err != nil {
			return until, err
		}
		if t.After(until) {
			until = t
		}
	}
	return until, nil
}

func minutesUntil(now, t time.Time) int {
	return int(t.Sub(now).Minutes()) + 1
}

// loginFailed counts the failure on the client's counters and audits it.
func (s *Server) loginFailed(ctx context.Context, now time.Time, client signinClient, u vaern.User, orgs []vaern.Org, step string) {
	s.countFailure(ctx, now, client)
	ip, email := client.ip, client.email
	var orgID int64
	if len(orgs) > 0 {
		orgID = orgs[0].ID
	} else if u.ID != 0 {
		if os, _, err := s.st.UserOrgs(ctx, u.ID); err == nil && len(os) > 0 {
			orgID = os[0].ID
		}
	}
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		return tx.Audit(ctx, vaern.Actor{UserID: u.ID, Email: email, IP: ip}, store.Change{OrgID: orgID,
			Action: "auth.login_failed", ObjectType: "user", ObjectID: u.ID, Detail: map[string]any{"step": step}})
	})
	if err != nil {
		s.log.Error("audit login failure", "err", err)
	}
}

// signedIn audits a completed sign-in, forgets the client's failures and trusts the client.
func (s *Server) signedIn(ctx context.Context, w http.ResponseWriter, r *http.Request, u vaern.User, orgID int64, method string) {
	s.trustClient(ctx, w, r, u)
	ip := s.clientIP(r)
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		return tx.Audit(ctx, vaern.Actor{UserID: u.ID, Email: u.Email, OrgID: orgID, IP: ip}, store.Change{OrgID: orgID,
			Action: "auth.login", ObjectType: "user", ObjectID: u.ID, Detail: map[string]any{"method": method}})
	})
	if err != nil {
		s.log.Error("audit login", "err", err)
	}
	http.SetCookie(w, &http.Cookie{Name: "vaern_org", Value: fmt.Sprint(orgID), Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// dropOldSession deletes the session the browser had before, so sign-in always rotates the id.
func (s *Server) dropOldSession(r *http.Request) {
	if c, err := r.Cookie(s.sessionCookieName()); err == nil && c.Value != "" {
		if err := s.st.DeleteSession(r.Context(), auth.HashToken(c.Value)); err != nil {
			s.log.Warn("drop old session", "err", err)
		}
	}
}

// pendingSession returns the session waiting for its second factor.
func (s *Server) pendingSession(r *http.Request) (*vaern.Principal, string, bool) {
	c, err := r.Cookie(s.sessionCookieName())
	if err != nil || c.Value == "" {
		return nil, "", false
	}
	p, err := s.st.LoadSession(r.Context(), auth.HashToken(c.Value), s.st.Now(), mfaWindow)
	if err != nil || !p.Session.MFAPending {
		return nil, "", false
	}
	return p, c.Value, true
}

func (s *Server) loginCodeForm(w http.ResponseWriter, r *http.Request) {
	p, _, ok := s.pendingSession(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	// A passkey may stand in for the code (sso_passkey.go).
	keys, err := s.st.UserPasskeys(r.Context(), p.User.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	pg := s.page(w, r, "login.code_title", codeData{Passkeys: len(keys) > 0, TOTP: p.User.TOTPEnabled})
	pg.Form.Set("next", safeNext(r.URL.Query().Get("next")))
	s.render(w, r, http.StatusOK, "login_code", pg)
}

// codeData is what the second-factor page shows besides the code form.
type codeData struct {
	Passkeys bool // the user has a passkey, which may stand in for the code
	TOTP     bool // the user has a TOTP app (without one, only the passkey is offered)
}

func (s *Server) loginCodeSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, _, ok := s.pendingSession(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	ip := s.clientIP(r)
	now := s.st.Now()
	pg := s.page(w, r, "login.code_title", nil)
	pg.Form.Set("next", next)
	client, ok := s.signinGate(w, r, pg, "login_code", p.User.Email, p.User)
	if !ok {
		return
	}
	code := strings.TrimSpace(r.PostForm.Get("code"))
	secret, err := s.st.TOTPSecret(ctx, p.User.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	method := "totp"
	valid := auth.CheckTOTP(code, secret, now)
	if !valid && len(code) > 6 {
		method = "recovery_code"
		valid, err = s.st.UseRecoveryCode(ctx, p.Actor(ip), p.Org.ID, p.User.ID, auth.HashToken(auth.NormalizeRecoveryCode(code)))
		if err != nil {
			s.failErr(w, r, err)
			return
		}
	}
	if !valid {
		s.loginFailed(ctx, now, client, p.User, []vaern.Org{p.Org}, "code")
		pg.Errors = map[string]string{"code": pg.L.T("login.code_wrong")}
		pg.Error = pg.L.T("form.has_errors")
		s.render(w, r, http.StatusUnauthorized, "login_code", pg)
		return
	}
	token, sid := auth.NewToken("")
	ses := vaern.Session{ID: sid, UserID: p.User.ID, OrgID: p.Org.ID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.cfg.SessionMax), IP: ip, UserAgent: truncate(r.UserAgent(), 200), AuthMethod: method}
	if err := s.st.RotateSession(ctx, p.Session.ID, ses); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.signedIn(ctx, w, r, p.User, p.Org.ID, method)
	s.setSessionCookie(w, token, s.cfg.SessionMax)
	if method == "recovery_code" {
		s.setFlash(w, "flash.recovery_code_used")
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	var ended *vaern.Session
	if p := httpx.PrincipalFrom(r.Context()); p != nil && p.Session != nil {
		ended = p.Session
		ctx := r.Context()
		s.scache.drop(p.Session.ID)
		if err := s.st.DeleteSession(ctx, p.Session.ID); err != nil {
			s.failErr(w, r, err)
			return
		}
		err := s.st.Write(ctx, func(tx *store.Tx) error {
			return tx.Audit(ctx, p.Actor(s.clientIP(r)), store.Change{OrgID: p.Org.ID, Action: "auth.logout", ObjectType: "user", ObjectID: p.User.ID})
		})
		if err != nil {
			s.log.Error("audit logout", "err", err)
		}
	} else {
		s.dropOldSession(r)
	}
	// After a single sign-on, on to the identity provider to end its session too (sso_logout.go).
	if s.idpLogout(w, r, ended) {
		return
	}
	s.clearSessionCookie(w)
	s.redirect(w, r, "/login", "flash.signed_out")
}

func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	lang := r.PostForm.Get("lang")
	switch lang {
	case "da", "nb", "en":
	default:
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: "vaern_lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		Secure: s.secure, SameSite: http.SameSiteLaxMode, HttpOnly: true})
	if p := httpx.PrincipalFrom(r.Context()); p != nil {
		if err := s.st.UpdateProfile(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, p.User.ID, p.User.Name, lang); err != nil {
			s.failErr(w, r, err)
			return
		}
	}
	http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
