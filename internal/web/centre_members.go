package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// Bar is one bar of a server-rendered bar chart.
type Bar struct {
	Label string // i18n key or plain text
	Group string
	Value int
	Width int // percent of the largest bar
}

func membersBySize(members []vaern.Org) []Bar {
	counts := map[string]int{}
	for _, m := range members {
		counts[m.Country+"|"+m.SizeClass]++
	}
	var bars []Bar
	maxV := 0
	for _, c := range []string{"DK", "NO"} {
		for _, sz := range []string{vaern.SizeSmall, vaern.SizeMedium, vaern.SizeLarge} {
			v := counts[c+"|"+sz]
			bars = append(bars, Bar{Label: "size." + sz, Group: c, Value: v})
			maxV = max(maxV, v)
		}
	}
	for i := range bars {
		if maxV > 0 {
			bars[i].Width = bars[i].Value * 100 / maxV
		}
	}
	return bars
}

// ---- the centre's members ----

type membersData struct {
	Members []vaern.Org
	Query   string
	Country string
}

func (s *Server) members(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	all, err := s.st.Members(r.Context(), p.Org.ID)
	if err != nil {
		s.failErr(w, r, err)
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	country, err := httpx.ChoiceParam(r.URL.Query(), "country", "", "DK", "NO")
	if s.badParam(w, r, err) {
		return
	}
	d := membersData{Query: q, Country: country}
	for _, m := range all {
		if country != "" && m.Country != country {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(m.Name), strings.ToLower(q)) && m.Code != q {
			continue
		}
		d.Members = append(d.Members, m)
	}
	pg := s.page(w, r, "members.title", d)
	pg.Form.Set("q", q)
	pg.Form.Set("country", country)
	s.render(w, r, http.StatusOK, "members", pg)
}

func (s *Server) memberNew(w http.ResponseWriter, r *http.Request) {
	pg := s.page(w, r, "member.new_title", nil)
	pg.Form.Set("country", "DK")
	s.render(w, r, http.StatusOK, "member_new", pg)
}

// memberFromForm reads the member form over cur: a field the post does not send keeps cur's value.
func memberFromForm(r *http.Request, cur vaern.Org) (vaern.Org, error) {
	f := r.PostForm
	o := vaern.Org{Code: formValue(f, "code", cur.Code), Name: formValue(f, "name", cur.Name), Country: formValue(f, "country", cur.Country),
		Region: formValue(f, "region", cur.Region), SizeClass: formValue(f, "size_class", cur.SizeClass), Population: cur.Population}
	if _, sent := f["population"]; sent {
		o.Population = 0
	}
	// Population is written with or without thousands separators (58.600, 58 600, 58,600).
	if v := strings.TrimSpace(strings.NewReplacer(".", "", " ", "", "\u00a0", "", ",", "").Replace(formValue(f, "population", ""))); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return o, vaern.Invalid("population", "is not a whole number")
		}
		o.Population = n
	}
	if o.SizeClass == "" && o.Population > 0 {
		o.SizeClass = vaern.SizeClassOf(o.Population)
	}
	return o, nil
}

func (s *Server) memberCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	o, err := memberFromForm(r, vaern.Org{})
	if err == nil {
		o, err = s.st.CreateMember(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, o)
	}
	if err != nil {
		pg := s.page(w, r, "member.new_title", nil)
		if formError(pg, err) {
			pg.Form = r.PostForm
			s.render(w, r, http.StatusUnprocessableEntity, "member_new", pg)
			return
		}
		s.failErr(w, r, err)
		return
	}
	s.redirect(w, r, "/centre/members/"+strconv.FormatInt(o.ID, 10), "flash.member_created")
}
