package warnings

import (
	"strings"

	"github.com/google/osv-scalibr/semantic"
	"github.com/vaern/vaern"
)

// version.go decides whether an asset's version is in an advisory product's ranges. Each range
// is compared under one scheme (docs/warnings-matching.md, "Versions"):
//   - a purl type or CVE versionType with an ecosystem (npm, maven, pypi, nuget, deb, rpm, gem,
//     golang, cargo, composer, ...): osv-scalibr's semantic package, the ecosystem's own rules;
//   - "windows": Windows builds (version_windows.go);
//   - "cisco-ios": Cisco IOS trains (version_cisco.go);
//   - "generic" and anything else: dotted numbers with suffix rules (version_generic.go).
// A comparison that the scheme cannot make is "not comparable", never a silent yes or no.

// ver is a parsed version. lo and hi bracket what the text can mean: equal for a precise
// version; a Windows release without its patch level ("Windows Server 2016") is every build of
// that release.
type ver interface{}

// scheme compares versions of one kind.
type scheme interface {
	name() string
	// parse reads a version; ok is false when the text is not a version of this scheme.
	parse(s string) (v ver, ok bool)
	// compare places a (the asset's) against b (a bound): lo and hi are the signs of a's lowest
	// and highest reading against b; ok is false when the two cannot be compared at all.
	compare(a, b ver) (lo, hi int, ok bool)
}

// semanticScheme uses osv-scalibr's semantic package.
type semanticScheme struct{ label, eco string }

func (s semanticScheme) name() string { return s.label }

func (s semanticScheme) parse(v string) (ver, bool) {
	if !hasDigit(v) {
		return nil, false
	}
	if s.eco == "Go" && !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	p, err := semantic.Parse(v, s.eco)
	if err != nil {
		return nil, false
	}
	return p, true
}

func (s semanticScheme) compare(a, b ver) (int, int, bool) {
	c, err := a.(semantic.Version).Compare(b.(semantic.Version))
	if err != nil {
		return 0, 0, false
	}
	return c, c, true
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if isDigitByte(s[i]) {
			return true
		}
	}
	return false
}

var (
	genericS = genericScheme{}
	windowsS = windowsScheme{}
	ciscoS   = ciscoScheme{}
)

// schemeFor resolves a scheme name (VersionRange.Scheme, or a purl type) to its rules.
func schemeFor(name string) scheme {
	n := strings.ToLower(strings.TrimSpace(name))
	switch n {
	case "windows", "microsoft", "windows-build":
		return windowsS
	case "cisco-ios", "cisco", "ios":
		return ciscoS
	case "", "generic", "custom", "other", "string", "all":
		return genericS
	}
	if eco, ok := ecosystems[n]; ok {
		return semanticScheme{label: n, eco: eco}
	}
	return genericS
}

// inferScheme picks a scheme for ranges that name none: Cisco trains when a bound is written
// like one, Windows builds for Microsoft Windows products, else generic.
func inferScheme(vendor, product string, rs []vaern.VersionRange, extra string) scheme {
	for _, r := range rs {
		for _, v := range []string{r.Exact, r.Introduced, r.Fixed, r.LastAffected} {
			if isCiscoTrain(v) {
				return ciscoS
			}
		}
	}
	if isCiscoTrain(extra) {
		return ciscoS
	}
	if vendor == "microsoft" && strings.Contains(product, "windows") {
		return windowsS
	}
	return genericS
}

// blankVersion reports versions that mean "none given".
func blankVersion(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "*", "-", "n/a", "na", "unknown", "ukendt", "ukjent", "?", "none":
		return true
	}
	return false
}

// maxVersionLen bounds the version text the schemes parse.
const maxVersionLen = 256

// bound is one pre-parsed bound of a range.
type bound struct {
	text string
	v    ver
	ok   bool
}

func newBound(sc scheme, s string) bound {
	s = strings.TrimSpace(s)
	if s == "" {
		return bound{}
	}
	v, ok := sc.parse(s)
	return bound{text: s, v: v, ok: ok}
}

