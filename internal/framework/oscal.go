package framework

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/vaern/vaern/internal/inputguard"
	"golang.org/x/text/unicode/norm"
)

// The parts of an OSCAL catalogue the importer reads. Everything else (back
// matter, links, props other than labels) is ignored.
type oscalDocument struct {
	Catalog *oscalCatalog `json:"catalog"`
}

type oscalCatalog struct {
	UUID     string         `json:"uuid"`
	Metadata oscalMetadata  `json:"metadata"`
	Params   []oscalParam   `json:"params"`
	Groups   []oscalGroup   `json:"groups"`
	Controls []oscalControl `json:"controls"`
}

type oscalMetadata struct {
	Title   string `json:"title"`
	Version string `json:"version"`
}

type oscalGroup struct {
	ID       string         `json:"id"`
	Title    string         `json:"title"`
	Params   []oscalParam   `json:"params"`
	Groups   []oscalGroup   `json:"groups"`
	Controls []oscalControl `json:"controls"`
}

type oscalControl struct {
	ID       string         `json:"id"`
	Title    string         `json:"title"`
	Params   []oscalParam   `json:"params"`
	Parts    []oscalPart    `json:"parts"`
	Controls []oscalControl `json:"controls"`
}

type oscalPart struct {
	Name  string      `json:"name"`
	Prose string      `json:"prose"`
	Props []oscalProp `json:"props"`
	Parts []oscalPart `json:"parts"`
}

type oscalProp struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type oscalParam struct {
	ID     string       `json:"id"`
	Label  string       `json:"label"`
	Select *oscalSelect `json:"select"`
}

type oscalSelect struct {
	HowMany string   `json:"how-many"`
	Choice  []string `json:"choice"`
}

// OSCALLimits bound an OSCAL catalogue before it is parsed. The resolved NIST SP 800-53 LOW
// baseline is 18 levels deep and holds about 83,000 values in 2.6 MB; the whole catalogue is
// about 10 MB.
var OSCALLimits = inputguard.Limits{MaxBytes: 64 << 20, MaxDepth: maxDepth, MaxTokens: 4000000,
	Timeout: 60 * time.Second, Expansion: 8}

// ImportOSCAL turns an OSCAL catalogue (JSON or XML) into a draft framework in
// English: groups become areas, controls and their enhancements become
// maturity questions with a reference back to the control. The draft passes
// validation but its recommendations are placeholders to be rewritten.
func ImportOSCAL(filename string, data []byte) (*Framework, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var c *oscalCatalog
	var err error
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '<' {
		c, err = readOSCALXML(filename, data)
	} else {
		c, err = readOSCALJSON(filename, data)
	}
	if err != nil {
		return nil, err
	}
	im := &oscalImporter{params: map[string]oscalParam{}, areaIDs: map[string]bool{}}
	im.collectParams(c)

	title := cleanText(c.Metadata.Title)
	if title == "" {
		title = "Imported OSCAL catalogue"
	}
	slug := slugify(title, maxFrameworkIDLen-len("oscal-"))
	if slug == "" {
		slug = "catalog"
	}
	im.refPrefix = slug

	f := &Framework{
		ID:          "oscal-" + slug,
		Version:     sanitizeVersion(c.Metadata.Version),
		Languages:   []string{"en"},
		Title:       Text{"en": title},
		Description: Text{"en": "Draft imported from the OSCAL catalogue " + strconv.Quote(title) + ". Review the questions and write real recommendations before use."},
		NotRelevant: true,
		Scale:       genericScale(),
	}
	for _, g := range c.Groups {
		im.group(f, g, nil, nil, 0)
	}
	if len(c.Controls) > 0 {
		im.addArea(f, "GENERAL", "General", c.Controls)
	}
	if len(f.Areas) == 0 {
		return nil, fmt.Errorf("import OSCAL %s: the catalogue has no controls", filename)
	}
	f.file = filename
	f.link()
	// The draft is meant to be exported, edited and imported again as a file, so it must fit
	// what Parse accepts.
	if y, err := Marshal(f, "yaml"); err == nil {
		if err := Limits.CheckYAML(y); err != nil {
			var ge *inputguard.Error
			if errors.As(err, &ge) {
				ge.Line = 0 // a line of the draft, which the person has not seen
			}
			return nil, fmt.Errorf("import OSCAL %s: the draft (%d questions) would be larger than a framework file may be: %w; import a baseline or a part of the catalogue", filename, len(f.Questions()), err)
		}
	}
	if err := Validate(f); err != nil {
		return nil, fmt.Errorf("import OSCAL %s: the draft does not validate (a bug in the importer): %w", filename, err)
	}
	return f, nil
}

func readOSCALJSON(filename string, data []byte) (*oscalCatalog, error) {
	if err := OSCALLimits.CheckJSON(data); err != nil {
		return nil, fmt.Errorf("import OSCAL %s: %w", filename, err)
	}
	var doc oscalDocument
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, oscalError(filename, data, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("import OSCAL %s: unexpected data after the catalogue", filename)
	}
	if doc.Catalog == nil {
		return nil, fmt.Errorf("import OSCAL %s: not an OSCAL catalogue (no top-level \"catalog\")", filename)
	}
	return doc.Catalog, nil
}

