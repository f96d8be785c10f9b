package register

import (
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vaern/vaern"
)

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
