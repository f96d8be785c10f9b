package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/incident"
)

// The member's case list with its clocks, the report form, and the centre's queue: the same
// list, scoped by the store (a member its own cases, the centre those reported to it).

type incListData struct {
	Cases   []incRow
	Total   int
	Status  string
	Centre  bool
	Now     time.Time
	Country string
}

type incRow struct {
	vaern.Incident
	Next *vaern.Deadline
}

func (s *Server) incListPage(w http.ResponseWriter, r *http.Request, centre bool) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	status, err := httpx.ChoiceParam(r.URL.Query(), "status", "open", "open", "all", "new", "triage", "in_progress", "contained", "resolved", "closed")
	if err != nil {
		return nil, err
	}
	f := vaern.IncidentFilter{Status: status, Search: r.URL.Query().Get("q"), Limit: 200}
	if status == "all" {
		f.Status = ""
	}
	v := access.Of(p)
	l, err := s.st.Incidents(ctx, v, f)
	if err != nil {
		return nil, err
	}
	now := s.st.Now()
	d := incListData{Total: l.Total, Status: status, Centre: centre, Now: now, Country: p.Org.Country}
	// The next deadline of each listed case, in one query over the listed ids' stored deadlines.
	next, err := s.st.NextDeadlines(ctx, v, caseIDs(l.Cases), now)
	if err != nil {
		return nil, err
	}
	for _, c := range l.Cases {
		row := incRow{Incident: c}
		if dl, ok := next[c.ID]; ok {
			row.Next = &dl
		}
		d.Cases = append(d.Cases, row)
	}
	title := "inc.list.title"
	if centre {
		title = "inc.queue.title"
	}
	return s.page(w, r, title, d), nil
}

func caseIDs(cs []vaern.Incident) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func (s *Server) incList(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	s.show(w, r, "incidents_list", func(w http.ResponseWriter, r *http.Request) (*Page, error) {
		return s.incListPage(w, r, p.Org.IsCentre())
	})
}

func (s *Server) incQueue(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "incidents_list", func(w http.ResponseWriter, r *http.Request) (*Page, error) { return s.incListPage(w, r, true) })
}

type incNewData struct {
	Centre   bool        // the centre records a case for one of its members
	Members  []vaern.Org // the members it may choose from
	Systems  []vaern.ITSystem
	Units    []vaern.UnitNode
	Causes   []string
	Classes  []incident.Class
	Now      string
	Statuses []vaern.IncidentStatus
}

func (s *Server) incNewPage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	d := incNewData{Causes: incident.Causes, Classes: incident.Classes,
		Now: s.st.Now().In(incident.Zone(p.Org.Country)).Format("2006-01-02T15:04")}
	if p.Org.IsCentre() {
		members, err := s.st.Members(ctx, p.Org.ID)
		if err != nil {
			return nil, err
		}
		d.Centre, d.Members = true, members
		return s.page(w, r, "inc.centre_new.title", d), nil
	}
	{
		systems, _, err := s.st.Systems(ctx, p.Org.ID, vaern.SystemFilter{Limit: 1000})
		if err != nil {
			return nil, err
		}
		d.Systems = systems
		units, err := s.st.Units(ctx, p.Org.ID)
		if err != nil {
			return nil, err
		}
		d.Units = vaern.UnitTree(units)
	}
	return s.page(w, r, "inc.new.title", d), nil
}

func (s *Server) incNew(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "incidents_new", s.incNewPage)
}

// formTime reads a datetime-local field as the member's wall clock.
func formTime(r *http.Request, name, country string) (time.Time, error) {
	v := strings.TrimSpace(r.PostForm.Get(name))
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, incident.Zone(country)); err == nil {
			return t, nil
		}
	}
	return time.Time{}, vaern.Invalid(name, "must be a date and time, e.g. 2026-03-06 23:30")
}

func formIDs(r *http.Request, name string) []int64 {
	var out []int64
	for _, v := range r.PostForm[name] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			out = append(out, id)
		}
	}
	return out
}

// incidentForm reads the report form.
func incidentForm(r *http.Request, country string) (vaern.Incident, error) {
	f := r.PostForm
	c := vaern.Incident{Title: f.Get("title"), Description: f.Get("description"), Services: f.Get("services"),
		Cause: f.Get("cause"), Classification: f.Get("classification"), Systems: formIDs(r, "systems"), Units: formIDs(r, "units"),
		PersonalData: f.Get("personal_data") != "", HighRisk: f.Get("high_risk") != "", CrossBorder: f.Get("cross_border") != ""}
	var err error
	if c.AwareAt, err = formTime(r, "aware_at", country); err != nil {
		return c, err
	}
	if c.StartedAt, err = formTime(r, "started_at", country); err != nil {
		return c, err
	}
	for _, k := range []struct {
		name string
		dst  *int
	}{{"severity", &c.Severity}, {"pd_count", &c.PDCount}} {
		if v := strings.TrimSpace(f.Get(k.name)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return c, vaern.Invalid(k.name, "must be a whole number")
			}
			*k.dst = n
		}
	}
	for _, pd := range vaern.PDCategories {
		for _, v := range f["pd"] {
			if v == pd.Key {
				c.PDCategories |= pd.Bit
			}
		}
	}
	for _, line := range strings.Split(f.Get("observables"), "\n") {
		if strings.TrimSpace(line) != "" {
			c.Observables = append(c.Observables, line)
		}
	}
	return c, nil
}

func (s *Server) incCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	c, err := incidentForm(r, p.Org.Country)
	if err == nil {
		c, err = s.st.CreateIncident(r.Context(), p.Actor(s.clientIP(r)), p.Org.ID, c)
	}
	if err != nil {
		s.refill(w, r, err, "incidents_new", true, func() (*Page, error) { return s.incNewPage(w, r) })
		return
	}
	s.redirect(w, r, "/incidents/"+strconv.FormatInt(c.ID, 10), "flash.inc_created")
}

// incCentreCreate records a case for a member (the centre's analysts and admins): the member's
// own case from the start, reported to the centre. The times are read on the member's wall clock.
func (s *Server) incCentreCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, http.StatusBadRequest, "")
		return
	}
	refill := func(err error) {
		s.refill(w, r, err, "incidents_new", true, func() (*Page, error) { return s.incNewPage(w, r) })
	}
	memberID, _ := strconv.ParseInt(r.PostForm.Get("member"), 10, 64)
	var member vaern.Org
	members, err := s.st.Members(ctx, p.Org.ID)
	if err != nil {
		s.fail(w, r, http.StatusInternalServerError, "")
		return
	}
	for _, m := range members {
		if m.ID == memberID {
			member = m
		}
	}
	if member.ID == 0 {
		refill(vaern.Invalid("member", "choose one of the centre's members"))
		return
	}
	c, err := incidentForm(r, member.Country)
	if err == nil {
		c.Systems, c.Units = nil, nil // the centre does not see the member's register or units here
		c, err = s.st.RecordIncident(ctx, p.Actor(s.clientIP(r)), p.Org.ID, member.ID, c)
	}
	if err != nil {
		refill(err)
		return
	}
	s.redirect(w, r, "/incidents/"+strconv.FormatInt(c.ID, 10), "flash.inc_recorded")
}
