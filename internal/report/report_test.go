package report_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/export"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/report"
	"github.com/vaern/vaern/internal/results"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// TestKeysExist checks that every rs.* key the report package uses is in all three catalogs.
func TestKeysExist(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`"(rs\.[a-z0-9_.\-]+[a-z0-9_])"`)
	for _, f := range []string{"report.go", "member.go", "department.go", "national.go", "doc.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			for _, l := range i18n.Langs {
				if !cat.Has(l, m[1]) {
					t.Errorf("%s uses %q, which results.%s.json lacks", f, m[1], l)
				}
			}
		}
	}
}

// TestMemberReportExports builds a municipality report from a closed round of seven members and
// renders it in every format, in Danish.
func TestMemberReportExports(t *testing.T) {
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
		var orgs []vaern.Org
		for i := 0; i < 7; i++ {
			o, err := st.CreateMember(ctx, sys, centre.ID, vaern.Org{Code: fmt.Sprint(100 + i), Name: fmt.Sprintf("Ærø-Åbenrå %d", i), Country: "DK",
				Region: "Region Syddanmark", Population: 30000, SizeClass: vaern.SizeMedium})
			if err != nil {
				t.Fatal(err)
			}
			orgs = append(orgs, o)
		}
		now := time.Now()
		r, err := st.CreateRound(ctx, sys, centre.ID, vaern.Round{Year: 2025, FrameworkID: info.ID, Title: "Baseline 2025",
			OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var first int64
		for i, o := range orgs {
			list, err := st.Assessments(ctx, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = list[0].ID
			}
			in := []store.AnswerInput{{QuestionID: "GOV-02", Value: fmt.Sprint(i % 6), Comment: "Vi mangler en godkendt politik"},
				{QuestionID: "GOV-03", Value: "dontknow"}, {QuestionID: "RISK-01", Value: "2"}}
			if err := st.ImportAnswers(ctx, sys, o.ID, list[0].ID, in, true); err != nil {
				t.Fatal(err)
			}
			if err := st.MarkSubmitted(ctx, sys, o.ID, list[0].ID, now); err != nil {
				t.Fatal(err)
			}
		}
		// The centre's own group of all seven (shown: it differs from all by nobody) and one of
		// five (hidden: all minus it is two members).
		var ids []int64
		for _, o := range orgs {
			ids = append(ids, o.ID)
		}
		if _, err := st.SaveMemberGroup(ctx, sys, centre.ID, store.MemberGroup{Name: "Trekantsamarbejdet", MemberIDs: ids}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SaveMemberGroup(ctx, sys, centre.ID, store.MemberGroup{Name: "Fem", MemberIDs: ids[:5]}); err != nil {
			t.Fatal(err)
		}
		if err := st.CloseRound(ctx, sys, centre.ID, r.ID); err != nil {
			t.Fatal(err)
		}
		if err := results.ComputeRound(ctx, st, r.ID, 5); err != nil {
			t.Fatal(err)
		}
		cat, _ := i18n.Load()
		l := cat.For("da")
		b := &report.Builder{St: st, K: 5}
		m, err := b.Member(ctx, l, orgs[0], first)
		if err != nil {
			t.Fatal(err)
		}
		if !m.Final || m.Bench != "shown" || len(m.Trend) != 1 || len(m.FollowUps) != 1 || len(m.Recs) == 0 {
			t.Fatalf("report: final %v bench %s trend %d follow-ups %d recs %d", m.Final, m.Bench, len(m.Trend), len(m.FollowUps), len(m.Recs))
		}
		// The member is compared with its own country first and with all members last; each
		// figure says which group it is.
		var labels []string
		shown := map[string]bool{}
		for _, g := range m.Positions[0].Groups {
			labels = append(labels, g.Label)
			shown[g.Label] = !g.Suppressed
		}
		if len(labels) < 5 || labels[0] != "Medlemmer i Danmark" || labels[len(labels)-1] != "Alle medlemmer (alle lande)" ||
			!shown["Gruppe: Trekantsamarbejdet"] || shown["Gruppe: Fem"] || !shown["Størrelse: mellem (Danmark)"] {
			t.Errorf("benchmark groups: %q %v", labels, shown)
		}
		if c := m.Composition; c == nil || c.Members != 7 || c.Included != 7 || c.Dependent != 0 {
			t.Errorf("composition: %+v", c)
		}
		doc, err := b.MemberDoc(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
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
		sheets := strings.Join(f.GetSheetList(), "|")
		for _, want := range []string{"Fokusområder", "GOV ", "RISK ", "Svar"} {
			if !strings.Contains(sheets, want) {
				t.Errorf("sheets %q lack %q", sheets, want)
			}
		}
		rows, _ := f.GetRows("Svar")
		if len(rows) != 4 || rows[1][0] != "GOV-02" || rows[1][3] != "Vi mangler en godkendt politik" {
			t.Errorf("raw answers: %q", rows)
		}
		csv, err := export.CSV(doc.CSV)
		if err != nil || !strings.Contains(string(csv), "GOV-02") {
			t.Errorf("csv: %v %.200s", err, csv)
		}
		// The national report holds aggregates only: no member's name, no comment.
		n, err := b.National(ctx, l, centre, 0)
		if err != nil {
			t.Fatal(err)
		}
		nd := b.NationalDoc(n)
		nx, err := export.XLSX(nd)
		if err != nil {
			t.Fatal(err)
		}
		js, _ := export.JSON(n)
		for _, blob := range [][]byte{nx, js} {
			if bytes.Contains(blob, []byte("Ærø-Åbenrå")) || bytes.Contains(blob, []byte("Vi mangler")) {
				t.Error("the national export names a member or shows a comment")
			}
		}
		if !bytes.Contains(js, []byte(`"group": "all"`)) || !bytes.Contains(js, []byte(`"n": 7`)) {
			t.Errorf("national JSON lacks the aggregate over all seven members: %.600s", js)
		}
	})
}
