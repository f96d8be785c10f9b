// Package api is Værn's JSON API under /api/v1. Its routes join the HTML routes in one table, pass
// the same authentication and authorization, and answer errors as application/problem+json.
package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/sensor"
	"github.com/vaern/vaern/internal/store"
)

// Config is what the API needs to know.
type Config struct {
	BaseURL  string
	ClientIP func(*http.Request) string // the caller's address, as the web server determines it
	// BenchmarkK is the smallest group the benchmark shows (default 5).
	BenchmarkK int
	// Catalog translates report labels (English when nil).
	Catalog *i18n.Catalog
	// Sensors runs the sensors' ingest (POST /api/v1/sensor/alerts); nil: New builds one that
	// writes to the store directly, with no rate limit.
	Sensors *sensor.Ingester
}

// API serves /api/v1.
type API struct {
	st  *store.Store
	cfg Config
}

// New returns the API over st.
func New(st *store.Store, cfg Config) *API {
	if cfg.ClientIP == nil {
		cfg.ClientIP = func(r *http.Request) string { return r.RemoteAddr }
	}
	if cfg.Sensors == nil && st != nil {
		cfg.Sensors = NewSensorIngester(st, st, sensor.RateLimit{})
	}
	return &API{st: st, cfg: cfg}
}

// Routes is the API's route table.
func (a *API) Routes() []httpx.Route {
	in := vaern.PermSignedIn
	return append([]httpx.Route{
		{Method: http.MethodGet, Pattern: "/api/v1/openapi.json", Handler: a.openapi, API: true, NoSession: true,
			Doc: &httpx.Doc{Summary: "This OpenAPI document", Tag: "meta"}},
		{Method: http.MethodGet, Pattern: "/api/v1/me", Perm: in, Handler: a.me, API: true,
			Doc: &httpx.Doc{Summary: "The signed-in user, their organisation and role", Tag: "me", Response: "Me"}},
		{Method: http.MethodGet, Pattern: "/api/v1/orgs", Perm: vaern.PermViewOrg, Handler: a.orgs, API: true,
			Doc: &httpx.Doc{Summary: "Organisations visible to the caller: their own, and for the centre every member", Tag: "orgs", Response: "Org", Array: true,
				Params: []httpx.Param{{Name: "country", Description: "only members in this country (DK or NO)", Type: "string"}}}},
		{Method: http.MethodGet, Pattern: "/api/v1/orgs/{id}", Perm: vaern.PermViewOrg, Handler: a.org, API: true, IDKind: "org",
			Doc: &httpx.Doc{Summary: "One organisation's public facts", Tag: "orgs", Response: "Org"}},
		{Method: http.MethodGet, Pattern: "/api/v1/orgs/{id}/units", Perm: vaern.PermViewOrg, Handler: a.units, API: true, IDKind: "org",
			Doc: &httpx.Doc{Summary: "The caller's organisation's units, as a tree in depth-first order", Tag: "units", Response: "Unit", Array: true}},
		{Method: http.MethodPost, Pattern: "/api/v1/orgs/{id}/units", Perm: vaern.PermManageUnits, Handler: a.createUnit, API: true, IDKind: "org",
			Doc: &httpx.Doc{Summary: "Create a unit", Tag: "units", Request: "NewUnit", Response: "Unit"}},
		{Method: http.MethodGet, Pattern: "/api/v1/orgs/{id}/users", Perm: vaern.PermViewOrg, Handler: a.users, API: true, IDKind: "org",
			Doc: &httpx.Doc{Summary: "The caller's organisation's people and their roles", Tag: "users", Response: "User", Array: true}},
	}, slices.Concat(a.resultsRoutes(), a.systemRoutes(), a.notificationsRoutes(), a.warningsRoutes(), a.incidentRoutes(),
		a.indicatorRoutes(), a.servicesRoutes(), a.sensorRoutes(), a.earlyWarningRoutes(), a.knowledgeRoutes())...)
}

// JSON shapes. Field names are the API's contract; keep them stable.

type meJSON struct {
	User userJSON `json:"user"`
	Org  orgJSON  `json:"org"`
	Role string   `json:"role"`
	Auth string   `json:"auth"` // "session" or "token"
}

type userJSON struct {
	ID          int64  `json:"id"`
	Email       string `json:"email"`
	Name        string `json:"name"`
	Lang        string `json:"lang,omitempty"`
	TOTPEnabled bool   `json:"totp_enabled"`
	Role        string `json:"role,omitempty"`
	UnitID      int64  `json:"unit_id,omitempty"`
}

