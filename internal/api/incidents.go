package api

import (
	"encoding/json"
	"net/http"
	"sort"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/httpx"
)

// The incidents API: a member's scripts report incidents and read their cases with the clocks;
// the centre reads the cases reported to it. The store scopes every read: another member's case
// is not found, and the centre never sees internal entries.
func (a *API) incidentRoutes() []httpx.Route {
	return []httpx.Route{
		{Method: http.MethodPost, Pattern: "/api/v1/incidents", Perm: vaern.PermIncidentReport, Handler: a.incidentCreate, API: true,
			Doc: &httpx.Doc{Summary: "Report an incident: a case with its regimes and deadlines", Tag: "incidents", Request: "NewIncident", Response: "IncidentID"}},
		{Method: http.MethodGet, Pattern: "/api/v1/incidents", Perm: vaern.PermIncidentView, Handler: a.incidentList, API: true,
			Doc: &httpx.Doc{Summary: "The caller's organisation's cases, nearest deadline first", Tag: "incidents", Response: "Incident", Array: true,
				Params: []httpx.Param{{Name: "status", Description: "a status, or open", Type: "string"}}}},
		{Method: http.MethodGet, Pattern: "/api/v1/incidents/{id}", Perm: vaern.PermIncidentView, Handler: a.incidentGet, API: true, IDKind: "incident",
			Doc: &httpx.Doc{Summary: "One case with its deadlines (the centre: a case reported to it)", Tag: "incidents", Response: "Incident"}},
		{Method: http.MethodPost, Pattern: "/api/v1/incidents/{id}/report-to-centre", Perm: vaern.PermIncidentManage, Handler: a.incidentReport, API: true, IDKind: "incident",
			Doc: &httpx.Doc{Summary: "Report the case to the centre, whose analysts then see it (never its internal entries)", Tag: "incidents", Response: "Incident"}},
		{Method: http.MethodGet, Pattern: "/api/v1/centre/incidents", Perm: vaern.PermIncidentCentre, Handler: a.centreIncidents, API: true,
			Doc: &httpx.Doc{Summary: "The cases members reported to the centre", Tag: "incidents", Response: "Incident", Array: true}},
	}
}

// incidentsSchemas are the incidents API's schemas.
func incidentsSchemas() map[string]any {
	text := str("")
	when := str("date-time")
	nullTime := map[string]any{"type": []string{"string", "null"}, "format": "date-time"}
	ids := map[string]any{"type": "array", "items": integer()}
	var statuses []string
	for _, s := range vaern.IncidentStatuses {
		statuses = append(statuses, string(s))
	}
	fields := map[string]any{
		"title": text, "description": text, "aware_at": when, "started_at": when,
		"personal_data": boolean(), "high_risk": boolean(), "cross_border": boolean(),
		"pd_count": integer(), "severity": map[string]any{"type": "integer", "minimum": 0, "maximum": 4},
		"cause": text, "classification": text, "services": text,
		"systems": ids, "units": ids,
		"observables": map[string]any{"type": "array", "items": text},
	}
	closed := obj(fields, "title", "aware_at")
	closed["additionalProperties"] = false
	deadline := obj(map[string]any{"regime": text, "step": text,
		"due_at":       nullTime,
		"status":       enum(vaern.DeadlineOpen, vaern.DeadlineOverdue, vaern.DeadlineSubmitted, vaern.DeadlineWaiting),
		"submitted_at": nullTime,
		"legal":        boolean()}, "regime", "step", "due_at", "status")
	shown := map[string]any{"id": integer(), "org_id": integer(), "org": text, "status": enum(statuses...),
		"reported": boolean(), "reported_at": nullTime,
		"created_at": when, "next_due": nullTime,
		"deadlines": map[string]any{"type": "array", "items": ref("Deadline")},
		"regimes":   map[string]any{"type": "array", "items": text}}
	for k, v := range fields {
		shown[k] = v
	}
	shown["started_at"] = nullTime
	return map[string]any{
		"NewIncident": closed,
		"IncidentID":  obj(map[string]any{"id": integer()}, "id"),
		"Deadline":    deadline,
		"Incident":    obj(shown, "id", "title", "aware_at", "status", "reported"),
	}
}

