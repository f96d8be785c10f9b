package register

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/export"
)

// The exports use the importer's columns and values, so that an exported file imports again
// unchanged: headers in the chosen language, values in their canonical form.

// CellValue is a system's value for field key as text.
func CellValue(s vaern.ITSystem, key string) string {
	switch key {
	case "name":
		return s.Name
	case "description":
		return s.Description
	case "system_owner":
		return s.SystemOwnerMail
	case "data_owner":
		return s.DataOwnerMail
	case "unit":
		return s.UnitName
	case "vendor":
		return s.Vendor
	case "product":
		return s.Product
	case "version":
		return s.Version
	case "cpe":
		return s.CPE
	case "purl":
		return s.PURL
	case "hosting":
		return string(s.Hosting)
	case "supplier":
		return s.Supplier
	case "dpa_status":
		return string(s.DPAStatus)
	case "dpa_date":
		return isoDate(s.DPADate)
	case "dpa_review":
		return isoDate(s.DPAReview)
	case "personal_data":
		return PersonalDataKeys(s.PersonalData)
	case "confidentiality":
		return level(s.Confidentiality)
	case "integrity":
		return level(s.Integrity)
	case "availability":
		return level(s.Availability)
	case "rto_hours":
		return hours(s.RTO)
	case "rpo_hours":
		return hours(s.RPO)
	case "internet_exposed":
		if s.InternetExposed {
			return "yes"
		}
		return "no"
	case "tags":
		return strings.Join(s.Tags, ", ")
	case "notes":
		return s.Notes
	}
	return aiCellValue(s, key)
}

