// The JSON grammar under eveDecoder: numbers, strings with their escapes, and skipping values
// Værn does not keep.

package sensor

import (
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// number checks the JSON number at d.b[i] and returns the index after it.
func (d *eveDecoder) number(i int) int {
	b := d.b
	start := i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		}
	default:
		return d.failAt(start, "invalid number")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return d.failAt(start, "invalid number")
		}
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return d.failAt(start, "invalid number")
		}
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		}
	}
	return i
}

// plain marks the bytes a string holds as they are: not the quote, the backslash, a control
// character or a byte outside ASCII.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str reads the string at d.b[i] == '"' and returns it (a view) and the index after it.
func (d *eveDecoder) str(i int) (string, int) {
	b := d.b
	j := i + 1
	for j < len(b) && plain[b[j]] {
		j++
	}
	if j < len(b) && b[j] == '"' {
		if j == i+1 {
			return "", j + 1
		}
		return unsafe.String(&b[i+1], j-i-1), j + 1
	}
	return d.strSlow(i+1, j)
}

// strSlow unescapes a string from start, whose bytes up to j are plain, into the scratch buffer.
func (d *eveDecoder) strSlow(start, j int) (string, int) {
	b := d.b
	out := d.scratch
	from := len(out)
	out = append(out, b[start:j]...)
	for j < len(b) {
		c := b[j]
		switch {
		case c == '"':
			d.scratch = out
			if len(out) == from {
				return "", j + 1
			}
			return unsafe.String(&out[from], len(out)-from), j + 1
		case c == '\\':
			if j+1 >= len(b) {
				return "", d.failAt(j, "the string is not closed")
			}
			switch b[j+1] {
			case '"', '\\', '/':
				out = append(out, b[j+1])
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := hex4(b, j+2)
				if !ok {
					return "", d.failAt(j, "invalid \\u escape")
				}
				j += 6
				if utf16.IsSurrogate(r) {
					// A pair if a low surrogate follows; else the lone one is U+FFFD and what
					// follows is read on its own.
					if r2, ok := hex4(b, j+2); ok && j+1 < len(b) && b[j] == '\\' && b[j+1] == 'u' {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							r = dec
							j += 6
						} else {
							r = utf8.RuneError
						}
					} else {
						r = utf8.RuneError
					}
				}
				out = utf8.AppendRune(out, r)
				continue
			default:
				return "", d.failAt(j, "invalid escape in a string")
			}
			j += 2
		case c < 0x20:
			return "", d.failAt(j, "control character in a string")
		case c < utf8.RuneSelf:
			out = append(out, c)
			j++
		default:
			r, n := utf8.DecodeRune(b[j:])
			if r == utf8.RuneError && n == 1 {
				out = utf8.AppendRune(out, utf8.RuneError)
			} else {
				out = append(out, b[j:j+n]...)
			}
			j += n
		}
	}
	return "", d.failAt(j, "the string is not closed")
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// skip checks the value at d.b[i] and returns the index after it.
func (d *eveDecoder) skip(i, depth int) int {
	b := d.b
	if i >= len(b) {
		return d.failAt(i, "expected a value")
	}
	switch c := b[i]; {
	case c == '"':
		return d.skipString(i)
	case c == '{':
		return d.object(i, objTop, depth+1, nil)
	case c == '[':
		return d.skipArray(i, depth+1)
	case c == 't':
		if len(b)-i >= 4 && string(b[i:i+4]) == "true" {
			return i + 4
		}
	case c == 'f':
		if len(b)-i >= 5 && string(b[i:i+5]) == "false" {
			return i + 5
		}
	case c == 'n':
		if len(b)-i >= 4 && string(b[i:i+4]) == "null" {
			return i + 4
		}
	case c == '-' || c >= '0' && c <= '9':
		return d.number(i)
	}
	return d.failAt(i, "invalid value")
}

func (d *eveDecoder) skipString(i int) int {
	b := d.b
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return j + 1
		case c == '\\':
			if j+1 >= len(b) {
				return d.failAt(j, "the string is not closed")
			}
			switch b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j++
			case 'u':
				if _, ok := hex4(b, j+2); !ok {
					return d.failAt(j, "invalid \\u escape")
				}
				j += 5
			default:
				return d.failAt(j, "invalid escape in a string")
			}
		case c < 0x20:
			return d.failAt(j, "control character in a string")
		}
	}
	return d.failAt(len(b), "the string is not closed")
}

func (d *eveDecoder) skipArray(i, depth int) int {
	if depth > maxJSONDepth {
		return d.failAt(i, "nested too deeply")
	}
	i = d.ws(i + 1)
	if i < len(d.b) && d.b[i] == ']' {
		return i + 1
	}
	for {
		if i = d.skip(i, depth); i < 0 {
			return -1
		}
		i = d.ws(i)
		if i >= len(d.b) {
			return d.failAt(i, "the array is not closed")
		}
		switch d.b[i] {
		case ',':
			i = d.ws(i + 1)
		case ']':
			return i + 1
		default:
			return d.failAt(i, "expected a comma or the end of the array")
		}
	}
}
