package advisory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// Publisher is the CSAF document.publisher of an exported advisory: the centre.
type Publisher struct {
	Name           string // "KommuneCERT"
	Namespace      string // "https://cert.example.kommune.dk"
	Category       string // CSAF publisher category; "coordinator" when empty
	ContactDetails string
	IssuingAuth    string
}

// exportStatus maps Værn's product status to the product_status list it is exported in.
var exportStatus = map[vaern.ProductStatus]string{
	vaern.StatusAffected: "known_affected", vaern.StatusFixed: "fixed", vaern.StatusNotAffected: "known_not_affected",
	vaern.StatusUnderInvestigation: "under_investigation", vaern.StatusRecommended: "recommended",
}

// ExportCSAF writes a centre advisory as a CSAF 2.0 csaf_security_advisory. The document is
// checked against the CSAF schema and the mandatory tests before it is returned, so what leaves
// Værn is valid. TLP 2.0 labels are written as CSAF 2.0's TLP 1 labels (CLEAR as WHITE,
// AMBER+STRICT as AMBER with the stricter rule in the distribution text). Platform products
// ("running on") are left out: a centre advisory names what is affected.
func ExportCSAF(a vaern.Advisory, pub Publisher) ([]byte, error) {
	if strings.TrimSpace(pub.Name) == "" || strings.TrimSpace(pub.Namespace) == "" {
		return nil, errors.New("the publisher needs a name and a namespace URL")
	}
	title, summary, lang := a.Title, a.Summary, "en"
	if t, ok := a.Texts["en"]; ok && t.Title != "" {
		title, summary = t.Title, cmpOr(t.Summary, summary)
	} else if title == "" {
		for _, l := range []string{"da", "nb"} {
			if t, ok := a.Texts[l]; ok && t.Title != "" {
				title, summary, lang = t.Title, t.Summary, l
				break
			}
		}
	}
	if strings.TrimSpace(title) == "" {
		return nil, errors.New("the advisory has no title")
	}
	doc := csafDoc{}
	d := &doc.Document
	d.Category, d.CSAFVersion, d.Lang, d.Title = "csaf_security_advisory", "2.0", lang, title
	d.Publisher.Category = cmpOr(pub.Category, "coordinator")
	d.Publisher.Name, d.Publisher.Namespace = pub.Name, pub.Namespace
	d.Publisher.ContactDetails, d.Publisher.IssuingAuthority = pub.ContactDetails, pub.IssuingAuth
	if l := exportTLP(a.TLP); l != "" {
		d.Distribution = &struct {
			Text string `json:"text"`
			TLP  *struct {
				Label string `json:"label"`
				URL   string `json:"url"`
			} `json:"tlp"`
		}{Text: distributionText(a.TLP), TLP: &struct {
			Label string `json:"label"`
			URL   string `json:"url"`
		}{Label: l, URL: "https://www.first.org/tlp/"}}
	}
	if summary != "" {
		d.Notes = append(d.Notes, csafNote{Category: "summary", Title: "Summary", Text: summary})
	}
	for _, l := range []string{"da", "nb", "en"} {
		if t, ok := a.Texts[l]; ok && l != lang && t.Summary != "" {
			d.Notes = append(d.Notes, csafNote{Category: "summary", Title: "Summary (" + l + ")", Text: t.Summary})
		}
	}
	if !a.Due.IsZero() {
		d.Notes = append(d.Notes, csafNote{Category: "other", Title: "Deadline",
			Text: "Apply the recommended actions by " + a.Due.UTC().Format(time.DateOnly) + "."})
	}
	for _, u := range a.References {
		d.References = append(d.References, csafReference{Category: "external", Summary: u, URL: u})
	}
	exportTracking(&doc, a)

	// Product tree: vendor → product name → one version (or range) branch per VersionRange.
	ids := map[string][]string{} // product key → exported product ids
	pt := &csafProductTree{}
	used := map[string]bool{}
	for i, p := range a.Products {
		if p.Platform {
			continue
		}
		key := sanitizeID(cmpOr(p.Key, "CSAFPID-"+strconv.Itoa(i+1)))
		for used[key] {
			key += "x"
		}
		used[key] = true
		var helper *csafHelper
		if p.CPE != "" || p.PURL != "" {
			helper = &csafHelper{CPE: p.CPE, PURL: p.PURL}
		}
		full := strings.TrimSpace(p.Vendor + " " + p.Product)
		if full == "" {
			full = key
		}
		var leaves []csafBranch
		if len(p.Versions) == 0 {
			leaves = []csafBranch{{Category: "product_version_range", Name: "vers:all/*",
				Product: &csafProduct{Name: full + " (all versions)", ProductID: key, Helper: helper}}}
			ids[p.Key] = append(ids[p.Key], key)
		}
		for j, v := range p.Versions {
			id := key
			if len(p.Versions) > 1 {
				id = fmt.Sprintf("%s-%d", key, j+1)
			}
			cat, name := versionBranch(v)
			leaves = append(leaves, csafBranch{Category: cat, Name: name,
				Product: &csafProduct{Name: full + " " + humanRange(v, name), ProductID: id, Helper: helper}})
			ids[p.Key] = append(ids[p.Key], id)
		}
		vendor := cmpOr(strings.TrimSpace(p.Vendor), "Unknown vendor")
		k := slices.IndexFunc(pt.Branches, func(b csafBranch) bool { return b.Name == vendor })
		if k < 0 {
			pt.Branches = append(pt.Branches, csafBranch{Category: "vendor", Name: vendor})
			k = len(pt.Branches) - 1
		}
		vb := &pt.Branches[k]
		name := cmpOr(p.Product, full)
		if j := slices.IndexFunc(vb.Branches, func(b csafBranch) bool { return b.Name == name }); j >= 0 {
			vb.Branches[j].Branches = append(vb.Branches[j].Branches, leaves...)
		} else {
			vb.Branches = append(vb.Branches, csafBranch{Category: "product_name", Name: name, Branches: leaves})
		}
	}
	if len(pt.Branches) == 0 {
		return nil, errors.New("the advisory names no affected products; a CSAF security advisory needs at least one")
	}
	doc.ProductTree = pt

	cves := a.CVEs
	if len(cves) == 0 {
		cves = []string{""}
	}
	for _, cve := range cves {
		v := exportVulnerability(a, cve, ids, summary)
		if v.ProductStatus == nil {
			v.ProductStatus = &csafProductStatus{}
		}
		doc.Vulnerabilities = append(doc.Vulnerabilities, v)
	}
	doc.hasVulnerabilities = true
	out, err := json.MarshalIndent(exportShape(&doc), "", "  ")
	if err != nil {
		return nil, err
	}
	// What Værn writes must pass what Værn reads.
	if _, err := Parse(context.Background(), "export", out, Options{}); err != nil {
		return nil, fmt.Errorf("the exported document is not valid CSAF: %w", err)
	}
	return out, nil
}

