package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// The register's contacts (issue 11.9): owners who have no account. A coordinator adds them here
// or in the system form, and invites those with an e-mail; accepting the invitation hands their
// systems to the new user (store.AcceptInvite).

type regContactsData struct {
	Contacts []vaern.Contact
	Units    []vaern.UnitNode
	Roles    []vaern.Role
}

func (s *Server) regContactsPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	contacts, err := s.st.Contacts(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	units, err := s.st.Units(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	return s.page(w, r, "contact.title", regContactsData{Contacts: contacts, Units: vaern.UnitTree(units), Roles: grantable(p)}), nil
}

func (s *Server) regContacts(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "register_contacts", s.regContactsPage)
}

func (s *Server) regContactCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	_, err := s.st.CreateContact(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, vaern.Contact{Name: r.PostForm.Get("contact_name"),
		Email: r.PostForm.Get("contact_email"), UnitID: formID(r, "contact_unit")})
	if err != nil {
		s.refill(w, r, err, "register_contacts", true, func() (*Page, error) { return s.regContactsPage(w, r) })
		return
	}
	s.redirect(w, r, "/register/contacts", "flash.contact_created")
}

// regContactInvite sends the contact the organisation's ordinary invitation, to its e-mail and
// unit, with the role the coordinator picks.
func (s *Server) regContactInvite(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.failErr(w, r, vaern.ErrNotFound)
		return
	}
	c, err := s.st.Contact(ctx, p.Org.ID, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	switch {
	case c.UserID != 0:
		err = vaern.Invalid("email", "the contact already has an account")
	case c.Email == "":
		err = vaern.Invalid("email", "the contact has no e-mail address to invite")
	default:
		err = s.invite(r, p, p.Org, c.Email, vaern.Role(r.PostForm.Get("role")), c.UnitID)
	}
	if err != nil {
		s.refill(w, r, err, "register_contacts", true, func() (*Page, error) { return s.regContactsPage(w, r) })
		return
	}
	s.redirect(w, r, "/register/contacts", "flash.invited")
}
