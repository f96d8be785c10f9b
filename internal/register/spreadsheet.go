package register

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/vaern/vaern/internal/inputguard"

	"github.com/vaern/vaern"
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

// normHeader reduces a header to lower-case letters, digits and single spaces.
func normHeader(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.':
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case r == '(' || r == ')' || r == '-' || r == '_' || r == ' ' || r == '/' || r == ':' || r == '*':
			space = true
		}
	}
	return b.String()
}

// GuessMapping proposes a field for each column from its header ("" when none fits); a field is
// proposed for one column at most.
func GuessMapping(header []string) []string {
	out := make([]string, len(header))
	used := map[string]bool{}
	names := map[string]string{}
	for _, f := range Fields {
		for _, n := range append([]string{f.Key, f.EN, f.DA, f.NB}, f.Aliases...) {
			k := normHeader(n)
			if _, ok := names[k]; !ok {
				names[k] = f.Key
			}
		}
	}
	for i, h := range header {
		if key, ok := names[normHeader(h)]; ok && !used[key] {
			out[i], used[key] = key, true
		}
	}
	return out
}

// CheckMapping refuses a mapping without the name column or with a field mapped twice.
func CheckMapping(header, mapping []string) error {
	if len(mapping) != len(header) {
		return fileError("mapping", "the mapping does not fit the file's columns")
	}
	seen := map[string]int{}
	for i, key := range mapping {
		if key == "" {
			continue
		}
		if !knownField(key) {
			return fileError("unknown_field", "column %q: unknown field %q", header[i], key)
		}
		if j, dup := seen[key]; dup {
			return fileError("mapped_twice", "columns %q and %q are both mapped to %s", header[j], header[i], key)
		}
		seen[key] = i
	}
	if _, ok := seen["name"]; !ok {
		return fileError("no_name", "no column is mapped to the system's name")
	}
	return nil
}

func knownField(key string) bool {
	for _, f := range Fields {
		if f.Key == key {
			return true
		}
	}
	return false
}

// Problem is one thing wrong with an imported row.
type Problem struct {
	Row    int    // the row number in the file; 0 for the file as a whole
	Column string // the column's header as written in the file
	Code   string // what is wrong: required, too_long, unknown_user, ...
	Value  string // the offending value, or a detail
}

// Reason is the problem in English.
func (p Problem) Reason() string {
	switch p.Code {
	case "required":
		return "is required"
	case "too_long":
		return fmt.Sprintf("is longer than %s characters", p.Value)
	case "duplicate":
		return fmt.Sprintf("the same system is already in row %s", p.Value)
	case "unknown_user":
		return fmt.Sprintf("%q is not a person in this organisation (give their e-mail address)", p.Value)
	case "ambiguous_user":
		return fmt.Sprintf("%q names several people; give the e-mail address", p.Value)
	case "unknown_unit":
		return fmt.Sprintf("%q is not a unit of this organisation", p.Value)
	case "bad_hosting":
		return fmt.Sprintf("%q is not a hosting form (own, shared, supplier, saas)", p.Value)
	case "bad_dpa":
		return fmt.Sprintf("%q is not a DPA status (not_needed, missing, in_progress, signed, expired)", p.Value)
	case "bad_date":
		return fmt.Sprintf("%q is not a date (use 2025-03-31 or 31-03-2025)", p.Value)
	case "bad_hours":
		return fmt.Sprintf("%q is not a number of hours", p.Value)
	case "bad_level":
		return fmt.Sprintf("%q is not a level (1-4, or low, medium, high, very high)", p.Value)
	case "bad_pd":
		return fmt.Sprintf("%q is not a personal-data category (none, ordinary, sensitive, national ID)", p.Value)
	case "bad_bool":
		return fmt.Sprintf("%q is not yes or no", p.Value)
	case "bad_cpe":
		return "CPE " + p.Value
	case "bad_purl":
		return "purl " + p.Value
	case "bad_ai":
		return fmt.Sprintf("%q is not an AI use (none, feature, purpose)", p.Value)
	}
	return p.Value
}

// String is the problem as one line, as the command line prints it.
func (p Problem) String() string {
	switch {
	case p.Row == 0:
		return "file: " + p.Reason()
	case p.Column == "":
		return fmt.Sprintf("row %d: %s", p.Row, p.Reason())
	}
	return fmt.Sprintf("row %d: %s: %s", p.Row, p.Column, p.Reason())
}

