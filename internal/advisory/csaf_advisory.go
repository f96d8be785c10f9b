package advisory

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vaern/vaern"
)

// csafStatus maps a product_status list to Værn's status.
var csafStatus = map[string]vaern.ProductStatus{
	"first_affected": vaern.StatusAffected, "known_affected": vaern.StatusAffected, "last_affected": vaern.StatusAffected,
	"first_fixed": vaern.StatusFixed, "fixed": vaern.StatusFixed,
	"known_not_affected": vaern.StatusNotAffected, "under_investigation": vaern.StatusUnderInvestigation,
	"recommended": vaern.StatusRecommended,
}

// tlpLabel maps CSAF 2.0's TLP 1 labels to TLP 2.0.
func tlpLabel(l string) string {
	switch strings.ToUpper(l) {
	case "WHITE", "CLEAR":
		return "CLEAR"
	case "":
		return ""
	}
	return strings.ToUpper(l)
}

type statusKey struct {
	id     string
	status vaern.ProductStatus
	list   string
}

// csafAdvisory builds the advisory of a checked document. One AdvisoryProduct is made per product
// id and status; its Key is the product id, or "ID#status" when the document gives the product
// more than one status (in different vulnerabilities). A relationship's product also yields its
// other side (relates_to_product_reference) as a Platform product, keyed "ID@platform".
func csafAdvisory(name string, doc *csafDoc) (vaern.Advisory, error) {
	d := &doc.Document
	a := vaern.Advisory{
		Source:        vaern.SourceCSAF,
		SourceID:      d.Tracking.ID,
		SourceVersion: d.Tracking.Version,
		Title:         d.Title,
		Summary:       csafSummary(d.Notes),
		Vex:           d.Category == "csaf_vex",
	}
	a.Published, _ = parseTime(d.Tracking.InitialReleaseDate)
	a.Updated, _ = parseTime(d.Tracking.CurrentReleaseDate)
	if d.Distribution != nil && d.Distribution.TLP != nil {
		a.TLP = tlpLabel(d.Distribution.TLP.Label)
	}
	if a.TLP == "CLEAR" || a.TLP == "GREEN" {
		a.Audience = "all"
	}
	infos, err := productInfos(name, doc.ProductTree)
	if err != nil {
		return vaern.Advisory{}, err
	}
	groups := map[string][]string{}
	if doc.ProductTree != nil {
		for _, g := range doc.ProductTree.ProductGroups {
			groups[g.GroupID] = g.ProductIDs
		}
	}
	expand := func(ids, gids []string) []string {
		out := slices.Clone(ids)
		for _, g := range gids {
			out = append(out, groups[g]...)
		}
		return uniq(out)
	}

	// First pass: which statuses each product has, in document order, with the CVEs.
	var order []statusKey
	cves := map[statusKey][]string{}
	just := map[statusKey]string{}
	statusesOf := map[string][]vaern.ProductStatus{}
	seenRef := map[string]bool{}
	addRef := func(u string) {
		if u = strings.TrimSpace(u); u != "" && !seenRef[u] {
			seenRef[u] = true
			a.References = append(a.References, u)
		}
	}
	for _, r := range d.References {
		addRef(r.URL)
	}
	for i := range doc.Vulnerabilities {
		v := &doc.Vulnerabilities[i]
		if v.CVE != "" && !slices.Contains(a.CVEs, v.CVE) {
			a.CVEs = append(a.CVEs, v.CVE)
		}
		for _, r := range v.References {
			addRef(r.URL)
		}
		flags := map[string]string{}
		for _, f := range v.Flags {
			for _, id := range expand(f.ProductIDs, f.GroupIDs) {
				flags[id] = f.Label
			}
		}
		if v.ProductStatus != nil {
			for _, l := range v.ProductStatus.lists() {
				st := csafStatus[l.key]
				for _, id := range l.ids {
					k := statusKey{id, st, l.key}
					if _, seen := cves[k]; !seen {
						order = append(order, k)
						cves[k] = nil
						if !slices.Contains(statusesOf[id], st) {
							statusesOf[id] = append(statusesOf[id], st)
						}
					}
					if v.CVE != "" && !slices.Contains(cves[k], v.CVE) {
						cves[k] = append(cves[k], v.CVE)
					}
					if st == vaern.StatusNotAffected && flags[id] != "" {
						just[k] = flags[id]
					}
				}
			}
		}
		for _, t := range v.Threats {
			if t.Category == "exploit_status" && threatSaysExploited(t.Details) {
				a.KnownExploited = true
			}
		}
	}
	keyOf := func(id string, st vaern.ProductStatus) string {
		if len(statusesOf[id]) > 1 {
			return id + "#" + string(st)
		}
		return id
	}
	made := map[string]bool{}
	for _, k := range order {
		key := keyOf(k.id, k.status)
		if made[key] {
			continue // first_affected and known_affected of one id give one product
		}
		made[key] = true
		info := infos[k.id]
		main := info
		if info.component != "" {
			main = infos[info.component]
			main.name = info.name
		}
		p := vaern.AdvisoryProduct{
			Key: key, Vendor: main.vendor, Product: main.product, CPE: main.cpe, PURL: main.purl,
			Versions: statusVersions(main.versions, k.list), Status: k.status,
			Justification: just[k], CVEs: cvesOrAll(cves[k], a.CVEs),
		}
		if p.CPE == "" {
			p.CPE = info.cpe
		}
		if p.PURL == "" {
			p.PURL = info.purl
		}
		if p.Product == "" {
			p.Product = info.name
		}
		if p.Vendor == "" && p.Product == "" && p.CPE == "" && p.PURL == "" {
			continue // an undefined product id (imported with override of 6.1.1) names nothing to match
		}
		a.Products = append(a.Products, p)
		if info.platform != "" {
			pl := infos[info.platform]
			a.Products = append(a.Products, vaern.AdvisoryProduct{
				Key: key + "@platform", Vendor: pl.vendor, Product: cmpOr(pl.product, pl.name), CPE: pl.cpe, PURL: pl.purl,
				Versions: pl.versions, Status: k.status, Platform: true, CVEs: p.CVEs,
			})
		}
		if len(a.Products) > maxProducts {
			return vaern.Advisory{}, &Error{File: name, Path: "/vulnerabilities", Message: fmt.Sprintf("more than %d product statuses", maxProducts)}
		}
	}

	// Remediations become actions for the products' keys; the same text for several
	// vulnerabilities is one action.
	keysOf := func(ids []string) []string {
		var out []string
		seen := map[string]bool{}
		add := func(k string) {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
		for _, id := range ids {
			for _, st := range statusesOf[id] {
				add(keyOf(id, st))
			}
			if len(statusesOf[id]) == 0 {
				add(id)
			}
		}
		return out
	}
	type actionKey struct{ category, text, url string }
	actionAt := map[actionKey]int{}
	for i := range doc.Vulnerabilities {
		v := &doc.Vulnerabilities[i]
		for _, r := range v.Remediations {
			act := vaern.AdvisoryAction{Category: r.Category, Text: strings.TrimSpace(r.Details), URL: r.URL,
				ProductIDs: keysOf(expand(r.ProductIDs, r.GroupIDs))}
			ak := actionKey{act.Category, act.Text, act.URL}
			if j, ok := actionAt[ak]; ok {
				o := &a.Actions[j]
				o.ProductIDs = uniq(append(o.ProductIDs, act.ProductIDs...))
			} else {
				actionAt[ak] = len(a.Actions)
				a.Actions = append(a.Actions, act)
			}
		}
		best, vec := csafBestScore(v.Scores)
		if best > a.CVSS {
			a.CVSS, a.CVSSVec = best, vec
		}
	}
	if a.CVSS > 0 {
		a.Severity = vaern.SeverityOf(a.CVSS)
	} else if d.AggregateSeverity != nil {
		switch s := vaern.Severity(strings.ToLower(strings.TrimSpace(d.AggregateSeverity.Text))); s {
		case vaern.SeverityCritical, vaern.SeverityHigh, vaern.SeverityMedium, vaern.SeverityLow:
			a.Severity = s
		case "important":
			a.Severity = vaern.SeverityHigh
		case "moderate":
			a.Severity = vaern.SeverityMedium
		}
	}
	if a.Title == "" {
		a.Title = a.SourceID
	}
	return a, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// cvesOrAll leaves CVEs empty ("all of the advisory's") when the product is named in every one.
func cvesOrAll(mine, all []string) []string {
	if len(mine) == len(all) {
		return nil
	}
	return mine
}

// statusVersions adjusts a product's version for the list it is in: a single version that is
// first_affected starts a range, last_affected ends one (inclusive), first_fixed starts the
// fixed range.
func statusVersions(vs []vaern.VersionRange, list string) []vaern.VersionRange {
	if len(vs) != 1 || vs[0].Exact == "" {
		return vs
	}
	v := vs[0]
	switch list {
	case "first_affected", "first_fixed":
		v.Introduced, v.Exact = v.Exact, ""
		v.Expr = ">= " + v.Introduced
	case "last_affected":
		v.LastAffected, v.Exact = v.Exact, ""
		v.Expr = "<= " + v.LastAffected
	default:
		return vs
	}
	return []vaern.VersionRange{v}
}

// threatSaysExploited reads an exploit_status threat: CISA and others also use it to say there
// is no known exploitation, so a text saying so does not count.
func threatSaysExploited(details string) bool {
	l := strings.ToLower(details)
	for _, no := range []string{"no known", "not known", "no public", "not aware", "none", "not been exploited", "no exploit"} {
		if strings.Contains(l, no) {
			return false
		}
	}
	return true
}

func csafSummary(notes []csafNote) string {
	for _, cat := range []string{"summary", "description", "general"} {
		for _, n := range notes {
			if n.Category == cat && strings.TrimSpace(n.Text) != "" {
				return strings.TrimSpace(n.Text)
			}
		}
	}
	return ""
}

// csafBestScore is the highest CVSS v3 base score of a vulnerability, or its v2 one if it has
// no v3.
func csafBestScore(scores []csafScore) (float64, string) {
	var best3, best2 float64
	var vec3, vec2 string
	for _, s := range scores {
		for _, x := range []struct {
			raw  []byte
			best *float64
			vec  *string
		}{{s.CVSSv3, &best3, &vec3}, {s.CVSSv2, &best2, &vec2}} {
			var o struct {
				BaseScore    float64 `json:"baseScore"`
				VectorString string  `json:"vectorString"`
			}
			if len(x.raw) > 0 && jsonUnmarshal(x.raw, &o) == nil && o.BaseScore > *x.best {
				*x.best, *x.vec = o.BaseScore, o.VectorString
			}
		}
	}
	if best3 > 0 {
		return best3, vec3
	}
	return best2, vec2
}
