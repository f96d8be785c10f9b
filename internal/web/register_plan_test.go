package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/register"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// importFile uploads data, maps its columns as guessed and runs the dry run, returning the
// import's address and the dry-run page.
func importFile(t *testing.T, s *testserver.Server, c *http.Client, data string) (string, string) {
	t.Helper()
	st, loc, body := upload(t, c, s.URL+"/register/import", "systemer.csv", []byte(data))
	if st != http.StatusSeeOther {
		t.Fatalf("upload: %d %.300s", st, body)
	}
	tab, err := register.ReadTable([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{}
	for i, k := range register.GuessMapping(tab.Header) {
		form.Set(fmt.Sprintf("col%d", i), k)
	}
	if st, _, _ := postForm(t, c, s.URL+loc+"/check", form); st != http.StatusSeeOther {
		t.Fatalf("check: %d", st)
	}
	_, body = get(t, c, s.URL+loc)
	return loc, body
}

// TestImportDryRunPlan replays issue 11.10: the dry run of a file already imported says
// "0 updated, N unchanged" as the import does, and a changed file lists the systems to create and
// to update with the fields that change.
func TestImportDryRunPlan(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{})
			c := s.Login(t, "A:coordinator")
			file := "Systemnavn;Systemejer;Enhed;Tilgængelighed;Nøgleord;Brug af AI;AI-leverandør\n" +
				"Aula;respondent@aarhus.test.dk;Skoler;høj;Skole, Intra;funktion;Netcompany\n" +
				"KMD Nexus;coordinator@aarhus.test.dk;Skoler;4;;ingen;\n" +
				"Outlook;;;2;mail;;\n"
			loc, body := importFile(t, s, c, file)
			if !strings.Contains(body, "All 3 rows are fine. The import will give: 3 new, 0 updated, 0 unchanged.") {
				t.Fatalf("first dry run: %.3000s", body)
			}
			postForm(t, c, s.URL+loc+"/run", nil)
			if _, body := get(t, c, s.URL+loc); !strings.Contains(body, "Imported: 3 new, 0 updated, 0 unchanged") {
				t.Fatalf("first import: %.2000s", body)
			}
			aula, _ := s.Store.SystemByName(context.Background(), s.Fix.A.ID, "Aula")
			if aula.AIUse != vaern.AIFeature || aula.AISupplier != "Netcompany" || !aula.AIUnchecked() {
				t.Fatalf("AI columns not imported: %+v", aula)
			}
			// The overviews list the system that uses AI without a checked agreement (issue 11.14):
			// the register's overview, its filtered list and the department's management report.
			if _, body := get(t, c, s.URL+"/register"); !strings.Contains(body, "Systems using AI without a checked data-processing agreement") ||
				!strings.Contains(body, fmt.Sprintf(`<a href="/register/systems/%d">Aula</a>`, aula.ID)) {
				t.Errorf("the overview does not list Aula's unchecked AI: %.3000s", body)
			}
			if _, body := get(t, c, s.URL+"/register/systems?ai=1"); !strings.Contains(body, ">Aula<") || strings.Contains(body, "KMD Nexus") {
				t.Errorf("the AI filter: %.2000s", body)
			}
			if st, body := get(t, c, fmt.Sprintf("%s/org/units/%d/report", s.URL, aula.UnitID)); st != http.StatusOK ||
				!strings.Contains(body, "The department&#39;s systems that use AI") || !strings.Contains(body, "<li>Aula</li>") {
				t.Errorf("the department report does not show Aula's unchecked AI: %d %.3000s", st, body)
			}
			// The same file again: nothing to update, as the import itself then reports.
			loc, body = importFile(t, s, c, file)
			if !strings.Contains(body, "0 new, 0 updated, 3 unchanged") {
				t.Fatalf("dry run of the same file: %.3000s", body)
			}
			postForm(t, c, s.URL+loc+"/run", nil)
			if _, body := get(t, c, s.URL+loc); !strings.Contains(body, "Imported: 0 new, 0 updated, 3 unchanged") {
				t.Fatalf("second import: %.2000s", body)
			}
			// A changed file: one new system, one update in two fields, one unchanged.
			changed := strings.Replace(strings.Replace(file, ";høj;", ";4;", 1), "Netcompany", "Microsoft", 1) + "Teams;;;;;;\n"
			_, body = importFile(t, s, c, changed)
			for _, want := range []string{"1 new, 1 updated, 2 unchanged", "<li>Teams</li>",
				"<strong>Aula</strong> (Row 2): Availability, AI supplier", "<li>KMD Nexus</li>"} {
				if !strings.Contains(body, want) {
					t.Errorf("changed dry run lacks %q", want)
				}
			}
			if strings.Contains(body, "<strong>Outlook</strong>") {
				t.Error("an unchanged system is listed as updated")
			}
		})
	}
}

// TestExportLinksKeepFilter replays issue 11.3: the export links of a filtered, sorted list
// carry the filter as a real query string, and following them exports only what the list shows.
func TestExportLinksKeepFilter(t *testing.T) {
	s := testserver.Start(t, store.SQLite, testserver.Options{})
	ctx := context.Background()
	sys := vaern.System("test")
	owner := s.Fix.Users["A:respondent"].ID
	for _, x := range []vaern.ITSystem{{Name: "Aula", SystemOwnerID: owner, DataOwnerID: owner}, {Name: "Nexus"}, {Name: "Outlook"}} {
		if _, err := s.Store.CreateSystem(ctx, sys, s.Fix.A.ID, x); err != nil {
			t.Fatal(err)
		}
	}
	c := s.Login(t, "A:coordinator")
	_, body := get(t, c, s.URL+"/register/systems?noowner=1&sort=-name")
	for _, f := range []string{"csv", "xlsx", "json"} {
		want := `href="/register/export.` + f + `?noowner=1&amp;sort=-name"`
		if !strings.Contains(body, want) {
			t.Fatalf("the %s link is not %s: %.400s", f, want, body[strings.Index(body, "export."+f)-20:])
		}
	}
	resp, err := c.Get(s.URL + "/register/export.json?noowner=1&sort=-name")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	out := string(b)
	if strings.Contains(out, `"Aula"`) || strings.Index(out, `"Outlook"`) > strings.Index(out, `"Nexus"`) {
		t.Fatalf("export ignores the filter or the sort: %s", out)
	}
}