func oscalError(filename string, data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("import OSCAL %s:%d: JSON syntax: %w", filename, lineAtOffset(data, int(se.Offset)), err)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("import OSCAL %s:%d: %s must be %s, not %s", filename, lineAtOffset(data, int(te.Offset)), te.Field, te.Type, te.Value)
	}
	return fmt.Errorf("import OSCAL %s: %w", filename, err)
}

func lineAtOffset(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

type oscalImporter struct {
	refPrefix string
	params    map[string]oscalParam
	areaIDs   map[string]bool
}

func (im *oscalImporter) collectParams(c *oscalCatalog) {
	var controls func([]oscalControl)
	controls = func(cs []oscalControl) {
		for _, ctl := range cs {
			im.addParams(ctl.Params)
			controls(ctl.Controls)
		}
	}
	var groups func([]oscalGroup, int)
	groups = func(gs []oscalGroup, depth int) {
		if depth > maxDepth {
			return
		}
		for _, g := range gs {
			im.addParams(g.Params)
			controls(g.Controls)
			groups(g.Groups, depth+1)
		}
	}
	im.addParams(c.Params)
	controls(c.Controls)
	groups(c.Groups, 0)
}

func (im *oscalImporter) addParams(ps []oscalParam) {
	for _, p := range ps {
		if _, ok := im.params[p.ID]; !ok && p.ID != "" {
			im.params[p.ID] = p
		}
	}
}

// group adds an area for a group with controls of its own, then its
// subgroups; area titles carry the whole group path so that flattened nested
// groups stay recognisable.
func (im *oscalImporter) group(f *Framework, g oscalGroup, titles, ids []string, depth int) {
	if depth > maxDepth {
		return
	}
	title := cleanText(g.Title)
	if title == "" {
		title = g.ID
	}
	titles = append(append([]string(nil), titles...), title)
	ids = append(append([]string(nil), ids...), g.ID)
	if len(g.Controls) > 0 {
		base := g.ID
		if base == "" {
			base = strings.Join(ids, "")
		}
		im.addArea(f, base, strings.Join(titles, " / "), g.Controls)
	}
	for _, sub := range g.Groups {
		im.group(f, sub, titles, ids, depth+1)
	}
}

func (im *oscalImporter) addArea(f *Framework, rawID, title string, controls []oscalControl) {
	id := im.uniqueAreaID(rawID)
	if strings.TrimSpace(title) == "" {
		title = id
	}
	a := &Area{ID: id, Title: Text{"en": title}}
	n := 0
	var walk func([]oscalControl, int)
	walk = func(cs []oscalControl, depth int) {
		if depth > maxDepth {
			return
		}
		for _, c := range cs {
			if n == 999 {
				// Question numbers have at most three digits: continue in
				// a new area.
				f.Areas = append(f.Areas, a)
				a = &Area{ID: im.uniqueAreaID(rawID), Title: Text{"en": title + " (continued)"}}
				n = 0
			}
			n++
			a.Questions = append(a.Questions, im.question(c, fmt.Sprintf("%s-%02d", a.ID, n)))
			walk(c.Controls, depth+1)
		}
	}
	walk(controls, 0)
	f.Areas = append(f.Areas, a)
}

// uniqueAreaID makes a valid area id (upper-case letters and digits, starting
// with a letter) from an OSCAL group id, unique within the framework.
func (im *oscalImporter) uniqueAreaID(raw string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(foldASCII(raw)) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	base := b.String()
	if base == "" || base[0] < 'A' || base[0] > 'Z' {
		base = "G" + base
	}
	// Leave room for a suffix, and keep question ids within their pattern.
	if len(base) > maxAreaIDLen-4 {
		base = base[:maxAreaIDLen-4]
	}
	id := base
	for i := 2; im.areaIDs[id]; i++ {
		id = base + "X" + strconv.Itoa(i)
	}
	im.areaIDs[id] = true
	return id
}

func (im *oscalImporter) question(c oscalControl, id string) *Question {
	title := cleanText(c.Title)
	if title == "" {
		title = cleanText(c.ID)
	}
	if title == "" {
		title = id
	}
	q := &Question{
		ID:       id,
		Text:     Text{"en": title},
		Audience: AudienceIT,
		Scope:    ScopeOrganisation,
		Answer:   AnswerMaturity,
		Weight:   1,
		Target:   3,
		Recommendations: map[string]Text{
			"0": {"en": "Implement: " + title},
			"1": {"en": "Implement consistently and document: " + title},
			"2": {"en": "Assign an owner and review regularly: " + title},
		},
	}
	if help := im.statement(c.Parts); help != "" {
		q.Help = Text{"en": help}
	}
	if ref := (Ref{Scheme: "oscal", ID: im.refPrefix + "#" + refControlID(c.ID)}); ref.Valid() == nil {
		q.Refs = []Ref{ref}
	}
	return q
}

// refControlID keeps an OSCAL control id usable in a reference; ids of real
// catalogues (ac-2, ac-2.1, s1.1.1) pass unchanged.
func refControlID(id string) string {
	var b strings.Builder
	for _, r := range foldASCII(id) {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := b.String()
	if s == "" || s[0] == '.' || s[0] == '-' {
		s = "_" + s
	}
	if len(s) > 100 {
		s = s[:100]
	}
	return s
}

// statement renders the prose of the control's statement parts (with their
// lettered items) as plain text.
func (im *oscalImporter) statement(parts []oscalPart) string {
	var lines []string
	var walk func(p oscalPart, depth int)
	walk = func(p oscalPart, depth int) {
		if depth > maxDepth {
			return
		}
		prose := cleanText(im.insertParams(p.Prose, 0))
		if prose != "" {
			if label := partLabel(p); label != "" && depth > 0 {
				prose = label + " " + prose
			}
			lines = append(lines, prose)
		}
		for _, sub := range p.Parts {
			walk(sub, depth+1)
		}
	}
	for _, p := range parts {
		if p.Name == "statement" {
			walk(p, 0)
		}
	}
	return strings.Join(lines, "\n")
}

func partLabel(p oscalPart) string {
	for _, pr := range p.Props {
		if pr.Name == "label" {
			return cleanText(pr.Value)
		}
	}
	return ""
}

var insertPattern = regexp.MustCompile(`\{\{\s*insert:\s*param,\s*([^\s}]+)\s*\}\}`)

// insertParams replaces OSCAL parameter insertions with a readable
// placeholder in the style of the printed catalogues: [Assignment: label] or
// [Selection: a; b].
func (im *oscalImporter) insertParams(s string, depth int) string {
	return insertPattern.ReplaceAllStringFunc(s, func(m string) string {
		id := insertPattern.FindStringSubmatch(m)[1]
		p, ok := im.params[id]
		if !ok || depth > 3 {
			return "[" + id + "]"
		}
		if p.Select != nil && len(p.Select.Choice) > 0 {
			choices := make([]string, len(p.Select.Choice))
			for i, c := range p.Select.Choice {
				choices[i] = cleanText(im.insertParams(c, depth+1))
			}
			kind := "Selection"
			if p.Select.HowMany == "one-or-more" {
				kind = "Selection (one or more)"
			}
			return "[" + kind + ": " + strings.Join(choices, "; ") + "]"
		}
		if label := cleanText(p.Label); label != "" {
			return "[Assignment: " + label + "]"
		}
		return "[" + id + "]"
	})
}

// cleanText makes catalogue text safe for a framework: valid UTF-8 without
// control characters other than newlines, and trimmed.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// foldASCII removes diacritics and spells the Nordic letters out, so that ids
// derived from titles stay readable (Små både → Smaa baade, Ærø → AEroe).
func foldASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case 'æ':
			b.WriteString("ae")
		case 'Æ':
			b.WriteString("AE")
		case 'ø':
			b.WriteString("oe")
		case 'Ø':
			b.WriteString("OE")
		case 'å':
			b.WriteString("aa")
		case 'Å':
			b.WriteString("AA")
		case 'ß':
			b.WriteString("ss")
		default:
			for _, d := range norm.NFD.String(string(r)) {
				if !unicode.Is(unicode.Mn, d) {
					b.WriteRune(d)
				}
			}
		}
	}
	return b.String()
}

