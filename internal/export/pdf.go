package export

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/vaern/vaern/internal/charts"
	"github.com/vaern/vaern/internal/i18n"
)

// PDFOptions tune PDF output.
type PDFOptions struct {
	// Uncompressed leaves the content streams readable (golden tests extract their text).
	Uncompressed bool
	// Date is the document's creation date (the current time when zero).
	Date time.Time
}

const (
	pageW   = 210.0
	margin  = 15.0
	content = pageW - 2*margin
)

// PDF renders doc as an A4 PDF: the organisation's name and the round in the header of every
// page, page numbers in the footer, charts drawn with PDF primitives from the same shapes as the
// SVG on the page, each followed by its data table. Text uses the core Helvetica font through the
// cp1252 code page, which holds the Danish and Norwegian letters, so no font file is needed.
func PDF(doc Doc, opt PDFOptions) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(!opt.Uncompressed)
	pdf.SetMargins(margin, 22, margin)
	pdf.SetAutoPageBreak(true, 18)
	pdf.SetTitle(doc.Title+" – "+doc.Org, true)
	pdf.SetCreator("Værn", true)
	if !opt.Date.IsZero() {
		pdf.SetCreationDate(opt.Date)
		pdf.SetModificationDate(opt.Date)
	}
	pdf.AliasNbPages("{nb}")
	tr := pdf.UnicodeTranslatorFromDescriptor("cp1252")
	pdf.SetHeaderFunc(func() {
		pdf.SetFont("Helvetica", "", 9)
		pdf.SetTextColor(85, 85, 85)
		pdf.SetXY(margin, 8)
		pdf.CellFormat(content/2, 6, tr(doc.Org), "", 0, "L", false, 0, "")
		pdf.CellFormat(content/2, 6, tr(doc.Title+" · "+doc.Round), "", 0, "R", false, 0, "")
		pdf.SetDrawColor(200, 200, 200)
		pdf.Line(margin, 15, pageW-margin, 15)
		pdf.SetTextColor(26, 26, 26)
		pdf.SetY(22)
	})
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont("Helvetica", "", 9)
		pdf.SetTextColor(85, 85, 85)
		pdf.CellFormat(content/2, 6, tr(doc.Generated), "", 0, "L", false, 0, "")
		pageOf := doc.PageOf
		if pageOf == "" {
			pageOf = "%d / %d"
		}
		txt := strings.Replace(strings.Replace(pageOf, "%d", strconv.Itoa(pdf.PageNo()), 1), "%d", "{nb}", 1)
		pdf.CellFormat(content/2, 6, tr(txt), "", 0, "R", false, 0, "")
		pdf.SetTextColor(26, 26, 26)
	})
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 18)
	pdf.MultiCell(content, 8, tr(doc.Title), "", "L", false)
	pdf.SetFont("Helvetica", "", 12)
	pdf.MultiCell(content, 6, tr(doc.Org+" · "+doc.Round), "", "L", false)
	pdf.Ln(3)
	for _, b := range doc.Blocks {
		if b.Heading != "" {
			if pdf.GetY() > 250 {
				pdf.AddPage()
			}
			pdf.Ln(2)
			pdf.SetFont("Helvetica", "B", 13)
			pdf.MultiCell(content, 7, tr(b.Heading), "", "L", false)
			pdf.Ln(1)
		}
		if b.Text != "" {
			pdf.SetFont("Helvetica", "", 10)
			pdf.MultiCell(content, 5, tr(b.Text), "", "L", false)
			pdf.Ln(1)
		}
		for i, item := range b.List {
			pdf.SetFont("Helvetica", "", 10)
			pdf.SetX(margin)
			pdf.CellFormat(7, 5, strconv.Itoa(i+1)+".", "", 0, "R", false, 0, "")
			pdf.MultiCell(content-8, 5, tr(item), "", "L", false)
			pdf.Ln(1)
		}
		if b.Chart != nil {
			drawChart(pdf, tr, b.Chart)
			t := ChartTable(b.Chart)
			table(pdf, tr, t, doc.Lang)
		}
		if b.Table != nil {
			table(pdf, tr, *b.Table, doc.Lang)
		}
	}
	if err := pdf.Error(); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	return buf.Bytes(), nil
}

