package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/results"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// rsText reads one text of the results module's catalog internal/i18n/locales/results.LANG.json.
func rsText(t *testing.T, lang, key string, args ...any) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "internal", "i18n", "locales", "results."+lang+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	v, ok := m[key]
	if !ok {
		t.Fatalf("results.%s.json has no %q", lang, key)
	}
	if len(args) > 0 {
		return fmt.Sprintf(v, args...)
	}
	return v
}

// seedResults closes a round in which member A and six others took part, with A's department
// answering the department questions, and computes its results.
func seedResults(t *testing.T, s *testserver.Server) (assessment int64) {
	t.Helper()
	ctx := context.Background()
	sys := vaern.System("e2e")
	st := s.Store
	if _, err := st.InstallBuiltinFrameworks(ctx, s.Fix.Centre.ID); err != nil {
		t.Fatal(err)
	}
	info, err := st.FrameworkByVersion(ctx, s.Fix.Centre.ID, "vaern-baseline", "2026")
	if err != nil {
		t.Fatal(err)
	}
	ids := []int64{s.Fix.A.ID}
	for i := 0; i < 6; i++ {
		m, err := st.CreateMember(ctx, sys, s.Fix.Centre.ID, vaern.Org{Code: fmt.Sprint(700 + i), Name: fmt.Sprintf("Nabokommune %d", i),
			Country: "DK", Region: "Region Midtjylland", Population: 80000, SizeClass: vaern.SizeLarge})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	now := st.Now()
	r, err := st.CreateRound(ctx, sys, s.Fix.Centre.ID, vaern.Round{Year: now.Year() - 1, FrameworkID: info.ID, Title: "Baseline " + fmt.Sprint(now.Year()-1),
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour)}, ids)
	if err != nil {
		t.Fatal(err)
	}
	unit := s.Fix.UnitsA[0].ID
	for i, org := range ids {
		list, err := st.Assessments(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		x := list[0].ID
		in := []store.AnswerInput{{QuestionID: "GOV-02", Value: fmt.Sprint(i % 6)}, {QuestionID: "GOV-03", Value: "dontknow"}}
		if i == 0 {
			assessment = x
			if err := st.SetAssessmentUnits(ctx, sys, org, x, []int64{unit, s.Fix.UnitsA[1].ID}); err != nil {
				t.Fatal(err)
			}
			in = append(in, store.AnswerInput{QuestionID: "GOV-09", UnitID: unit, Value: "1"}, store.AnswerInput{QuestionID: "GOV-09", UnitID: s.Fix.UnitsA[1].ID, Value: "4"},
				store.AnswerInput{QuestionID: "GOV-10", UnitID: unit, Value: "2"})
		}
		if err := st.ImportAnswers(ctx, sys, org, x, in, true); err != nil {
			t.Fatal(err)
		}
		if err := st.MarkSubmitted(ctx, sys, org, x, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.CloseRound(ctx, sys, s.Fix.Centre.ID, r.ID); err != nil {
		t.Fatal(err)
	}
	if err := results.ComputeRound(ctx, st, r.ID, 5); err != nil {
		t.Fatal(err)
	}
	return assessment
}

// TestResultsReports reads the municipality report in Danish, Norwegian and English, opens a
// department's management report from the unit's page, turns a recommendation into a task, and
// reads the centre's national report; axe-core checks every page.
func TestResultsReports(t *testing.T) {
	e := start(t)
	assessment := seedResults(t, e.srv)
	ctx := e.tab(t, true)
	signIn(t, ctx, e.base, e.srv.Fix.Users["A:coordinator"].Email)
	report := fmt.Sprintf("%s/reports/%d", e.base, assessment)
	for _, lang := range []string{"da", "nb", "en"} {
		visit(t, ctx, e.base+"/reports")
		switchLanguage(t, ctx, lang)
		visit(t, ctx, report)
		if got, want := h1(t, ctx), rsText(t, lang, "rs.member_title"); !strings.HasPrefix(got, want) {
			t.Errorf("%s: the report's heading is %q, want it to start with %q", lang, got, want)
		}
		charts := eval[int](t, ctx, "count the charts", `document.querySelectorAll("svg[role=img] > title").length`)
		if charts < 4 {
			t.Errorf("%s: %d charts with a title, want the radar, the trend and two box plots", lang, charts)
		}
		tables := eval[int](t, ctx, "count the data tables", `document.querySelectorAll("figure.rs-chart table").length`)
		if tables != charts {
			t.Errorf("%s: %d charts but %d data tables", lang, charts, tables)
		}
		if html := pageHTML(t, ctx); !strings.Contains(html, rsText(t, lang, "rs.band.top")) && !strings.Contains(html, rsText(t, lang, "rs.band.bottom")) &&
			!strings.Contains(html, rsText(t, lang, "rs.band.upper-middle")) && !strings.Contains(html, rsText(t, lang, "rs.band.lower-middle")) {
			t.Errorf("%s: the report shows no benchmark band", lang)
		}
	}

	// The department's management report is one click from the unit's page.
	unit := e.srv.Fix.UnitsA[0]
	visit(t, ctx, fmt.Sprintf("%s/org/units/%d", e.base, unit.ID))
	if st := clickAndWait(t, ctx, "open the management report", fmt.Sprintf(`a[href="/org/units/%d/report"]`, unit.ID)); st != 200 {
		t.Fatalf("management report: status %d", st)
	}
	checkPage(t, ctx, "management report")
	if got, want := h1(t, ctx), rsText(t, "en", "rs.department_title", unit.Name); got != want {
		t.Errorf("management report heading %q, want %q", got, want)
	}
	if n := eval[int](t, ctx, "count the department's recommendations", `document.querySelectorAll("ol.recs > li").length`); n == 0 {
		t.Error("the management report has no recommendations for the department")
	}

	// Turn the report's first recommendation into a task.
	visit(t, ctx, report)
	do(t, ctx, "open the task form", chromedp.Click(chromedp.CSS(`details.rs-new-action summary`)))
	if st := clickAndWait(t, ctx, "create the task", `details.rs-new-action form button[type="submit"]`); st != 200 {
		t.Fatalf("create task: status %d", st)
	}
	checkPage(t, ctx, "report after creating a task")
	if n := eval[int](t, ctx, "count the tasks", `document.querySelectorAll("#actions table tbody tr").length`); n != 1 {
		t.Errorf("the report's action plan has %d tasks, want 1", n)
	}
	visit(t, ctx, e.base+"/actions")

	// The centre's national report.
	centre := e.tab(t, true)
	signIn(t, centre, e.base, e.srv.Fix.Users["centre-admin"].Email)
	visit(t, centre, e.base+"/centre/national")
	if got, want := h1(t, centre), rsText(t, "en", "rs.national_title"); got != want {
		t.Errorf("national report heading %q, want %q", got, want)
	}
	if n := eval[int](t, centre, "count the national charts", `document.querySelectorAll("svg[role=img]").length`); n < 5 {
		t.Errorf("the national report has %d charts, want at least 5", n)
	}
	if html := pageHTML(t, centre); strings.Contains(html, e.srv.Fix.A.Name) {
		t.Errorf("the national report names member %s", e.srv.Fix.A.Name)
	}
}
