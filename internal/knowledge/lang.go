package knowledge

import "github.com/vaern/vaern"

// fallbacks is the order in which other languages stand in for the reader's: a Danish and a
// Norwegian reader read each other's language before English.
var fallbacks = map[string][]string{"da": {"da", "nb", "en"}, "nb": {"nb", "da", "en"}, "en": {"en", "da", "nb"}}

// Pick chooses the version of texts a reader of lang sees: their own language, else the nearest
// one there is. It reports the language shown and whether it is not the reader's.
func Pick(texts map[string]vaern.PostText, lang, original string) (vaern.PostText, string, bool) {
	order, ok := fallbacks[lang]
	if !ok {
		order = fallbacks["en"]
	}
	if t, ok := texts[lang]; ok && t.Title != "" {
		return t, lang, false
	}
	if t, ok := texts[original]; ok && t.Title != "" {
		return t, original, original != lang
	}
	for _, l := range order {
		if t, ok := texts[l]; ok && t.Title != "" {
			return t, l, l != lang
		}
	}
	return vaern.PostText{}, lang, false
}
