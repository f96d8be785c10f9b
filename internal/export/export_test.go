package export

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/vaern/vaern/internal/charts"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func sample() Doc {
	v := func(x float64) *float64 { return &x }
	radar := &charts.Chart{ID: "r", Kind: charts.Radar, Title: "Modenhed pr. fokusområde", Desc: "Score og mål.", LabelHead: "Fokusområde",
		Labels: []string{"GOV", "RISK", "TECH"},
		Series: []charts.Series{{Name: "Score", Values: []*float64{v(2.5), v(1.25), nil}}, {Name: "Mål", Values: []*float64{v(3), v(3), v(3)}, Target: true}}}
	areas := Table{Name: "GOV Ledelse og styring", Head: []string{"Spørgsmål", "Score", "Mål"}, Rows: [][]string{{"GOV-01 Er der en politik?", "2.00", "3.00"}, {"GOV-02 Ansvar", "5.00", "5.00"}}}
	return Doc{
		Lang: "da", Title: "Kommunerapport", Org: "Aabenraa Kommune", Round: "Baseline 2025", PageOf: "Side %d af %d", Generated: "Dannet 2026-03-01",
		Blocks: []Block{
			{Heading: "Samlet", Text: "Samlet score 2.52 mod målet 3.85. Æble, øl og ål."},
			{Heading: "Fokusområder", Chart: radar},
			{Heading: "Placering", Table: &Table{Head: []string{"Gruppe", "Medlemmer", "Minimum", "Nedre kvartil", "Median", "Øvre kvartil", "Maksimum", "Gennemsnit"},
				Rows: [][]string{{"Alle medlemmer", "105", "0.50", "1.75", "2.33", "3.10", "4.90", "2.41"}, {"Indbyggere", "58600", "", "", "", "", "", ""}}}},
			{Heading: "Anbefalinger", List: []string{"Få politikken godkendt af direktionen.", "Test gendannelse af sikkerhedskopier."}},
		},
		Sheets: []Table{areas, {Name: "Svar", Head: []string{"Spørgsmål", "Enhed", "Svar", "Kommentar"}, Rows: [][]string{{"GOV-01", "", "2", "Vi mangler godkendelse"}}}},
		CSV:    areas,
	}
}

var tj = regexp.MustCompile(`\(((?:\\.|[^\\)])*)\)\s*Tj`)

// pdfText extracts the text that fpdf writes with Tj in uncompressed content streams, one string
// per line, decoding its escapes and the cp1252 code page.
func pdfText(t *testing.T, b []byte) []string {
	t.Helper()
	var out []string
	dec := charmap.Windows1252.NewDecoder()
	for _, m := range tj.FindAllSubmatch(b, -1) {
		var raw []byte
		s := m[1]
		for i := 0; i < len(s); i++ {
			if s[i] == '\\' && i+1 < len(s) {
				i++
				switch s[i] {
				case 'n':
					raw = append(raw, '\n')
				case 'r':
					raw = append(raw, '\r')
				case 't':
					raw = append(raw, '\t')
				default:
					raw = append(raw, s[i])
				}
				continue
			}
			raw = append(raw, s[i])
		}
		u, err := dec.Bytes(raw)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(u))
	}
	return out
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./internal/export -update creates it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (check, then go test ./internal/export -update):\n%s", name, got)
	}
}

func TestPDFGolden(t *testing.T) {
	b, err := PDF(sample(), PDFOptions{Uncompressed: true, Date: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b, []byte("/MediaBox [0 0 595.28 841.89]")) {
		t.Fatalf("not an A4 PDF: %.200s", b)
	}
	text := pdfText(t, b)
	golden(t, "report.pdf.txt", strings.Join(text, "\n")+"\n")
	joined := strings.Join(text, "\n")
	for _, want := range []string{"Aabenraa Kommune", "Side 1 af", "Æble, øl og ål.", "Modenhed pr. fokusområde", "Kommunerapport · Baseline 2025"} {
		if !strings.Contains(joined, want) {
			t.Errorf("the PDF text lacks %q", want)
		}
	}
	// Numbers as the reader's language writes them; headings whole, never cut with "...".
	for _, want := range []string{"2,41", "58.600", "Medlemmer", "Gennemsnit", "Maksimum"} {
		if !strings.Contains(joined, want) {
			t.Errorf("the PDF text lacks %q", want)
		}
	}
	if strings.Contains(joined, "...") || strings.Contains(joined, "2.41") {
		t.Errorf("the PDF cuts a heading or writes a decimal point in Danish:\n%s", joined)
	}
	// With poppler's pdftotext (Debian: poppler-utils), check that a real reader sees the same.
	if bin, err := exec.LookPath("pdftotext"); err == nil {
		dir := t.TempDir()
		in := filepath.Join(dir, "r.pdf")
		os.WriteFile(in, b, 0o644)
		out, err := exec.Command(bin, "-layout", in, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Aabenraa Kommune", "Æble, øl og ål.", "Side 1 af 2", "Gennemsnit"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("pdftotext does not see %q:\n%s", want, out)
			}
		}
	} else {
		t.Log("pdftotext not installed (apt-get install poppler-utils): checked with the built-in text extraction only")
	}
	// Compressed output is smaller and still a PDF.
	c, err := PDF(sample(), PDFOptions{})
	if err != nil || len(c) >= len(b) {
		t.Errorf("compressed: %d bytes, uncompressed %d, %v", len(c), len(b), err)
	}
}

func TestXLSXGolden(t *testing.T) {
	b, err := XLSX(sample())
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, sh := range f.GetSheetList() {
		out.WriteString("## " + sh + "\n")
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out.WriteString(strings.Join(r, " | ") + "\n")
		}
	}
	golden(t, "report.xlsx.txt", out.String())
	// Figures are numbers with a number format, not text such as "3,67".
	sheet := "GOV Ledelse og styring"
	raw, _ := f.GetCellValue(sheet, "B2", excelize.Options{RawCellValue: true})
	if typ, _ := f.GetCellType(sheet, "B2"); (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) || raw != "2" {
		t.Errorf("score cell type %v value %q, want the number 2", typ, raw)
	}
	style, _ := f.GetCellStyle(sheet, "B2")
	if st, err := f.GetStyle(style); err != nil || st.NumFmt != 2 {
		t.Errorf("score cell number format %+v %v, want 0.00", st, err)
	}
}

func TestCSV(t *testing.T) {
	b, err := CSV(sample().CSV)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report.csv", string(b))
}

func TestSheetName(t *testing.T) {
	used := map[string]bool{}
	if got := sheetName("A/B: en meget lang titel på et fokusområde", 0, used); got != "A-B- en meget lang titel på et " {
		t.Errorf("sheetName = %q", got)
	}
	if got := sheetName("A/B: en meget lang titel på et fokusområde", 1, used); len([]rune(got)) > 31 || got == "A-B- en meget lang titel på et " {
		t.Errorf("repeated sheetName = %q", got)
	}
}
