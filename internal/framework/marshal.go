package framework

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Marshal writes f in its canonical form, format "yaml" or "json". The output
// is deterministic: keys in the documented order, texts in the order da, nb,
// en, and a fixed quoting rule, so that Parse followed by Marshal reproduces
// canonical input byte for byte and version-control diffs stay small.
func Marshal(f *Framework, format string) ([]byte, error) {
	if f == nil {
		return nil, fmt.Errorf("marshal framework: nil framework")
	}
	root, err := frameworkNode(f)
	if err != nil {
		return nil, fmt.Errorf("marshal framework %s %s: %w", f.ID, f.Version, err)
	}
	var b bytes.Buffer
	switch format {
	case "yaml", "yml":
		writeYAMLBlock(&b, root, 0)
	case "json":
		writeJSON(&b, root, 0)
		b.WriteByte('\n')
	default:
		return nil, fmt.Errorf("marshal framework: unknown format %q (use yaml or json)", format)
	}
	return b.Bytes(), nil
}

// ---- Framework to node ----

func strNode(s string) *node { return &node{kind: kString, str: s} }

func intNode(i int) *node {
	return &node{kind: kNumber, str: strconv.Itoa(i), num: float64(i), isInt: true}
}

func mapNode(flow bool) *node { return &node{kind: kMap, flow: flow} }

func (n *node) set(key string, v *node) *node {
	n.entries = append(n.entries, entry{key: key, val: v})
	return n
}

func textNode(t Text) *node {
	m := mapNode(false)
	for _, l := range textLanguages(t) {
		m.set(l, strNode(t[l]))
	}
	return m
}

func frameworkNode(f *Framework) (*node, error) {
	root := mapNode(false)
	root.set("format", strNode(FormatVersion))
	root.set("id", strNode(f.ID))
	root.set("version", strNode(f.Version))
	if f.Kind == KindMapping {
		root.set("kind", strNode(string(f.Kind)))
	}
	langs := &node{kind: kSeq, flow: true}
	for _, l := range f.Languages {
		langs.items = append(langs.items, strNode(l))
	}
	root.set("languages", langs)
	root.set("title", textNode(f.Title))
	if len(f.Description) > 0 {
		root.set("description", textNode(f.Description))
	}
	root.set("not_relevant", &node{kind: kBool, b: f.NotRelevant, str: strconv.FormatBool(f.NotRelevant)})
	if f.Kind != KindMapping {
		scale := &node{kind: kSeq}
		for _, s := range f.Scale {
			scale.items = append(scale.items, mapNode(false).
				set("level", intNode(s.Level)).
				set("label", textNode(s.Label)).
				set("description", textNode(s.Description)))
		}
		root.set("scale", scale)
	}
	if s := f.Supersedes; s != nil {
		mapping := &node{kind: kSeq}
		for _, m := range s.Mapping {
			e := mapNode(true)
			if m.From != "" {
				e.set("from", strNode(m.From))
			}
			if m.To != "" {
				e.set("to", strNode(m.To))
			}
			e.set("change", strNode(string(m.Change)))
			mapping.items = append(mapping.items, e)
		}
		root.set("supersedes", mapNode(false).set("version", strNode(s.Version)).set("mapping", mapping))
	}
	areas := &node{kind: kSeq}
	for _, a := range f.Areas {
		if a == nil {
			continue
		}
		an := mapNode(false).set("id", strNode(a.ID)).set("title", textNode(a.Title))
		if len(a.Description) > 0 {
			an.set("description", textNode(a.Description))
		}
		qs := &node{kind: kSeq}
		for _, q := range a.Questions {
			if q == nil {
				continue
			}
			qn, err := questionNode(q, f.Kind == KindMapping)
			if err != nil {
				return nil, err
			}
			qs.items = append(qs.items, qn)
		}
		an.set("questions", qs)
		areas.items = append(areas.items, an)
	}
	root.set("areas", areas)
	return root, nil
}

