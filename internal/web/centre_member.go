package web

import (
	"net/http"
	"strconv"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

type memberData struct {
	Member     vaern.Org
	People     int
	Units      int
	Recoveries []store.Recovery
	Open       *store.Recovery // the recovery under way, if any
	CanSend    bool            // its waiting time is over
}

func (s *Server) memberPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	id, ok := httpx.PathID(r, "id")
	if !ok || id == p.Org.ID {
		return nil, vaern.ErrNotFound
	}
	o, err := s.st.Org(ctx, p.Org.ID, id)
	if err != nil {
		return nil, err
	}
	// The centre sees a member's public facts and how many people and units it has, nothing more.
	people, err := s.st.OrgUsers(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	units, err := s.st.Units(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	recs, err := s.st.Recoveries(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	d := memberData{Member: o, People: len(people), Units: len(units), Recoveries: recs}
	for i := range recs {
		if recs[i].Status == "pending" || recs[i].Status == "invited" {
			d.Open = &recs[i]
			d.CanSend = recs[i].Status == "pending" && !s.st.Now().Before(recs[i].NotBefore)
		}
	}
	pg := s.page(w, r, "member.title", d)
	f := pg.Form
	f.Set("code", o.Code)
	f.Set("name", o.Name)
	f.Set("country", o.Country)
	f.Set("region", o.Region)
	f.Set("population", strconv.Itoa(o.Population))
	f.Set("size_class", o.SizeClass)
	return pg, nil
}

func (s *Server) member(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "member", s.memberPage)
}

func (s *Server) memberUpdate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if err := r.ParseForm(); err != nil || !ok {
		s.notFound(w, r)
		return
	}
	cur, err := s.st.Org(r.Context(), p.Org.ID, id)
	if err != nil || id == p.Org.ID {
		s.notFound(w, r)
		return
	}
	o, err := memberFromForm(r, cur)
	o.ID = id
	if err == nil {
		err = s.st.UpdateMember(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, o)
	}
	if err != nil {
		s.refill(w, r, err, "member", true, func() (*Page, error) { return s.memberPage(w, r) })
		return
	}
	s.redirect(w, r, "/centre/members/"+strconv.FormatInt(id, 10), "flash.saved")
}

func (s *Server) memberInvite(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if err := r.ParseForm(); err != nil || !ok || id == p.Org.ID {
		s.notFound(w, r)
		return
	}
	o, err := s.st.Org(r.Context(), p.Org.ID, id)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	if err := s.invite(r, p, o, r.PostForm.Get("email"), vaern.RoleCoordinator, 0); err != nil {
		s.refill(w, r, err, "member", true, func() (*Page, error) { return s.memberPage(w, r) })
		return
	}
	s.redirect(w, r, "/centre/members/"+strconv.FormatInt(id, 10), "flash.invited")
}
