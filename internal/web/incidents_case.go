package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/incident"
)

// The case page: one case as the member handles it, or as the centre works a reported case
// (the store leaves out the internal entries; the member's own controls are not shown).

type incCaseData struct {
	Case        vaern.Incident
	Own         bool // the viewer's organisation owns the case
	MayManage   bool
	MayWork     bool
	Centre      bool
	Now         time.Time
	Deadlines   []vaern.Deadline
	Regimes     []vaern.AppliedRegime
	RegimeNames map[string]string
	Addable     []incident.Regime
	Entries     []vaern.IncidentEntry
	Tasks       []vaern.IncidentTask
	Links       []vaern.IncidentLink
	Observables []vaern.Observable
	Reports     []vaern.IncidentReport
	Texts       []incident.Report
	Lesson      *vaern.Lesson
	People      []vaern.Member
	Others      []vaern.Incident
	Systems     []string
	Units       []string
	Statuses    []vaern.IncidentStatus
	Causes      []string
	Classes     []incident.Class
	TLPs        []access.TLP
	Kinds       []access.Kind
}

// incCaseLoad reads everything the case page shows, as v sees it.
func (s *Server) incCaseLoad(ctx context.Context, p *vaern.Principal, id int64) (incCaseData, error) {
	v := access.Of(p)
	d := incCaseData{Now: s.st.Now(), Centre: p.Org.IsCentre(), Statuses: vaern.IncidentStatuses, Causes: incident.Causes,
		Classes: incident.Classes, TLPs: access.TLPs, Kinds: []access.Kind{access.AllMembers, access.Group, access.CentreOnly}}
	c, err := s.st.Incident(ctx, v, id)
	if err != nil {
		return d, err
	}
	d.Case = c
	d.Own = c.OrgID == p.Org.ID
	d.MayManage = d.Own && vaern.Can(p.Role, vaern.PermIncidentManage)
	d.MayWork = vaern.Can(p.Role, vaern.PermIncidentWork)
	if d.Deadlines, err = s.st.IncidentDeadlines(ctx, v, id, d.Now); err != nil {
		return d, err
	}
	if d.Regimes, err = s.st.IncidentRegimes(ctx, v, id); err != nil {
		return d, err
	}
	if d.Entries, err = s.st.IncidentEntries(ctx, v, id); err != nil {
		return d, err
	}
	if d.Tasks, err = s.st.IncidentTasks(ctx, v, id); err != nil {
		return d, err
	}
	if d.Links, err = s.st.IncidentLinks(ctx, v, id); err != nil {
		return d, err
	}
	if d.Observables, err = s.st.IncidentObservables(ctx, v, id); err != nil {
		return d, err
	}
	if d.Reports, err = s.st.IncidentReports(ctx, v, id); err != nil {
		return d, err
	}
	if l, err := s.st.IncidentLesson(ctx, v, id); err == nil {
		d.Lesson = &l
	} else if err != vaern.ErrNotFound {
		return d, err
	}
	settings, err := s.incSettingsOf(ctx, c.OrgID)
	if err != nil {
		return d, err
	}
	d.RegimeNames = map[string]string{}
	on := map[string]bool{}
	for _, r := range d.Regimes {
		if !r.Removed {
			on[r.Regime] = true
		}
	}
	for _, r := range settings.All() {
		d.RegimeNames[r.Key] = r.Name
		if !on[r.Key] {
			d.Addable = append(d.Addable, r)
		}
	}
	if d.Own {
		if d.People, err = s.st.OrgUsers(ctx, c.OrgID); err != nil {
			return d, err
		}
		others, err := s.st.Incidents(ctx, v, vaern.IncidentFilter{Limit: 100})
		if err != nil {
			return d, err
		}
		for _, o := range others.Cases {
			if o.ID != id {
				d.Others = append(d.Others, o)
			}
		}
		if len(c.Systems) > 0 {
			for _, sid := range c.Systems {
				if sys, err := s.st.System(ctx, c.OrgID, sid); err == nil {
					d.Systems = append(d.Systems, sys.Name)
				}
			}
		}
		if len(c.Units) > 0 {
			units, err := s.st.Units(ctx, c.OrgID)
			if err != nil {
				return d, err
			}
			for _, u := range units {
				for _, uid := range c.Units {
					if u.ID == uid {
						d.Units = append(d.Units, u.Name)
					}
				}
			}
		}
	}
	d.Texts = s.incTexts(d, settings)
	return d, nil
}

// incTexts are the pre-filled reports of the steps not yet submitted (and the submitted ones
// after them), in the authority's language.
func (s *Server) incTexts(d incCaseData, settings incident.Settings) []incident.Report {
	in := incident.ReportInput{Case: d.Case, Org: d.Case.OrgName, Systems: d.Systems, Units: d.Units}
	if d.Case.HandlerName != "" {
		in.Contact = d.Case.HandlerName
	}
	for _, e := range d.Entries {
		if !e.Internal {
			in.Timeline = append(in.Timeline, e.At.In(incident.Zone(d.Case.Country)).Format("2006-01-02 15:04")+" "+firstLine(e.Text))
		}
	}
	var out []incident.Report
	for _, dl := range d.Deadlines {
		reg, ok := settings.Lookup(dl.Regime)
		if !ok || dl.Status == vaern.DeadlineWaiting {
			continue
		}
		in.Due = dl.DueAt
		out = append(out, incident.BuildReport(reg, dl.Step, in))
	}
	return out
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// incSettingsOf are the incident settings that apply to a member's cases.
func (s *Server) incSettingsOf(ctx context.Context, orgID int64) (incident.Settings, error) {
	b, err := s.st.IncidentSettingsFor(ctx, orgID)
	if err != nil {
		return incident.Settings{}, err
	}
	return incident.ParseSettings(b)
}

func (s *Server) incCasePage(w http.ResponseWriter, r *http.Request) (*Page, error) {
	id, ok := httpx.PathID(r, "id")
	if !ok {
		return nil, vaern.ErrNotFound
	}
	d, err := s.incCaseLoad(r.Context(), httpx.PrincipalFrom(r.Context()), id)
	if err != nil {
		return nil, err
	}
	return s.page(w, r, "inc.case.title", d), nil
}

func (s *Server) incCase(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, "incidents_case", s.incCasePage)
}