// slugify makes a lower-case id such as sample-security-catalog from a title.
func slugify(s string, maxLen int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(foldASCII(s)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	out := b.String()
	if len(out) > maxLen {
		out = strings.TrimRight(out[:maxLen], "-")
	}
	return out
}

// sanitizeVersion turns a catalogue version such as 5.1.1+u4 into a framework
// version (5.1.1-u4); an empty one becomes "draft".
func sanitizeVersion(v string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(v) {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			b.WriteRune(r)
		} else if utf8.ValidRune(r) {
			b.WriteByte('-')
		}
	}
	out := strings.TrimLeft(b.String(), ".-")
	if len(out) > maxVersionLen {
		out = out[:maxVersionLen]
	}
	if out == "" {
		return "draft"
	}
	return out
}

// genericScale is the English maturity scale given to imported drafts.
func genericScale() []ScaleLevel {
	levels := []struct{ label, desc string }{
		{"Not in place", "Nothing is done, or only by chance."},
		{"Initial", "Work has started but depends on individuals."},
		{"Repeatable", "It is done the same way each time but not written down."},
		{"Defined", "It is written down, approved and known to those concerned."},
		{"Managed", "It is measured and followed up, and deviations are handled."},
		{"Optimised", "It is improved continuously from experience."},
	}
	scale := make([]ScaleLevel, len(levels))
	for i, l := range levels {
		scale[i] = ScaleLevel{Level: i, Label: Text{"en": l.label}, Description: Text{"en": l.desc}}
	}
	return scale
}
