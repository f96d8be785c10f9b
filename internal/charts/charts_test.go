package charts

import (
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func examples() []Chart {
	v := func(x float64) *float64 { return &x }
	return []Chart{
		{ID: "radar", Kind: Radar, Title: "Modenhed pr. fokusområde", Desc: "Score og mål for seks fokusområder på skalaen 0 til 5.",
			Labels: []string{"GOV", "RISK", "TECH", "AWARE", "INC", "SUP"}, LabelHead: "Fokusområde",
			Series: []Series{{Name: "Score", Values: []*float64{v(2.5), v(3.1), v(1.8), v(4), nil, v(2.25)}},
				{Name: "Mål", Values: []*float64{v(3), v(3), v(3.5), v(3), v(3), v(3)}, Target: true}}},
		{ID: "bars", Kind: Bars, Title: "Afdeling mod resten", Desc: "Søjler for afdelingen og resten af organisationen.",
			Labels: []string{"GOV", "RISK", "Æøå"}, LabelHead: "Fokusområde",
			Series: []Series{{Name: "Afdelingen", Values: []*float64{v(2), v(3.333), nil}}, {Name: "Resten", Values: []*float64{v(2.5), v(1), v(4)}},
				{Name: "Mål", Values: []*float64{v(3), v(3), v(3)}, Target: true}}},
		{ID: "lines", Kind: Lines, Title: "Udvikling", Desc: "Samlet score pr. år.", Labels: []string{"2023", "2024", "2025", "2026"}, LabelHead: "År",
			Series: []Series{{Name: "Samlet", Values: []*float64{v(1.9), nil, v(2.4), v(2.6)}}, {Name: "Mål", Values: []*float64{v(3), v(3), v(3), v(3)}, Target: true}}},
		{ID: "boxes", Kind: Boxes, Title: "Fordeling", Desc: "Boksplot pr. gruppe.", LabelHead: "Gruppe",
			BoxCols:        []string{"n", "min", "Q1", "median", "Q3", "max", "middel", "jer"},
			SuppressedText: "skjult (færre end 5)",
			Boxes: []Box{{Label: "Alle", N: 98, Min: 0.5, Q1: 1.9, Median: 2.4, Q3: 3.0, Max: 4.6, Mean: 2.41, Marker: v(2.7)},
				{Label: "Små", Suppressed: true}}},
	}
}

func TestGolden(t *testing.T) {
	for _, c := range examples() {
		svg := c.SVG()
		head, rows := c.Table()
		var tb strings.Builder
		tb.WriteString(strings.Join(head, " | ") + "\n")
		for _, r := range rows {
			tb.WriteString(strings.Join(r, " | ") + "\n")
		}
		got := svg + "\n" + tb.String()
		path := filepath.Join("testdata", c.ID+".golden")
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./internal/charts -update to create it)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from %s (run with -update after checking the change):\n%s", c.ID, path, got)
		}
		// Well-formed XML with a title and a description, an image role and no style attributes.
		if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
			t.Errorf("%s: not well-formed: %v", c.ID, err)
		}
		for _, must := range []string{`role="img"`, `<title id="` + c.ID + `-t">`, `<desc id="` + c.ID + `-d">`, `aria-labelledby="` + c.ID + `-t ` + c.ID + `-d"`} {
			if !strings.Contains(svg, must) {
				t.Errorf("%s lacks %s", c.ID, must)
			}
		}
		if strings.Contains(svg, "style=") {
			t.Errorf("%s has a style attribute, which the CSP forbids", c.ID)
		}
	}
}

func TestTable(t *testing.T) {
	c := examples()[3]
	head, rows := c.Table()
	if len(head) != 9 || rows[0][3] != "1.90" || rows[0][8] != "2.70" || rows[1][1] != "skjult (færre end 5)" || len(rows[1]) != 9 {
		t.Errorf("box table: %v %v", head, rows)
	}
	if Fmt(nil) != "–" {
		t.Error("Fmt(nil)")
	}
	x := 2.675
	if Fmt(&x) != "2.68" {
		t.Errorf("Fmt(2.675) = %s", Fmt(&x))
	}
}

// TestTableCountsAndLanguage: a chart of counts writes whole values as integers, and a chart with
// a language writes its figures as that language does; without either the table stays canonical
// (what the exports read).
func TestTableCountsAndLanguage(t *testing.T) {
	v := func(x float64) *float64 { return &x }
	base := Chart{Kind: Bars, LabelHead: "x", Labels: []string{"a", "b", "c", "d"},
		Series: []Series{{Name: "n", Values: []*float64{v(21), v(58600), v(2.5), nil}}}}
	cases := []struct {
		counts bool
		lang   string
		want   []string
	}{
		{false, "", []string{"21.00", "58600.00", "2.50", "–"}},
		{true, "", []string{"21", "58600", "2.50", "–"}},
		{true, "da", []string{"21", "58.600", "2,50", "–"}},
		{true, "nb", []string{"21", "58.600", "2,50", "–"}},
		{true, "en", []string{"21", "58,600", "2.50", "–"}},
		{false, "da", []string{"21,00", "58.600,00", "2,50", "–"}},
	}
	for _, tc := range cases {
		c := base
		c.Counts, c.Lang = tc.counts, tc.lang
		_, rows := c.Table()
		for i, want := range tc.want {
			if got := rows[i][1]; got != want {
				t.Errorf("counts=%v lang=%q: row %d reads %q, want %q", tc.counts, tc.lang, i, got, want)
			}
		}
		if rows[0][0] != "a" {
			t.Errorf("the label column changed: %q", rows[0][0])
		}
	}
	// A box table in Danish: n, the figures and the marker all localized.
	bx := examples()[3]
	bx.Lang = "da"
	_, rows := bx.Table()
	if rows[0][3] != "1,90" || rows[0][8] != "2,70" {
		t.Errorf("Danish box table: %v", rows[0])
	}
}
