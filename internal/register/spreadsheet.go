package register

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/vaern/vaern/internal/inputguard"
)

// Limits of one spreadsheet.
const (
	MaxImportBytes = 20 << 20
	MaxImportRows  = 100000
	MaxColumns     = 200
	// MaxCellChars is Excel's own limit on the text of one cell.
	MaxCellChars = 32767
)

// TableLimits bound a register spreadsheet before it is read; an XLSX file is a zip of XML, so
// XLSXLimits bound what it unpacks to and the XML inside. A sheet of 100,000 rows of 24 columns
// is about 150 MB of XML.
var (
	TableLimits = inputguard.Limits{MaxBytes: MaxImportBytes, Timeout: 2 * time.Minute, Expansion: 8}
	XLSXLimits  = inputguard.ZipLimits{MaxFiles: 1000, MaxUnpacked: 256 << 20,
		XML: inputguard.Limits{MaxBytes: 200 << 20, MaxDepth: 32, MaxTokens: 40000000}}
)

// Field is a column of the register that a spreadsheet column can be mapped to. Labels are the
// export's headers in each language; they and the aliases are recognised as headers on import.
type Field struct {
	Key     string
	EN      string
	DA      string
	NB      string
	Aliases []string
}

// Fields lists the register's columns in export order.
var Fields = []Field{
	{"name", "Name", "Navn", "Navn", []string{"system", "system name", "systemnavn", "it-system", "it system", "systemets navn", "navn på system"}},
	{"description", "Description", "Beskrivelse", "Beskrivelse", []string{"formål", "purpose", "formal"}},
	{"system_owner", "System owner", "Systemejer", "Systemeier", []string{"owner", "ejer", "eier", "systemansvarlig", "system owner email", "systemejer e-mail", "systemeier e-post"}},
	{"data_owner", "Data owner", "Dataejer", "Dataeier", []string{"dataansvarlig", "data owner email", "dataejer e-mail", "dataeier e-post", "informationsejer", "informasjonseier"}},
	{"unit", "Unit", "Enhed", "Enhet", []string{"department", "owning unit", "afdeling", "forvaltning", "avdeling", "sektor", "område", "omrade", "organisation"}},
	{"vendor", "Vendor", "Producent", "Produsent", []string{"manufacturer", "maker", "fabrikant"}},
	{"product", "Product", "Produkt", "Produkt", []string{"produktnavn", "product name"}},
	{"version", "Version", "Version", "Versjon", []string{"ver", "release"}},
	{"cpe", "CPE", "CPE", "CPE", []string{"cpe 2.3", "cpe23"}},
	{"purl", "purl", "purl", "purl", []string{"package url", "pakke-url"}},
	{"hosting", "Hosting", "Drift", "Drift", []string{"driftsform", "driftform", "operation", "hosted", "placering"}},
	{"supplier", "Supplier", "Leverandør", "Leverandør", []string{"driftsleverandør", "leverandor", "driftsleverandor", "operator"}},
	{"dpa_status", "DPA status", "Databehandleraftale", "Databehandleravtale", []string{"dpa", "data processing agreement", "databehandleraftale status", "databehandleravtale status", "dba"}},
	{"dpa_date", "DPA date", "Databehandleraftale dato", "Databehandleravtale dato", []string{"dpa signed", "dato for databehandleraftale", "dato for databehandleravtale", "dba dato"}},
	{"dpa_review", "DPA next review", "Næste gennemgang af databehandleraftale", "Neste gjennomgang av databehandleravtale", []string{"dpa review", "next review", "næste gennemgang", "neste gjennomgang", "tilsyn", "revision"}},
	{"personal_data", "Personal data", "Personoplysninger", "Personopplysninger", []string{"personal data categories", "persondata", "kategorier af personoplysninger", "kategorier av personopplysninger"}},
	{"confidentiality", "Confidentiality", "Fortrolighed", "Konfidensialitet", []string{"c", "fortrolighed (k)", "konfidentialitet"}},
	{"integrity", "Integrity", "Integritet", "Integritet", []string{"i"}},
	{"availability", "Availability", "Tilgængelighed", "Tilgjengelighet", []string{"a", "tilgaengelighed"}},
	{"rto_hours", "RTO (hours)", "RTO (timer)", "RTO (timer)", []string{"rto", "recovery time objective", "genetableringstid", "gjenopprettingstid"}},
	{"rpo_hours", "RPO (hours)", "RPO (timer)", "RPO (timer)", []string{"rpo", "recovery point objective", "maksimalt datatab", "maksimalt datatap"}},
	{"internet_exposed", "Internet exposed", "Eksponeret på internettet", "Eksponert mot internett", []string{"internet", "internetvendt", "internet-facing", "internet facing", "eksponeret", "eksponert", "internettvendt"}},
	{"tags", "Tags", "Nøgleord", "Stikkord", []string{"tag", "labels", "emneord", "kategorier"}},
	{"notes", "Notes", "Bemærkninger", "Merknader", []string{"note", "noter", "kommentar", "kommentarer", "comments", "bemerkninger"}},
	{"ai_use", "AI use", "Brug af AI", "Bruk av KI", []string{"ai", "ki", "kunstig intelligens", "artificial intelligence", "uses ai", "bruger ai", "bruker ki", "ai anvendelse"}},
	{"ai_purpose", "AI used for", "AI bruges til", "KI brukes til", []string{"ai purpose", "formål med ai", "formål med ki", "ai formål", "ki formål"}},
	{"ai_supplier", "AI supplier", "AI-leverandør", "KI-leverandør", []string{"ai leverandør", "ki leverandør", "ai vendor", "ai provider", "ai model"}},
	{"ai_dpa_covered", "DPA covers AI", "Databehandleraftalen dækker AI", "Databehandleravtalen dekker KI", []string{"ai dpa", "ai covered", "ai dækket", "ki dekket", "dpa covers ai"}},
	{"ai_checked", "AI checked", "AI kontrolleret", "KI kontrollert", []string{"ai checked date", "ai kontrol", "ki kontroll", "ai dpa checked"}},
}

