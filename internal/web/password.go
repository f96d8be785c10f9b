package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/store"
)

const (
	resetValidity  = time.Hour
	inviteValidity = 7 * 24 * time.Hour
)

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "password_forgot", s.page(w, r, "forgot.title", nil))
}

// forgotSubmit always answers the same, so the form does not tell which addresses have accounts.
func (s *Server) forgotSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	pg := s.page(w, r, "forgot.title", nil)
	email, err := store.NormalizeEmail(r.PostForm.Get("email"))
	if err != nil {
		pg.Form.Set("email", r.PostForm.Get("email"))
		formError(pg, err)
		s.render(w, r, http.StatusUnprocessableEntity, "password_forgot", pg)
		return
	}
	ip := s.clientIP(r)
	now := s.st.Now()
	// Reset requests count against the address like failed sign-ins, so the form cannot be used to
	// flood someone's mailbox.
	if locked, err := s.lockedOut(ctx, now, "ip:"+ip, "reset:"+email); err != nil {
		s.failErr(w, r, err)
		return
	} else if !locked.IsZero() {
		pg.Error = waitMessage(pg.L, now, locked)
		s.render(w, r, http.StatusTooManyRequests, "password_forgot", pg)
		return
	}
	if _, err := s.st.ThrottleFailure(ctx, "reset:"+email, now, time.Hour, fixedHold(3, time.Hour)); err != nil {
		s.log.Error("throttle", "err", err)
	}
	u, err := s.st.UserByEmail(ctx, email)
	switch {
	case err == nil && !u.Disabled:
		orgs, _, err := s.st.UserOrgs(ctx, u.ID)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		var orgID int64
		if len(orgs) > 0 {
			orgID = orgs[0].ID
		}
		token, hash := auth.NewToken("")
		l := s.cat.For(s.lang(r, nil))
		if u.Lang != "" {
			l = s.cat.For(u.Lang)
		}
		m := vaern.Mail{To: u.Email, Subject: l.T("mail.reset.subject"),
			Body: l.T("mail.reset.body", s.link("/password/reset/"+token), int(resetValidity.Minutes()))}
		_, err = s.st.CreateLinkToken(ctx, vaern.Actor{UserID: u.ID, Email: u.Email, IP: ip},
			vaern.LinkToken{Kind: "reset", Email: u.Email, UserID: u.ID, OrgID: orgID, ExpiresAt: now.Add(resetValidity)}, hash, m)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		s.wakeMail()
	case err != nil && !errors.Is(err, vaern.ErrNotFound):
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/login", "flash.reset_sent")
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request) {
	if _, err := s.st.LinkToken(r.Context(), "reset", auth.HashToken(r.PathValue("token")), s.st.Now()); err != nil {
		s.render(w, r, http.StatusNotFound, "link_invalid", s.page(w, r, "link.invalid_title", nil))
		return
	}
	s.render(w, r, http.StatusOK, "password_reset", s.page(w, r, "reset.title", nil))
}

func (s *Server) resetSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	pg := s.page(w, r, "reset.title", nil)
	pw, pw2 := r.PostForm.Get("password"), r.PostForm.Get("password2")
	hashTok := auth.HashToken(r.PathValue("token"))
	lt, err := s.st.LinkToken(ctx, "reset", hashTok, s.st.Now())
	if err != nil {
		s.render(w, r, http.StatusNotFound, "link_invalid", s.page(w, r, "link.invalid_title", nil))
		return
	}
	if err := newPasswordError(pw, pw2, lt.Email); err != nil {
		formError(pg, err)
		s.render(w, r, http.StatusUnprocessableEntity, "password_reset", pg)
		return
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	err = s.st.UseLinkToken(ctx, "reset", hashTok, func(tx *store.Tx, lt vaern.LinkToken) error {
		return tx.SetPassword(ctx, vaern.Actor{UserID: lt.UserID, Email: lt.Email, IP: s.clientIP(r)}, lt.OrgID, lt.UserID, hash, "")
	})
	if errors.Is(err, vaern.ErrNotFound) {
		s.render(w, r, http.StatusNotFound, "link_invalid", s.page(w, r, "link.invalid_title", nil))
		return
	}
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	// Whoever can read the mailbox is the owner: their waits end here.
	for _, k := range []string{"acct:" + lt.Email, "pair:" + lt.Email + "|" + s.clientIP(r)} {
		if err := s.st.ThrottleReset(ctx, k); err != nil {
			s.log.Error("throttle reset", "err", err)
		}
	}
	s.redirect(w, r, "/login", "flash.password_reset")
}