func questionNode(q *Question, mapping bool) (*node, error) {
	n := mapNode(false).set("id", strNode(q.ID)).set("text", textNode(q.Text))
	if len(q.Help) > 0 {
		n.set("help", textNode(q.Help))
	}
	n.set("audience", strNode(string(q.Audience)))
	n.set("scope", strNode(string(q.Scope)))
	n.set("answer", strNode(string(q.Answer)))
	if mapping {
		if len(q.Choices) > 0 {
			cs := &node{kind: kSeq}
			for _, c := range q.Choices {
				cs.items = append(cs.items, mapNode(false).set("id", strNode(c.ID)).set("label", textNode(c.Label)))
			}
			n.set("choices", cs)
		}
		writeRefs(n, q.Refs)
		return n, nil
	}
	if q.NotRelevant != nil {
		n.set("not_relevant", &node{kind: kBool, b: *q.NotRelevant, str: strconv.FormatBool(*q.NotRelevant)})
	}
	if math.IsNaN(q.Weight) || math.IsInf(q.Weight, 0) {
		return nil, fmt.Errorf("question %s: weight must be a finite number", q.ID)
	}
	n.set("weight", &node{kind: kNumber, num: q.Weight, str: strconv.FormatFloat(q.Weight, 'f', -1, 64)})
	if q.Answer != AnswerYesPartlyNo || q.Target != 0 {
		n.set("target", intNode(q.Target))
	}
	if len(q.Levels) > 0 {
		levels := make([]int, 0, len(q.Levels))
		for lv := range q.Levels {
			levels = append(levels, lv)
		}
		sort.Ints(levels)
		ln := mapNode(false)
		for _, lv := range levels {
			ln.set(strconv.Itoa(lv), textNode(q.Levels[lv]))
		}
		n.set("levels", ln)
	}
	rn := mapNode(false)
	for _, k := range sortedRecommendationKeys(q.Recommendations) {
		rn.set(k, textNode(q.Recommendations[k]))
	}
	n.set("recommendations", rn)
	writeRefs(n, q.Refs)
	return n, nil
}

func writeRefs(n *node, rs []Ref) {
	if len(rs) > 0 {
		refs := &node{kind: kSeq, flow: true}
		for _, r := range rs {
			refs.items = append(refs.items, strNode(r.String()))
		}
		n.set("refs", refs)
	}
}

// ---- YAML writer ----

func isBlock(n *node) bool {
	switch n.kind {
	case kMap:
		return !n.flow && len(n.entries) > 0
	case kSeq:
		return !n.flow && len(n.items) > 0
	}
	return false
}

func pad(b *bytes.Buffer, indent int) {
	for range indent {
		b.WriteByte(' ')
	}
}

// writeYAMLBlock writes a block collection whose lines start at indent.
func writeYAMLBlock(b *bytes.Buffer, n *node, indent int) {
	switch n.kind {
	case kMap:
		writeYAMLEntries(b, n, indent, true)
	case kSeq:
		for _, item := range n.items {
			pad(b, indent)
			b.WriteByte('-')
			switch {
			case item.kind == kMap && isBlock(item):
				b.WriteByte(' ')
				writeYAMLEntries(b, item, indent+2, false)
			case isBlock(item):
				b.WriteByte('\n')
				writeYAMLBlock(b, item, indent+2)
			default:
				b.WriteByte(' ')
				writeYAMLInline(b, item)
				b.WriteByte('\n')
			}
		}
	}
}

// writeYAMLEntries writes the entries of a block mapping; the first line is
// not indented when the caller already wrote a "- " prefix.
func writeYAMLEntries(b *bytes.Buffer, n *node, indent int, padFirst bool) {
	for i, e := range n.entries {
		if i > 0 || padFirst {
			pad(b, indent)
		}
		b.WriteString(yamlKey(e.key))
		b.WriteByte(':')
		if isBlock(e.val) {
			b.WriteByte('\n')
			writeYAMLBlock(b, e.val, indent+2)
		} else {
			b.WriteByte(' ')
			writeYAMLInline(b, e.val)
			b.WriteByte('\n')
		}
	}
}

// writeYAMLInline writes a scalar or a flow collection in block context.
func writeYAMLInline(b *bytes.Buffer, n *node) { writeYAMLScalarOrFlow(b, n, false) }

