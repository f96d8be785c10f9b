package web

import (
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

type unitData struct {
	Unit    vaern.Unit
	Tree    []vaern.UnitNode
	People  []vaern.Member
	Parents []vaern.UnitNode // possible new parents (not the unit or its sub-units)
}

func (s *Server) unitPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, vaern.ErrNotFound
	}
	u, err := s.st.Unit(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	units, err := s.st.Units(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	all, err := s.st.OrgUsers(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	d := unitData{Unit: u, Tree: vaern.UnitTree(units)}
	below := map[int64]bool{u.ID: true}
	for _, n := range d.Tree {
		if below[n.ParentID] {
			below[n.ID] = true
		}
		if !below[n.ID] {
			d.Parents = append(d.Parents, n)
		}
	}
	for _, m := range all {
		if m.UnitID == u.ID {
			d.People = append(d.People, m)
		}
	}
	pg := s.page(w, r, "unit.title", d)
	pg.Form.Set("name", u.Name)
	pg.Form.Set("parent", strconv.FormatInt(u.ParentID, 10))
	return pg, nil
}

func (s *Server) unit(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "unit", s.unitPage)
}

func (s *Server) unitUpdate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if err := r.ParseForm(); err != nil || !ok {
		s.notFound(w, r)
		return
	}
	u, err := s.st.Unit(r.Context(), p.Org.ID, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	parent, ok := formInt(r.PostForm, "parent", u.ParentID)
	if !ok {
		err = vaern.Invalid("parent", "is not a unit of this organisation")
	} else {
		err = s.st.UpdateUnit(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id, parent, formValue(r.PostForm, "name", u.Name))
	}
	if err != nil {
		s.refill(w, r, err, "unit", true, func() (*Page, error) { return s.unitPage(w, r) })
		return
	}
	s.redirect(w, r, "/org/units/"+strconv.FormatInt(id, 10), "flash.saved")
}

func (s *Server) unitDelete(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	err := s.st.DeleteUnit(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id)
	if err != nil {
		s.refill(w, r, err, "unit", false, func() (*Page, error) { return s.unitPage(w, r) })
		return
	}
	s.redirect(w, r, "/org/units", "flash.unit_deleted")
}

// ---- people ----
