// Package charts draws Værn's report charts — radar per focus area, bars, trend lines and box
// plots — as a list of simple shapes (Drawing) that render both as SVG for the pages and with
// fpdf primitives in the PDF exports, so the two always show the same picture. Every chart has a
// title, a description and a data table as its accessible alternative. The SVG uses presentation
// attributes only (no style attributes), so it passes a strict Content Security Policy.
package charts

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"

	"github.com/vaern/vaern/internal/i18n"
)

// Kind is the type of chart.
type Kind string

// The kinds of chart.
const (
	Radar Kind = "radar"
	Bars  Kind = "bars"
	Lines Kind = "lines"
	Boxes Kind = "boxes"
)

// Series is one named row of values, one per label; nil is a missing value. A Target series is
// drawn as markers (bars), a dashed polygon (radar) or a dashed line (lines).
type Series struct {
	Name   string
	Values []*float64
	Target bool
}

// Box is one box plot row. Suppressed rows draw no box and show SuppressedText.
type Box struct {
	Label                          string
	N                              int
	Min, Q1, Median, Q3, Max, Mean float64
	Suppressed                     bool
	Marker                         *float64 // e.g. the member's own score
}

// Chart is what to draw. Values are on the scale 0..Max (default 5).
type Chart struct {
	ID     string // unique on the page; used for the ids of the title and description
	Kind   Kind
	Title  string
	Desc   string
	Labels []string // axes (radar), categories (bars), x values (lines)
	Series []Series
	Boxes  []Box
	Max    float64
	// Table texts supplied by the caller in the reader's language.
	LabelHead      string   // the heading of the label column
	BoxCols        []string // box tables: n, min, Q1, median, Q3, max, mean, and (with markers) the marker's name
	SuppressedText string   // what a suppressed box row says
	// Counts says the values are whole counts (alerts, members, subscribers): the data table writes
	// a whole value as "21", not "21.00", which reads as a measurement.
	Counts bool
	// Lang, when set, has the data table write its figures as that language does (a decimal comma
	// and grouped thousands in da and nb); empty keeps them canonical, as the exports need them.
	Lang string
}

// Pt is a point in drawing units.
type Pt struct{ X, Y float64 }

// Item is one shape. Colours are #rrggbb or "none".
type Item struct {
	Shape   string // line, rect, poly (closed), path (open polyline), circle, text
	Pts     []Pt   // line: 2; rect: top-left and bottom-right; poly/path: all; circle and text: 1
	R       float64
	Fill    string
	Stroke  string
	Width   float64
	Dash    bool
	Opacity float64 // fill opacity; 0 means opaque
	Text    string
	Size    float64
	Anchor  string // start, middle, end
	Bold    bool
}

// Drawing is a chart as shapes on a W × H canvas, y growing downwards.
type Drawing struct {
	W, H  float64
	Items []Item
}

// Palette is the series colours, chosen to be told apart also in greyscale print.
var Palette = []string{"#1f5f8b", "#c05a00", "#4b7f28", "#7b3f8c", "#8a6d00"}

const (
	ink   = "#1a1a1a"
	grid  = "#c8c8c8"
	muted = "#555555"
)

func (c Chart) max() float64 {
	if c.Max > 0 {
		return c.Max
	}
	return 5
}

// Fmt formats a value for tables and labels: two decimals, "–" for none.
func Fmt(v *float64) string {
	if v == nil || math.IsNaN(*v) {
		return "–"
	}
	return strconv.FormatFloat(round2(*v), 'f', 2, 64)
}

func round2(x float64) float64 {
	r := math.Round(math.Abs(x)*100+1e-9) / 100
	if r == 0 {
		return 0
	}
	return math.Copysign(r, x)
}

func f(v float64) *float64 { return &v }

// Draw lays the chart out as shapes.
func (c Chart) Draw() Drawing {
	switch c.Kind {
	case Radar:
		return c.radar()
	case Lines:
		return c.lines()
	case Boxes:
		return c.boxes()
	}
	return c.bars()
}

