// Package i18n translates the user interface into Danish, Norwegian bokmål and English. Catalogs are
// flat JSON files (key → text, with fmt verbs for arguments), embedded and loaded at start-up:
// locales/LANG.json for the platform and locales/MODULE.LANG.json for each module, merged into one
// catalog per language (a key defined twice is an error).
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed locales/*.json
var files embed.FS

// Langs are the supported languages, in the order they are offered.
var Langs = []string{"da", "nb", "en"}

// Default is used when nothing the browser asks for is supported.
const Default = "en"

// Names are the languages' names in themselves, for the language switch.
var Names = map[string]string{"da": "Dansk", "nb": "Norsk bokmål", "en": "English"}

// Catalog holds every language's texts.
type Catalog struct {
	texts map[string]map[string]string
}

// Load reads the embedded catalogs.
func Load() (*Catalog, error) {
	c := &Catalog{texts: map[string]map[string]string{}}
	for _, l := range Langs {
		names, err := fs.Glob(files, "locales/*"+l+".json")
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		merged := map[string]string{}
		for _, name := range names {
			base := strings.TrimSuffix(path.Base(name), ".json")
			if base != l && !strings.HasSuffix(base, "."+l) {
				continue
			}
			b, err := files.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("i18n: %w", err)
			}
			m := map[string]string{}
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", name, err)
			}
			for k, v := range m {
				if _, dup := merged[k]; dup {
					return nil, fmt.Errorf("i18n: %s: key %q is defined twice", name, k)
				}
				merged[k] = v
			}
		}
		if len(merged) == 0 {
			return nil, fmt.Errorf("i18n: no catalog for %s", l)
		}
		c.texts[l] = merged
	}
	return c, nil
}

// Keys returns the sorted keys of language l.
func (c *Catalog) Keys(l string) []string {
	var out []string
	for k := range c.texts[l] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Has reports whether language l has key.
func (c *Catalog) Has(l, key string) bool { _, ok := c.texts[l][key]; return ok }

// Localizer translates for one language.
type Localizer struct {
	Lang string
	c    *Catalog
}

// For returns a localizer for l (falling back to Default for an unknown language).
func (c *Catalog) For(l string) *Localizer {
	if _, ok := c.texts[l]; !ok {
		l = Default
	}
	return &Localizer{Lang: l, c: c}
}

// T returns the text for key, formatted with args. A missing key shows as ⟦key⟧ so it is noticed;
// the catalog test makes sure none reaches a user.
func (l *Localizer) T(key string, args ...any) string {
	s, ok := l.c.texts[l.Lang][key]
	if !ok {
		s, ok = l.c.texts[Default][key]
		if !ok {
			return "⟦" + key + "⟧"
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// N is T for a count: the text key+".one" when n is 1 and the catalogue has one ("1 hendelse"),
// else key's ("3 hendelser"); n is the first argument.
func (l *Localizer) N(key string, n int, args ...any) string {
	if n == 1 {
		if _, ok := l.c.texts[l.Lang][key+".one"]; ok {
			return l.T(key+".one", append([]any{n}, args...)...)
		}
	}
	return l.T(key, append([]any{n}, args...)...)
}

// Maybe returns the text for key, or fallback when there is none (for texts that come from data,
// such as validation messages).
func (l *Localizer) Maybe(key, fallback string) string {
	if s, ok := l.c.texts[l.Lang][key]; ok {
		return s
	}
	return fallback
}

// Dec formats a score or a figure with two decimals as the language writes it: a decimal comma in
// Danish and Norwegian, a point in English.
func (l *Localizer) Dec(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	r := math.Round(math.Abs(v)*100+1e-9) / 100 // half away from zero, as scores are rounded
	if r == 0 {
		v = 0
	} else {
		v = math.Copysign(r, v)
	}
	s := strconv.FormatFloat(v, 'f', 2, 64)
	if l.Lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// DecP is Dec for a figure that may be missing ("–").
func (l *Localizer) DecP(v *float64) string {
	if v == nil {
		return "–"
	}
	return l.Dec(*v)
}

// Match picks the best supported language for an Accept-Language header.
func Match(accept string) string { return MatchOr(accept, Default) }

// MatchOr is Match with the language to use when the header names none that is supported (or is
// empty): for a signed-in person, their organisation's language rather than English.
func MatchOr(accept, fallback string) string {
	best, bestQ := "", -1.0
	for _, part := range strings.Split(accept, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			fmt.Sscanf(v, "%g", &q)
		}
		l := Normalize(tag)
		if l != "" && q > bestQ {
			best, bestQ = l, q
		}
	}
	if best == "" {
		return fallback
	}
	return best
}

// Normalize maps a language tag to a supported language, or "" if none fits. Norwegian in any
// form (no, nb, nn) gets bokmål.
func Normalize(tag string) string {
	primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	switch primary {
	case "da":
		return "da"
	case "nb", "no", "nn":
		return "nb"
	case "en":
		return "en"
	}
	return ""
}
