package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/testserver"
)

type apiSubscription struct {
	ID        int64   `json:"id"`
	ServiceID int64   `json:"service_id"`
	OrgID     int64   `json:"org_id"`
	Status    string  `json:"status"`
	Since     *string `json:"since"`
}

// TestServicesFlow is the catalogue's contract (issue 15): a coordinator requests a service on
// the HTML page, the centre admin approves it, and GET /api/v1/services and
// /api/v1/services/subscriptions show it; another member sees none of it; every API answer is
// checked against the OpenAPI document by the test client.
func TestServicesFlow(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		v := svcOwnService(t, s)
		coord, admin := signIn(t, s, "A:coordinator"), signIn(t, s, "centre-admin")
		tokA := createToken(t, coord, "script")
		tokB := createToken(t, signIn(t, s, "B:coordinator"), "script")
		tokC := createToken(t, admin, "script")
		api := newClient(t, s)

		r := api.api("GET", "/api/v1/services", tokA, "")
		wantStatus(t, "catalogue", r, http.StatusOK)
		if cat := decodeJSON[[]struct{ ID int64 }](t, "catalogue", r); len(cat) != 1 || cat[0].ID != v.ID {
			t.Fatalf("catalogue: %s", r.Body)
		}
		r = coord.get("/services")
		wantStatus(t, "member page", r, http.StatusOK)
		wantStatus(t, "request", coord.post(fmt.Sprintf("/services/%d/request", v.ID), url.Values{"note": {"for the schools"}}), http.StatusSeeOther)
		if r := coord.post(fmt.Sprintf("/services/%d/request", v.ID), url.Values{}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a second request: %d", r.StatusCode)
		}
		r = admin.get("/centre/services/requests")
		wantStatus(t, "queue", r, http.StatusOK)
		if !strings.Contains(r.Body, "for the schools") {
			t.Fatalf("the queue lacks the request")
		}
		subs := decodeJSON[[]apiSubscription](t, "subscriptions", api.api("GET", "/api/v1/services/subscriptions", tokA, ""))
		if len(subs) != 1 || subs[0].Status != "requested" || subs[0].Since != nil {
			t.Fatalf("requested: %+v", subs)
		}
		wantStatus(t, "approve", admin.post(fmt.Sprintf("/centre/services/subscriptions/%d/decide", subs[0].ID),
			url.Values{"action": {"approve"}, "note": {"welcome"}}), http.StatusSeeOther)
		subs = decodeJSON[[]apiSubscription](t, "subscriptions", api.api("GET", "/api/v1/services/subscriptions", tokA, ""))
		if len(subs) != 1 || subs[0].Status != "active" || subs[0].Since == nil {
			t.Fatalf("approved: %+v", subs)
		}
		if got := decodeJSON[[]apiSubscription](t, "B", api.api("GET", "/api/v1/services/subscriptions", tokB, "")); len(got) != 0 {
			t.Fatalf("B sees subscriptions: %+v", got)
		}
		if got := decodeJSON[[]apiSubscription](t, "centre", api.api("GET", "/api/v1/services/subscriptions", tokC, "")); len(got) != 1 || got[0].OrgID != s.Fix.A.ID {
			t.Fatalf("the centre's list: %+v", got)
		}
		r = admin.get(fmt.Sprintf("/centre/services/%d", v.ID))
		wantStatus(t, "service page", r, http.StatusOK)
		if !strings.Contains(r.Body, s.Fix.A.Name) {
			t.Fatalf("the subscribers table lacks %s", s.Fix.A.Name)
		}
		// The coordinator's notification of the decision.
		r = coord.get("/notifications")
		if !strings.Contains(r.Body, "welcome") && !strings.Contains(r.Body, "Tjeneste") {
			t.Errorf("no notification of the decision: %.500s", r.Body)
		}
	})
}

// TestMappingSharedOnly: the centre's table and export hold a member's answers only while the
// member shares them.
func TestMappingSharedOnly(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		fw := mapFrameworkOf(t, s, "mapping")
		coord, analyst := signIn(t, s, "A:coordinator"), signIn(t, s, "centre-analyst")
		path := fmt.Sprintf("/mapping/%d", fw)
		wantStatus(t, "form", coord.get(path), http.StatusOK)
		if r := coord.post(path, url.Values{"NET-02": {"many"}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a bad number: %d", r.StatusCode)
		}
		wantStatus(t, "save", coord.post(path, url.Values{"NET-01": {"shared"}, "SYS-01": {"Sagsystem Zephyr"}}), http.StatusSeeOther)
		table := fmt.Sprintf("/centre/mapping/%d", fw)
		for _, p := range []string{table, table + "/export.csv", table + "/export.xlsx"} {
			r := analyst.get(p)
			wantStatus(t, p, r, http.StatusOK)
			if strings.Contains(r.Body, "Zephyr") {
				t.Fatalf("%s shows an unshared answer", p)
			}
		}
		wantStatus(t, "share", coord.post(path+"/share", url.Values{"share": {"1"}}), http.StatusSeeOther)
		for _, p := range []string{table, table + "/export.csv"} {
			if r := analyst.get(p); !strings.Contains(r.Body, "Zephyr") || !strings.Contains(r.Body, s.Fix.A.Name) {
				t.Fatalf("%s lacks the shared answer", p)
			}
		}
		wantStatus(t, "unshare", coord.post(path+"/share", url.Values{"share": {"0"}}), http.StatusSeeOther)
		if r := analyst.get(table); strings.Contains(r.Body, "Zephyr") {
			t.Fatalf("the table still shows a revoked mapping")
		}
	})
}

// TestOnboardingPages: the coordinator's checklist counts what Værn sees (the fixture's member
// has units), the dashboard shows the progress, the centre sees every member's progress.
func TestOnboardingPages(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		coord := signIn(t, s, "A:coordinator")
		r := coord.get("/onboarding")
		wantStatus(t, "checklist", r, http.StatusOK)
		if !strings.Contains(r.Body, `data-done="true"`) {
			t.Fatalf("no item is done although the member has units")
		}
		if r := coord.get("/"); !strings.Contains(r.Body, `id="onb-dash-progress"`) {
			t.Fatalf("the dashboard shows no onboarding progress")
		}
		r = signIn(t, s, "centre-admin").get("/centre/onboarding")
		wantStatus(t, "centre", r, http.StatusOK)
		if !strings.Contains(r.Body, s.Fix.A.Name) || !strings.Contains(r.Body, s.Fix.B.Name) {
			t.Fatalf("the centre's table lacks a member")
		}
		r = coord.get(fmt.Sprintf("/onboarding/handover/%d", s.Fix.Users["A:respondent"].ID))
		wantStatus(t, "handover", r, http.StatusOK)
	})
}