func exportTLP(tlp string) string {
	switch strings.ToUpper(tlp) {
	case "CLEAR", "WHITE":
		return "WHITE"
	case "GREEN":
		return "GREEN"
	case "AMBER", "AMBER+STRICT":
		return "AMBER"
	case "RED":
		return "RED"
	}
	return ""
}

func distributionText(tlp string) string {
	if strings.EqualFold(tlp, "AMBER+STRICT") {
		return "TLP:AMBER+STRICT — share only within the recipient's own organisation."
	}
	return "TLP:" + strings.ToUpper(tlp)
}

// exportTracking writes integer versions: one revision per Værn revision, the first dated at
// publication and the others at the last update.
func exportTracking(doc *csafDoc, a vaern.Advisory) {
	tr := &doc.Document.Tracking
	tr.ID = cmpOr(a.SourceID, fmt.Sprintf("VAERN-%d", a.ID))
	first := a.Published
	if first.IsZero() {
		first = a.CreatedAt
	}
	if first.IsZero() {
		first = time.Now()
	}
	last := a.Updated
	if last.IsZero() || last.Before(first) {
		last = cmpTime(a.UpdatedAt, first)
	}
	rev := max(a.Revision, 1)
	tr.Version = strconv.Itoa(rev)
	tr.Status = "final"
	if a.State == vaern.AdvisoryDraft {
		tr.Status = "draft"
	}
	tr.InitialReleaseDate = first.UTC().Format(time.RFC3339)
	tr.CurrentReleaseDate = last.UTC().Format(time.RFC3339)
	for i := 1; i <= rev; i++ {
		date, summary := last, fmt.Sprintf("Revision %d", i)
		if i == 1 {
			date, summary = first, "Initial publication"
		}
		if i == rev && a.State == vaern.AdvisoryWithdrawn {
			summary = "Withdrawn"
		}
		tr.RevisionHistory = append(tr.RevisionHistory, csafRevision{Date: date.UTC().Format(time.RFC3339), Number: strconv.Itoa(i), Summary: summary})
	}
}

func cmpTime(t, fallback time.Time) time.Time {
	if t.IsZero() || t.Before(fallback) {
		return fallback
	}
	return t
}

// versionBranch writes one version range as a product_version (a single version) or a
// product_version_range (a vers URI, or the free text when it has no bounds).
func versionBranch(v vaern.VersionRange) (string, string) {
	if v.Exact != "" && !hasVersionRange(v.Exact) {
		return "product_version", v.Exact
	}
	scheme := cmpOr(v.Scheme, "generic")
	var cs []string
	if v.Exact != "" {
		cs = append(cs, v.Exact)
	}
	if v.Introduced != "" && v.Introduced != "0" {
		cs = append(cs, ">="+v.Introduced)
	}
	if v.Fixed != "" {
		cs = append(cs, "<"+v.Fixed)
	} else if v.LastAffected != "" {
		cs = append(cs, "<="+v.LastAffected)
	}
	if len(cs) == 0 {
		if v.Expr != "" {
			return "product_version_range", v.Expr
		}
		return "product_version_range", "vers:all/*"
	}
	return "product_version_range", "vers:" + scheme + "/" + strings.Join(cs, "|")
}

