package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// TestDepartmentReportRollsUp reads the management report of a department that answers through
// its sub-unit, with systems owned by both, as the page and as a PDF.
func TestDepartmentReportRollsUp(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		sys := vaern.System("test")
		id := baselineFor(t, s).byOrg[s.Fix.A.ID]
		top, child := s.Fix.UnitsA[0], s.Fix.UnitsA[1]
		if err := s.Store.SetAssessmentUnits(ctx, sys, s.Fix.A.ID, id, []int64{child.ID}); err != nil {
			t.Fatal(err)
		}
		if err := s.Store.ImportAnswers(ctx, sys, s.Fix.A.ID, id, []store.AnswerInput{{QuestionID: "GOV-09", UnitID: child.ID, Value: "1"}}, true); err != nil {
			t.Fatal(err)
		}
		for _, x := range []vaern.ITSystem{{Name: "Elevplan", UnitID: child.ID}, {Name: "Pladsanvisning", UnitID: top.ID}} {
			if _, err := s.Store.CreateSystem(ctx, sys, s.Fix.A.ID, x); err != nil {
				t.Fatal(err)
			}
		}
		c := signIn(t, s, "A:coordinator")
		page := c.get(fmt.Sprintf("/org/units/%d/report", top.ID))
		wantStatus(t, "department report", page, http.StatusOK)
		wantContains(t, "department report", page.Body, text(s, "rs.dept_units"), text(s, "rs.dept_systems_by_unit"),
			fmt.Sprintf(`href="/register/systems?unit=%d">%s</a>`, child.ID, child.Name), `<p class="big">2</p>`)
		if strings.Contains(page.Body, text(s, "rs.dept_not_part")) {
			t.Error("the department report says the department did not answer")
		}
		pdf := c.get(fmt.Sprintf("/org/units/%d/report/export?format=pdf", top.ID))
		wantStatus(t, "department PDF", pdf, http.StatusOK)
		if !strings.HasPrefix(pdf.Body, "%PDF-") {
			t.Error("the export is not a PDF")
		}
	})
}
