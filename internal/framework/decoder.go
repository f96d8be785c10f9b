package framework

import (
	"fmt"
	"math"
	"regexp"
	"strings"
)

type decoder struct {
	file     string
	problems []Problem
	// langs are the declared languages that are valid; langsKnown is false
	// when the languages key itself is unusable, so that texts are not also
	// reported for every language.
	langs      []string
	langsKnown bool
	// mapping is set while an unscored mapping framework is read: its questions take other
	// answer types and no scoring keys.
	mapping bool
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