// short cuts a label that would not fit the label column of a drawing; tables keep it whole.
func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func colour(i int, s Series) string {
	if s.Target {
		return muted
	}
	return Palette[i%len(Palette)]
}

func (c Chart) legend(d *Drawing, y float64) {
	x := 10.0
	for i, s := range c.Series {
		col := colour(i, s)
		if s.Target {
			d.Items = append(d.Items, Item{Shape: "line", Pts: []Pt{{x, y - 4}, {x + 16, y - 4}}, Stroke: col, Width: 2, Dash: true})
		} else {
			d.Items = append(d.Items, Item{Shape: "rect", Pts: []Pt{{x, y - 10}, {x + 16, y + 1}}, Fill: col})
		}
		d.Items = append(d.Items, Item{Shape: "text", Pts: []Pt{{x + 22, y}}, Text: s.Name, Size: 12, Fill: ink})
		x += 34 + float64(len([]rune(s.Name)))*6.6
	}
}

func (c Chart) radar() Drawing {
	d := Drawing{W: 640, H: 440}
	cx, cy, rad := 320.0, 215.0, 150.0
	n := len(c.Labels)
	if n < 3 {
		return c.bars() // a radar needs three axes to be a shape
	}
	mx := c.max()
	pt := func(i int, v float64) Pt {
		a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(n)
		r := rad * math.Max(0, math.Min(v, mx)) / mx
		return Pt{cx + r*math.Cos(a), cy + r*math.Sin(a)}
	}
	for l := 1; l <= int(mx); l++ {
		var ps []Pt
		for i := 0; i < n; i++ {
			ps = append(ps, pt(i, float64(l)))
		}
		d.Items = append(d.Items, Item{Shape: "poly", Pts: ps, Fill: "none", Stroke: grid, Width: 1})
		d.Items = append(d.Items, Item{Shape: "text", Pts: []Pt{{cx + 3, cy - rad*float64(l)/mx + 4}}, Text: strconv.Itoa(l), Size: 10, Fill: muted})
	}
	for i := 0; i < n; i++ {
		e := pt(i, mx)
		d.Items = append(d.Items, Item{Shape: "line", Pts: []Pt{{cx, cy}, e}, Stroke: grid, Width: 1})
		lp := pt(i, mx*1.12)
		anchor := "middle"
		if lp.X > cx+10 {
			anchor = "start"
		} else if lp.X < cx-10 {
			anchor = "end"
		}
		d.Items = append(d.Items, Item{Shape: "text", Pts: []Pt{{lp.X, lp.Y + 4}}, Text: c.Labels[i], Size: 12, Fill: ink, Anchor: anchor})
	}
	for si, s := range c.Series {
		var ps []Pt
		for i := 0; i < n; i++ {
			v := 0.0
			if i < len(s.Values) && s.Values[i] != nil {
				v = *s.Values[i]
			}
			ps = append(ps, pt(i, v))
		}
		col := colour(si, s)
		if s.Target {
			d.Items = append(d.Items, Item{Shape: "poly", Pts: ps, Fill: "none", Stroke: col, Width: 2, Dash: true})
			continue
		}
		d.Items = append(d.Items, Item{Shape: "poly", Pts: ps, Fill: col, Opacity: 0.18, Stroke: col, Width: 2.5})
		for _, p := range ps {
			d.Items = append(d.Items, Item{Shape: "circle", Pts: []Pt{p}, R: 3.5, Fill: col})
		}
	}
	c.legend(&d, 425)
	return d
}

// scaleAxis draws the 0..max ticks of a horizontal value axis from x0 to x1 at the bottom y.
func scaleAxis(d *Drawing, x0, x1, top, bottom, mx float64) {
	step := tickStep(mx)
	for l := 0.0; l <= mx+1e-9; l += step {
		x := x0 + (x1-x0)*l/mx
		d.Items = append(d.Items, Item{Shape: "line", Pts: []Pt{{x, top}, {x, bottom}}, Stroke: grid, Width: 1})
		d.Items = append(d.Items, Item{Shape: "text", Pts: []Pt{{x, bottom + 14}}, Text: num(l), Size: 11, Fill: muted, Anchor: "middle"})
	}
}