func writeYAMLScalarOrFlow(b *bytes.Buffer, n *node, inFlow bool) {
	switch n.kind {
	case kMap:
		b.WriteByte('{')
		for i, e := range n.entries {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(yamlKey(e.key))
			b.WriteString(": ")
			writeYAMLScalarOrFlow(b, e.val, true)
		}
		b.WriteByte('}')
	case kSeq:
		b.WriteByte('[')
		for i, item := range n.items {
			if i > 0 {
				b.WriteString(", ")
			}
			writeYAMLScalarOrFlow(b, item, true)
		}
		b.WriteByte(']')
	case kString:
		if plainSafe(n.str, inFlow) {
			b.WriteString(n.str)
		} else {
			b.WriteString(yamlQuote(n.str))
		}
	case kNumber, kBool:
		b.WriteString(n.str)
	default:
		b.WriteString("null")
	}
}

// reservedWords are plain scalars that YAML 1.1 or 1.2 readers take for
// booleans, nulls or numbers.
var reservedWords = map[string]bool{
	"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"y": true, "n": true, "null": true, "nan": true, "inf": true,
}

// plainSafe reports whether s can be written as a plain YAML scalar and read
// back as the same string by any YAML reader. The rule is deliberately narrow:
// it starts with a letter and contains only letters, digits, single spaces and
// a few punctuation marks that have no meaning inside a plain scalar (fewer
// inside flow collections, where ',' ends a value). Everything else is
// double-quoted.
func plainSafe(s string, inFlow bool) bool {
	if s == "" || reservedWords[strings.ToLower(s)] {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsLetter(first) {
		return false
	}
	if strings.HasSuffix(s, " ") || strings.Contains(s, "  ") {
		return false
	}
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return false
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
		case strings.ContainsRune(" .;()/-_+=", r):
		case !inFlow && strings.ContainsRune(",?!'", r):
		default:
			return false
		}
	}
	return true
}

func yamlKey(k string) string {
	if k == "" || reservedWords[strings.ToLower(k)] {
		return yamlQuote(k)
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return yamlQuote(k)
		}
	}
	if k[0] == '-' {
		return yamlQuote(k)
	}
	return k
}

// yamlQuote writes s as a one-line double-quoted YAML scalar.
func yamlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		default:
			switch {
			case r == ' ' || (unicode.IsPrint(r) && r != '\uFEFF'):
				b.WriteRune(r)
			case r <= 0xFFFF:
				fmt.Fprintf(&b, `\u%04X`, r)
			default:
				fmt.Fprintf(&b, `\U%08X`, r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// ---- JSON writer ----

func writeJSON(b *bytes.Buffer, n *node, indent int) {
	switch n.kind {
	case kMap:
		if len(n.entries) == 0 {
			b.WriteString("{}")
			return
		}
		if n.flow {
			b.WriteByte('{')
			for i, e := range n.entries {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(jsonString(e.key))
				b.WriteString(": ")
				writeJSON(b, e.val, indent)
			}
			b.WriteByte('}')
			return
		}
		b.WriteString("{\n")
		for i, e := range n.entries {
			pad(b, indent+2)
			b.WriteString(jsonString(e.key))
			b.WriteString(": ")
			writeJSON(b, e.val, indent+2)
			if i < len(n.entries)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		pad(b, indent)
		b.WriteByte('}')
	case kSeq:
		if len(n.items) == 0 {
			b.WriteString("[]")
			return
		}
		if n.flow {
			b.WriteByte('[')
			for i, item := range n.items {
				if i > 0 {
					b.WriteString(", ")
				}
				writeJSON(b, item, indent)
			}
			b.WriteByte(']')
			return
		}
		b.WriteString("[\n")
		for i, item := range n.items {
			pad(b, indent+2)
			writeJSON(b, item, indent+2)
			if i < len(n.items)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		pad(b, indent)
		b.WriteByte(']')
	case kString:
		b.WriteString(jsonString(n.str))
	case kNumber, kBool:
		b.WriteString(n.str)
	default:
		b.WriteString("null")
	}
}

func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	return strings.TrimSuffix(b.String(), "\n")
}