// Resolver finds the organisation's people and units named in a spreadsheet.
type Resolver interface {
	// User finds a person by e-mail address or, when unique, by full name; ambiguous reports a
	// name shared by several people.
	User(s string) (id int64, ambiguous bool, ok bool)
	// Contact finds a contact (a person without an account) by e-mail or, when unique, by name.
	Contact(s string) (id int64, ok bool)
	Unit(name string) (int64, bool)
}

// Record is one checked row (the domain's SystemRecord, which the store writes).
type Record = vaern.SystemRecord

// Apply copies the fields rec sets onto dst, leaving the others as they are: a re-import of a
// spreadsheet with fewer columns does not wipe what it does not mention.
func Apply(dst *vaern.ITSystem, rec Record) {
	s := rec.Sys
	for key := range rec.Set {
		switch key {
		case "name":
			dst.Name = s.Name
		case "description":
			dst.Description = s.Description
		case "system_owner":
			dst.SystemOwnerID, dst.SystemOwnerContactID, dst.NewSystemOwner = s.SystemOwnerID, s.SystemOwnerContactID, s.NewSystemOwner
		case "data_owner":
			dst.DataOwnerID, dst.DataOwnerContactID, dst.NewDataOwner = s.DataOwnerID, s.DataOwnerContactID, s.NewDataOwner
		case "unit":
			dst.UnitID = s.UnitID
		case "vendor":
			dst.Vendor = s.Vendor
		case "product":
			dst.Product = s.Product
		case "version":
			dst.Version = s.Version
		case "cpe":
			dst.CPE = s.CPE
		case "purl":
			dst.PURL = s.PURL
		case "hosting":
			dst.Hosting = s.Hosting
		case "supplier":
			dst.Supplier = s.Supplier
		case "dpa_status":
			dst.DPAStatus = s.DPAStatus
		case "dpa_date":
			dst.DPADate = s.DPADate
		case "dpa_review":
			dst.DPAReview = s.DPAReview
		case "personal_data":
			dst.PersonalData = s.PersonalData
		case "confidentiality":
			dst.Confidentiality = s.Confidentiality
		case "integrity":
			dst.Integrity = s.Integrity
		case "availability":
			dst.Availability = s.Availability
		case "rto_hours":
			dst.RTO = s.RTO
		case "rpo_hours":
			dst.RPO = s.RPO
		case "internet_exposed":
			dst.InternetExposed = s.InternetExposed
		case "tags":
			dst.Tags = s.Tags
		case "notes":
			dst.Notes = s.Notes
		default:
			applyAI(dst, s, key)
		}
	}
}

// Check turns every row into a record and lists every problem, row by row and column by column,
// without stopping at the first. progress, if set, is told how far it has come.
func Check(t *Table, mapping []string, res Resolver, progress func(done, total int)) ([]Record, []Problem) {
	if err := CheckMapping(t.Header, mapping); err != nil {
		return nil, []Problem{{Code: "mapping", Value: err.Error()}}
	}
	var recs []Record
	var probs []Problem
	firstRow := map[string]int{}
	for i, row := range t.Rows {
		if progress != nil && i%500 == 0 {
			progress(i, len(t.Rows))
		}
		rec := Record{Row: t.RowNums[i], Set: map[string]bool{}}
		add := func(col int, code, value string) {
			probs = append(probs, Problem{Row: rec.Row, Column: t.Header[col], Code: code, Value: value})
		}
		for col, key := range mapping {
			if key == "" {
				continue
			}
			rec.Set[key] = true
			v := ""
			if col < len(row) {
				v = row[col]
			}
			checkCell(&rec.Sys, key, v, res, func(code, value string) { add(col, code, value) })
		}
		if rec.Sys.Name != "" {
			k := strings.ToLower(rec.Sys.Name)
			if first, dup := firstRow[k]; dup {
				add(indexOf(mapping, "name"), "duplicate", strconv.Itoa(first))
			} else {
				firstRow[k] = rec.Row
			}
		}
		recs = append(recs, rec)
	}
	if progress != nil {
		progress(len(t.Rows), len(t.Rows))
	}
	return recs, probs
}

