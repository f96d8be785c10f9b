package i18n

import (
	"strconv"
	"strings"
)

// LocalNumber writes a number given in canonical form ("58600", "3.67", "-1.5") as lang writes it:
// a decimal comma and a point between thousands in Danish and Norwegian, a point and commas in
// English. Thousands are grouped from five digits on, so that years ("2025") stay as they are. A
// text that is not a canonical number is returned unchanged, with ok false.
func LocalNumber(s, lang string) (out string, ok bool) {
	neg := strings.HasPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if intPart == "" || !digits(intPart) || (hasFrac && (frac == "" || !digits(frac))) {
		return s, false
	}
	dec, group := ".", ","
	if lang != "en" {
		dec, group = ",", "."
	}
	if len(intPart) >= 5 {
		var b strings.Builder
		for i, r := range intPart {
			if i > 0 && (len(intPart)-i)%3 == 0 {
				b.WriteString(group)
			}
			b.WriteRune(r)
		}
		intPart = b.String()
	}
	out = intPart
	if hasFrac {
		out += dec + frac
	}
	if neg {
		out = "-" + out
	}
	return out, true
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Num writes v with as many decimals as it needs (a weight of 1.5, a population of 58600) in the
// reader's language.
func (l *Localizer) Num(v float64) string {
	s, _ := LocalNumber(strconv.FormatFloat(v, 'f', -1, 64), l.Lang)
	return s
}

// Int writes a whole number with thousands grouped as the reader's language does.
func (l *Localizer) Int(n int) string {
	s, _ := LocalNumber(strconv.Itoa(n), l.Lang)
	return s
}
