package knowledge

import (
	"html/template"
	"strings"
	"unicode"
)

// Search queries are reduced to plain words before they reach either engine, so that no FTS5 or
// tsquery syntax from a person's input is ever interpreted: the store matches each word as a
// prefix (SQLite has no Danish or Norwegian stemmer; a prefix finds "adgangskontrollen" for
// "adgangskontrol"), and all words must match.

// MaxTerms and MaxTermLen bound a query.
const (
	MaxTerms   = 8
	MaxTermLen = 64
)

// Terms splits a query into lower-case words of letters and digits: at most MaxTerms, each cut to
// MaxTermLen characters. An empty result means there is nothing to search for.
func Terms(q string) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if r := []rune(f); len(r) > MaxTermLen {
			f = string(r[:MaxTermLen])
		}
		if seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, f)
		if len(out) == MaxTerms {
			break
		}
	}
	return out
}

// The markers Snippet puts around a match. They are control characters that Clean removes from
// every stored text, so only Snippet can have written them.
const (
	MarkStart = "\x02"
	MarkEnd   = "\x03"
)

// Clean removes the snippet markers and other control characters (but tabs and newlines) from a
// text before it is stored.
func Clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// Highlight makes a snippet safe HTML: everything is escaped, and each marked match becomes a
// <mark> element. A marker without its partner is dropped, so the markup is always balanced.
func Highlight(snippet string) template.HTML {
	var b strings.Builder
	open := false
	for len(snippet) > 0 {
		i := strings.IndexAny(snippet, MarkStart+MarkEnd)
		if i < 0 {
			b.WriteString(template.HTMLEscapeString(snippet))
			break
		}
		b.WriteString(template.HTMLEscapeString(snippet[:i]))
		switch snippet[i : i+1] {
		case MarkStart:
			if !open {
				b.WriteString("<mark>")
				open = true
			}
		case MarkEnd:
			if open {
				b.WriteString("</mark>")
				open = false
			}
		}
		snippet = snippet[i+1:]
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String())
}

// PlainSnippet is a snippet without its markers (for the JSON API).
func PlainSnippet(s string) string {
	return strings.NewReplacer(MarkStart, "", MarkEnd, "").Replace(s)
}

// snippetRunes is about how long a snippet is.
const snippetRunes = 220

// Snippet cuts a matching text down to the part around its first match and marks every word
// that starts with one of the terms (as the engines matched them), for Highlight.
func Snippet(text string, terms []string) string {
	text = Clean(text)
	words := []rune(text)
	lower := []rune(strings.ToLower(text))
	if len(lower) != len(words) {
		lower = words // a case mapping that changes length: match as written
	}
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	type span struct{ from, to int }
	var hits []span
	for i := 0; i < len(words); {
		if !isWord(words[i]) {
			i++
			continue
		}
		j := i
		for j < len(words) && isWord(words[j]) {
			j++
		}
		w := string(lower[i:j])
		for _, t := range terms {
			if t != "" && strings.HasPrefix(w, t) {
				hits = append(hits, span{i, j})
				break
			}
		}
		i = j
	}
	from := 0
	if len(hits) > 0 && hits[0].from > snippetRunes/3 {
		from = hits[0].from - snippetRunes/3
		for from < hits[0].from && isWord(words[from]) {
			from++ // start at a word
		}
	}
	to := min(len(words), from+snippetRunes)
	var b strings.Builder
	if from > 0 {
		b.WriteString("… ")
	}
	at := from
	for _, h := range hits {
		if h.from < from || h.to > to {
			continue
		}
		b.WriteString(string(words[at:h.from]))
		b.WriteString(MarkStart + string(words[h.from:h.to]) + MarkEnd)
		at = h.to
	}
	b.WriteString(string(words[at:to]))
	if to < len(words) {
		b.WriteString(" …")
	}
	return b.String()
}
