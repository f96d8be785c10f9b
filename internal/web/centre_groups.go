package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// The centre's own benchmark groups (e.g. a regional cooperation's members). A group's
// aggregates follow the same k and independence rules as every other group, and are hidden when
// it differs from another group by fewer than k members (results.NamedHidden).

type groupRow struct {
	store.MemberGroup
	Codes string
}

type groupsData struct {
	Groups []groupRow
	Group  *groupRow
}

func codesOf(g store.MemberGroup, byID map[int64]vaern.Org) string {
	var cs []string
	for _, id := range g.MemberIDs {
		if o, ok := byID[id]; ok {
			cs = append(cs, o.Code)
		}
	}
	sort.Strings(cs)
	return strings.Join(cs, " ")
}

func (s *Server) groupsPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	members, err := s.st.Members(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]vaern.Org{}
	for _, m := range members {
		byID[m.ID] = m
	}
	list, err := s.st.MemberGroups(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	d := groupsData{}
	for _, g := range list {
		d.Groups = append(d.Groups, groupRow{g, codesOf(g, byID)})
	}
	if id, ok := httpx.PathID(r, "id"); ok {
		g, err := s.st.MemberGroup(ctx, p.Org.ID, id)
		if err != nil {
			return nil, err
		}
		d.Group = &groupRow{g, codesOf(g, byID)}
	}
	pg := s.page(w, r, "ind.groups_title", d)
	if d.Group != nil {
		pg.Form.Set("name", d.Group.Name)
		pg.Form.Set("members", d.Group.Codes)
	}
	return pg, nil
}

func (s *Server) groups(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "centre_groups", s.groupsPage)
}

// groupFromForm reads a group's name and its members' codes (separated by spaces, commas or
// lines), naming the first code that is not a member.
func (s *Server) groupFromForm(r *http.Request, centreID int64) (store.MemberGroup, error) {
	g := store.MemberGroup{Name: r.PostForm.Get("name")}
	members, err := s.st.Members(r.Context(), centreID)
	if err != nil {
		return g, err
	}
	byCode := map[string]int64{}
	for _, m := range members {
		byCode[m.Code] = m.ID
	}
	for _, c := range strings.FieldsFunc(r.PostForm.Get("members"), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' }) {
		id, ok := byCode[c]
		if !ok {
			return g, vaern.Invalid("members", "%q is not the code of one of the centre's members", c)
		}
		g.MemberIDs = append(g.MemberIDs, id)
	}
	return g, nil
}

func (s *Server) groupSave(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	g, err := s.groupFromForm(r, p.Org.ID)
	if id, ok := httpx.PathID(r, "id"); ok {
		if _, err := s.st.MemberGroup(r.Context(), p.Org.ID, id); err != nil {
			s.failErr(w, r, err)
			return
		}
		g.ID = id
	}
	if err == nil {
		g, err = s.st.SaveMemberGroup(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, g)
	}
	if err != nil {
		s.refill(w, r, err, "centre_groups", true, func() (*Page, error) { return s.groupsPage(w, r) })
		return
	}
	s.redirect(w, r, "/centre/groups/"+strconv.FormatInt(g.ID, 10), "flash.saved")
}

func (s *Server) groupDelete(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.st.DeleteMemberGroup(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, id); err != nil {
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/centre/groups", "flash.saved")
}
