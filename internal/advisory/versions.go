package advisory

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/package-url/packageurl-go"
	"github.com/vaern/vaern"
)

// parseVers reads a vers URI (https://github.com/package-url/vers-spec), as CSAF's
// product_version_range names it: "vers:generic/>=1.0|<2.0", "vers:npm/1.2.3", "vers:all/*".
// It returns one VersionRange per interval; the scheme is the vers type ("all" and "generic"
// become "generic"). "*" gives an empty list: every version.
func parseVers(s string) ([]vaern.VersionRange, error) {
	rest, ok := strings.CutPrefix(s, "vers:")
	if !ok {
		return nil, fmt.Errorf("%q is not a vers URI", s)
	}
	typ, constraints, ok := strings.Cut(rest, "/")
	if !ok || typ == "" {
		return nil, fmt.Errorf("%q has no versioning scheme (vers:SCHEME/...)", s)
	}
	typ = strings.ToLower(typ)
	scheme := typ
	if typ == "all" {
		scheme = "generic"
	}
	constraints = strings.Join(strings.Fields(constraints), "")
	if constraints == "" {
		return nil, fmt.Errorf("%q has no constraints", s)
	}
	if constraints == "*" {
		return nil, nil
	}
	type cons struct{ op, v string }
	var cs []cons
	for _, part := range strings.Split(constraints, "|") {
		if part == "" {
			return nil, fmt.Errorf("%q has an empty constraint", s)
		}
		op := ""
		for _, o := range []string{">=", "<=", "!=", "<", ">", "="} {
			if strings.HasPrefix(part, o) {
				op = o
				break
			}
		}
		v := part[len(op):]
		if op == "" {
			op = "="
		}
		if v == "" || v == "*" {
			return nil, fmt.Errorf("%q: constraint %q has no version", s, part)
		}
		if dec, err := url.PathUnescape(v); err == nil {
			v = dec
		}
		cs = append(cs, cons{op, v})
	}
	// vers lists constraints in order: equalities stand alone, a lower bound opens an interval
	// that the next upper bound closes.
	var out []vaern.VersionRange
	var open *vaern.VersionRange
	for _, c := range cs {
		switch c.op {
		case "=":
			out = append(out, vaern.VersionRange{Scheme: scheme, Exact: c.v, Expr: s})
		case "!=":
			// An exclusion does not fit a range; keep it visible in Expr of an open range.
			continue
		case ">=", ">":
			if open != nil {
				out = append(out, *open)
			}
			open = &vaern.VersionRange{Scheme: scheme, Introduced: c.v, Expr: s}
			if c.op == ">" {
				open.Introduced = "" // exclusive lower bounds have no field; Expr keeps it
			}
		case "<", "<=":
			r := vaern.VersionRange{Scheme: scheme, Expr: s}
			if open != nil {
				r = *open
				open = nil
			}
			if c.op == "<" {
				r.Fixed = c.v
			} else {
				r.LastAffected = c.v
			}
			out = append(out, r)
		}
	}
	if open != nil {
		out = append(out, *open)
	}
	return out, nil
}

// parseComparisons reads a free-text range made of comparisons, as CVE records and CSAF
// version ranges write them: "< 2.43.7", ">= 2.44.0-rc0, < 2.44.4", "<=10.0.14393.6897",
// "1.0 - 2.0" is not understood (ok is false) and stays free text.
func parseComparisons(s string) (vaern.VersionRange, bool) {
	var r vaern.VersionRange
	s = strings.NewReplacer("&&", ",", " and ", ",", ";", ",").Replace(s)
	found := false
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		op := ""
		for _, o := range []string{">=", "<=", "<", ">", "="} {
			if strings.HasPrefix(part, o) {
				op = o
				break
			}
		}
		v := strings.TrimSpace(part[len(op):])
		if op == "" || v == "" || strings.ContainsAny(v, "<>= ") {
			return vaern.VersionRange{}, false
		}
		switch op {
		case ">=":
			r.Introduced = v
		case ">":
			return vaern.VersionRange{}, false // no exclusive lower bound in the model
		case "<":
			r.Fixed = v
		case "<=":
			r.LastAffected = v
		case "=":
			r.Exact = v
		}
		found = true
	}
	if r.Exact != "" && (r.Introduced != "" || r.Fixed != "" || r.LastAffected != "") {
		return vaern.VersionRange{}, false
	}
	return r, found
}

