package advisory

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// Tests on the document part: versions and revision history, languages, category and profiles.

var (
	intVersion = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)
	// semVersion is Semantic Versioning 2.0.0's own pattern.
	semVersion = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
		`(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?` +
		`(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)
	cwePattern = regexp.MustCompile(`^CWE-[1-9][0-9]*$`)
)

// docVersion is a CSAF version string, integer or semantic.
type docVersion struct {
	raw     string
	integer bool
	major   int
	minor   int
	patch   int
	pre     string
	build   string
	valid   bool
}

func parseDocVersion(s string) docVersion {
	v := docVersion{raw: s}
	if intVersion.MatchString(s) {
		n, err := strconv.Atoi(s)
		v.integer, v.major, v.valid = true, n, err == nil
		return v
	}
	m := semVersion.FindStringSubmatch(s)
	if m == nil {
		return v
	}
	v.major, _ = strconv.Atoi(m[1])
	v.minor, _ = strconv.Atoi(m[2])
	v.patch, _ = strconv.Atoi(m[3])
	v.pre, v.build, v.valid = m[4], m[5], true
	return v
}

// compare orders versions of one scheme (semantic precedence; build metadata ignored).
func (v docVersion) compare(w docVersion) int {
	if d := cmp.Or(cmp.Compare(v.major, w.major), cmp.Compare(v.minor, w.minor), cmp.Compare(v.patch, w.patch)); d != 0 {
		return d
	}
	switch {
	case v.pre == w.pre:
		return 0
	case v.pre == "":
		return 1
	case w.pre == "":
		return -1
	}
	a, b := strings.Split(v.pre, "."), strings.Split(w.pre, ".")
	for i := 0; i < len(a) && i < len(b); i++ {
		na, ea := strconv.Atoi(a[i])
		nb, eb := strconv.Atoi(b[i])
		var d int
		switch {
		case ea == nil && eb == nil:
			d = cmp.Compare(na, nb)
		case ea == nil:
			d = -1
		case eb == nil:
			d = 1
		default:
			d = strings.Compare(a[i], b[i])
		}
		if d != 0 {
			return d
		}
	}
	return cmp.Compare(len(a), len(b))
}

// zero is "0" or 0.y.z: a version before the first release.
func (v docVersion) zero() bool { return v.valid && v.major == 0 }

type revItem struct {
	index int
	date  time.Time
	num   docVersion
}

// sortedRevisions is the revision history sorted ascending by date (stable), as the standard's
// tests read it.
func (c *checker) sortedRevisions() []revItem {
	rh := c.doc.Document.Tracking.RevisionHistory
	items := make([]revItem, len(rh))
	for i, r := range rh {
		t, _ := time.Parse(time.RFC3339Nano, r.Date)
		items[i] = revItem{i, t, parseDocVersion(r.Number)}
	}
	slices.SortStableFunc(items, func(a, b revItem) int { return a.date.Compare(b.date) })
	return items
}

func revPath(i int) string { return fmt.Sprintf("/document/tracking/revision_history/%d/number", i) }

func (c *checker) documentTests() {
	d := &c.doc.Document
	// 6.1.12: the language tags must be valid.
	for _, l := range []struct{ path, tag string }{{"/document/lang", d.Lang}, {"/document/source_lang", d.SourceLang}} {
		if l.tag == "" {
			continue
		}
		if _, err := language.Parse(l.tag); err != nil {
			c.fail("6.1.12", l.path, "%q is not a valid language tag", l.tag)
		}
	}
	// 6.1.15: a translator names the language it translated from.
	if d.Publisher.Category == "translator" && d.SourceLang == "" {
		c.fail("6.1.15", "/document/source_lang", "the publisher is a translator, so source_lang is required")
	}
	// 6.1.28: a translation is into another language.
	if d.Lang != "" && strings.EqualFold(d.Lang, d.SourceLang) {
		c.fail("6.1.28", "/document/source_lang", "source_lang %q is the same as lang", d.SourceLang)
	}
	c.versionTests()
	c.categoryName()
}

func (c *checker) versionTests() {
	tr := &c.doc.Document.Tracking
	ver := parseDocVersion(tr.Version)
	final := tr.Status == "final" || tr.Status == "interim"
	revs := c.sortedRevisions()

	// 6.1.30: one versioning scheme for the version and every revision number.
	if ver.valid {
		for _, r := range revs {
			if r.num.valid && r.num.integer != ver.integer {
				c.fail("6.1.30", revPath(r.index), "revision %q mixes integer and semantic versioning with version %q", r.num.raw, tr.Version)
				break
			}
		}
	}
	// 6.1.14: sorted by date, the numbers ascend.
	for k := 1; k < len(revs); k++ {
		a, b := revs[k-1].num, revs[k].num
		if a.valid && b.valid && a.integer == b.integer && a.compare(b) > 0 {
			c.fail("6.1.14", revPath(revs[k].index), "revision %q is dated after revision %q but numbered before it", b.raw, a.raw)
			break
		}
	}
	// 6.1.16: the version is the newest revision's number (build metadata ignored, and the
	// pre-release part too while the document is a draft).
	if len(revs) > 0 && ver.valid {
		last := revs[len(revs)-1].num
		for _, r := range revs {
			if r.date.Equal(revs[len(revs)-1].date) && r.num.valid && r.num.integer == last.integer && r.num.compare(last) > 0 {
				last = r.num
			}
		}
		a, b := ver, last
		if tr.Status == "draft" {
			a.pre, b.pre = "", ""
		}
		if b.valid && (a.integer != b.integer || a.compare(b) != 0) {
			c.fail("6.1.16", "/document/tracking/version", "version %q is not the number of the latest revision (%q)", tr.Version, last.raw)
		}
	}
	// 6.1.17: a version before 1, or a pre-release, is a draft.
	if ver.valid && (ver.zero() || ver.pre != "") && tr.Status != "draft" {
		c.fail("6.1.17", "/document/tracking/status", "version %q is a pre-release or below 1, so the status must be draft, not %q", tr.Version, tr.Status)
	}
	for _, r := range revs {
		// 6.1.18: a released document has no revision below 1 in its history.
		if final && r.num.zero() {
			c.fail("6.1.18", revPath(r.index), "the document is %s, but its history holds revision %q", tr.Status, r.num.raw)
		}
		// 6.1.19: revision history entries are not pre-releases.
		if r.num.valid && r.num.pre != "" {
			c.fail("6.1.19", revPath(r.index), "revision %q is a pre-release version", r.num.raw)
		}
	}
	// 6.1.20: a released document's version is not a pre-release.
	if final && ver.valid && ver.pre != "" {
		c.fail("6.1.20", "/document/tracking/version", "the document is %s, but version %q is a pre-release", tr.Status, tr.Version)
	}
	// 6.1.21: sorted by date, the (major) numbers start at 0 or 1 and leave none out.
	prev := -1
	for k, r := range revs {
		if !r.num.valid {
			continue
		}
		n := r.num.major
		if k == 0 && n > 1 {
			c.fail("6.1.21", revPath(r.index), "the first revision is %q; it must be 0 or 1", r.num.raw)
			break
		}
		if prev >= 0 && n > prev+1 {
			c.fail("6.1.21", revPath(r.index), "revision %q follows %d; version %d is missing from the history", r.num.raw, prev, prev+1)
			break
		}
		prev = max(prev, n)
	}
	// 6.1.22: no number twice.
	seen := map[string]int{}
	for i, r := range c.doc.Document.Tracking.RevisionHistory {
		if j, dup := seen[r.Number]; dup {
			c.fail("6.1.22", revPath(i), "revision %q is listed twice (also at %s)", r.Number, revPath(j))
		}
		seen[r.Number] = i
	}
}

// The profiles the standard defines, by category value, and their names.
var profileNames = map[string]string{
	"csaf_security_incident_response": "Security incident response",
	"csaf_informational_advisory":     "Informational Advisory",
	"csaf_security_advisory":          "Security Advisory",
	"csaf_vex":                        "VEX",
}

func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// categoryName (6.1.26): a category that is no profile's must not look like one, nor use the
// reserved csaf_ prefix.
func (c *checker) categoryName() {
	cat := c.doc.Document.Category
	if _, profile := profileNames[cat]; profile || cat == "csaf_base" {
		return
	}
	if strings.HasPrefix(strings.ToLower(cat), "csaf_") {
		c.fail("6.1.26", "/document/category", "category %q uses the reserved prefix csaf_", cat)
		return
	}
	for value, name := range profileNames {
		if sq := squash(cat); sq == squash(strings.TrimPrefix(value, "csaf_")) || sq == squash(name) || sq == squash(value) {
			c.fail("6.1.26", "/document/category", "category %q is the name of the profile %s; use %q", cat, name, value)
			return
		}
	}
}

func (c *checker) checkCWE(id, name, path string) {
	// The standard checks the pair against the CWE catalogue; Værn carries no copy of it, so
	// the id's form and a name are checked.
	if !cwePattern.MatchString(id) {
		c.fail("6.1.11", path+"/id", "%q is not a CWE id (CWE-NNN)", id)
	} else if strings.TrimSpace(name) == "" {
		c.fail("6.1.11", path+"/name", "CWE %s has no name", id)
	}
}

func (c *checker) profileTests() {
	doc := c.doc
	cat := doc.Document.Category
	switch cat {
	case "csaf_informational_advisory", "csaf_security_incident_response":
		ok := false
		for _, n := range doc.Document.Notes {
			switch n.Category {
			case "description", "details", "general", "summary":
				ok = true
			}
		}
		if !ok {
			c.fail("6.1.27.1", "/document/notes", "a %s needs a note of category description, details, general or summary", cat)
		}
		ok = false
		for _, r := range doc.Document.References {
			if r.Category == "external" {
				ok = true
			}
		}
		if !ok {
			c.fail("6.1.27.2", "/document/references", "a %s needs a reference of category external", cat)
		}
		if cat == "csaf_informational_advisory" && doc.hasVulnerabilities {
			c.fail("6.1.27.3", "/vulnerabilities", "an informational advisory has no vulnerabilities")
		}
	case "csaf_security_advisory", "csaf_vex":
		if doc.ProductTree == nil {
			c.fail("6.1.27.4", "/product_tree", "a %s needs a product tree", cat)
		}
		if !doc.hasVulnerabilities {
			c.fail("6.1.27.11", "/vulnerabilities", "a %s needs vulnerabilities", cat)
		}
		for i := range doc.Vulnerabilities {
			v := &doc.Vulnerabilities[i]
			p := fmt.Sprintf("/vulnerabilities/%d", i)
			if len(v.Notes) == 0 {
				c.fail("6.1.27.5", p+"/notes", "each vulnerability of a %s needs notes", cat)
			}
			if cat == "csaf_security_advisory" && v.ProductStatus == nil {
				c.fail("6.1.27.6", p+"/product_status", "each vulnerability of a security advisory needs a product status")
			}
			if cat == "csaf_vex" {
				c.vexTests(v, p)
			}
		}
	}
}

func (c *checker) vexTests(v *csafVulnerability, p string) {
	ps := v.ProductStatus
	if ps == nil || len(ps.Fixed)+len(ps.KnownAffected)+len(ps.KnownNotAffected)+len(ps.UnderInvestigation) == 0 {
		c.fail("6.1.27.7", p+"/product_status", "a VEX vulnerability needs fixed, known_affected, known_not_affected or under_investigation")
	}
	if v.CVE == "" && len(v.IDs) == 0 {
		c.fail("6.1.27.8", p, "a VEX vulnerability needs a cve or ids")
	}
	if ps == nil {
		return
	}
	impact := map[string]bool{}
	for _, f := range v.Flags {
		for _, id := range c.expand(f.ProductIDs, f.GroupIDs) {
			impact[id] = true
		}
	}
	for _, t := range v.Threats {
		if t.Category == "impact" {
			for _, id := range c.expand(t.ProductIDs, t.GroupIDs) {
				impact[id] = true
			}
		}
	}
	for i, id := range ps.KnownNotAffected {
		if !impact[id] {
			c.fail("6.1.27.9", fmt.Sprintf("%s/product_status/known_not_affected/%d", p, i),
				"product %q is known not affected but has no impact statement (a flag or a threat of category impact)", id)
		}
	}
	action := map[string]bool{}
	for _, r := range v.Remediations {
		for _, id := range c.expand(r.ProductIDs, r.GroupIDs) {
			action[id] = true
		}
	}
	for i, id := range ps.KnownAffected {
		if !action[id] {
			c.fail("6.1.27.10", fmt.Sprintf("%s/product_status/known_affected/%d", p, i),
				"product %q is known affected but has no remediation", id)
		}
	}
}