// tickStep is a round step that gives at most about ten ticks from 0 to mx.
func tickStep(mx float64) float64 {
	for _, s := range []float64{1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000} {
		if mx/s <= 10 {
			return s
		}
	}
	return math.Ceil(mx / 10)
}

func (c Chart) bars() Drawing {
	var bars []Series
	for _, s := range c.Series {
		if !s.Target {
			bars = append(bars, s)
		}
	}
	nb := max(1, len(bars))
	rowH := 8 + 14*float64(nb)
	top := 10.0
	h := top + rowH*float64(len(c.Labels)) + 50
	d := Drawing{W: 640, H: h}
	x0, x1 := 170.0, 610.0
	bottom := top + rowH*float64(len(c.Labels))
	mx := c.max()
	scaleAxis(&d, x0, x1, top, bottom, mx)
	xv := func(v float64) float64 { return x0 + (x1-x0)*math.Max(0, math.Min(v, mx))/mx }
	for li, l := range c.Labels {
		y := top + rowH*float64(li)
		d.Items = append(d.Items, Item{Shape: "text", Pts: []Pt{{x0 - 8, y + rowH/2 + 4}}, Text: short(l, 24), Size: 12, Fill: ink, Anchor: "end"})
		bi := 0
		for si, s := range c.Series {
			var v *float64
			if li < len(s.Values) {
				v = s.Values[li]
			}
			if s.Target {
				if v != nil {
					x := xv(*v)
					d.Items = append(d.Items, Item{Shape: "line", Pts: []Pt{{x, y + 2}, {x, y + rowH - 2}}, Stroke: ink, Width: 2.5, Dash: true})
				}
				continue
			}
			by := y + 4 + 14*float64(bi)
			bi++
			if v == nil {
				continue
			}
			d.Items = append(d.Items, Item{Shape: "rect", Pts: []Pt{{x0, by}, {xv(*v), by + 11}}, Fill: colour(si, s)})
		}
	}
	c.legend(&d, h-10)
	return d
}

func (c Chart) lines() Drawing {
	d := Drawing{W: 640, H: 300}
	x0, x1, top, bottom := 40.0, 620.0, 12.0, 250.0
	mx := c.max()
	// A grid line per unit up to ten (scores), else about ten round steps (counts).
	step := tickStep(mx)
	for l := 0.0; l <= mx+1e-9; l += step {
		y := bottom - (bottom-top)*l/mx
		d.Items = append(d.Items, Item{Shape: "line", Pts: []Pt{{x0, y}, {x1, y}}, Stroke: grid, Width: 1})
		d.Items = append(d.Items, Item{Shape: "text", Pts: []Pt{{x0 - 8, y + 4}}, Text: num(l), Size: 11, Fill: muted, Anchor: "end"})
	}
	n := len(c.Labels)
	xAt := func(i int) float64 {
		if n <= 1 {
			return (x0 + x1) / 2
		}
		return x0 + 20 + (x1-x0-40)*float64(i)/float64(n-1)
	}
	yAt := func(v float64) float64 { return bottom - (bottom-top)*math.Max(0, math.Min(v, mx))/mx }
	// At most about twelve x labels fit: with more (hours, days), every k-th is written; the
	// table under the chart has them all.
	every := max(1, (n+11)/12)
	for i, l := range c.Labels {
		if i%every == 0 {
			d.Items = append(d.Items, Item{Shape: "text", Pts: []Pt{{xAt(i), bottom + 16}}, Text: l, Size: 11, Fill: ink, Anchor: "middle"})
		}
	}
	for si, s := range c.Series {
		col := colour(si, s)
		var run []Pt
		flush := func() {
			if len(run) > 1 {
				d.Items = append(d.Items, Item{Shape: "path", Pts: run, Fill: "none", Stroke: col, Width: 2.5, Dash: s.Target})
			}
			run = nil
		}
		for i := 0; i < n; i++ {
			if i >= len(s.Values) || s.Values[i] == nil {
				flush()
				continue
			}
			run = append(run, Pt{xAt(i), yAt(*s.Values[i])})
		}
		flush()
		if !s.Target {
			for i := 0; i < n && i < len(s.Values); i++ {
				if s.Values[i] != nil {
					d.Items = append(d.Items, Item{Shape: "circle", Pts: []Pt{{xAt(i), yAt(*s.Values[i])}}, R: 4, Fill: col})
				}
			}
		}
	}
	c.legend(&d, 290)
	return d
}

