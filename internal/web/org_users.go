package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/auth"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

type usersData struct {
	People []vaern.Member
	Tree   []vaern.UnitNode
	Roles  []vaern.Role // roles the signed-in user may hand out here
}

func grantable(p *vaern.Principal) []vaern.Role {
	var out []vaern.Role
	for _, r := range vaern.Roles {
		if vaern.CanGrant(p.Role, p.Org.Kind, r) {
			out = append(out, r)
		}
	}
	return out
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	p := httpx.PrincipalFrom(r.Context())
	people, err := s.st.OrgUsers(r.Context(), p.Org.ID)
	if err != nil {
		return nil, err
	}
	units, err := s.st.Units(r.Context(), p.Org.ID)
	if err != nil {
		return nil, err
	}
	return s.page(w, r, "users.title", usersData{People: people, Tree: vaern.UnitTree(units), Roles: grantable(p)}), nil
}

func (s *Server) users(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "users", s.usersPage)
}

// invite sends an invitation link for org to email; it is shared by coordinators inviting
// colleagues and the centre inviting a new member's first coordinator.
func (s *Server) invite(r *http.Request, p *vaern.Principal, org vaern.Org, email string, role vaern.Role, unitID int64) error {
	ctx := r.Context()
	email, err := store.NormalizeEmail(email)
	if err != nil {
		return err
	}
	if !vaern.CanGrant(p.Role, org.Kind, role) {
		return vaern.Invalid("role", "is not one you can give")
	}
	// The centre invites into a member only its first coordinator; the store checks that the
	// member has nobody yet, and again when the link is used.
	origin := store.OriginOrg
	if org.ID != p.Org.ID {
		origin = store.OriginCentre
	}
	if unitID != 0 {
		if _, err := s.st.Unit(ctx, org.ID, unitID); err != nil {
			return vaern.Invalid("unit", "is not a unit of this organisation")
		}
	}
	if u, err := s.st.UserByEmail(ctx, email); err == nil {
		if _, err := s.st.OrgUser(ctx, org.ID, u.ID); err == nil {
			return vaern.Invalid("email", "already belongs to this organisation")
		}
	}
	token, hash := auth.NewToken("")
	l := s.cat.For(s.lang(r, p))
	m := vaern.Mail{To: email, Subject: l.T("mail.invite.subject", org.Name),
		Body: l.T("mail.invite.body", p.User.Name, org.Name, l.T("role."+string(role)), s.link("/invite/"+token), int(inviteValidity.Hours()/24))}
	_, err = s.st.CreateInvite(ctx, p.Actor(s.clientIP(r)), vaern.LinkToken{Kind: "invite", Email: email, OrgID: org.ID,
		Role: role, UnitID: unitID, CreatedBy: p.User.ID, ExpiresAt: s.st.Now().Add(inviteValidity), Origin: origin}, hash, m)
	if err == nil {
		s.wakeMail()
	}
	return err
}

func (s *Server) userInvite(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	err := s.invite(r, p, p.Org, r.PostForm.Get("email"), vaern.Role(r.PostForm.Get("role")), formID(r, "unit"))
	if err != nil {
		s.refill(w, r, err, "users", true, func() (*Page, error) { return s.usersPage(w, r) })
		return
	}
	s.redirect(w, r, "/org/users", "flash.invited")
}
