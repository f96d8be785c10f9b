package export

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/vaern/vaern/internal/i18n"
)

// XLSX renders doc's sheets as a workbook: one sheet per table, a bold frozen heading row, and
// numbers stored as numbers.
func XLSX(doc Doc) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"EAEFF4"}, Pattern: 1}})
	if err != nil {
		return nil, err
	}
	// Figures keep a number format: two decimals for scores, grouped thousands for counts.
	decimals, err := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	if err != nil {
		return nil, err
	}
	grouped, err := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
	if err != nil {
		return nil, err
	}
	whole, err := f.NewStyle(&excelize.Style{NumFmt: 1}) // 0: years and small counts ungrouped
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for i, t := range doc.Sheets {
		name := sheetName(t.Name, i, used)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
		for c, h := range t.Head {
			cell, _ := excelize.CoordinatesToCellName(c+1, 1)
			f.SetCellStr(name, cell, h)
		}
		if len(t.Head) > 0 {
			last, _ := excelize.CoordinatesToCellName(len(t.Head), 1)
			f.SetCellStyle(name, "A1", last, bold)
			f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
			f.SetColWidth(name, "A", "A", 40)
		}
		for r, row := range t.Rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
				// Figures are numbers; labels (even "2025" in the first column) stay text.
				if _, ok := i18n.LocalNumber(v, "en"); ok && c > 0 {
					x, _ := strconv.ParseFloat(v, 64)
					f.SetCellFloat(name, cell, x, -1, 64)
					style := whole
					switch {
					case strings.Contains(v, "."):
						style = decimals
					case len(strings.TrimPrefix(v, "-")) >= 5:
						style = grouped
					}
					f.SetCellStyle(name, cell, cell, style)
					continue
				}
				f.SetCellStr(name, cell, v)
			}
		}
	}
	if len(doc.Sheets) == 0 {
		f.SetCellStr("Sheet1", "A1", doc.Title)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return buf.Bytes(), nil
}

// sheetName makes a valid, unique sheet name: at most 31 characters, none of : \ / ? * [ ].
func sheetName(s string, i int, used map[string]bool) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '-'
		}
		return r
	}, s)
	if s == "" {
		s = "Sheet " + strconv.Itoa(i+1)
	}
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	base := s
	for n := 2; used[s]; n++ {
		suffix := " " + strconv.Itoa(n)
		r := []rune(base)
		if len(r)+len(suffix) > 31 {
			r = r[:31-len(suffix)]
		}
		s = string(r) + suffix
	}
	used[s] = true
	return s
}
