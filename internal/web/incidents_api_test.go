package web_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/vaern/vaern/internal/testserver"
)

type apiIncident struct {
	ID          int64    `json:"id"`
	Title       string   `json:"title"`
	Status      string   `json:"status"`
	Reported    bool     `json:"reported"`
	Observables []string `json:"observables"`
	Regimes     []string `json:"regimes"`
	Deadlines   []struct {
		Regime string  `json:"regime"`
		Step   string  `json:"step"`
		DueAt  *string `json:"due_at"`
		Status string  `json:"status"`
	} `json:"deadlines"`
}

// TestIncidentsAPIContract is the contract the checks rely on (issue 13): POST /api/v1/incidents
// → 201 {id}; a bad field → 422 naming it; GET /api/v1/incidents/{id} with deadlines; another
// member's id → 404; report-to-centre; the centre's list holds reported cases only. Every answer
// is checked against the OpenAPI document by the test client.
func TestIncidentsAPIContract(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		tokA := createToken(t, signIn(t, s, "A:coordinator"), "script")
		tokB := createToken(t, signIn(t, s, "B:coordinator"), "script")
		tokC := createToken(t, signIn(t, s, "centre-analyst"), "script")
		api := newClient(t, s)

		r := api.api("POST", "/api/v1/incidents", tokA, `{"title":"Ransomware on file server","aware_at":"2026-03-06T23:30:00+01:00",
			"personal_data":true,"systems":[],"observables":["hxxp://evil[.]example[.]com/pay","203.0.113.9"]}`)
		wantStatus(t, "create", r, http.StatusCreated)
		created := decodeJSON[struct{ ID int64 }](t, "create", r)
		if created.ID == 0 {
			t.Fatalf("no id: %s", r.Body)
		}
		for _, bad := range []struct{ body, field string }{
			{`{"title":"x","aware_at":"yesterday"}`, "aware_at"},
			{`{"title":"","aware_at":"2026-03-06T23:30:00Z"}`, "title"},
			{`{"title":"x","aware_at":"2026-03-06T23:30:00Z","personal_data":"yes"}`, "personal_data"},
			{`{"title":"x","aware_at":"2026-03-06T23:30:00Z","systems":[999999]}`, "systems"},
			{`{"title":"x","aware_at":"2026-03-06T23:30:00Z","observables":["not an observable"]}`, "observables"},
		} {
			wantAPIFieldError(t, bad.body, api.api("POST", "/api/v1/incidents", tokA, bad.body), bad.field)
		}
		path := fmt.Sprintf("/api/v1/incidents/%d", created.ID)
		r = api.api("GET", path, tokA, "")
		wantStatus(t, "get", r, http.StatusOK)
		got := decodeJSON[apiIncident](t, "get", r)
		steps := map[string]string{}
		for _, d := range got.Deadlines {
			if d.DueAt != nil {
				steps[d.Regime+"/"+d.Step] = *d.DueAt
			}
		}
		if steps["nis2-dk/early_warning"] != "2026-03-07T22:30:00Z" || steps["gdpr-33/notification"] != "2026-03-09T22:30:00Z" {
			t.Errorf("deadlines %+v", got.Deadlines)
		}
		if len(got.Observables) != 2 {
			t.Errorf("observables %v", got.Observables)
		}
		wantStatus(t, "B reads A's case", api.api("GET", path, tokB, ""), http.StatusNotFound)
		wantStatus(t, "centre before report", api.api("GET", path, tokC, ""), http.StatusNotFound)
		if l := decodeJSON[[]apiIncident](t, "centre list", api.api("GET", "/api/v1/centre/incidents", tokC, "")); len(l) != 0 {
			t.Errorf("centre sees %d unreported cases", len(l))
		}
		wantStatus(t, "B reports A's case", api.api("POST", path+"/report-to-centre", tokB, ""), http.StatusNotFound)
		wantStatus(t, "report", api.api("POST", path+"/report-to-centre", tokA, ""), http.StatusCreated)
		l := decodeJSON[[]apiIncident](t, "centre list", api.api("GET", "/api/v1/centre/incidents", tokC, ""))
		if len(l) != 1 || l[0].ID != created.ID || !l[0].Reported {
			t.Errorf("centre list %+v", l)
		}
		wantStatus(t, "centre reads reported", api.api("GET", path, tokC, ""), http.StatusOK)
		wantStatus(t, "member may not use the centre list", api.api("GET", "/api/v1/centre/incidents", tokA, ""), http.StatusForbidden)
	})
}