// humanRange words a range for a product's full name ("1.0.0 to before 1.4.2").
func humanRange(v vaern.VersionRange, branch string) string {
	switch {
	case v.Exact != "":
		return v.Exact
	case v.Introduced != "" && v.Introduced != "0" && v.Fixed != "":
		return v.Introduced + " to before " + v.Fixed
	case v.Introduced != "" && v.Introduced != "0" && v.LastAffected != "":
		return v.Introduced + " to " + v.LastAffected
	case v.Fixed != "":
		return "before " + v.Fixed
	case v.LastAffected != "":
		return v.LastAffected + " and earlier"
	case v.Introduced != "" && v.Introduced != "0":
		return v.Introduced + " and later"
	}
	return branch
}

func sanitizeID(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if s == "" {
		return "CSAFPID"
	}
	return s
}

func exportVulnerability(a vaern.Advisory, cve string, ids map[string][]string, summary string) csafVulnerability {
	v := csafVulnerability{CVE: cve}
	if cve == "" {
		v.Title = a.Title
	}
	v.Notes = []csafNote{{Category: "description", Title: "Description", Text: cmpOr(summary, a.Title)}}
	ps := &csafProductStatus{}
	var affected []string
	var flags []csafFlag
	for _, p := range a.Products {
		if p.Platform || (cve != "" && len(p.CVEs) > 0 && !slices.Contains(p.CVEs, cve)) {
			continue
		}
		pids := ids[p.Key]
		switch exportStatus[p.Status] {
		case "known_affected":
			ps.KnownAffected = append(ps.KnownAffected, pids...)
			affected = append(affected, pids...)
		case "fixed":
			ps.Fixed = append(ps.Fixed, pids...)
		case "known_not_affected":
			ps.KnownNotAffected = append(ps.KnownNotAffected, pids...)
			if p.Justification != "" {
				flags = append(flags, csafFlag{Label: p.Justification, ProductIDs: pids})
			}
		case "under_investigation":
			ps.UnderInvestigation = append(ps.UnderInvestigation, pids...)
		case "recommended":
			ps.Recommended = append(ps.Recommended, pids...)
		}
	}
	v.ProductStatus = ps
	v.Flags = flags
	for _, act := range a.Actions {
		var pids []string
		if len(act.ProductIDs) == 0 {
			pids = affected
		}
		for _, k := range act.ProductIDs {
			pids = append(pids, ids[k]...)
		}
		if len(pids) == 0 || strings.TrimSpace(act.Text) == "" {
			continue // a remediation must name its products (6.1.29)
		}
		cat := act.Category
		switch cat {
		case "vendor_fix", "mitigation", "workaround", "no_fix_planned", "none_available":
		default:
			cat = "mitigation"
		}
		v.Remediations = append(v.Remediations, csafRemediation{Category: cat, Details: act.Text, URL: act.URL, ProductIDs: uniq(pids)})
	}
	if a.CVSSVec != "" && len(affected) > 0 {
		if raw, ok := exportCVSS(a.CVSSVec); ok {
			v.Scores = []csafScore{{Products: affected, CVSSv3: raw}}
		}
	}
	if a.KnownExploited {
		v.Threats = []csafThreat{{Category: "exploit_status", Details: "Known to be exploited.", ProductIDs: affected}}
	}
	return v
}

// exportCVSS writes a v3 vector as a cvss_v3 object with the score computed from it.
func exportCVSS(vector string) (json.RawMessage, bool) {
	version := ""
	for _, ver := range []string{"3.1", "3.0"} {
		if strings.HasPrefix(vector, "CVSS:"+ver+"/") {
			version = ver
		}
	}
	if version == "" {
		return nil, false
	}
	vec, err := parseCVSSVector(version, vector)
	if err != nil {
		return nil, false
	}
	s := cvss3Score(version, vec)
	raw, _ := json.Marshal(map[string]any{"version": version, "vectorString": vector,
		"baseScore": s.Base, "baseSeverity": severityName(s.Base)})
	return raw, true
}

// exportShape drops what the reader-side model cannot leave out by itself: empty optional
// objects that the schema would refuse.
func exportShape(doc *csafDoc) any {
	b, _ := json.Marshal(doc)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	prune(m)
	return m
}

// prune removes empty strings, arrays and objects recursively: CSAF's schema has minLength 1
// and minItems 1 almost everywhere.
func prune(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if prune(e) {
				delete(x, k)
			}
		}
		return len(x) == 0
	case []any:
		for _, e := range x {
			prune(e)
		}
		return len(x) == 0
	case string:
		return x == ""
	case nil:
		return true
	}
	return false
}