// PersonalDataKeys lists the categories of bit set pd ("none" for none).
func PersonalDataKeys(pd int) string {
	var out []string
	for _, c := range vaern.PDCategories {
		if pd&c.Bit != 0 {
			out = append(out, c.Key)
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

func level(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func hours(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return strconv.FormatFloat(d.Hours(), 'f', -1, 64)
}

// Header returns the export's header row in lang.
func Header(lang string) []string {
	out := make([]string, len(Fields))
	for i, f := range Fields {
		out[i] = FieldLabel(f.Key, lang)
	}
	return out
}

// WriteCSV writes systems as CSV (UTF-8 with a byte-order mark, so Excel reads the letters æ, ø
// and å right; separated by semicolons in Danish and Norwegian, as Excel there expects).
func WriteCSV(w io.Writer, systems []vaern.ITSystem, lang string) error {
	if _, err := io.WriteString(w, "\xef\xbb\xbf"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if lang == "da" || lang == "nb" {
		cw.Comma = ';'
	}
	if err := cw.Write(Header(lang)); err != nil {
		return err
	}
	row := make([]string, len(Fields))
	for _, s := range systems {
		for i, f := range Fields {
			row[i] = export.SafeCell(CellValue(s, f.Key))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes systems as an XLSX workbook with one sheet, numbers as numbers and dates as
// dates, a frozen, bold header row and a filter on every column.
func WriteXLSX(w io.Writer, systems []vaern.ITSystem, lang string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Register"
	f.SetSheetName("Sheet1", sheet)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	dateFmt := "yyyy-mm-dd"
	dateStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	head := make([]any, len(Fields))
	for i, h := range Header(lang) {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for r, s := range systems {
		row := make([]any, len(Fields))
		for i, fd := range Fields {
			switch fd.Key {
			case "dpa_date", "dpa_review", "ai_checked":
				t := s.DPADate
				switch fd.Key {
				case "dpa_review":
					t = s.DPAReview
				case "ai_checked":
					t = s.AIChecked
				}
				if !t.IsZero() {
					row[i] = excelize.Cell{StyleID: dateStyle, Value: t.UTC()}
					continue
				}
				row[i] = nil
			case "confidentiality", "integrity", "availability":
				if v := CellValue(s, fd.Key); v != "" {
					n, _ := strconv.Atoi(v)
					row[i] = n
				}
			case "rto_hours", "rpo_hours":
				d := s.RTO
				if fd.Key == "rpo_hours" {
					d = s.RPO
				}
				if d != 0 {
					row[i] = d.Hours()
				}
			default:
				row[i] = CellValue(s, fd.Key)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(Fields), max(len(systems)+1, 2))
	if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
		return fmt.Errorf("xlsx filter: %w", err)
	}
	return f.Write(w)
}

// SystemJSON is a system in the JSON export and the API.
type SystemJSON struct {
	ID              int64    `json:"id"`
	Name            string   `json:"name"`
	Description     string   `json:"description"`
	SystemOwner     string   `json:"system_owner"`
	DataOwner       string   `json:"data_owner"`
	Unit            string   `json:"unit"`
	Vendor          string   `json:"vendor"`
	Product         string   `json:"product"`
	Version         string   `json:"version"`
	CPE             string   `json:"cpe"`
	PURL            string   `json:"purl"`
	Hosting         string   `json:"hosting"`
	Supplier        string   `json:"supplier"`
	DPAStatus       string   `json:"dpa_status"`
	DPADate         string   `json:"dpa_date"`
	DPAReview       string   `json:"dpa_review"`
	PersonalData    []string `json:"personal_data"`
	Confidentiality int      `json:"confidentiality"`
	Integrity       int      `json:"integrity"`
	Availability    int      `json:"availability"`
	RTOHours        float64  `json:"rto_hours"`
	RPOHours        float64  `json:"rpo_hours"`
	InternetExposed bool     `json:"internet_exposed"`
	Tags            []string `json:"tags"`
	Notes           string   `json:"notes"`
	AIUse           string   `json:"ai_use"`
	AIPurpose       string   `json:"ai_purpose"`
	AISupplier      string   `json:"ai_supplier"`
	AIDPACovered    bool     `json:"ai_dpa_covered"`
	AIChecked       string   `json:"ai_checked"`
	Components      int      `json:"components"`
	UpdatedAt       string   `json:"updated_at"`
}

// ToJSON converts a system for the JSON export and the API.
func ToJSON(s vaern.ITSystem) SystemJSON {
	pd := []string{}
	for _, c := range vaern.PDCategories {
		if s.PersonalData&c.Bit != 0 {
			pd = append(pd, c.Key)
		}
	}
	tags := s.Tags
	if tags == nil {
		tags = []string{}
	}
	return SystemJSON{ID: s.ID, Name: s.Name, Description: s.Description, SystemOwner: s.SystemOwnerMail,
		DataOwner: s.DataOwnerMail, Unit: s.UnitName, Vendor: s.Vendor, Product: s.Product, Version: s.Version,
		CPE: s.CPE, PURL: s.PURL, Hosting: string(s.Hosting), Supplier: s.Supplier, DPAStatus: string(s.DPAStatus),
		DPADate: isoDate(s.DPADate), DPAReview: isoDate(s.DPAReview), PersonalData: pd,
		Confidentiality: s.Confidentiality, Integrity: s.Integrity, Availability: s.Availability,
		RTOHours: s.RTO.Hours(), RPOHours: s.RPO.Hours(), InternetExposed: s.InternetExposed, Tags: tags,
		Notes: s.Notes, AIUse: string(s.AIUse), AIPurpose: s.AIPurpose, AISupplier: s.AISupplier,
		AIDPACovered: s.AIDPACovered, AIChecked: isoDate(s.AIChecked), Components: s.Components, UpdatedAt: s.UpdatedAt.UTC().Format(time.RFC3339)}
}

// WriteJSON writes systems as a JSON array.
func WriteJSON(w io.Writer, systems []vaern.ITSystem) error {
	out := make([]SystemJSON, 0, len(systems))
	for _, s := range systems {
		out = append(out, ToJSON(s))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
