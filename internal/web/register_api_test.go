package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/testserver"
)

type apiSystem struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	Vendor       string   `json:"vendor"`
	Product      string   `json:"product"`
	Version      string   `json:"version"`
	CPE          string   `json:"cpe"`
	PURL         string   `json:"purl"`
	Hosting      string   `json:"hosting"`
	Tags         []string `json:"tags"`
	PersonalData []string `json:"personal_data"`
	SystemOwner  string   `json:"system_owner"`
	OwnerID      int64    `json:"system_owner_id"`
	RTOHours     float64  `json:"rto_hours"`
	DPAReview    string   `json:"dpa_review"`
	Components   int      `json:"components"`
}

func decodeJSON[T any](t *testing.T, what string, r *result) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.Body), &v); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, r.Body)
	}
	return v
}

// wantAPIFieldError expects 422 as problem+json naming field.
func wantAPIFieldError(t *testing.T, what string, r *result, field string) {
	t.Helper()
	p := wantProblem(t, what, r, http.StatusUnprocessableEntity)
	if len(p.Errors) != 1 || p.Errors[0].Field != field {
		t.Fatalf("%s: errors %+v, want one naming %q", what, p.Errors, field)
	}
}

// TestRegisterAPI drives /api/v1/systems as a member's script would, with a token: create, list
// with the page's filters, get, change some fields, refuse bad ones the way the form does, read
// components, delete; another member's ids are not found.
func TestRegisterAPI(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		coord := signIn(t, s, "A:coordinator")
		tok := createToken(t, coord, "script")
		api := newClient(t, s)
		call := func(method, path, body string) *result { t.Helper(); return api.api(method, path, tok, body) }

		r := call("POST", "/api/v1/systems", `{"name": "Aula", "vendor": "Netcompany", "product": "Aula", "version": "2.4",
			"cpe": "cpe:2.3:a:netcompany:aula:2.4:*:*:*:*:*:*:*", "purl": "pkg:generic/netcompany/aula@2.4",
			"hosting": "saas", "tags": ["skole", "Kommunikation"], "personal_data": ["ordinary", "national_id"],
			"rto_hours": 24, "dpa_review": "2027-03-01", "system_owner_id": `+fmt.Sprint(s.Fix.Users["A:respondent"].ID)+`}`)
		wantStatus(t, "create", r, http.StatusCreated)
		aula := decodeJSON[apiSystem](t, "create", r)
		if aula.ID == 0 || aula.Name != "Aula" || aula.CPE != "cpe:2.3:a:netcompany:aula:2.4:*:*:*:*:*:*:*" || aula.PURL != "pkg:generic/netcompany/aula@2.4" ||
			aula.RTOHours != 24 || aula.DPAReview != "2027-03-01" || strings.Join(aula.Tags, ",") != "kommunikation,skole" ||
			strings.Join(aula.PersonalData, ",") != "ordinary,national_id" || aula.SystemOwner != s.Fix.Users["A:respondent"].Email {
			t.Fatalf("created %+v", aula)
		}
		wantStatus(t, "second", call("POST", "/api/v1/systems", `{"name": "KMD Opus", "vendor": "KMD", "hosting": "supplier"}`), http.StatusCreated)

		// The list, with the register page's filters.
		r = call("GET", "/api/v1/systems", "")
		wantStatus(t, "list", r, http.StatusOK)
		if list := decodeJSON[[]apiSystem](t, "list", r); len(list) != 2 || list[0].Name != "Aula" || r.Header.Get("X-Total-Count") != "2" {
			t.Fatalf("list %+v, total %q", list, r.Header.Get("X-Total-Count"))
		}
		for q, want := range map[string]string{"?hosting=saas": "Aula", "?q=kmd": "KMD Opus", "?tag=skole": "Aula",
			"?pd=national_id": "Aula", "?sort=-name&limit=1": "KMD Opus", "?sort=name&limit=1&offset=1": "KMD Opus", "?dpa=1": "Aula,KMD Opus"} {
			r := call("GET", "/api/v1/systems"+q, "")
			wantStatus(t, q, r, http.StatusOK)
			var names []string
			for _, x := range decodeJSON[[]apiSystem](t, q, r) {
				names = append(names, x.Name)
			}
			if strings.Join(names, ",") != want {
				t.Errorf("%s: %v, want %s", q, names, want)
			}
		}
		wantAPIFieldError(t, "limit out of range", call("GET", "/api/v1/systems?limit=0", ""), "limit")

		// An update changes only what the body names.
		path := fmt.Sprintf("/api/v1/systems/%d", aula.ID)
		r = call("PATCH", path, `{"version": "2.5", "tags": []}`)
		wantStatus(t, "patch", r, http.StatusOK)
		got := decodeJSON[apiSystem](t, "patch", r)
		if got.Version != "2.5" || len(got.Tags) != 0 || got.Vendor != "Netcompany" || got.CPE != aula.CPE || got.RTOHours != 24 ||
			got.OwnerID != aula.OwnerID || strings.Join(got.PersonalData, ",") != "ordinary,national_id" {
			t.Fatalf("after patch %+v", got)
		}
		// Bad fields: 422 naming the field, and nothing changed.
		for body, field := range map[string]string{
			`{"cpe": "not a cpe"}`:                                "cpe",
			`{"purl": "npm/left-pad"}`:                            "purl",
			`{"name": ""}`:                                        "name",
			`{"name": "KMD Opus"}`:                                "name",
			`{"confidentiality": 7}`:                              "confidentiality",
			`{"confidentiality": "high"}`:                         "confidentiality",
			`{"hosting": "cloud"}`:                                "hosting",
			`{"dpa_review": "31.13.2027"}`:                        "dpa_review",
			`{"personal_data": ["health"]}`:                       "personal_data",
			`{"colour": "blue"}`:                                  "colour",
			`{"components": 3}`:                                   "components",
			`{"system_owner": "x@example.org"}`:                   "system_owner",
			`{"data_owner_id": 999999}`:                           "data_owner",
			`{"unit_id": ` + fmt.Sprint(s.Fix.UnitsB[0].ID) + `}`: "unit",
		} {
			wantAPIFieldError(t, body, call("PATCH", path, body), field)
		}
		wantAPIFieldError(t, "create without a name", call("POST", "/api/v1/systems", `{"vendor": "X"}`), "name")
		wantProblem(t, "not JSON", call("POST", "/api/v1/systems", `name=x`), http.StatusBadRequest)
		r = call("GET", path, "")
		wantStatus(t, "get", r, http.StatusOK)
		if again := decodeJSON[apiSystem](t, "get", r); again.Version != "2.5" || again.Name != "Aula" || again.CPE != aula.CPE {
			t.Fatalf("a refused change changed the system: %+v", again)
		}

		// The form refuses the same value with the same field.
		wantFieldError(t, "form with a bad CPE", coord.post(fmt.Sprintf("/register/systems/%d", aula.ID), form("name", "Aula", "cpe", "not a cpe")), "cpe")

		// Components.
		ctx := context.Background()
		if err := s.Store.ReplaceComponents(ctx, vaern.System("test"), s.Fix.A.ID, aula.ID,
			[]vaern.Component{{Name: "log4j-core", Version: "2.14.1", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}}, "test"); err != nil {
			t.Fatal(err)
		}
		r = call("GET", path+"/components", "")
		wantStatus(t, "components", r, http.StatusOK)
		if comps := decodeJSON[[]struct{ Name, PURL string }](t, "components", r); len(comps) != 1 || comps[0].Name != "log4j-core" {
			t.Fatalf("components %s", r.Body)
		}

		// A respondent changes the systems they own, and no other.
		resp := signIn(t, s, "A:respondent")
		wantStatus(t, "respondent's own system", resp.api("PATCH", path, "", `{"notes": "checked"}`), http.StatusOK)
		wantStatus(t, "respondent's own system", resp.api("DELETE", path, "", ""), http.StatusForbidden)
		opus := decodeJSON[[]apiSystem](t, "list", call("GET", "/api/v1/systems?q=opus", ""))[0]
		wantProblem(t, "respondent, not the owner", resp.api("PATCH", fmt.Sprintf("/api/v1/systems/%d", opus.ID), "", `{"notes": "x"}`), http.StatusForbidden)

		// Another member's system is not found, whatever is asked of it.
		bsys, err := s.Store.CreateSystem(ctx, vaern.System("test"), s.Fix.B.ID, vaern.ITSystem{Name: "Gerica"})
		if err != nil {
			t.Fatal(err)
		}
		bpath := fmt.Sprintf("/api/v1/systems/%d", bsys.ID)
		for _, m := range []struct{ method, path, body string }{{"GET", bpath, ""}, {"PATCH", bpath, `{"name": "x"}`},
			{"PATCH", bpath, `{"cpe": "bad"}`}, {"DELETE", bpath, ""}, {"GET", bpath + "/components", ""}} {
			wantProblem(t, m.method+" "+m.path, call(m.method, m.path, m.body), http.StatusNotFound)
		}
		if _, err := s.Store.System(ctx, s.Fix.B.ID, bsys.ID); err != nil {
			t.Fatalf("B's system was touched: %v", err)
		}
		if list := decodeJSON[[]apiSystem](t, "list", call("GET", "/api/v1/systems?q=gerica", "")); len(list) != 0 {
			t.Fatalf("B's system is in A's list: %+v", list)
		}

		// Delete.
		r = call("DELETE", path, "")
		wantStatus(t, "delete", r, http.StatusNoContent)
		wantProblem(t, "deleted", call("GET", path, ""), http.StatusNotFound)
	})
}
