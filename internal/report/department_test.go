package report_test

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/export"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/report"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestDepartmentRollsUpUnits builds the management report of a department that does not answer
// itself but whose two units do: its figures, recommendations and system status are those of its
// units, and the rest of the organisation is the unit outside it.
func TestDepartmentRollsUpUnits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		sys := vaern.System("test")
		centre, err := st.CreateCentre(ctx, sys, vaern.Org{Code: "C", Name: "Centret", Country: "DK"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.InstallBuiltinFrameworks(ctx, centre.ID); err != nil {
			t.Fatal(err)
		}
		info, err := st.FrameworkByVersion(ctx, centre.ID, "vaern-baseline", "2026")
		if err != nil {
			t.Fatal(err)
		}
		org, err := st.CreateMember(ctx, sys, centre.ID, vaern.Org{Code: "751", Name: "Aarhus", Country: "DK", Region: "Region Midtjylland",
			Population: 367100, SizeClass: vaern.SizeLarge})
		if err != nil {
			t.Fatal(err)
		}
		unit := func(parent int64, name string) vaern.Unit {
			u, err := st.CreateUnit(ctx, sys, org.ID, parent, name)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		dept := unit(0, "Beskæftigelsesforvaltningen")
		job, integ := unit(dept.ID, "Jobcenter"), unit(dept.ID, "Integration")
		culture := unit(0, "Kultur")
		now := time.Now()
		if _, err := st.CreateRound(ctx, sys, centre.ID, vaern.Round{Year: 2026, FrameworkID: info.ID, Title: "Baseline 2026",
			OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(24 * time.Hour)}, []int64{org.ID}); err != nil {
			t.Fatal(err)
		}
		list, err := st.Assessments(ctx, org.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("assessments: %v %v", list, err)
		}
		aid := list[0].ID
		if err := st.SetAssessmentUnits(ctx, sys, org.ID, aid, []int64{job.ID, integ.ID, culture.ID}); err != nil {
			t.Fatal(err)
		}
		in := []store.AnswerInput{{QuestionID: "GOV-09", UnitID: job.ID, Value: "1"}, {QuestionID: "GOV-09", UnitID: integ.ID, Value: "3"},
			{QuestionID: "GOV-10", UnitID: integ.ID, Value: "dontknow"}, {QuestionID: "GOV-09", UnitID: culture.ID, Value: "5"}}
		if err := st.ImportAnswers(ctx, sys, org.ID, aid, in, true); err != nil {
			t.Fatal(err)
		}
		for _, s := range []vaern.ITSystem{{Name: "Jobnet-integration", UnitID: job.ID}, {Name: "Biblioteksystem", UnitID: culture.ID}} {
			if _, err := st.CreateSystem(ctx, sys, org.ID, s); err != nil {
				t.Fatal(err)
			}
		}
		cat, _ := i18n.Load()
		b := &report.Builder{St: st, K: 5}
		d, err := b.Department(ctx, cat.For("da"), org, dept.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !d.TakesPart || d.Assessment == nil || d.Assessment.ID != aid {
			t.Fatalf("the department does not take part through its units: %+v", d)
		}
		var gov *report.DeptAreaRow
		for i := range d.Areas {
			if d.Areas[i].ID == "GOV" {
				gov = &d.Areas[i]
			}
		}
		// GOV-09 is the mean of the two units' answers, 2, and GOV-10's "don't know" counts 0.
		if gov == nil || gov.Unit == nil || gov.Rest == nil || *gov.Rest != 5 || !gov.Below || *gov.Unit >= 2 {
			t.Fatalf("GOV row %+v, want the units' scores below 2, the rest 5, below target", gov)
		}
		if len(d.Units) != 2 || len(d.Recs) == 0 || len(d.FollowUps) != 1 || d.FollowUps[0].Unit != "Integration" {
			t.Errorf("units %+v, %d recommendations, follow-ups %+v", d.Units, len(d.Recs), d.FollowUps)
		}
		if d.Status == nil || d.Status.Systems != 1 || d.Status.NoOwner != 1 || len(d.StatusUnits) != 1 || d.StatusUnits[0].UnitName != "Jobcenter" {
			t.Errorf("system status %+v by unit %+v, want Jobcenter's one system", d.Status, d.StatusUnits)
		}
		// A sub-unit's own report covers only itself.
		j, err := b.Department(ctx, cat.For("da"), org, job.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(j.Units) != 1 || j.Overall.Unit == nil || math.Abs(*j.Overall.Unit-1) > 1e-9 {
			t.Errorf("Jobcenter's report: units %+v overall %v", j.Units, j.Overall.Unit)
		}

		doc := b.DepartmentDoc(d)
		pdf, err := export.PDF(doc, export.PDFOptions{})
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("pdf: %v", err)
		}
		x, err := export.XLSX(doc)
		if err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(x))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(cat.For("da").T("rs.dept_units"))
		if len(rows) != 3 || !strings.Contains(rows[1][0]+rows[2][0], "Jobcenter") || !strings.Contains(rows[1][0]+rows[2][0], "Integration") {
			t.Errorf("the export's units sheet: %q", rows)
		}
		var blocks []string
		for _, bl := range doc.Blocks {
			blocks = append(blocks, bl.Heading, bl.Text)
		}
		if s := strings.Join(blocks, "|"); strings.Contains(s, cat.For("da").T("rs.dept_not_part")) {
			t.Errorf("the PDF says the department did not answer: %s", s)
		}
	})
}
