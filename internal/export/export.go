// Package export renders reports as PDF (github.com/go-pdf/fpdf), XLSX
// (github.com/xuri/excelize/v2), CSV and JSON. It knows nothing about scores or access: the caller
// (internal/report) builds a Doc from what the reader may see, and every format is rendered from
// that same Doc, so an export can never hold more than the page.
package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"

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

// JSON renders v indented.
func JSON(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
