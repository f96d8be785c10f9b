package web

import (
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

type unitsData struct {
	Tree   []vaern.UnitNode
	People map[int64]int // unit id → number of people
}

func (s *Server) unitsPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	p := httpx.PrincipalFrom(r.Context())
	units, err := s.st.Units(r.Context(), p.Org.ID)
	if err != nil {
		return nil, err
	}
	people, err := s.st.OrgUsers(r.Context(), p.Org.ID)
	if err != nil {
		return nil, err
	}
	d := unitsData{Tree: vaern.UnitTree(units), People: map[int64]int{}}
	for _, m := range people {
		if m.UnitID != 0 {
			d.People[m.UnitID]++
		}
	}
	return s.page(w, r, "units.title", d), nil
}

func (s *Server) units(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "units", s.unitsPage)
}

func formID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PostForm.Get(name), 10, 64)
	return id
}

func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	_, err := s.st.CreateUnit(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, formID(r, "parent"), r.PostForm.Get("name"))
	if err != nil {
		s.refill(w, r, err, "units", true, func() (*Page, error) { return s.unitsPage(w, r) })
		return
	}
	s.redirect(w, r, "/org/units", "flash.unit_created")
}
