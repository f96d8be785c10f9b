package advisory

import (
	"fmt"
	"net/url"
	"strings"
)

// toCPE23 returns a CPE 2.3 formatted string for a CPE 2.3 string (checked for its 13 parts) or
// a CPE 2.2 URI ("cpe:/o:redhat:enterprise_linux:6"), converted per NISTIR 7695 section 6.1.3:
// each URI component is percent-decoded, empty components become ANY ("*"), "-" stays NA, the
// packed edition (~ed~sw_edition~target_sw~target_hw~other) is unpacked, and characters other
// than letters, digits and "_" are backslash-quoted.
func toCPE23(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "cpe:2.3:") {
		if err := checkCPE23(s); err != nil {
			return "", err
		}
		return s, nil
	}
	rest, ok := strings.CutPrefix(strings.ToLower(s), "cpe:/")
	if !ok {
		return "", fmt.Errorf("%q is neither a CPE 2.3 string nor a CPE 2.2 URI", s)
	}
	// Keep the original case of the values: CPE matching is case-insensitive but the text shows.
	rest = s[len("cpe:/"):]
	parts := strings.Split(rest, ":")
	if len(parts) > 7 {
		return "", fmt.Errorf("CPE URI %q has more than 7 components", s)
	}
	for len(parts) < 7 {
		parts = append(parts, "")
	}
	if p := strings.ToLower(parts[0]); p != "" && p != "a" && p != "o" && p != "h" {
		return "", fmt.Errorf("CPE URI %q: part %q is not a, o or h", s, parts[0])
	}
	wfn := make([]string, 11)
	for i := 0; i < 6; i++ {
		v, err := uriToFS(parts[i])
		if err != nil {
			return "", fmt.Errorf("CPE URI %q: %v", s, err)
		}
		wfn[i] = v
	}
	for i := 6; i < 11; i++ {
		wfn[i] = "*"
	}
	if ed := parts[5]; strings.HasPrefix(ed, "~") {
		packed := strings.Split(ed[1:], "~")
		if len(packed) != 5 {
			return "", fmt.Errorf("CPE URI %q: packed edition needs five parts", s)
		}
		for j, p := range packed {
			v, err := uriToFS(p)
			if err != nil {
				return "", fmt.Errorf("CPE URI %q: %v", s, err)
			}
			// edition, sw_edition, target_sw, target_hw, other
			wfn[[]int{5, 7, 8, 9, 10}[j]] = v
		}
	}
	lang, err := uriToFS(parts[6])
	if err != nil {
		return "", fmt.Errorf("CPE URI %q: %v", s, err)
	}
	// formatted string order: part vendor product version update edition language sw_edition target_sw target_hw other
	out := []string{wfn[0], wfn[1], wfn[2], wfn[3], wfn[4], wfn[5], lang, wfn[7], wfn[8], wfn[9], wfn[10]}
	if out[0] == "*" {
		return "", fmt.Errorf("CPE URI %q names no part (a, o or h)", s)
	}
	return "cpe:2.3:" + strings.Join(out, ":"), nil
}

// uriToFS converts one CPE 2.2 URI component to its CPE 2.3 formatted-string form.
func uriToFS(c string) (string, error) {
	switch c {
	case "":
		return "*", nil
	case "-":
		return "-", nil
	}
	var b strings.Builder
	for i := 0; i < len(c); i++ {
		ch := c[i]
		if ch == '%' {
			if i+2 >= len(c) {
				return "", fmt.Errorf("bad percent escape in %q", c)
			}
			switch strings.ToLower(c[i+1 : i+3]) {
			case "01":
				b.WriteByte('?')
				i += 2
				continue
			case "02":
				b.WriteByte('*')
				i += 2
				continue
			}
			dec, err := url.PathUnescape(c[i : i+3])
			if err != nil {
				return "", fmt.Errorf("bad percent escape in %q", c)
			}
			ch = dec[0]
			i += 2
		}
		if isAlnum(ch) || ch == '_' {
			b.WriteByte(ch)
		} else {
			b.WriteByte('\\')
			b.WriteByte(ch)
		}
	}
	return b.String(), nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// checkCPE23 checks that a formatted string has its 13 colon-separated parts (escaped colons
// do not count) and a part of a, o, h or ANY.
func checkCPE23(s string) error {
	n, esc := 1, false
	for i := 0; i < len(s); i++ {
		switch {
		case esc:
			esc = false
		case s[i] == '\\':
			esc = true
		case s[i] == ':':
			n++
		}
	}
	if n != 13 {
		return fmt.Errorf("CPE %q has %d components, a CPE 2.3 string has 13", s, n)
	}
	part := strings.SplitN(s, ":", 4)[2]
	switch part {
	case "a", "o", "h", "*":
		return nil
	}
	return fmt.Errorf("CPE %q: part %q is not a, o or h", s, part)
}