func indexOf(list []string, v string) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return 0
}

// Text limits, shared with the store's validation.
const (
	MaxName  = 200
	MaxShort = 200
	MaxText  = 10000
)

func checkCell(s *vaern.ITSystem, key, v string, res Resolver, bad func(code, value string)) {
	text := func(dst *string, limit int) {
		if utf8.RuneCountInString(v) > limit {
			bad("too_long", strconv.Itoa(limit))
			return
		}
		*dst = v
	}
	switch key {
	case "name":
		if v == "" {
			bad("required", "")
			return
		}
		text(&s.Name, MaxName)
	case "description":
		text(&s.Description, MaxText)
	case "notes":
		text(&s.Notes, MaxText)
	case "vendor":
		text(&s.Vendor, MaxShort)
	case "product":
		text(&s.Product, MaxShort)
	case "version":
		text(&s.Version, MaxShort)
	case "supplier":
		text(&s.Supplier, MaxShort)
	case "system_owner", "data_owner":
		if v == "" {
			return
		}
		user, contact, nc := &s.SystemOwnerID, &s.SystemOwnerContactID, &s.NewSystemOwner
		if key == "data_owner" {
			user, contact, nc = &s.DataOwnerID, &s.DataOwnerContactID, &s.NewDataOwner
		}
		id, ambiguous, ok := res.User(v)
		switch {
		case ambiguous:
			bad("ambiguous_user", v)
		case ok:
			*user = id
		default:
			// Not a Værn user: an owner outside Værn, a contact found or (when the value reads as
			// a person's name or e-mail) created by the import.
			if cid, ok := res.Contact(v); ok {
				*contact = cid
			} else if c, ok := PersonContact(v); ok {
				*nc = &c
			} else {
				bad("unknown_user", v)
			}
		}
	case "unit":
		if v == "" {
			return
		}
		if id, ok := res.Unit(v); ok {
			s.UnitID = id
		} else {
			bad("unknown_unit", v)
		}
	case "cpe":
		c, err := CleanCPE(v)
		if err != nil {
			bad("bad_cpe", err.Error())
		}
		s.CPE = c
	case "purl":
		p, err := CleanPURL(v)
		if err != nil {
			bad("bad_purl", err.Error())
		}
		s.PURL = p
	case "hosting":
		h, ok := ParseHosting(v)
		if !ok {
			bad("bad_hosting", v)
		}
		s.Hosting = h
	case "dpa_status":
		d, ok := ParseDPA(v)
		if !ok {
			bad("bad_dpa", v)
		}
		s.DPAStatus = d
	case "dpa_date", "dpa_review":
		d, ok := ParseDate(v)
		if !ok {
			bad("bad_date", v)
		}
		if key == "dpa_date" {
			s.DPADate = d
		} else {
			s.DPAReview = d
		}
	case "personal_data":
		pd, ok := ParsePersonalData(v)
		if !ok {
			bad("bad_pd", v)
		}
		s.PersonalData = pd
	case "confidentiality", "integrity", "availability":
		l, ok := ParseLevel(v)
		if !ok {
			bad("bad_level", v)
		}
		switch key {
		case "confidentiality":
			s.Confidentiality = l
		case "integrity":
			s.Integrity = l
		default:
			s.Availability = l
		}
	case "rto_hours", "rpo_hours":
		d, ok := ParseHours(v)
		if !ok {
			bad("bad_hours", v)
		}
		if key == "rto_hours" {
			s.RTO = d
		} else {
			s.RPO = d
		}
	case "internet_exposed":
		b, ok := ParseBool(v)
		if !ok {
			bad("bad_bool", v)
		}
		s.InternetExposed = b
	case "tags":
		s.Tags = vaern.NormalizeTags(strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '|' }))
	default:
		checkAICell(s, key, v, bad)
	}
}

// word lower-cases and trims a cell for matching against known words.
func word(v string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.Trim(strings.TrimSpace(v), "."))), " ")
}

