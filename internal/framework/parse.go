package framework

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern/internal/inputguard"
)

// Problem is one thing wrong with a framework file.
type Problem struct {
	File    string
	Line    int
	Field   string // path such as areas[2].questions[4].recommendations.1; indexes count from 0
	Message string
}

// String formats the problem as FILE:LINE: FIELD: message.
func (p Problem) String() string {
	if p.Field == "" {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Field, p.Message)
}

// ValidationError holds every problem found in a framework file.
type ValidationError struct {
	Problems []Problem
}

// Error returns one line per problem, each formatted FILE:LINE: FIELD: message.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

var (
	frameworkIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	versionPattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]*$`)
	areaIDPattern      = regexp.MustCompile(`^[A-Z][A-Z0-9]*$`)
	questionIDPattern  = regexp.MustCompile(`^[A-Z][A-Z0-9]*-[0-9]{2,3}$`)
)

// MaxFileSize is the largest framework file Parse accepts. A framework with
// several hundred questions in three languages is about 1 MB.
const MaxFileSize = 8 << 20

// Limits bound a framework file before the YAML or JSON parser sees it. The built-in 2026
// framework is 7 levels deep and holds about 6,000 values; goccy/go-yaml spends about 1 KB and
// 15 µs per value on a small server, so 100,000 values stay near 100 MB and a second or two.
var Limits = inputguard.Limits{MaxBytes: MaxFileSize, MaxDepth: maxDepth, MaxTokens: 100000,
	Timeout: 30 * time.Second, Expansion: 40}

// trustedLimits check a framework this program wrote itself (Validate, ParseStored): the depth
// still, the number of values not.
var trustedLimits = inputguard.Limits{MaxBytes: 64 << 20, MaxDepth: maxDepth}

const (
	maxFrameworkIDLen = 100
	maxVersionLen     = 32
	maxAreaIDLen      = 16
)

// Parse reads a framework from YAML or, when the first non-space character is
// '{', from JSON. It reports every problem it finds at once as a
// *ValidationError; filename is only used in those messages.
func Parse(filename string, data []byte) (*Framework, error) {
	return parse(filename, data, Limits)
}

// ParseStored reads a framework this program stored after Parse or ImportOSCAL accepted it: the
// nesting is still checked, the number of values not, so that no stored framework stops parsing
// when the limits for uploaded files change.
func ParseStored(name string, data []byte) (*Framework, error) {
	return parse(name, data, trustedLimits)
}

func parse(filename string, data []byte, limits inputguard.Limits) (*Framework, error) {
	// The guard runs before any parser: the parsers' own depth checks come too late to stop
	// goccy/go-yaml from exhausting memory on deeply nested flow collections.
	check, read := limits.CheckYAML, parseYAMLNodes
	if isJSON(data) {
		check, read = limits.CheckJSON, parseJSONNodes
	}
	if err := check(data); err != nil {
		return nil, guardProblem(filename, err)
	}
	root, err := read(data)
	if err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			return nil, &ValidationError{Problems: []Problem{{File: filename, Line: se.line, Message: se.msg}}}
		}
		return nil, &ValidationError{Problems: []Problem{{File: filename, Line: 1, Message: err.Error()}}}
	}
	d := &decoder{file: filename}
	f := d.framework(root)
	if len(d.problems) > 0 {
		sort.SliceStable(d.problems, func(i, j int) bool { return d.problems[i].Line < d.problems[j].Line })
		return nil, &ValidationError{Problems: d.problems}
	}
	f.file = filename
	f.link()
	return f, nil
}

// Validate checks a framework built in code by writing it out canonically and
// parsing it again; problem lines refer to that canonical YAML.
func Validate(f *Framework) error {
	data, err := Marshal(f, "yaml")
	if err != nil {
		return err
	}
	name := f.file
	if name == "" {
		name = f.ID + ".yaml"
	}
	_, err = parse(name, data, trustedLimits)
	return err
}

// guardProblem reports a file the input guard refused as the one problem of the file.
func guardProblem(filename string, err error) error {
	var ge *inputguard.Error
	if !errors.As(err, &ge) {
		return err
	}
	line := max(ge.Line, 1)
	msg := ge.Error()
	if ge.Line > 0 {
		g := *ge
		g.Line = 0
		msg = g.Error()
	}
	return &ValidationError{Problems: []Problem{{File: filename, Line: line, Message: msg}}}
}

type decoder struct {
	file     string
	problems []Problem
	// langs are the declared languages that are valid; langsKnown is false
	// when the languages key itself is unusable, so that texts are not also
	// reported for every language.
	langs      []string
	langsKnown bool
}

func (d *decoder) add(line int, field, format string, args ...any) {
	d.problems = append(d.problems, Problem{File: d.file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// object is a mapping whose keys have been checked against the allowed ones.
type object struct {
	n     *node
	path  string
	byKey map[string]entry
}

func (d *decoder) object(n *node, path, what string, allowed ...string) *object {
	if n.kind != kMap {
		d.add(n.line, path, "must be a mapping (%s), not %s", what, n.kind)
		return nil
	}
	o := &object{n: n, path: path, byKey: map[string]entry{}}
	for _, e := range n.entries {
		ok := false
		for _, a := range allowed {
			if e.key == a {
				ok = true
				break
			}
		}
		if !ok {
			d.add(e.line, join(path, e.key), "unknown key (allowed here: %s)", strings.Join(allowed, ", "))
			continue
		}
		o.byKey[e.key] = e
	}
	return o
}

func (o *object) get(key string) (*node, bool) {
	e, ok := o.byKey[key]
	if !ok {
		return nil, false
	}
	return e.val, true
}

func (d *decoder) required(o *object, key string) (*node, bool) {
	n, ok := o.get(key)
	if !ok {
		d.add(o.n.line, join(o.path, key), "is required")
	}
	return n, ok
}

// str reads a string. A YAML plain scalar such as 2026 or yes is taken as
// the text it is written as.
func (d *decoder) str(n *node, path string) (string, bool) {
	switch {
	case n.kind == kString:
		return n.str, true
	case n.plain && (n.kind == kNumber || n.kind == kBool):
		return n.str, true
	case n.kind == kNull:
		d.add(n.line, path, "must not be empty")
		return "", false
	}
	d.add(n.line, path, "must be a string, not %s", n.kind)
	return "", false
}

func (d *decoder) boolean(n *node, path string) (bool, bool) {
	if n.kind != kBool {
		d.add(n.line, path, "must be true or false")
		return false, false
	}
	return n.b, true
}

func (d *decoder) integer(n *node, path string) (int, bool) {
	if n.kind != kNumber || !n.isInt || math.IsNaN(n.num) || math.Abs(n.num) > 1e9 {
		d.add(n.line, path, "must be a whole number")
		return 0, false
	}
	return int(n.num), true
}

func (d *decoder) pattern(n *node, path string, re *regexp.Regexp, maxLen int, desc string) (string, bool) {
	s, ok := d.str(n, path)
	if !ok {
		return "", false
	}
	if !re.MatchString(s) || len(s) > maxLen {
		d.add(n.line, path, "%q is not valid: %s", s, desc)
		return s, false
	}
	return s, true
}

func (d *decoder) text(n *node, path string) Text {
	if n.kind != kMap {
		d.add(n.line, path, "must be a mapping from language (da, nb, en) to text, not %s", n.kind)
		return nil
	}
	t := Text{}
	present := map[string]bool{}
	for _, e := range n.entries {
		field := join(path, e.key)
		if !isKnownLanguage(e.key) {
			d.add(e.line, field, "unknown language (use da, nb or en)")
			continue
		}
		present[e.key] = true
		if d.langsKnown && !contains(d.langs, e.key) {
			d.add(e.line, field, "language %s is not listed in languages", e.key)
			continue
		}
		s, ok := d.str(e.val, field)
		if !ok {
			continue
		}
		if strings.TrimSpace(s) == "" {
			d.add(e.val.line, field, "must not be empty")
			continue
		}
		t[e.key] = s
	}
	for _, l := range d.langs {
		if !present[l] {
			d.add(n.line, join(path, l), "missing text (every text needs all languages listed in languages)")
		}
	}
	return t
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// mappingRef remembers where a supersedes entry was written, for the checks
// that need the whole framework.
type mappingRef struct {
	m        Mapping
	line     int
	fromLine int
	toLine   int
	path     string
}

func (d *decoder) framework(root *node) *Framework {
	o := d.object(root, "", "a framework", "format", "id", "version", "languages", "title", "description", "not_relevant", "scale", "supersedes", "areas")
	if o == nil {
		return nil
	}
	f := &Framework{}

	if n, ok := d.required(o, "languages"); ok {
		f.Languages = d.languages(n)
	}
	if n, ok := d.required(o, "format"); ok {
		if s, ok := d.str(n, "format"); ok && s != FormatVersion {
			d.add(n.line, "format", "must be %q, not %q", FormatVersion, s)
		}
	}
	if n, ok := d.required(o, "id"); ok {
		f.ID, _ = d.pattern(n, "id", frameworkIDPattern, maxFrameworkIDLen,
			fmt.Sprintf("use lower-case letters, digits and '-', starting with a letter or digit, at most %d characters", maxFrameworkIDLen))
	}
	if n, ok := d.required(o, "version"); ok {
		f.Version, _ = d.pattern(n, "version", versionPattern, maxVersionLen,
			fmt.Sprintf("use letters, digits, '.' and '-', starting with a letter or digit, at most %d characters", maxVersionLen))
	}
	if n, ok := d.required(o, "title"); ok {
		f.Title = d.text(n, "title")
	}
	if n, ok := o.get("description"); ok {
		f.Description = d.text(n, "description")
	}
	if n, ok := o.get("not_relevant"); ok {
		f.NotRelevant, _ = d.boolean(n, "not_relevant")
	}
	if n, ok := d.required(o, "scale"); ok {
		f.Scale = d.scale(n)
	}
	var mapping []mappingRef
	var supersedesNode *node
	if n, ok := o.get("supersedes"); ok {
		supersedesNode = n
		f.Supersedes, mapping = d.supersedes(n, f.Version)
	}
	if n, ok := d.required(o, "areas"); ok {
		f.Areas = d.areas(n)
	}
	if f.Supersedes != nil {
		d.checkMappingTargets(f, mapping, supersedesNode)
	}
	return f
}

func (d *decoder) languages(n *node) []string {
	if n.kind != kSeq {
		d.add(n.line, "languages", "must be a list of languages, e.g. [da, nb, en]")
		return nil
	}
	if len(n.items) == 0 {
		d.add(n.line, "languages", "must list at least one language (da, nb, en)")
		return nil
	}
	var langs []string
	valid := true
	for i, item := range n.items {
		p := index("languages", i)
		s, ok := d.str(item, p)
		if !ok {
			valid = false
			continue
		}
		switch {
		case !isKnownLanguage(s):
			d.add(item.line, p, "unknown language %q (use da, nb or en)", s)
			valid = false
		case contains(langs, s):
			d.add(item.line, p, "language %s is listed twice", s)
		default:
			langs = append(langs, s)
		}
	}
	d.langs = langs
	d.langsKnown = valid
	return langs
}

func (d *decoder) scale(n *node) []ScaleLevel {
	if n.kind != kSeq {
		d.add(n.line, "scale", "must be a list of the six levels 0..5")
		return nil
	}
	var levels []ScaleLevel
	seen := map[int]int{}
	for i, item := range n.items {
		p := index("scale", i)
		o := d.object(item, p, "level, label, description", "level", "label", "description")
		if o == nil {
			continue
		}
		var sl ScaleLevel
		levelOK := false
		if v, ok := d.required(o, "level"); ok {
			if lv, ok := d.integer(v, join(p, "level")); ok {
				switch first, dup := seen[lv]; {
				case lv < 0 || lv > 5:
					d.add(v.line, join(p, "level"), "must be between 0 and 5, not %d", lv)
				case dup:
					d.add(v.line, join(p, "level"), "level %d is already defined on line %d", lv, first)
				default:
					seen[lv] = v.line
					sl.Level = lv
					levelOK = true
				}
			}
		}
		if v, ok := d.required(o, "label"); ok {
			sl.Label = d.text(v, join(p, "label"))
		}
		if v, ok := d.required(o, "description"); ok {
			sl.Description = d.text(v, join(p, "description"))
		}
		if levelOK {
			levels = append(levels, sl)
		}
	}
	for lv := 0; lv <= 5; lv++ {
		if _, ok := seen[lv]; !ok {
			d.add(n.line, "scale", "level %d is missing (the scale needs exactly the levels 0 to 5)", lv)
		}
	}
	sort.SliceStable(levels, func(i, j int) bool { return levels[i].Level < levels[j].Level })
	return levels
}

func (d *decoder) supersedes(n *node, version string) (*Supersedes, []mappingRef) {
	o := d.object(n, "supersedes", "version and mapping", "version", "mapping")
	if o == nil {
		return nil, nil
	}
	s := &Supersedes{}
	if v, ok := d.required(o, "version"); ok {
		if ver, ok := d.pattern(v, "supersedes.version", versionPattern, maxVersionLen, "use letters, digits, '.' and '-'"); ok {
			s.Version = ver
			if ver == version {
				d.add(v.line, "supersedes.version", "a version cannot supersede itself (%s)", ver)
			}
		}
	}
	v, ok := d.required(o, "mapping")
	if !ok {
		return s, nil
	}
	if v.kind != kSeq {
		d.add(v.line, "supersedes.mapping", "must be a list of {from, to, change} entries")
		return s, nil
	}
	var refs []mappingRef
	fromSeen := map[string]int{}
	for i, item := range v.items {
		p := index("supersedes.mapping", i)
		eo := d.object(item, p, "from, to, change", "from", "to", "change")
		if eo == nil {
			continue
		}
		mr := mappingRef{line: item.line, path: p}
		if c, ok := d.required(eo, "change"); ok {
			if cs, ok := d.str(c, join(p, "change")); ok {
				switch ChangeKind(cs) {
				case ChangeSame, ChangeChanged, ChangeRemoved, ChangeNew:
					mr.m.Change = ChangeKind(cs)
				default:
					d.add(c.line, join(p, "change"), "unknown change %q (use same, changed, removed or new)", cs)
				}
			}
		}
		fromNode, hasFrom := eo.get("from")
		toNode, hasTo := eo.get("to")
		if hasFrom {
			mr.fromLine = fromNode.line
			if id, ok := d.pattern(fromNode, join(p, "from"), questionIDPattern, 64, "a question id such as GOV-01"); ok {
				mr.m.From = id
				if first, dup := fromSeen[id]; dup {
					d.add(fromNode.line, join(p, "from"), "%s is already mapped on line %d", id, first)
				} else {
					fromSeen[id] = fromNode.line
				}
			}
		}
		if hasTo {
			mr.toLine = toNode.line
			if id, ok := d.pattern(toNode, join(p, "to"), questionIDPattern, 64, "a question id such as GOV-01"); ok {
				mr.m.To = id
			}
		}
		switch mr.m.Change {
		case ChangeSame, ChangeChanged:
			if !hasFrom {
				d.add(item.line, join(p, "from"), "is required for change %s", mr.m.Change)
			}
			if !hasTo {
				d.add(item.line, join(p, "to"), "is required for change %s", mr.m.Change)
			}
		case ChangeRemoved:
			if !hasFrom {
				d.add(item.line, join(p, "from"), "is required for change removed")
			}
			if hasTo {
				d.add(toNode.line, join(p, "to"), "must be left out for change removed (a removed question has no successor)")
			}
		case ChangeNew:
			if hasFrom {
				d.add(fromNode.line, join(p, "from"), "must be left out for change new (a new question has no predecessor)")
			}
			if !hasTo {
				d.add(item.line, join(p, "to"), "is required for change new")
			}
		}
		mr.m.line = item.line
		s.Mapping = append(s.Mapping, mr.m)
		refs = append(refs, mr)
	}
	return s, refs
}

// checkMappingTargets checks the to side of a supersedes mapping against the
// framework's own questions: every question exactly once.
func (d *decoder) checkMappingTargets(f *Framework, refs []mappingRef, n *node) {
	ids := map[string]bool{}
	for _, q := range f.Questions() {
		ids[q.ID] = true
	}
	toSeen := map[string]int{}
	for _, r := range refs {
		if r.m.To == "" {
			continue
		}
		field := join(r.path, "to")
		if first, dup := toSeen[r.m.To]; dup {
			d.add(r.toLine, field, "%s is already mapped on line %d", r.m.To, first)
			continue
		}
		toSeen[r.m.To] = r.toLine
		if !ids[r.m.To] {
			d.add(r.toLine, field, "there is no question %s in this framework", r.m.To)
		}
	}
	line := n.line
	if o := d.quietObject(n); o != nil {
		if e, ok := o["mapping"]; ok {
			line = e.line
		}
	}
	for _, q := range f.Questions() {
		if _, ok := toSeen[q.ID]; !ok {
			d.add(line, "supersedes.mapping", "question %s is not mapped (map it from an old question, or add {to: %s, change: new})", q.ID, q.ID)
		}
	}
}

func (d *decoder) quietObject(n *node) map[string]entry {
	if n == nil || n.kind != kMap {
		return nil
	}
	m := map[string]entry{}
	for _, e := range n.entries {
		m[e.key] = e
	}
	return m
}

func (d *decoder) areas(n *node) []*Area {
	if n.kind != kSeq {
		d.add(n.line, "areas", "must be a list of areas")
		return nil
	}
	if len(n.items) == 0 {
		d.add(n.line, "areas", "must contain at least one area")
		return nil
	}
	areaSeen := map[string]int{}
	questionSeen := map[string]int{}
	var areas []*Area
	for i, item := range n.items {
		p := index("areas", i)
		o := d.object(item, p, "an area", "id", "title", "description", "questions")
		if o == nil {
			continue
		}
		a := &Area{}
		idOK := false
		if v, ok := d.required(o, "id"); ok {
			if id, ok := d.pattern(v, join(p, "id"), areaIDPattern, maxAreaIDLen,
				fmt.Sprintf("use upper-case letters and digits, starting with a letter, at most %d characters", maxAreaIDLen)); ok {
				if first, dup := areaSeen[id]; dup {
					d.add(v.line, join(p, "id"), "area %s is already defined on line %d", id, first)
				} else {
					areaSeen[id] = v.line
				}
				a.ID = id
				idOK = true
			}
		}
		if v, ok := d.required(o, "title"); ok {
			a.Title = d.text(v, join(p, "title"))
		}
		if v, ok := o.get("description"); ok {
			a.Description = d.text(v, join(p, "description"))
		}
		if v, ok := d.required(o, "questions"); ok {
			if v.kind != kSeq {
				d.add(v.line, join(p, "questions"), "must be a list of questions")
			} else if len(v.items) == 0 {
				d.add(v.line, join(p, "questions"), "must contain at least one question")
			} else {
				for j, qn := range v.items {
					areaID := ""
					if idOK {
						areaID = a.ID
					}
					if q := d.question(qn, index(join(p, "questions"), j), areaID, questionSeen); q != nil {
						a.Questions = append(a.Questions, q)
					}
				}
			}
		}
		areas = append(areas, a)
	}
	return areas
}

func (d *decoder) question(n *node, p, areaID string, seen map[string]int) *Question {
	o := d.object(n, p, "a question", "id", "text", "help", "audience", "scope", "answer", "not_relevant", "weight", "target", "levels", "recommendations", "refs")
	if o == nil {
		return nil
	}
	q := &Question{}
	if v, ok := d.required(o, "id"); ok {
		if id, ok := d.pattern(v, join(p, "id"), questionIDPattern, 64, "use AREA-NN, e.g. GOV-01"); ok {
			q.ID = id
			if first, dup := seen[id]; dup {
				d.add(v.line, join(p, "id"), "question %s is already defined on line %d", id, first)
			} else {
				seen[id] = v.line
			}
			if areaID != "" && !strings.HasPrefix(id, areaID+"-") {
				d.add(v.line, join(p, "id"), "%s must start with its area id (%s-)", id, areaID)
			}
		}
	}
	if v, ok := d.required(o, "text"); ok {
		q.Text = d.text(v, join(p, "text"))
	}
	if v, ok := o.get("help"); ok {
		q.Help = d.text(v, join(p, "help"))
	}
	if v, ok := d.required(o, "audience"); ok {
		if s, ok := d.str(v, join(p, "audience")); ok {
			switch Audience(s) {
			case AudienceManagement, AudienceIT, AudienceDepartment, AudienceSystemOwner:
				q.Audience = Audience(s)
			default:
				d.add(v.line, join(p, "audience"), "unknown audience %q (use management, it, department or system-owner)", s)
			}
		}
	}
	if v, ok := d.required(o, "scope"); ok {
		if s, ok := d.str(v, join(p, "scope")); ok {
			switch Scope(s) {
			case ScopeOrganisation, ScopeUnit:
				q.Scope = Scope(s)
			default:
				d.add(v.line, join(p, "scope"), "unknown scope %q (use organisation or unit)", s)
			}
		}
	}
	if v, ok := d.required(o, "answer"); ok {
		if s, ok := d.str(v, join(p, "answer")); ok {
			switch AnswerType(s) {
			case AnswerMaturity, AnswerYesPartlyNo:
				q.Answer = AnswerType(s)
			default:
				d.add(v.line, join(p, "answer"), "unknown answer type %q (use maturity or yes-partly-no)", s)
			}
		}
	}
	if v, ok := o.get("not_relevant"); ok {
		if b, ok := d.boolean(v, join(p, "not_relevant")); ok {
			q.NotRelevant = &b
		}
	}
	if v, ok := d.required(o, "weight"); ok {
		if v.kind != kNumber || math.IsNaN(v.num) || math.IsInf(v.num, 0) {
			d.add(v.line, join(p, "weight"), "must be a number greater than 0")
		} else if v.num <= 0 {
			d.add(v.line, join(p, "weight"), "must be greater than 0, not %s", v.str)
		} else {
			q.Weight = v.num
		}
	}
	targetOK := false
	v, hasTarget := o.get("target")
	switch {
	case q.Answer == AnswerYesPartlyNo && hasTarget:
		d.add(v.line, join(p, "target"), "must be left out for yes-partly-no questions (their target is always yes)")
	case q.Answer == AnswerMaturity && !hasTarget:
		d.add(n.line, join(p, "target"), "is required for maturity questions")
	case hasTarget:
		if t, ok := d.integer(v, join(p, "target")); ok {
			if t < 1 || t > 5 {
				d.add(v.line, join(p, "target"), "must be a level from 1 to 5, not %d", t)
			} else if q.Answer == AnswerMaturity {
				q.Target = t
				targetOK = true
			}
		}
	}
	if v, ok := o.get("levels"); ok {
		if q.Answer == AnswerYesPartlyNo {
			d.add(v.line, join(p, "levels"), "levels are only used by maturity questions")
		} else {
			q.Levels = d.levels(v, join(p, "levels"))
		}
	}
	if v, ok := d.required(o, "recommendations"); ok {
		q.Recommendations = d.recommendations(v, join(p, "recommendations"), q.Answer, q.Target, targetOK)
	}
	if v, ok := o.get("refs"); ok {
		q.Refs = d.refs(v, join(p, "refs"))
	}
	return q
}

func (d *decoder) levels(n *node, p string) map[int]Text {
	if n.kind != kMap {
		d.add(n.line, p, "must be a mapping from level (0..5) to text")
		return nil
	}
	levels := map[int]Text{}
	for _, e := range n.entries {
		lv, err := strconv.Atoi(e.key)
		if err != nil || lv < 0 || lv > 5 || strconv.Itoa(lv) != e.key {
			d.add(e.line, join(p, e.key), "unknown level (use 0 to 5)")
			continue
		}
		levels[lv] = d.text(e.val, join(p, e.key))
	}
	for lv := 0; lv <= 5; lv++ {
		if _, ok := levels[lv]; !ok && !hasKey(n, strconv.Itoa(lv)) {
			d.add(n.line, join(p, strconv.Itoa(lv)), "is missing (question-specific levels must define all of 0 to 5)")
		}
	}
	return levels
}

func hasKey(n *node, key string) bool {
	for _, e := range n.entries {
		if e.key == key {
			return true
		}
	}
	return false
}

func (d *decoder) recommendations(n *node, p string, answer AnswerType, target int, targetOK bool) map[string]Text {
	if n.kind != kMap {
		d.add(n.line, p, "must be a mapping from answer (a level below the target, or no/partly) to text")
		return nil
	}
	var want []string
	switch answer {
	case AnswerMaturity:
		if targetOK {
			for lv := 0; lv < target; lv++ {
				want = append(want, strconv.Itoa(lv))
			}
		}
	case AnswerYesPartlyNo:
		want = []string{RecommendNo, RecommendPartly}
	}
	checkKeys := answer == AnswerYesPartlyNo || (answer == AnswerMaturity && targetOK)
	recs := map[string]Text{}
	for _, e := range n.entries {
		field := join(p, e.key)
		if checkKeys && !contains(want, e.key) {
			switch {
			case answer == AnswerYesPartlyNo:
				d.add(e.line, field, "unknown key (yes-partly-no questions take recommendations for no and partly)")
			case isLevelKey(e.key):
				d.add(e.line, field, "not needed: level %s is not below the target %d", e.key, target)
			default:
				d.add(e.line, field, "unknown key (maturity questions take recommendations for the levels 0 to %d)", target-1)
			}
			continue
		}
		recs[e.key] = d.text(e.val, field)
	}
	for _, k := range want {
		if !hasKey(n, k) {
			if answer == AnswerMaturity {
				d.add(n.line, join(p, k), "is missing (every level below the target %d needs a recommendation)", target)
			} else {
				d.add(n.line, join(p, k), "is missing (yes-partly-no questions need recommendations for no and partly)")
			}
		}
	}
	return recs
}

func isLevelKey(k string) bool {
	return len(k) == 1 && k[0] >= '0' && k[0] <= '5'
}

func (d *decoder) refs(n *node, p string) []Ref {
	if n.kind != kSeq {
		d.add(n.line, p, "must be a list of references such as \"iso27001:A.5.1\"")
		return nil
	}
	var refs []Ref
	seen := map[string]int{}
	for i, item := range n.items {
		ip := index(p, i)
		s, ok := d.str(item, ip)
		if !ok {
			continue
		}
		r, ok := ParseRef(s)
		if !ok {
			d.add(item.line, ip, "%q is not a reference: write scheme:id, e.g. iso27001:A.5.1", s)
			continue
		}
		if err := r.Valid(); err != nil {
			d.add(item.line, ip, "%s", err.Error())
			continue
		}
		if first, dup := seen[s]; dup {
			d.add(item.line, ip, "%s is already listed on line %d", s, first)
			continue
		}
		seen[s] = item.line
		refs = append(refs, r)
	}
	return refs
}

// CheckMapping checks the supersedes mapping of next against the previous
// version prev: it must name prev's version, every from must be a question of
// prev, and every question of prev must appear exactly once as from.
func CheckMapping(prev, next *Framework) []Problem {
	file := next.file
	if file == "" {
		file = next.ID + ".yaml"
	}
	var problems []Problem
	add := func(line int, field, format string, args ...any) {
		problems = append(problems, Problem{File: file, Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if next.Supersedes == nil {
		add(1, "supersedes", "is missing: %s %s does not say which version it supersedes", next.ID, next.Version)
		return problems
	}
	s := next.Supersedes
	firstLine := 1
	if len(s.Mapping) > 0 && s.Mapping[0].line > 0 {
		firstLine = s.Mapping[0].line
	}
	if prev.ID != next.ID {
		add(firstLine, "supersedes", "the previous framework is %s, not %s", prev.ID, next.ID)
	}
	if s.Version != prev.Version {
		add(firstLine, "supersedes.version", "is %s, but the previous framework has version %s", s.Version, prev.Version)
	}
	old := map[string]bool{}
	for _, q := range prev.Questions() {
		old[q.ID] = true
	}
	seen := map[string]int{}
	for i, m := range s.Mapping {
		if m.From == "" {
			continue
		}
		field := index("supersedes.mapping", i) + ".from"
		line := max(m.line, 1)
		if !old[m.From] {
			add(line, field, "there is no question %s in %s %s", m.From, prev.ID, prev.Version)
			continue
		}
		if first, dup := seen[m.From]; dup {
			add(line, field, "%s is already mapped on line %d", m.From, first)
			continue
		}
		seen[m.From] = line
	}
	for _, q := range prev.Questions() {
		if _, ok := seen[q.ID]; !ok {
			add(firstLine, "supersedes.mapping", "question %s of %s %s is not mapped (map it to a question, or add {from: %s, change: removed})", q.ID, prev.ID, prev.Version, q.ID)
		}
	}
	return problems
}