func (c Chart) boxes() Drawing {
	rowH := 30.0
	top := 10.0
	h := top + rowH*float64(len(c.Boxes)) + 30
	d := Drawing{W: 640, H: h}
	x0, x1 := 200.0, 610.0
	bottom := top + rowH*float64(len(c.Boxes))
	mx := c.max()
	scaleAxis(&d, x0, x1, top, bottom, mx)
	xv := func(v float64) float64 { return x0 + (x1-x0)*math.Max(0, math.Min(v, mx))/mx }
	for i, b := range c.Boxes {
		y := top + rowH*float64(i)
		mid := y + rowH/2
		d.Items = append(d.Items, Item{Shape: "text", Pts: []Pt{{x0 - 8, mid + 4}}, Text: short(b.Label, 28), Size: 12, Fill: ink, Anchor: "end"})
		if b.Suppressed {
			d.Items = append(d.Items, Item{Shape: "text", Pts: []Pt{{x0 + 8, mid + 4}}, Text: c.SuppressedText, Size: 11, Fill: muted})
			continue
		}
		d.Items = append(d.Items,
			Item{Shape: "line", Pts: []Pt{{xv(b.Min), mid}, {xv(b.Q1), mid}}, Stroke: ink, Width: 1.5},
			Item{Shape: "line", Pts: []Pt{{xv(b.Q3), mid}, {xv(b.Max), mid}}, Stroke: ink, Width: 1.5},
			Item{Shape: "line", Pts: []Pt{{xv(b.Min), mid - 6}, {xv(b.Min), mid + 6}}, Stroke: ink, Width: 1.5},
			Item{Shape: "line", Pts: []Pt{{xv(b.Max), mid - 6}, {xv(b.Max), mid + 6}}, Stroke: ink, Width: 1.5},
			Item{Shape: "rect", Pts: []Pt{{xv(b.Q1), mid - 9}, {math.Max(xv(b.Q3), xv(b.Q1)+1), mid + 9}}, Fill: "#d6e4ef", Stroke: Palette[0], Width: 1.5},
			Item{Shape: "line", Pts: []Pt{{xv(b.Median), mid - 9}, {xv(b.Median), mid + 9}}, Stroke: Palette[0], Width: 3},
		)
		if b.Marker != nil {
			d.Items = append(d.Items, Item{Shape: "circle", Pts: []Pt{{xv(*b.Marker), mid}}, R: 5, Fill: Palette[1], Stroke: "#ffffff", Width: 1.5})
		}
	}
	return d
}

// Table is the chart's data as rows of text: the accessible alternative, and the figures of the
// exports.
func (c Chart) Table() (head []string, rows [][]string) {
	if c.Kind == Boxes {
		head = append([]string{c.LabelHead}, c.BoxCols...)
		for _, b := range c.Boxes {
			row := []string{b.Label}
			if b.Suppressed {
				row = append(row, c.SuppressedText)
				for len(row) < len(head) {
					row = append(row, "")
				}
			} else {
				row = append(row, c.local(strconv.Itoa(b.N)), c.cell(f(b.Min)), c.cell(f(b.Q1)), c.cell(f(b.Median)), c.cell(f(b.Q3)), c.cell(f(b.Max)), c.cell(f(b.Mean)))
				if len(head) > 8 {
					row = append(row, c.cell(b.Marker))
				}
			}
			rows = append(rows, row)
		}
		return head, rows
	}
	head = []string{c.LabelHead}
	for _, s := range c.Series {
		head = append(head, s.Name)
	}
	for i, l := range c.Labels {
		row := []string{l}
		for _, s := range c.Series {
			var v *float64
			if i < len(s.Values) {
				v = s.Values[i]
			}
			row = append(row, c.cell(v))
		}
		rows = append(rows, row)
	}
	return head, rows
}

