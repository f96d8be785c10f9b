package warnings

import (
	"strconv"
	"strings"
)

// genericScheme compares the versions people write when no ecosystem says how: dotted (or
// dashed) numbers, then an optional suffix.
//
//   - a leading "v", "ver", "version" or "release" is dropped: "v2.4" is 2.4;
//   - the numbers compare one by one, a missing one counts as 0: 2.4 = 2.4.0 < 2.4.1 < 2.10;
//     dates compare as numbers: 2023.10 < 2023.11 < 2024.1, "2023-10-05" is 2023.10.5;
//   - a pre-release suffix sorts before the release: dev < alpha (a) < beta (b) < milestone (m)
//     < rc (cr, pre, preview, ea) < the release; "2.4.1-beta" < "2.4.1-beta.2" < "2.4.1-rc1" <
//     "2.4.1"; ga, final, release, stable are the release itself;
//   - a post-release suffix sorts after it, numbered within one label: "2019 R2" > "2019",
//     "1.2 sp2" > "1.2 sp1", "p1", "patch", "update" (u), "build", "hotfix" (hf), "cu", "post",
//     "rev", "fp"; two different post labels ("sp1" and "cu3") are not comparable;
//   - one letter right after the last number is a patch letter (OpenSSL): 1.0.2 < 1.0.2a < 1.0.2k;
//   - a version with no digit ("latest"), or whose numbers agree and whose suffixes the rules do
//     not know ("2.4 enterprise" and "2.4"), is not comparable.
type genericScheme struct{}

func (genericScheme) name() string { return "generic" }

// gver is a parsed generic version.
type gver struct {
	nums []uint64
	kind int8 // -1 pre-release, 0 release, +1 post-release, 2 patch letter, 3 unknown suffix
	rank int8 // pre-release label order
	lab  string
	n    uint64 // the suffix's number
	raw  string
}

var preRanks = map[string]int8{
	"dev": 1, "snapshot": 1, "alpha": 2, "a": 2, "beta": 3, "b": 3, "m": 4, "milestone": 4,
	"rc": 5, "cr": 5, "pre": 5, "preview": 5, "ea": 5,
}

var postLabels = map[string]string{
	"r": "r", "p": "p", "patch": "p", "pl": "p", "sp": "sp", "servicepack": "sp", "update": "u",
	"u": "u", "upd": "u", "build": "build", "hotfix": "hf", "hf": "hf", "cu": "cu",
	"post": "post", "rev": "rev", "fp": "fp", "fixpack": "fp",
}

var releaseWords = map[string]bool{"ga": true, "final": true, "release": true, "stable": true, "lts": true}

func (genericScheme) parse(s string) (ver, bool) {
	v, ok := parseGeneric(s)
	return v, ok
}

func parseGeneric(s string) (gver, bool) {
	g := gver{raw: s}
	t := strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"version", "release", "ver", "v"} {
		if rest, ok := strings.CutPrefix(t, p); ok && rest != "" && (isDigitByte(rest[0]) || rest[0] == ' ' || rest[0] == '.') {
			t = strings.TrimLeft(rest, " .")
			break
		}
	}
	if t == "" || !isDigitByte(t[0]) {
		return g, false
	}
	i := 0
	for i < len(t) {
		j := i
		for j < len(t) && isDigitByte(t[j]) {
			j++
		}
		if j == i {
			break
		}
		n, err := strconv.ParseUint(t[i:j], 10, 64)
		if err != nil {
			return g, false
		}
		g.nums = append(g.nums, n)
		i = j
		// a separator continues the numbers only when a digit follows
		if i+1 < len(t) && (t[i] == '.' || t[i] == '-' || t[i] == '_') && isDigitByte(t[i+1]) {
			i++
			continue
		}
		break
	}
	rest := strings.Trim(t[i:], " .-_+~")
	if rest == "" {
		return g, true
	}
	// one patch letter straight after the number (OpenSSL's 1.0.2k)
	if i < len(t) && len(t)-i == 1 && t[i] >= 'a' && t[i] <= 'z' {
		g.kind, g.lab = 2, rest
		return g, true
	}
	lab, num := splitLabel(rest)
	switch {
	case releaseWords[rest]:
		return g, true
	case lab != "" && num >= 0 && preRanks[lab] > 0:
		g.kind, g.rank, g.lab, g.n = -1, preRanks[lab], lab, uint64(num)
	case lab != "" && num >= 0 && postLabels[lab] != "":
		g.kind, g.lab, g.n = 1, postLabels[lab], uint64(num)
	default:
		g.kind, g.lab = 3, rest
	}
	return g, true
}

// splitLabel reads "beta", "beta2", "beta.2", "rc-1", "r2", "sp 1" as a label and its number
// (0 when none); num is -1 when the rest is not of that form.
func splitLabel(s string) (string, int) {
	i := 0
	for i < len(s) && s[i] >= 'a' && s[i] <= 'z' {
		i++
	}
	lab := s[:i]
	rest := strings.TrimLeft(s[i:], " .-_")
	if rest == "" {
		return lab, 0
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 {
		return lab, -1
	}
	return lab, n
}

func cmpU(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpNums(a, b []uint64) int {
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y uint64
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if c := cmpU(x, y); c != 0 {
			return c
		}
	}
	return 0
}

func (genericScheme) compare(a, b ver) (int, int, bool) {
	c, ok := compareGeneric(a.(gver), b.(gver))
	return c, c, ok
}

func compareGeneric(x, y gver) (int, bool) {
	if c := cmpNums(x.nums, y.nums); c != 0 {
		return c, true
	}
	if x.kind == 3 || y.kind == 3 {
		if x.kind == y.kind && x.lab == y.lab {
			return 0, true
		}
		return 0, false
	}
	order := func(g gver) int { // pre < release < post / letter
		switch g.kind {
		case -1:
			return -1
		case 0:
			return 0
		}
		return 1
	}
	if c := order(x) - order(y); c != 0 {
		if c < 0 {
			return -1, true
		}
		return 1, true
	}
	switch x.kind {
	case 0:
		return 0, true
	case -1:
		if x.rank != y.rank {
			if x.rank < y.rank {
				return -1, true
			}
			return 1, true
		}
		return cmpU(x.n, y.n), true
	}
	// post-release or patch letter
	if x.kind != y.kind {
		return 0, false
	}
	if x.kind == 2 {
		return strings.Compare(x.lab, y.lab), true
	}
	if x.lab != y.lab {
		return 0, false
	}
	return cmpU(x.n, y.n), true
}

// prefixEq answers whether an asset's version belongs to an edition ("2019 CU12" to "2019"):
// the edition's numbers begin the version's, and an "R" edition suffix ("2012 R2") agrees.
func prefixEq(sc scheme, av, ev ver) tri {
	a, ok1 := av.(gver)
	e, ok2 := ev.(gver)
	if !ok1 || !ok2 {
		return triUnknown
	}
	if len(a.nums) < len(e.nums) {
		return triNo
	}
	for i := range e.nums {
		if a.nums[i] != e.nums[i] {
			return triNo
		}
	}
	rA := a.kind == 1 && a.lab == "r" && len(a.nums) == len(e.nums)
	rE := e.kind == 1 && e.lab == "r"
	if rA != rE || (rA && a.n != e.n) {
		return triNo
	}
	return triYes
}