// ParseHosting understands the hosting forms in Danish, Norwegian and English.
func ParseHosting(v string) (vaern.Hosting, bool) {
	switch word(v) {
	case "":
		return "", true
	case "own", "own operation", "on-premises", "on premises", "on-prem", "intern", "internal", "egen drift", "eget drift", "egen", "selv", "lokal", "lokalt":
		return vaern.HostingOwn, true
	case "shared", "inter-municipal", "intermunicipal", "iks", "fælleskommunal", "fælleskommunalt", "kommunalt fællesskab", "interkommunal", "interkommunalt", "interkommunalt samarbeid", "it-fællesskab", "it-fellesskap", "fælles drift", "felles drift":
		return vaern.HostingShared, true
	case "supplier", "vendor", "hosted", "leverandør", "leverandørdrift", "leverandørdrevet", "outsourcet", "outsourced", "hostet", "driftsleverandør":
		return vaern.HostingSupplier, true
	case "saas", "software as a service", "cloud", "sky", "skyen", "skytjeneste", "cloudtjeneste":
		return vaern.HostingSaaS, true
	}
	return "", false
}

// ParseDPA understands data-processing agreement statuses.
func ParseDPA(v string) (vaern.DPAStatus, bool) {
	switch word(v) {
	case "":
		return "", true
	case "not_needed", "not needed", "n/a", "na", "ikke relevant", "ikke nødvendig", "ikke påkrævet", "ikke krævet", "ikke påkrevd", "ikke nødvendig.", "ingen behov":
		return vaern.DPANotNeeded, true
	case "missing", "no", "nej", "nei", "mangler", "mangler aftale", "mangler avtale", "ingen":
		return vaern.DPAMissing, true
	case "in_progress", "in progress", "draft", "under udarbejdelse", "i gang", "igangsat", "pågår", "under arbeid", "udkast", "utkast", "forhandles":
		return vaern.DPAInProgress, true
	case "signed", "yes", "ja", "underskrevet", "signert", "indgået", "inngått", "ok", "gyldig", "valid":
		return vaern.DPASigned, true
	case "expired", "udløbet", "utløpt", "opsagt", "sagt opp", "terminated":
		return vaern.DPAExpired, true
	}
	return "", false
}

// ParseLevel understands criticality levels 1-4 as numbers or words.
func ParseLevel(v string) (int, bool) {
	switch word(v) {
	case "", "-", "ikke vurderet", "ikke vurdert", "not assessed":
		return 0, true
	case "1", "low", "lav", "lille", "liten":
		return vaern.CritLow, true
	case "2", "medium", "middel", "mellem", "moderat", "moderate", "middels":
		return vaern.CritMedium, true
	case "3", "high", "høj", "høy", "stor":
		return vaern.CritHigh, true
	case "4", "very high", "meget høj", "svært høy", "veldig høy", "kritisk", "critical":
		return vaern.CritVeryHigh, true
	}
	return 0, false
}

// ParsePersonalData understands a list of categories such as "almindelige, CPR" or "sensitive".
func ParsePersonalData(v string) (int, bool) {
	out := 0
	parts := strings.FieldsFunc(strings.ToLower(v), func(r rune) bool { return r == ',' || r == ';' || r == '/' || r == '+' || r == '|' })
	for _, p := range parts {
		p = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(p), "og "))
		p = strings.TrimPrefix(p, "and ")
		switch word(p) {
		case "", "none", "ingen", "nej", "nei", "no", "0":
		case "ordinary", "ordinære", "almindelige", "almindelig", "alm", "alm.", "almindelige personoplysninger", "vanlige", "vanlige personopplysninger", "general", "yes", "ja":
			out |= vaern.PDOrdinary
		case "sensitive", "følsomme", "følsomme personoplysninger", "særlige kategorier", "særlige", "sensitive personopplysninger", "særlige kategorier av personopplysninger", "special", "special categories", "helbred", "helse", "health":
			out |= vaern.PDSensitive
		case "national_id", "national id", "national id numbers", "cpr", "cpr-nummer", "cpr-numre", "cpr nummer", "cpr numre", "personnummer", "fødselsnummer", "fødselsnumre", "fnr":
			out |= vaern.PDNationalID
		default:
			return 0, false
		}
	}
	return out, true
}

// ParseBool understands yes and no in the three languages.
func ParseBool(v string) (bool, bool) {
	switch word(v) {
	case "", "no", "nej", "nei", "false", "0", "n", "-":
		return false, true
	case "yes", "ja", "true", "1", "x", "y", "j":
		return true, true
	}
	return false, false
}