// cell writes one value of a series for the data table: a count as a whole number when it is
// one, anything else with two decimals, in the chart's language when it has one.
func (c Chart) cell(v *float64) string {
	s := Fmt(v)
	if c.Counts && v != nil && !math.IsNaN(*v) && !math.IsInf(*v, 0) && *v == math.Trunc(*v) {
		s = strconv.FormatFloat(*v, 'f', 0, 64)
	}
	return c.local(s)
}

func (c Chart) local(s string) string {
	if c.Lang == "" {
		return s
	}
	out, _ := i18n.LocalNumber(s, c.Lang)
	return out
}

func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// SVG renders the chart as an inline SVG image with its title and description.
func (c Chart) SVG() string {
	d := c.Draw()
	var b strings.Builder
	id := c.ID
	if id == "" {
		id = "chart"
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="%s-t %s-d" font-family="Helvetica, Arial, sans-serif">`,
		num(d.W), num(d.H), num(d.W), num(d.H), id, id)
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, html.EscapeString(c.Title), id, html.EscapeString(c.Desc))
	for _, it := range d.Items {
		b.WriteString(svgItem(it))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func paint(it Item) string {
	var b strings.Builder
	fill := it.Fill
	if fill == "" {
		fill = "none"
	}
	fmt.Fprintf(&b, ` fill="%s"`, fill)
	if it.Opacity > 0 {
		fmt.Fprintf(&b, ` fill-opacity="%s"`, strconv.FormatFloat(it.Opacity, 'f', -1, 64))
	}
	if it.Stroke != "" && it.Stroke != "none" {
		fmt.Fprintf(&b, ` stroke="%s" stroke-width="%s"`, it.Stroke, num(it.Width))
		if it.Dash {
			b.WriteString(` stroke-dasharray="6 4"`)
		}
	}
	return b.String()
}

func points(ps []Pt) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = num(p.X) + "," + num(p.Y)
	}
	return strings.Join(parts, " ")
}

func svgItem(it Item) string {
	switch it.Shape {
	case "line":
		return fmt.Sprintf(`<line x1="%s" y1="%s" x2="%s" y2="%s"%s/>`, num(it.Pts[0].X), num(it.Pts[0].Y), num(it.Pts[1].X), num(it.Pts[1].Y), paint(it))
	case "rect":
		x, y := math.Min(it.Pts[0].X, it.Pts[1].X), math.Min(it.Pts[0].Y, it.Pts[1].Y)
		w, h := math.Abs(it.Pts[1].X-it.Pts[0].X), math.Abs(it.Pts[1].Y-it.Pts[0].Y)
		return fmt.Sprintf(`<rect x="%s" y="%s" width="%s" height="%s"%s/>`, num(x), num(y), num(w), num(h), paint(it))
	case "poly":
		return fmt.Sprintf(`<polygon points="%s"%s/>`, points(it.Pts), paint(it))
	case "path":
		return fmt.Sprintf(`<polyline points="%s"%s/>`, points(it.Pts), paint(it))
	case "circle":
		return fmt.Sprintf(`<circle cx="%s" cy="%s" r="%s"%s/>`, num(it.Pts[0].X), num(it.Pts[0].Y), num(it.R), paint(it))
	case "text":
		anchor := ""
		if it.Anchor != "" && it.Anchor != "start" {
			anchor = ` text-anchor="` + it.Anchor + `"`
		}
		weight := ""
		if it.Bold {
			weight = ` font-weight="bold"`
		}
		return fmt.Sprintf(`<text x="%s" y="%s" font-size="%s" fill="%s"%s%s>%s</text>`, num(it.Pts[0].X), num(it.Pts[0].Y), num(it.Size), it.Fill, anchor, weight, html.EscapeString(it.Text))
	}
	return ""
}