// newPasswordError checks a new password and its repetition.
func newPasswordError(pw, pw2, email string) error {
	if err := auth.CheckPasswordPolicy(pw, email); err != nil {
		return err
	}
	if pw != pw2 {
		return vaern.Invalid("password2", "does not match the password")
	}
	return nil
}

func (s *Server) inviteForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	lt, err := s.st.LinkToken(ctx, "invite", auth.HashToken(r.PathValue("token")), s.st.Now())
	if err != nil {
		s.render(w, r, http.StatusNotFound, "link_invalid", s.page(w, r, "link.invalid_title", nil))
		return
	}
	s.render(w, r, http.StatusOK, "invite", s.invitePage(w, r, lt))
}

type inviteData struct {
	Email    string
	OrgName  string
	Role     vaern.Role
	Existing bool
}

func (s *Server) invitePage(w http.ResponseWriter, r *http.Request, lt vaern.LinkToken) *Page {
	d := inviteData{Email: lt.Email, Role: lt.Role}
	if o, err := s.st.Org(r.Context(), lt.OrgID, lt.OrgID); err == nil {
		d.OrgName = o.Name
	}
	if _, err := s.st.UserByEmail(r.Context(), lt.Email); err == nil {
		d.Existing = true
	}
	return s.page(w, r, "invite.title", d)
}

// inviteSubmit accepts an invitation: a new person chooses a name and password; someone who already
// has an account confirms with their password and gains the membership.
func (s *Server) inviteSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	hashTok := auth.HashToken(r.PathValue("token"))
	lt, err := s.st.LinkToken(ctx, "invite", hashTok, s.st.Now())
	if err != nil {
		s.render(w, r, http.StatusNotFound, "link_invalid", s.page(w, r, "link.invalid_title", nil))
		return
	}
	pg := s.invitePage(w, r, lt)
	d := pg.Data.(inviteData)
	pw := r.PostForm.Get("password")
	name := strings.TrimSpace(r.PostForm.Get("name"))
	pg.Form.Set("name", name)
	ip := s.clientIP(r)
	var apply func(tx *store.Tx, lt vaern.LinkToken) error
	if d.Existing {
		// The password is checked like a sign-in, so the form honours the sign-in throttle too.
		now := s.st.Now()
		u, hash, err := s.st.PasswordLogin(ctx, lt.Email)
		if err != nil && !errors.Is(err, vaern.ErrNotFound) {
			s.failErr(w, r, err)
			return
		}
		client, ok := s.signinGate(w, r, pg, "invite", lt.Email, u)
		if !ok {
			return
		}
		ok = false
		if hash != "" {
			ok, _ = auth.VerifyPassword(pw, hash)
		}
		if !ok {
			s.loginFailed(ctx, now, client, u, nil, "invite")
			formError(pg, vaern.Invalid("password", "is not right"))
			s.render(w, r, http.StatusUnprocessableEntity, "invite", pg)
			return
		}
		apply = func(tx *store.Tx, lt vaern.LinkToken) error {
			return tx.AcceptInvite(ctx, vaern.Actor{UserID: u.ID, Email: u.Email, IP: ip}, lt, u.ID, store.NewUser{})
		}
	} else {
		if name == "" {
			formError(pg, vaern.Invalid("name", "is required"))
			s.render(w, r, http.StatusUnprocessableEntity, "invite", pg)
			return
		}
		if err := newPasswordError(pw, r.PostForm.Get("password2"), lt.Email); err != nil {
			formError(pg, err)
			s.render(w, r, http.StatusUnprocessableEntity, "invite", pg)
			return
		}
		hash, err := auth.HashPassword(pw)
		if err != nil {
			s.failErr(w, r, err)
			return
		}
		apply = func(tx *store.Tx, lt vaern.LinkToken) error {
			return tx.AcceptInvite(ctx, vaern.Actor{Email: lt.Email, IP: ip}, lt, 0, store.NewUser{Name: name, Lang: pg.L.Lang, PasswordHash: hash})
		}
	}
	err = s.st.UseLinkToken(ctx, "invite", hashTok, apply)
	if err != nil {
		if formError(pg, err) {
			s.render(w, r, http.StatusUnprocessableEntity, "invite", pg)
			return
		}
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/login", "flash.invite_accepted")
}
