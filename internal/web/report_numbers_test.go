package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// TestReportNumbersAsNumbers replays issue 11.6 on a Danish coordinator's report: the XLSX export
// holds figures as numbers with a number format (not the text "1,78"), the PDF and the page's
// data tables write the decimal comma everywhere, weights too, and populations have their
// thousands grouped.
func TestReportNumbersAsNumbers(t *testing.T) {
	s := testserver.Start(t, store.SQLite, testserver.Options{})
	ids := anonymityFixture(t, s)
	ctx := context.Background()
	coordID := s.Fix.Users["A:coordinator"].ID
	if err := s.Store.UpdateProfile(ctx, vaern.System("test"), s.Fix.A.ID, coordID, "Koordinator", "da"); err != nil {
		t.Fatal(err)
	}
	coord := s.Login(t, "A:coordinator")
	base := fmt.Sprintf("%s/reports/%d", s.URL, ids["assessment"][0])
	fetch := func(u string) []byte {
		resp, err := coord.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %.300s", u, resp.StatusCode, b)
		}
		return b
	}

	f, err := excelize.OpenReader(bytes.NewReader(fetch(base + "/export?format=xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	textDecimal := regexp.MustCompile(`^-?\d+,\d+$`)
	numbers := 0
	for _, sh := range f.GetSheetList() {
		rows, _ := f.GetRows(sh, excelize.Options{RawCellValue: true})
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if textDecimal.MatchString(v) {
					t.Errorf("%s!%s holds the text %q, not a number", sh, cell, v)
				}
				if typ, _ := f.GetCellType(sh, cell); v == "1.78" && (typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset) {
					style, _ := f.GetCellStyle(sh, cell)
					if st, err := f.GetStyle(style); err == nil && st.NumFmt == 2 {
						numbers++
					}
				}
			}
		}
	}
	if numbers == 0 {
		t.Error("no cell holds the score 1.78 as a number formatted 0.00")
	}

	pdf := readable(t, "application/pdf", fetch(base+"/export?format=pdf"))
	if !strings.Contains(pdf, "(1,78)") || strings.Contains(pdf, "(1.78)") {
		t.Errorf("the Danish PDF does not write the score as 1,78 in its tables")
	}

	page := string(fetch(base))
	for _, tbl := range regexp.MustCompile(`(?s)<table class="data-table">.*?</table>`).FindAllString(page, -1) {
		if m := regexp.MustCompile(`>\s*-?\d+\.\d+\s*<`).FindString(tbl); m != "" {
			t.Errorf("a Danish data table writes %s with a decimal point", m)
		}
	}

	// Weights on the answer page and the centre's framework page; populations on the centre's pages.
	if _, area := get(t, coord, fmt.Sprintf("%s/baseline/%d/area?a=GOV", s.URL, ids["assessment"][0])); strings.Contains(area, "vægt 1.5") || !strings.Contains(area, "vægt 1,5") {
		t.Errorf("the answer page does not write the weight 1,5: %.300s", area)
	}
	admin := s.Login(t, "centre-admin")
	if err := s.Store.UpdateProfile(ctx, vaern.System("test"), s.Fix.Centre.ID, s.Fix.Users["centre-admin"].ID, "Admin", "da"); err != nil {
		t.Fatal(err)
	}
	info, err := s.Store.FrameworkByVersion(ctx, s.Fix.Centre.ID, "vaern-baseline", "2026")
	if err != nil {
		t.Fatal(err)
	}
	if _, body := get(t, admin, fmt.Sprintf("%s/centre/frameworks/%d", s.URL, info.ID)); strings.Contains(body, ">1.5<") || !strings.Contains(body, "1,5") {
		t.Error("the framework page does not write the weight 1,5")
	}
	if _, body := get(t, admin, s.URL+"/centre/members"); !strings.Contains(body, "367.100") {
		t.Error("the member list does not group the population's thousands")
	}
	if st, body := get(t, admin, fmt.Sprintf("%s/centre/members/%d", s.URL, s.Fix.A.ID)); st != http.StatusOK || !strings.Contains(body, "367.100") {
		t.Error("the member page does not group the population's thousands")
	}
}
