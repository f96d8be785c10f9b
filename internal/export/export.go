// Package export renders reports as PDF (github.com/go-pdf/fpdf), XLSX
// (github.com/xuri/excelize/v2), CSV and JSON. It knows nothing about scores or access: the caller
// (internal/report) builds a Doc from what the reader may see, and every format is rendered from
// that same Doc, so an export can never hold more than the page.
package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/vaern/vaern/internal/charts"
)

// Doc is a report ready to render.
type Doc struct {
	Title string // the report's title, e.g. "Kommunerapport"
	Org   string // the organisation's name: on every PDF page
	Round string // the round, e.g. "Baseline 2025": on every PDF page
	// PageOf is the page number text with two %d (page, pages), in the reader's language.
	PageOf    string
	Generated string // e.g. "Dannet 2026-03-01"
	// Lang is the reader's language: the PDF writes the tables' figures as it writes numbers.
	Lang   string
	Blocks []Block
	// Sheets are the XLSX workbook's sheets, in order.
	Sheets []Table
	// CSV is the table a CSV export holds.
	CSV Table
}

// Block is one part of a report: a heading, a paragraph, a list, a chart (with its data table
// printed under it) or a table.
type Block struct {
	Heading string
	Text    string
	List    []string
	Chart   *charts.Chart
	Table   *Table
}

// Table is a heading row and data rows. Name is the sheet name in XLSX. Figures in the cells after
// the first are written in canonical form (Num: "3.67", "58600"), so that XLSX stores them as
// numbers and the PDF writes them in the reader's language.
type Table struct {
	Name    string
	Caption string
	Head    []string
	Rows    [][]string
}

// Num writes a figure for a table cell: canonical, two decimals.
func Num(v float64) string { return charts.Fmt(&v) }

// NumP is Num for a figure that may be missing ("–").
func NumP(v *float64) string { return charts.Fmt(v) }

// ChartTable returns a chart's data table.
func ChartTable(c *charts.Chart) Table {
	h, rows := c.Table()
	return Table{Caption: c.Title, Head: h, Rows: rows}
}

// CSV renders t as RFC 4180 CSV with a UTF-8 byte order mark, so that spreadsheet programs
// read æøå correctly.
func CSV(t Table) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	if err := w.Write(t.Head); err != nil {
		return nil, err
	}
	if err := w.WriteAll(t.Rows); err != nil {
		return nil, err
	}
	return b.Bytes(), w.Error()
}

// SafeCSV renders t as CSV like CSV, separated by comma, with every cell that a spreadsheet would
// run as a formula made plain text (see SafeCell): for tables that hold what people typed.
func SafeCSV(t Table, comma rune) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.Comma = comma
	row := make([]string, 0, len(t.Head))
	for _, r := range append([][]string{t.Head}, t.Rows...) {
		row = row[:0]
		for _, c := range r {
			row = append(row, SafeCell(c))
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// SafeCell keeps a text that a spreadsheet would run as a formula (one starting with =, +, -, @,
// a tab or a carriage return) from being one, by putting an apostrophe before it. Numbers such as
// "-3" are left as they are.
func SafeCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return "'" + v
		}
	}
	return v
}

// JSON renders v indented.
func JSON(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
