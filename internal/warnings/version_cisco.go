package warnings

import (
	"regexp"
	"strconv"
	"strings"
)

// ciscoScheme compares classic Cisco IOS versions, major.minor(rebuild)TRAIN maintenance:
// "15.2(4)E1", "12.2(55)SE10", "15.9(3)M7a". Two versions compare only on the same train (the
// letters after the parenthesis: E, SE, M, ...); then by major, minor, rebuild (and its letter),
// maintenance number and its letter: 15.2(4)E1 < 15.2(4)E10 < 15.2(5)E < 15.2(7)E3. A version on
// another train, or one that is not in this form, is not comparable. IOS XE's dotted versions
// ("17.3.4a") follow the generic rules when both sides are dotted.
type ciscoScheme struct{}

func (ciscoScheme) name() string { return "cisco-ios" }

var ciscoRe = regexp.MustCompile(`^(\d+)\.(\d+)\((\d+)([a-z]?)\)([a-z]*?)(\d*)([a-z]?)$`)

type cver struct {
	major, minor, rebuild, maint uint64
	rebLetter, train, maintL     string
	dotted                       *gver // IOS XE-style dotted version
}

func isCiscoTrain(s string) bool {
	return strings.Contains(s, "(") && ciscoRe.MatchString(strings.ToLower(strings.TrimSpace(s)))
}

func (ciscoScheme) parse(s string) (ver, bool) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimPrefix(strings.TrimPrefix(t, "ios "), "version ")
	m := ciscoRe.FindStringSubmatch(t)
	if m == nil {
		if g, ok := parseGeneric(t); ok {
			return cver{dotted: &g}, true
		}
		return nil, false
	}
	u := func(s string) uint64 { n, _ := strconv.ParseUint(s, 10, 64); return n }
	// the train is the letters; a trailing letter after the maintenance number is its own
	train, maint, ml := m[5], m[6], m[7]
	if maint == "" && ml != "" {
		train, ml = train+ml, ""
	}
	return cver{major: u(m[1]), minor: u(m[2]), rebuild: u(m[3]), rebLetter: m[4], train: train,
		maint: u(maint), maintL: ml}, true
}

func (ciscoScheme) compare(a, b ver) (int, int, bool) {
	x, y := a.(cver), b.(cver)
	if (x.dotted == nil) != (y.dotted == nil) {
		return 0, 0, false
	}
	if x.dotted != nil {
		c, ok := compareGeneric(*x.dotted, *y.dotted)
		return c, c, ok
	}
	if x.train != y.train {
		return 0, 0, false
	}
	for _, c := range []int{cmpU(x.major, y.major), cmpU(x.minor, y.minor), cmpU(x.rebuild, y.rebuild),
		strings.Compare(x.rebLetter, y.rebLetter), cmpU(x.maint, y.maint), strings.Compare(x.maintL, y.maintL)} {
		if c != 0 {
			return c, c, true
		}
	}
	return 0, 0, true
}