type deadlineJSON struct {
	Regime    string  `json:"regime"`
	Step      string  `json:"step"`
	DueAt     *string `json:"due_at"`
	Status    string  `json:"status"`
	Submitted *string `json:"submitted_at"`
	Legal     bool    `json:"legal"`
}

type incidentJSON struct {
	ID             int64          `json:"id"`
	OrgID          int64          `json:"org_id"`
	Org            string         `json:"org"`
	Title          string         `json:"title"`
	Description    string         `json:"description"`
	AwareAt        string         `json:"aware_at"`
	StartedAt      *string        `json:"started_at"`
	Status         string         `json:"status"`
	Severity       int            `json:"severity"`
	Cause          string         `json:"cause"`
	Classification string         `json:"classification"`
	PersonalData   bool           `json:"personal_data"`
	PDCount        int            `json:"pd_count"`
	HighRisk       bool           `json:"high_risk"`
	CrossBorder    bool           `json:"cross_border"`
	Services       string         `json:"services"`
	Systems        []int64        `json:"systems"`
	Units          []int64        `json:"units"`
	Observables    []string       `json:"observables"`
	Reported       bool           `json:"reported"`
	ReportedAt     *string        `json:"reported_at"`
	CreatedAt      string         `json:"created_at"`
	NextDue        *string        `json:"next_due"`
	Regimes        []string       `json:"regimes"`
	Deadlines      []deadlineJSON `json:"deadlines"`
}

func rfc(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func toIncident(c vaern.Incident) incidentJSON {
	out := incidentJSON{ID: c.ID, OrgID: c.OrgID, Org: c.OrgName, Title: c.Title, Description: c.Description,
		AwareAt: c.AwareAt.UTC().Format(time.RFC3339), StartedAt: rfc(c.StartedAt), Status: string(c.Status), Severity: c.Severity,
		Cause: c.Cause, Classification: c.Classification, PersonalData: c.PersonalData, PDCount: c.PDCount, HighRisk: c.HighRisk,
		CrossBorder: c.CrossBorder, Services: c.Services, Systems: c.Systems, Units: c.Units, Observables: []string{},
		Reported: c.Reported, ReportedAt: rfc(c.ReportedAt), CreatedAt: c.CreatedAt.UTC().Format(time.RFC3339), NextDue: rfc(c.NextDue),
		Regimes: []string{}, Deadlines: []deadlineJSON{}}
	if out.Systems == nil {
		out.Systems = []int64{}
	}
	if out.Units == nil {
		out.Units = []int64{}
	}
	return out
}

// incidentBody reads a new incident, naming the first field that is unknown or of the wrong type.
func incidentBody(r *http.Request) (vaern.Incident, error) {
	var c vaern.Incident
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&raw); err != nil || raw == nil {
		return c, errBadJSON
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	str := func(k string, dst *string) error {
		if json.Unmarshal(raw[k], dst) != nil {
			return vaern.Invalid(k, "must be a string")
		}
		return nil
	}
	bl := func(k string, dst *bool) error {
		if json.Unmarshal(raw[k], dst) != nil {
			return vaern.Invalid(k, "must be true or false")
		}
		return nil
	}
	num := func(k string, dst *int) error {
		if json.Unmarshal(raw[k], dst) != nil {
			return vaern.Invalid(k, "must be a whole number")
		}
		return nil
	}
	tm := func(k string, dst *time.Time) error {
		var s string
		if json.Unmarshal(raw[k], &s) != nil {
			return vaern.Invalid(k, "must be a time in RFC 3339 form, e.g. 2026-03-06T23:30:00+01:00")
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return vaern.Invalid(k, "must be a time in RFC 3339 form, e.g. 2026-03-06T23:30:00+01:00")
		}
		*dst = t
		return nil
	}
	idl := func(k string, dst *[]int64) error {
		if json.Unmarshal(raw[k], dst) != nil {
			return vaern.Invalid(k, "must be a list of ids")
		}
		return nil
	}
	for _, k := range keys {
		var err error
		switch k {
		case "title":
			err = str(k, &c.Title)
		case "description":
			err = str(k, &c.Description)
		case "services":
			err = str(k, &c.Services)
		case "cause":
			err = str(k, &c.Cause)
		case "classification":
			err = str(k, &c.Classification)
		case "aware_at":
			err = tm(k, &c.AwareAt)
		case "started_at":
			err = tm(k, &c.StartedAt)
		case "personal_data":
			err = bl(k, &c.PersonalData)
		case "high_risk":
			err = bl(k, &c.HighRisk)
		case "cross_border":
			err = bl(k, &c.CrossBorder)
		case "severity":
			err = num(k, &c.Severity)
		case "pd_count":
			err = num(k, &c.PDCount)
		case "systems":
			err = idl(k, &c.Systems)
		case "units":
			err = idl(k, &c.Units)
		case "observables":
			if json.Unmarshal(raw[k], &c.Observables) != nil {
				err = vaern.Invalid(k, "must be a list of strings")
			}
		default:
			err = vaern.Invalid(k, "is not a field of an incident")
		}
		if err != nil {
			return c, err
		}
	}
	return c, nil
}

func (a *API) incidentCreate(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	c, err := incidentBody(r)
	if err != nil {
		writeBodyError(w, r, err)
		return
	}
	c, err = a.st.CreateIncident(r.Context(), p.Actor(a.cfg.ClientIP(r)), p.Org.ID, c)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]int64{"id": c.ID})
}