// ParseNumber reads a decimal number written with a decimal point or a decimal comma, with or
// without thousands separators ("1.234,5", "1,234.5", "2,5", "0.5").
func ParseNumber(v string) (float64, bool) {
	v = strings.ReplaceAll(strings.TrimSpace(v), " ", "")
	if v == "" {
		return 0, false
	}
	lastDot, lastComma := strings.LastIndexByte(v, '.'), strings.LastIndexByte(v, ',')
	switch {
	case lastDot >= 0 && lastComma >= 0 && lastComma > lastDot:
		v = strings.ReplaceAll(v, ".", "")
		v = strings.Replace(v, ",", ".", 1)
	case lastDot >= 0 && lastComma >= 0:
		v = strings.ReplaceAll(v, ",", "")
	case lastComma >= 0:
		if strings.Count(v, ",") > 1 {
			return 0, false
		}
		v = strings.Replace(v, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// ParseHours reads a duration in hours ("4", "0,5", "4 timer", "2 dage", "30 min").
func ParseHours(v string) (time.Duration, bool) {
	w := word(v)
	if w == "" {
		return 0, true
	}
	num := strings.TrimRightFunc(w, func(r rune) bool { return unicode.IsLetter(r) || r == ' ' || r == '.' })
	unit := strings.TrimSpace(w[len(num):])
	f, ok := ParseNumber(num)
	if !ok || f < 0 {
		return 0, false
	}
	switch unit {
	case "", "h", "t", "hour", "hours", "time", "timer", "timar", "hrs", "hr":
	case "d", "day", "days", "dag", "dage", "dager", "døgn", "døgn.":
		f *= 24
	case "min", "m", "minute", "minutes", "minut", "minutter":
		f /= 60
	case "w", "week", "weeks", "uge", "uger", "uke", "uker":
		f *= 24 * 7
	default:
		return 0, false
	}
	if f > 24*365*10 {
		return 0, false
	}
	return time.Duration(math.Round(f*60)) * time.Minute, true
}

// ParseDate reads a date as ISO (2025-03-31), Danish/Norwegian day-first (31-03-2025, 31.03.2025,
// 31/3/2025) or an Excel serial number (what a date cell holds in an XLSX file).
func ParseDate(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" || v == "-" {
		return time.Time{}, true
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && !strings.ContainsAny(v, "-/") {
		if f >= 20000 && f <= 80000 { // 1954 to 2119
			t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(f))
			return t, true
		}
		return time.Time{}, false
	}
	if len(v) > 10 && (v[10] == 'T' || v[10] == ' ') {
		v = v[:10]
	}
	for _, layout := range []string{"2006-01-02", "02-01-2006", "2-1-2006", "02.01.2006", "2.1.2006", "02/01/2006", "2/1/2006", "02.01.06", "2.1.06"} {
		if t, err := time.Parse(layout, v); err == nil {
			if t.Year() < 1950 || t.Year() > 2200 {
				return time.Time{}, false
			}
			return t, true
		}
	}
	return time.Time{}, false
}

// PersonContact reads an owner cell that names no Værn user as a new contact, when it looks like
// a person: an e-mail address, or a name of letters (with spaces, hyphens, apostrophes and dots),
// never a number or a code such as "IT-1234".
func PersonContact(v string) (vaern.Contact, bool) {
	v = strings.Join(strings.Fields(v), " ")
	if v == "" || utf8.RuneCountInString(v) > MaxName {
		return vaern.Contact{}, false
	}
	if at := strings.IndexByte(v, '@'); at > 0 {
		if _, err := mail.ParseAddress(v); err != nil || strings.ContainsAny(v, " <>") || !strings.Contains(v[at:], ".") {
			return vaern.Contact{}, false
		}
		return vaern.Contact{Name: v, Email: strings.ToLower(v)}, true
	}
	letters := 0
	for _, r := range v {
		switch {
		case unicode.IsLetter(r):
			letters++
		case r == ' ' || r == '-' || r == '\'' || r == '.':
		default:
			return vaern.Contact{}, false
		}
	}
	return vaern.Contact{Name: v}, letters >= 2
}
