package framework

import (
	"fmt"
	"sort"
)

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
	o := d.object(root, "", "a framework", "format", "id", "version", "kind", "languages", "title", "description", "not_relevant", "scale", "supersedes", "areas")
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
	if n, ok := o.get("kind"); ok {
		if s, ok := d.str(n, "kind"); ok {
			switch Kind(s) {
			case KindBaseline:
			case KindMapping:
				f.Kind, d.mapping = KindMapping, true
			default:
				d.add(n.line, "kind", "unknown kind %q (use baseline or mapping)", s)
			}
		}
	}
	if d.mapping {
		if n, ok := o.get("scale"); ok {
			d.add(n.line, "scale", "must be left out in a mapping framework (it is not scored)")
		}
	} else if n, ok := d.required(o, "scale"); ok {
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