// incidentOut is a case with its observables, regimes and deadlines, as v sees it.
func (a *API) incidentOut(r *http.Request, v access.Principal, id int64) (incidentJSON, error) {
	ctx := r.Context()
	c, err := a.st.Incident(ctx, v, id)
	if err != nil {
		return incidentJSON{}, err
	}
	out := toIncident(c)
	obs, err := a.st.IncidentObservables(ctx, v, id)
	if err != nil {
		return out, err
	}
	for _, o := range obs {
		out.Observables = append(out.Observables, o.Value)
	}
	regs, err := a.st.IncidentRegimes(ctx, v, id)
	if err != nil {
		return out, err
	}
	for _, rg := range regs {
		if !rg.Removed {
			out.Regimes = append(out.Regimes, rg.Regime)
		}
	}
	ds, err := a.st.IncidentDeadlines(ctx, v, id, a.st.Now())
	if err != nil {
		return out, err
	}
	for _, d := range ds {
		out.Deadlines = append(out.Deadlines, deadlineJSON{Regime: d.Regime, Step: d.Step, DueAt: rfc(d.DueAt), Status: d.Status,
			Submitted: rfc(d.Submitted), Legal: d.Legal})
	}
	return out, nil
}

func (a *API) incidentGet(w http.ResponseWriter, r *http.Request) {
	id, ok := httpx.PathID(r, "id")
	if !ok {
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return
	}
	out, err := a.incidentOut(r, access.Of(httpx.PrincipalFrom(r.Context())), id)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (a *API) incidentReport(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return
	}
	v := access.Of(p)
	if err := a.st.ReportToCentre(r.Context(), p.Actor(a.cfg.ClientIP(r)), v, id); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out, err := a.incidentOut(r, v, id)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, out)
}

func (a *API) listIncidents(w http.ResponseWriter, r *http.Request, f vaern.IncidentFilter) {
	v := access.Of(httpx.PrincipalFrom(r.Context()))
	f.Limit = 500
	l, err := a.st.Incidents(r.Context(), v, f)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out := make([]incidentJSON, 0, len(l.Cases))
	for _, c := range l.Cases {
		out = append(out, toIncident(c))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (a *API) incidentList(w http.ResponseWriter, r *http.Request) {
	st := r.URL.Query().Get("status")
	if st != "" && st != "open" && !vaern.IncidentStatus(st).Valid() {
		httpx.WriteError(w, r, vaern.Invalid("status", "must be a status or open"))
		return
	}
	a.listIncidents(w, r, vaern.IncidentFilter{Status: st})
}

func (a *API) centreIncidents(w http.ResponseWriter, r *http.Request) {
	a.listIncidents(w, r, vaern.IncidentFilter{})
}