// FieldLabel returns a field's header in lang.
func FieldLabel(key, lang string) string {
	for _, f := range Fields {
		if f.Key == key {
			switch lang {
			case "da":
				return f.DA
			case "nb":
				return f.NB
			}
			return f.EN
		}
	}
	return key
}

// Table is a spreadsheet's first sheet: its header and data rows, with the row number each has in
// the file (the header is usually row 1).
type Table struct {
	Header  []string
	Rows    [][]string
	RowNums []int
}

// ReadTable reads a CSV or XLSX file, telling them apart by content (an XLSX file is a zip).
func ReadTable(data []byte) (*Table, error) {
	if len(data) > MaxImportBytes {
		return nil, fileError("too_large", "the file is larger than %d MiB", MaxImportBytes>>20)
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return ReadXLSX(data)
	}
	return ReadCSV(data)
}

// ReadCSV reads a CSV file as spreadsheets write it: UTF-8 with or without BOM, UTF-16 with a BOM
// (Excel's "Unicode text"), or Windows-1252 (what Excel writes in Denmark and Norway); separated
// by semicolons, commas or tabs, whichever the header line uses most.
func ReadCSV(data []byte) (*Table, error) {
	if err := TableLimits.CheckSize(len(data)); err != nil {
		return nil, err
	}
	if bytes.HasPrefix(data, []byte("\xff\xfe")) || bytes.HasPrefix(data, []byte("\xfe\xff")) {
		// The BOM says which byte order; without one, UTF-16 is not guessed.
		dec, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil || bytes.Contains(dec, []byte("\uFFFD")) {
			return nil, errors.New("the file starts as UTF-16 text but is not valid UTF-16")
		}
		data = dec
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		dec, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return nil, fileError("encoding", "the file is neither UTF-8 nor Windows-1252 text")
		}
		data = dec
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fileError("not_csv", "the file is not a CSV text file (it contains NUL bytes); save it as CSV or XLSX")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sniffComma(data)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	t := &Table{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fileError("row", "row %d: %v", pe.Line, pe.Err)
			}
			return nil, err
		}
		line, _ := r.FieldPos(0)
		if err := t.add(rec, line); err != nil {
			return nil, err
		}
	}
	return t.done()
}

// sniffComma picks the separator the first line uses most, counting outside quotes.
func sniffComma(data []byte) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range string(data[:min(len(data), 64<<10)]) {
		if r == '"' {
			quoted = !quoted
		}
		if !quoted && (r == '\n' || r == '\r') {
			break
		}
		if !quoted && (r == ';' || r == ',' || r == '\t') {
			counts[r]++
		}
	}
	best, n := ',', 0
	for _, r := range []rune{';', ',', '\t'} {
		if counts[r] > n {
			best, n = r, counts[r]
		}
	}
	return best
}

func (t *Table) add(rec []string, line int) error {
	blank := true
	for i := range rec {
		rec[i] = strings.TrimSpace(strings.ReplaceAll(rec[i], "\u00a0", " "))
		if rec[i] != "" {
			blank = false
		}
	}
	if blank {
		return nil
	}
	if len(rec) > MaxColumns {
		return fileError("columns", "row %d: more than %d columns", line, MaxColumns)
	}
	for i, v := range rec {
		if len(v) > MaxCellChars && utf8.RuneCountInString(v) > MaxCellChars {
			return fmt.Errorf("row %d, column %d: the cell holds more than %d characters", line, i+1, MaxCellChars)
		}
	}
	if t.Header == nil {
		t.Header = rec
		return nil
	}
	if len(t.Rows) >= MaxImportRows {
		return fileError("rows", "more than %d rows", MaxImportRows)
	}
	t.Rows = append(t.Rows, rec)
	t.RowNums = append(t.RowNums, line)
	return nil
}

func (t *Table) done() (*Table, error) {
	if t.Header == nil {
		return nil, fileError("empty", "the file is empty")
	}
	return t, nil
}

// ReadXLSX reads the first sheet of an XLSX workbook. Cells are read raw, so dates arrive as Excel
// serial numbers and decimals with a point whatever the workbook's display format.
func ReadXLSX(data []byte) (t *Table, err error) {
	// A malformed workbook must answer with an error, never take the server down.
	defer func() {
		if v := recover(); v != nil {
			t, err = nil, fileError("xlsx", "the XLSX file cannot be read: %v", v)
		}
	}()
	// The guard checks what the zip unpacks to and how the XML in it nests before excelize reads
	// it; past 16 MB excelize keeps a worksheet in a temporary file instead of in memory.
	if err := TableLimits.CheckZip(data, XLSXLimits); err != nil {
		return nil, fmt.Errorf("the XLSX file cannot be read: %w", err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: XLSXLimits.MaxUnpacked, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, fileError("xlsx", "the XLSX file cannot be read: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fileError("no_sheets", "the workbook has no sheets")
	}
	sheet := sheets[0]
	for _, s := range sheets {
		if v, err := f.GetSheetVisible(s); err == nil && v {
			sheet = s
			break
		}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fileError("xlsx", "the XLSX file cannot be read: %v", err)
	}
	defer rows.Close()
	t = &Table{}
	n := 0
	for rows.Next() {
		n++
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fileError("row", "row %d: %v", n, err)
		}
		if err := t.add(rec, n); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, fileError("xlsx", "the XLSX file cannot be read: %v", err)
	}
	return t.done()
}
