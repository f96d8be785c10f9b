package register

import (
	"strings"
	"unicode"
)

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