func rgb(hex string) (int, int, int) {
	if len(hex) != 7 || hex[0] != '#' {
		return 0, 0, 0
	}
	v, _ := strconv.ParseUint(hex[1:], 16, 32)
	return int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)
}

// drawChart draws the chart's shapes scaled to the text width.
func drawChart(pdf *fpdf.Fpdf, tr func(string) string, c *charts.Chart) {
	d := c.Draw()
	scale := content / d.W
	h := d.H * scale
	if pdf.GetY()+h+12 > 297-18 {
		pdf.AddPage()
	}
	pdf.SetFont("Helvetica", "B", 10)
	pdf.MultiCell(content, 5, tr(c.Title), "", "L", false)
	x0, y0 := margin, pdf.GetY()+1
	X := func(p charts.Pt) (float64, float64) { return x0 + p.X*scale, y0 + p.Y*scale }
	style := func(it charts.Item) string {
		s := ""
		if it.Fill != "" && it.Fill != "none" {
			r, g, b := rgb(it.Fill)
			pdf.SetFillColor(r, g, b)
			s += "F"
		}
		if it.Stroke != "" && it.Stroke != "none" {
			r, g, b := rgb(it.Stroke)
			pdf.SetDrawColor(r, g, b)
			pdf.SetLineWidth(math.Max(0.1, it.Width*scale))
			if it.Dash {
				pdf.SetDashPattern([]float64{6 * scale, 4 * scale}, 0)
			} else {
				pdf.SetDashPattern(nil, 0)
			}
			s = "D" + s
		}
		if s == "FD" {
			s = "DF"
		}
		return s
	}
	for _, it := range d.Items {
		switch it.Shape {
		case "line":
			style(it)
			ax, ay := X(it.Pts[0])
			bx, by := X(it.Pts[1])
			pdf.Line(ax, ay, bx, by)
		case "rect":
			s := style(it)
			ax, ay := X(it.Pts[0])
			bx, by := X(it.Pts[1])
			pdf.Rect(math.Min(ax, bx), math.Min(ay, by), math.Abs(bx-ax), math.Abs(by-ay), s)
		case "poly", "path":
			var ps []fpdf.PointType
			for _, p := range it.Pts {
				x, y := X(p)
				ps = append(ps, fpdf.PointType{X: x, Y: y})
			}
			if it.Shape == "path" {
				st := it
				st.Fill = ""
				style(st)
				for i := 1; i < len(ps); i++ {
					pdf.Line(ps[i-1].X, ps[i-1].Y, ps[i].X, ps[i].Y)
				}
				continue
			}
			if it.Opacity > 0 && it.Fill != "none" {
				fill := it
				fill.Stroke = ""
				pdf.SetAlpha(it.Opacity, "Normal")
				pdf.Polygon(ps, style(fill))
				pdf.SetAlpha(1, "Normal")
				line := it
				line.Fill = ""
				pdf.Polygon(ps, style(line))
				continue
			}
			pdf.Polygon(ps, style(it))
		case "circle":
			s := style(it)
			x, y := X(it.Pts[0])
			pdf.Circle(x, y, it.R*scale, s)
		case "text":
			r, g, b := rgb(it.Fill)
			pdf.SetTextColor(r, g, b)
			st := ""
			if it.Bold {
				st = "B"
			}
			pdf.SetFont("Helvetica", st, it.Size*scale*72/25.4)
			txt := tr(it.Text)
			x, y := X(it.Pts[0])
			w := pdf.GetStringWidth(txt)
			switch it.Anchor {
			case "middle":
				x -= w / 2
			case "end":
				x -= w
			}
			pdf.Text(x, y, txt)
		}
	}
	pdf.SetDashPattern(nil, 0)
	pdf.SetLineWidth(0.2)
	pdf.SetTextColor(26, 26, 26)
	pdf.SetY(y0 + h + 2)
}