type orgJSON struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	Code       string `json:"code"`
	Name       string `json:"name"`
	Country    string `json:"country"`
	Region     string `json:"region"`
	Population int    `json:"population"`
	SizeClass  string `json:"size_class"`
}

type unitJSON struct {
	ID       int64  `json:"id"`
	ParentID int64  `json:"parent_id,omitempty"`
	Name     string `json:"name"`
	Depth    int    `json:"depth"`
	Created  string `json:"created_at"`
}

func toOrg(o vaern.Org) orgJSON {
	return orgJSON{ID: o.ID, Kind: string(o.Kind), Code: o.Code, Name: o.Name, Country: o.Country, Region: o.Region,
		Population: o.Population, SizeClass: o.SizeClass}
}

func (a *API) me(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	how := "session"
	if p.Token != nil {
		how = "token"
	}
	httpx.WriteJSON(w, http.StatusOK, meJSON{
		User: userJSON{ID: p.User.ID, Email: p.User.Email, Name: p.User.Name, Lang: p.User.Lang, TOTPEnabled: p.User.TOTPEnabled},
		Org:  toOrg(p.Org), Role: string(p.Role), Auth: how,
	})
}

func (a *API) orgs(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	out := []orgJSON{toOrg(p.Org)}
	if vaern.Can(p.Role, vaern.PermViewMembers) {
		members, err := a.st.Members(r.Context(), p.Org.ID)
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		q := r.URL.Query()
		q.Set("country", strings.ToUpper(q.Get("country")))
		country, err := httpx.ChoiceParam(q, "country", "", "DK", "NO")
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		for _, m := range members {
			if country == "" || m.Country == country {
				out = append(out, toOrg(m))
			}
		}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (a *API) org(w http.ResponseWriter, r *http.Request) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok {
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return
	}
	tenant := p.Org.ID
	if !vaern.Can(p.Role, vaern.PermViewMembers) {
		// Only centre staff may look at members; everyone else sees their own organisation only.
		if id != p.Org.ID {
			httpx.WriteError(w, r, vaern.ErrNotFound)
			return
		}
	}
	o, err := a.st.Org(r.Context(), tenant, id)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toOrg(o))
}

// ownOrg resolves {id} for the routes that only ever show the caller's own organisation's inside:
// units and people are not public facts, so another organisation's id is not found, also for the
// centre.
func ownOrg(w http.ResponseWriter, r *http.Request) (*vaern.Principal, bool) {
	p := httpx.PrincipalFrom(r.Context())
	id, ok := httpx.PathID(r, "id")
	if !ok || id != p.Org.ID {
		httpx.WriteError(w, r, vaern.ErrNotFound)
		return nil, false
	}
	return p, true
}

func (a *API) units(w http.ResponseWriter, r *http.Request) {
	p, ok := ownOrg(w, r)
	if !ok {
		return
	}
	units, err := a.st.Units(r.Context(), p.Org.ID)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out := []unitJSON{}
	for _, n := range vaern.UnitTree(units) {
		out = append(out, unitJSON{ID: n.ID, ParentID: n.ParentID, Name: n.Name, Depth: n.Depth, Created: n.CreatedAt.Format(time.RFC3339)})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

type newUnitJSON struct {
	Name     string `json:"name"`
	ParentID int64  `json:"parent_id"`
}

func (a *API) createUnit(w http.ResponseWriter, r *http.Request) {
	p, ok := ownOrg(w, r)
	if !ok {
		return
	}
	var in newUnitJSON
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		httpx.WriteProblem(w, r, http.StatusBadRequest, "the body is not a valid NewUnit JSON object: "+err.Error())
		return
	}
	u, err := a.st.CreateUnit(r.Context(), p.Actor(a.cfg.ClientIP(r)), p.Org.ID, in.ParentID, in.Name)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, unitJSON{ID: u.ID, ParentID: u.ParentID, Name: u.Name, Created: u.CreatedAt.Format(time.RFC3339)})
}

func (a *API) users(w http.ResponseWriter, r *http.Request) {
	p, ok := ownOrg(w, r)
	if !ok {
		return
	}
	people, err := a.st.OrgUsers(r.Context(), p.Org.ID)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out := []userJSON{}
	for _, m := range people {
		out = append(out, userJSON{ID: m.ID, Email: m.Email, Name: m.Name, TOTPEnabled: m.TOTPEnabled, Role: string(m.Role), UnitID: m.UnitID})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}
