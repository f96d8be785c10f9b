package web

import (
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

type userData struct {
	Person vaern.Member
	Tree   []vaern.UnitNode
	Roles  []vaern.Role
	Self   bool
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, vaern.ErrNotFound
	}
	m, err := s.st.OrgUser(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	units, err := s.st.Units(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	pg := s.page(w, r, "user.title", userData{Person: m, Tree: vaern.UnitTree(units), Roles: grantable(p), Self: m.ID == p.User.ID})
	pg.Form.Set("role", string(m.Role))
	pg.Form.Set("unit", strconv.FormatInt(m.UnitID, 10))
	return pg, nil
}

func (s *Server) user(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "user", s.userPage)
}

// userAction runs a change on one of the organisation's people and answers like a form post.
func (s *Server) userAction(w http.ResponseWriter, r *http.Request, flash string, fn func(p *vaern.Principal, id int64) error) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if err := r.ParseForm(); err != nil || !ok {
		s.notFound(w, r)
		return
	}
	if _, err := s.st.OrgUser(r.Context(), p.Org.ID, id); err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := fn(p, id); err != nil {
		s.refill(w, r, err, "user", false, func() (*Page, error) { return s.userPage(w, r) })
		return
	}
	to := "/org/users/" + strconv.FormatInt(id, 10)
	if flash == "flash.user_removed" {
		to = "/org/users"
	}
	s.redirect(w, r, to, flash)
}

func (s *Server) userRole(w http.ResponseWriter, r *http.Request) {
	s.userAction(w, r, "flash.saved", func(p *vaern.Principal, id int64) error {
		role := vaern.Role(r.PostForm.Get("role"))
		if !vaern.CanGrant(p.Role, p.Org.Kind, role) {
			return vaern.Invalid("role", "is not one you can give")
		}
		return s.st.SetRole(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id, role, formID(r, "unit"))
	})
}

func (s *Server) userRemove(w http.ResponseWriter, r *http.Request) {
	s.userAction(w, r, "flash.user_removed", func(p *vaern.Principal, id int64) error {
		if id == p.User.ID {
			return vaern.Invalid("user", "you cannot remove yourself")
		}
		return s.st.RemoveMember(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id)
	})
}

func (s *Server) userReset2FA(w http.ResponseWriter, r *http.Request) {
	s.userAction(w, r, "flash.2fa_reset", func(p *vaern.Principal, id int64) error {
		return s.st.ResetTOTP(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id)
	})
}

// ---- settings and audit ----