// table prints a table, repeating its heading row after a page break. Headings wrap onto more lines
// rather than being cut; cells that do not fit their column are shortened. Figures are written as
// lang writes numbers.
func table(pdf *fpdf.Fpdf, tr func(string) string, t Table, lang string) {
	if len(t.Head) == 0 {
		return
	}
	n := len(t.Head)
	// Each figure column is as wide as its longest heading word or cell, so that headings wrap
	// between words instead of being cut; the first column (the labels) gets the rest, at least a
	// fifth of the page, the figure columns sharing what is left when that is too little.
	widths := make([]float64, n)
	if n == 1 {
		widths[0] = content
	} else {
		sum := 0.0
		for i := 1; i < n; i++ {
			pdf.SetFont("Helvetica", "B", 9)
			w := 0.0
			for _, word := range strings.Fields(t.Head[i]) {
				w = max(w, pdf.GetStringWidth(tr(word)))
			}
			pdf.SetFont("Helvetica", "", 9)
			for _, row := range t.Rows {
				if i < len(row) {
					v, _ := i18n.LocalNumber(row[i], lang)
					w = max(w, pdf.GetStringWidth(tr(v)))
				}
			}
			widths[i] = min(w+3, content/2)
			sum += widths[i]
		}
		if most := content * 0.8; sum > most {
			for i := 1; i < n; i++ {
				widths[i] *= most / sum
			}
			sum = most
		}
		widths[0] = content - sum
	}
	width := func(i int) float64 { return widths[i] }
	head := func() {
		pdf.SetFont("Helvetica", "B", 9)
		pdf.SetFillColor(234, 239, 244)
		const lineH = 4.2
		lines := make([][]string, n)
		most := 1
		for i, h := range t.Head {
			lines[i] = wrap(pdf, tr, h, width(i)-2)
			most = max(most, len(lines[i]))
		}
		h := lineH*float64(most) + 1.8
		if pdf.GetY()+h > 297-24 {
			pdf.AddPage()
		}
		x0, y0 := pdf.GetX(), pdf.GetY()
		x := x0
		for i := range t.Head {
			pdf.Rect(x, y0, width(i), h, "FD")
			for j, ln := range lines[i] {
				pdf.SetXY(x, y0+0.9+lineH*float64(j))
				pdf.CellFormat(width(i), lineH, ln, "", 0, align(i), false, 0, "")
			}
			x += width(i)
		}
		pdf.SetXY(x0, y0+h)
		pdf.SetFont("Helvetica", "", 9)
	}
	if t.Caption != "" && pdf.GetY() < 270 {
		pdf.SetFont("Helvetica", "I", 9)
		pdf.MultiCell(content, 5, tr(t.Caption), "", "L", false)
	}
	if pdf.GetY() > 265 {
		pdf.AddPage()
	}
	head()
	for _, row := range t.Rows {
		if pdf.GetY() > 297-24 {
			pdf.AddPage()
			head()
		}
		for i := 0; i < n; i++ {
			v := ""
			if i < len(row) {
				v = row[i]
			}
			if i > 0 {
				v, _ = i18n.LocalNumber(v, lang)
			}
			pdf.CellFormat(width(i), 5.5, fit(pdf, tr(v), width(i)), "1", 0, align(i), false, 0, "")
		}
		pdf.Ln(-1)
	}
	pdf.Ln(3)
}

func align(i int) string {
	if i == 0 {
		return "L"
	}
	return "R"
}

// fit shortens s (already in cp1252) with "..." until it fits w millimetres.
func fit(pdf *fpdf.Fpdf, s string, w float64) string {
	if pdf.GetStringWidth(s) <= w-2 {
		return s
	}
	r := []byte(s)
	for len(r) > 0 && pdf.GetStringWidth(string(r)+"...") > w-2 {
		r = r[:len(r)-1]
	}
	return string(r) + "..."
}

// wrap breaks s into lines (each already in cp1252) that fit w millimetres, between words where it
// can and inside a word longer than a line.
func wrap(pdf *fpdf.Fpdf, tr func(string) string, s string, w float64) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		cand := word
		if line != "" {
			cand = line + " " + word
		}
		if pdf.GetStringWidth(tr(cand)) <= w {
			line = cand
			continue
		}
		if line != "" {
			lines = append(lines, tr(line))
		}
		line = ""
		r := []rune(word)
		for len(r) > 0 {
			n := len(r)
			for n > 1 && pdf.GetStringWidth(tr(string(r[:n]))) > w {
				n--
			}
			if n == len(r) {
				line = string(r)
				break
			}
			lines = append(lines, tr(string(r[:n])))
			r = r[n:]
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, tr(line))
	}
	return lines
}
