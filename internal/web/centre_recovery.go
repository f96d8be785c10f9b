package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// A member that lost every coordinator is recovered by the centre in the open: the centre names
// the address the member gave it out of band, every present and former coordinator is told at
// once, and only after store.RecoveryWait can the invitation go out; any coordinator of the member
// can cancel meanwhile. The centre's own users never get a role in the member.

func (s *Server) recoveryMember(w http.ResponseWriter, r *http.Request) (*vaern.Principal, vaern.Org, bool) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if err := r.ParseForm(); err != nil || !ok || id == p.Org.ID {
		s.notFound(w, r)
		return nil, vaern.Org{}, false
	}
	o, err := s.st.Org(r.Context(), p.Org.ID, id)
	if err != nil {
		s.failErr(w, r, err)
		return nil, o, false
	}
	return p, o, true
}

func (s *Server) memberRecoveryStart(w http.ResponseWriter, r *http.Request) {
	p, o, ok := s.recoveryMember(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	rec := store.Recovery{OrgID: o.ID, Email: f.Get("email"), RequestedBy: f.Get("requested_by"), Reason: f.Get("reason")}
	announce := func(u vaern.User) vaern.Mail {
		l := s.cat.For(u.Lang)
		return vaern.Mail{To: u.Email, Subject: l.T("mail.recovery.subject", o.Name),
			Body: l.T("mail.recovery.body", p.Org.Name, o.Name, rec.Email, rec.RequestedBy, int(store.RecoveryWait.Hours()/24), s.link("/"))}
	}
	if _, err := s.st.StartRecovery(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, rec, announce); err != nil {
		s.refill(w, r, err, "member", true, func() (*Page, error) { return s.memberPage(w, r) })
		return
	}
	s.wakeMail()
	s.redirect(w, r, "/centre/members/"+strconv.FormatInt(o.ID, 10), "flash.recovery_started")
}

func (s *Server) memberRecoveryInvite(w http.ResponseWriter, r *http.Request) {
	p, o, ok := s.recoveryMember(w, r)
	if !ok {
		return
	}
	token, hash := auth.NewToken("")
	l := s.cat.For(s.lang(r, p))
	m := vaern.Mail{Subject: l.T("mail.invite.subject", o.Name),
		Body: l.T("mail.invite.body", p.User.Name, o.Name, l.T("role.coordinator"), s.link("/invite/"+token), int(inviteValidity.Hours()/24))}
	lt := vaern.LinkToken{CreatedBy: p.User.ID, ExpiresAt: s.st.Now().Add(inviteValidity)}
	if err := s.st.SendRecoveryInvite(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, o.ID, lt, hash, m); err != nil {
		s.refill(w, r, err, "member", false, func() (*Page, error) { return s.memberPage(w, r) })
		return
	}
	s.wakeMail()
	s.redirect(w, r, "/centre/members/"+strconv.FormatInt(o.ID, 10), "flash.invited")
}

func (s *Server) memberRecoveryCancel(w http.ResponseWriter, r *http.Request) {
	p, o, ok := s.recoveryMember(w, r)
	if !ok {
		return
	}
	// Nothing under way is not an error: someone else may have cancelled it first.
	if err := s.st.CancelRecovery(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, o.ID); err != nil && !errors.Is(err, vaern.ErrNotFound) {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/centre/members/"+strconv.FormatInt(o.ID, 10), "flash.recovery_cancelled")
}

// orgRecoveryCancel lets the member's coordinator stop a recovery the centre started.
func (s *Server) orgRecoveryCancel(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	// In the centre there is never a recovery of the centre itself: nothing to cancel.
	if err := s.st.CancelRecovery(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, p.Org.ID); err != nil && !errors.Is(err, vaern.ErrNotFound) {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/", "flash.recovery_cancelled")
}