// crange is one VersionRange compiled under a scheme.
type crange struct {
	text                                  string // Expr, or one made from the bounds
	exact, intro, fixed, last             bound
	hasExact, hasIntro, hasFixed, hasLast bool
	na                                    bool // the product has no versions (CPE "-"): a versioned asset is not it
	prefix                                bool // exact is an edition ("2019"): the asset's version starts with it
	wild                                  bool // a CPE version with wildcards: not comparable
}

// rangeSet is a statement's versions compiled under one scheme.
type rangeSet struct {
	sc     scheme
	all    bool // no versions named: every version
	ranges []crange
	canon  string // canonical text for the RangeKey
	// edition: the range stands for a product edition named without versions (editionRanges)
	edition bool
}

func compileRanges(sc scheme, vrs []vaern.VersionRange) rangeSet {
	rs := rangeSet{sc: sc}
	var canon []string
	for _, vr := range vrs {
		var c crange
		if x := strings.TrimSpace(vr.Exact); x != "" {
			if x == "*" {
				rs.all = true
				canon = append(canon, "*")
				continue
			}
			if x == "-" {
				c.na = true
			} else {
				c.exact, c.hasExact = newBound(sc, x), true
			}
		} else {
			if v := strings.TrimSpace(vr.Introduced); v != "" && v != "0" && v != "*" {
				c.intro, c.hasIntro = newBound(sc, v), true
			}
			if v := strings.TrimSpace(vr.Fixed); v != "" && v != "*" {
				c.fixed, c.hasFixed = newBound(sc, v), true
			}
			if v := strings.TrimSpace(vr.LastAffected); v != "" && v != "*" {
				c.last, c.hasLast = newBound(sc, v), true
			}
			if expr := strings.TrimSpace(vr.Expr); !c.hasIntro && !c.hasFixed && !c.hasLast && expr != "" && !everyVersionExpr(expr) {
				// Text the importer could not read into bounds ("see vendor advisory"): not
				// comparable, never every version, so it asks for confirmation instead of warning.
				c.wild, c.text = true, expr
				rs.ranges = append(rs.ranges, c)
				canon = append(canon, "x="+strings.ToLower(expr))
				continue
			}
			if !c.hasIntro && !c.hasFixed && !c.hasLast {
				rs.all = true // ">= 0": every version
				canon = append(canon, "*")
				continue
			}
		}
		c.text = strings.TrimSpace(vr.Expr)
		if c.text == "" {
			c.text = rangeText(vr)
		}
		rs.ranges = append(rs.ranges, c)
		canon = append(canon, canonRange(vr))
	}
	if len(vrs) == 0 {
		rs.all = true
	}
	rs.canon = sc.name() + ":" + strings.Join(sortUnique(canon), "|")
	return rs
}

// everyVersionExpr reports whether a range's source text says "every version".
func everyVersionExpr(expr string) bool {
	switch strings.ToLower(expr) {
	case "*", "vers:all/*", ">= 0", ">=0", "all", "all versions":
		return true
	}
	return false
}

func rangeText(vr vaern.VersionRange) string {
	if vr.Exact != "" {
		return "= " + vr.Exact
	}
	var p []string
	if vr.Introduced != "" && vr.Introduced != "0" {
		p = append(p, ">= "+vr.Introduced)
	}
	if vr.Fixed != "" {
		p = append(p, "< "+vr.Fixed)
	}
	if vr.LastAffected != "" {
		p = append(p, "<= "+vr.LastAffected)
	}
	return strings.Join(p, ", ")
}

