package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/httpx"
)

type accountData struct {
	Sessions     []vaern.Session
	CurrentID    string
	Orgs         []vaern.Org
	Roles        []vaern.Role
	RecoveryLeft int
	Prefs        []notifyPref // e-mail settings per kind of notification
	Modes        []modeOption
	Identities   []vaern.Identity         // the ways the user signs in: password, identity providers
	Providers    []vaern.IdentityProvider // the organisation's providers, to link one
	Passkeys     []vaern.Passkey
	// LastFactor: the one passkey is the person's only second factor (no TOTP app) and the
	// organisation requires one, so it is not offered for removal.
	LastFactor bool
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	p := httpx.PrincipalFrom(r.Context())
	sessions, err := s.st.UserSessions(r.Context(), p.User.ID, s.st.Now())
	if err != nil {
		return nil, err
	}
	orgs, roles, err := s.st.UserOrgs(r.Context(), p.User.ID)
	if err != nil {
		return nil, err
	}
	left, err := s.st.RecoveryCodesLeft(r.Context(), p.User.ID)
	if err != nil {
		return nil, err
	}
	prefs, err := s.notifyPrefs(r, p)
	if err != nil {
		return nil, err
	}
	d := accountData{Sessions: sessions, Orgs: orgs, Roles: roles, RecoveryLeft: left, Prefs: prefs, Modes: modeOptions}
	if d.Identities, err = s.st.UserIdentities(r.Context(), p.User.ID); err != nil {
		return nil, err
	}
	if d.Providers, err = s.st.IdentityProviders(r.Context(), p.Org.ID); err != nil {
		return nil, err
	}
	if d.Passkeys, err = s.st.UserPasskeys(r.Context(), p.User.ID); err != nil {
		return nil, err
	}
	d.LastFactor = p.Org.Require2FA && !p.User.TOTPEnabled && len(d.Passkeys) == 1
	if p.Session != nil {
		d.CurrentID = p.Session.ID
	}
	pg := s.page(w, r, "account.title", d)
	pg.Form.Set("name", p.User.Name)
	pg.Form.Set("lang", p.User.Lang)
	return pg, nil
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "account", s.accountPage)
}

func (s *Server) accountProfile(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	err := s.st.UpdateProfile(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, p.User.ID,
		formValue(r.PostForm, "name", p.User.Name), formValue(r.PostForm, "lang", p.User.Lang))
	if err != nil {
		s.refill(w, r, err, "account", true, func() (*Page, error) { return s.accountPage(w, r) })
		return
	}
	s.redirect(w, r, "/account", "flash.saved")
}

func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	fail := func(err error) {
		pg, perr := s.accountPage(w, r)
		if perr != nil {
			s.failErr(w, r, perr)
			return
		}
		formError(pg, err)
		s.render(w, r, http.StatusUnprocessableEntity, "account", pg)
	}
	_, hash, err := s.st.PasswordLogin(ctx, p.User.Email)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if ok, _ := auth.VerifyPassword(r.PostForm.Get("current"), hash); !ok {
		fail(vaern.Invalid("current", "is not right"))
		return
	}
	pw := r.PostForm.Get("password")
	if err := newPasswordError(pw, r.PostForm.Get("password2"), p.User.Email); err != nil {
		fail(err)
		return
	}
	newHash, err := auth.HashPassword(pw)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := s.st.SetPassword(ctx, p.Actor(s.clientIP(r)), p.Org.ID, p.User.ID, newHash, p.Session.ID); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/account", "flash.password_changed")
}

// accountSwitchOrg moves the session to another organisation the user belongs to, under a new id.
func (s *Server) accountSwitchOrg(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	if err := r.ParseForm(); err != nil || p.Session == nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	id, _ := strconv.ParseInt(r.PostForm.Get("org"), 10, 64)
	orgs, _, err := s.st.UserOrgs(ctx, p.User.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	for _, o := range orgs {
		if o.ID != id {
			continue
		}
		// The organisation's rule on how its people sign in applies on the way in (sso_switch.go).
		if ok, err := s.signinMeets(ctx, p.Session, o.ID); err != nil {
			s.failErr(w, r, err)
			return
		} else if !ok {
			s.switchThroughProvider(w, r, o)
			return
		}
		now := s.st.Now()
		token, sid := auth.NewToken("")
		ses := *p.Session
		ses.ID, ses.OrgID, ses.LastSeenAt = sid, o.ID, now
		if err := s.st.RotateSession(ctx, p.Session.ID, ses); err != nil {
			s.failErr(w, r, err)
			return
		}
		s.setSessionCookie(w, token, time.Until(ses.ExpiresAt))
		http.SetCookie(w, &http.Cookie{Name: "vaern_org", Value: strconv.FormatInt(o.ID, 10), Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
		s.redirect(w, r, "/", "flash.org_switched")
		return
	}
	s.notFound(w, r)
}

func (s *Server) accountSignOutEverywhere(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if _, err := s.st.SignOutEverywhere(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, p.User.ID); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.clearSessionCookie(w)
	s.redirect(w, r, "/login", "flash.signed_out_everywhere")
}