// purlFor builds a package URL from CVE's packageName and collectionURL where the collection is
// a registry purl knows; "" otherwise (a vendor's download page is no package namespace).
func purlFor(collectionURL, pkg string) string {
	pkg = strings.TrimSpace(pkg)
	if pkg == "" || collectionURL == "" {
		return ""
	}
	u, err := url.Parse(strings.TrimSpace(collectionURL))
	if err != nil {
		return ""
	}
	host := strings.TrimPrefix(strings.ToLower(u.Host), "www.")
	var typ, ns, name = "", "", pkg
	switch {
	case host == "pypi.org" || host == "pypi.python.org":
		typ = packageurl.TypePyPi
	case host == "registry.npmjs.org" || host == "npmjs.com" || host == "npmjs.org":
		typ = packageurl.TypeNPM
		if strings.HasPrefix(pkg, "@") {
			ns, name, _ = strings.Cut(pkg, "/")
		}
	case host == "repo.maven.apache.org" || host == "repo1.maven.org" || host == "search.maven.org" || host == "central.sonatype.com":
		typ = packageurl.TypeMaven
		g, a, ok := strings.Cut(pkg, ":")
		if !ok {
			return ""
		}
		ns, name = g, a
	case host == "proxy.golang.org" || host == "pkg.go.dev":
		typ = packageurl.TypeGolang
		if i := strings.LastIndex(pkg, "/"); i > 0 {
			ns, name = pkg[:i], pkg[i+1:]
		}
	case host == "crates.io":
		typ = packageurl.TypeCargo
	case host == "rubygems.org":
		typ = packageurl.TypeGem
	case host == "nuget.org" || host == "api.nuget.org":
		typ = packageurl.TypeNuget
	case host == "packagist.org":
		typ = packageurl.TypeComposer
		ns, name, _ = strings.Cut(pkg, "/")
	case host == "access.redhat.com":
		typ, ns = packageurl.TypeRPM, "redhat"
	case host == "packages.debian.org" || host == "tracker.debian.org":
		typ, ns = packageurl.TypeDebian, "debian"
	default:
		return ""
	}
	return packageurl.NewPackageURL(typ, ns, name, "", nil, "").ToString()
}

// Phrases vendors write instead of operators. X must be one word ("prior to 5.1", "V3.2 and
// earlier"); anything longer stays free text.
var (
	phraseBefore = regexp.MustCompile(`^(?:all\s+)?(?:versions?\s+)?(?:prior\s+to|before|earlier\s+than|below|older\s+than|lower\s+than)\s+(\S+)$`)
	phraseUpTo   = regexp.MustCompile(`^(?:all\s+)?(?:versions?\s+)?(?:up\s+to(?:\s+and\s+including)?|through)\s+(\S+)$`)
	phraseLast   = regexp.MustCompile(`^(?:versions?\s+)?(\S+)\s+(?:and|or)\s+(?:prior|earlier|below|older|lower)(?:\s+versions?)?$`)
	phraseFrom   = regexp.MustCompile(`^(?:versions?\s+)?(\S+)\s+(?:and|or)\s+(?:later|above|newer|higher)(?:\s+versions?)?$`)
	phraseAll    = regexp.MustCompile(`^(?:all|all\s+versions|any|any\s+version|every\s+version|\*)$`)
)

// parsePhrase reads such a phrase; all reports "every version".
func parsePhrase(s string) (r vaern.VersionRange, all, ok bool) {
	l := strings.ToLower(strings.Join(strings.Fields(s), " "))
	orig := strings.Fields(s) // the version keeps its case: "V3.2"
	word := func(lower string) string {
		for _, w := range orig {
			if strings.ToLower(w) == lower {
				return w
			}
		}
		return lower
	}
	if phraseAll.MatchString(l) {
		return r, true, true
	}
	if m := phraseBefore.FindStringSubmatch(l); m != nil {
		r.Fixed = word(m[1])
		return r, false, true
	}
	if m := phraseUpTo.FindStringSubmatch(l); m != nil {
		r.LastAffected = word(m[1])
		return r, false, true
	}
	if m := phraseLast.FindStringSubmatch(l); m != nil {
		r.LastAffected = word(m[1])
		return r, false, true
	}
	if m := phraseFrom.FindStringSubmatch(l); m != nil {
		r.Introduced = word(m[1])
		return r, false, true
	}
	return r, false, false
}