func canonRange(vr vaern.VersionRange) string {
	t := func(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
	return "e=" + t(vr.Exact) + ";i=" + t(vr.Introduced) + ";f=" + t(vr.Fixed) + ";l=" + t(vr.LastAffected)
}

// tri is a three-valued answer.
type tri int8

const (
	triNo tri = iota
	triYes
	triUnknown
)

func ge(lo, hi int) tri { // a >= b
	switch {
	case lo >= 0:
		return triYes
	case hi < 0:
		return triNo
	}
	return triUnknown
}

func lt(lo, hi int) tri { // a < b
	switch {
	case hi < 0:
		return triYes
	case lo >= 0:
		return triNo
	}
	return triUnknown
}

func le(lo, hi int) tri { // a <= b
	switch {
	case hi <= 0:
		return triYes
	case lo > 0:
		return triNo
	}
	return triUnknown
}

func eq(lo, hi int) tri {
	switch {
	case lo == 0 && hi == 0:
		return triYes
	case hi < 0 || lo > 0:
		return triNo
	}
	return triUnknown
}

// judgement is the version part of a match.
type judgement struct {
	verdict Verdict
	rng     string // text of the range that decided
	note    string
	noteKey NoteKey
	exact   bool // the deciding range is a single version
}

// judge compares an asset's version with a statement's ranges: in one range is in range; out of
// every range and at or above one range's upper bound is fixed; out of every range otherwise is
// out of range; anything a scheme cannot say is not comparable.
func (rs *rangeSet) judge(version string) judgement {
	if rs.all {
		return judgement{verdict: VerdictAllVersions}
	}
	if blankVersion(version) {
		// a product without versions (CPE "-") is the asset without a version
		for _, r := range rs.ranges {
			if r.na {
				return judgement{verdict: VerdictInRange, rng: "-"}
			}
		}
		return judgement{verdict: VerdictUnknown}
	}
	var av ver
	ok := len(version) <= maxVersionLen // longer text is no version anyone wrote
	if ok {
		av, ok = rs.sc.parse(strings.TrimSpace(version))
	}
	if !ok {
		return judgement{verdict: VerdictNotComparable, note: "the version is not a " + rs.sc.name() + " version", noteKey: NoteNotAVersion}
	}
	var unknown *crange
	var fixedBy *crange
	for i := range rs.ranges {
		r := &rs.ranges[i]
		t, above := r.contains(rs.sc, av)
		switch t {
		case triYes:
			return judgement{verdict: VerdictInRange, rng: r.text, exact: r.hasExact && !r.prefix}
		case triUnknown:
			if unknown == nil {
				unknown = r
			}
		case triNo:
			if above && fixedBy == nil {
				fixedBy = r
			}
		}
	}
	if unknown != nil {
		n, k := notComparableNote(rs.sc)
		return judgement{verdict: VerdictNotComparable, rng: unknown.text, note: n, noteKey: k}
	}
	if fixedBy != nil {
		return judgement{verdict: VerdictFixed, rng: fixedBy.text}
	}
	return judgement{verdict: VerdictOutOfRange, rng: rs.ranges[0].text}
}

func notComparableNote(sc scheme) (string, NoteKey) {
	switch sc.(type) {
	case windowsScheme:
		return "the release is known, its patch level is not", NotePatchLevelUnknown
	case ciscoScheme:
		return "different release trains", NoteOtherTrain
	}
	return "the versions cannot be ordered by the " + sc.name() + " rules", NoteNotOrdered
}

// contains answers whether av is in the range, and whether it lies at or above the range's
// upper bound (so the range's fix applies to it).
func (r *crange) contains(sc scheme, av ver) (tri, bool) {
	if r.na {
		return triNo, false
	}
	if r.wild {
		return triUnknown, false
	}
	if r.hasExact {
		if !r.exact.ok {
			return triUnknown, false
		}
		lo, hi, ok := sc.compare(av, r.exact.v)
		if !ok {
			return triUnknown, false
		}
		if r.prefix {
			return prefixEq(sc, av, r.exact.v), false
		}
		return eq(lo, hi), false
	}
	res := triYes
	and := func(t tri) {
		if t == triNo {
			res = triNo
		} else if t == triUnknown && res == triYes {
			res = triUnknown
		}
	}
	above := false
	if r.hasIntro {
		if !r.intro.ok {
			and(triUnknown)
		} else if lo, hi, ok := sc.compare(av, r.intro.v); !ok {
			and(triUnknown)
		} else {
			and(ge(lo, hi))
		}
	}
	if r.hasFixed {
		if !r.fixed.ok {
			and(triUnknown)
		} else if lo, hi, ok := sc.compare(av, r.fixed.v); !ok {
			and(triUnknown)
		} else {
			t := lt(lo, hi)
			and(t)
			above = t == triNo
		}
	}
	if r.hasLast {
		if !r.last.ok {
			and(triUnknown)
		} else if lo, hi, ok := sc.compare(av, r.last.v); !ok {
			and(triUnknown)
		} else {
			t := le(lo, hi)
			and(t)
			above = above || t == triNo
		}
	}
	return res, above && res == triNo
}
