package advisory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/vaern/vaern"
)

var cveIDPattern = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,}$`)

// cveRecord is the part of a CVE JSON 5.x record Værn reads.
type cveRecord struct {
	DataType    string `json:"dataType"`
	DataVersion string `json:"dataVersion"`
	CVEMetadata struct {
		CVEID         string `json:"cveId"`
		State         string `json:"state"`
		DatePublished string `json:"datePublished"`
		DateUpdated   string `json:"dateUpdated"`
	} `json:"cveMetadata"`
	Containers struct {
		CNA cveContainer   `json:"cna"`
		ADP []cveContainer `json:"adp"`
	} `json:"containers"`
}

type cveContainer struct {
	Title        string        `json:"title"`
	Descriptions []cveText     `json:"descriptions"`
	Affected     []cveAffected `json:"affected"`
	Metrics      []cveMetric   `json:"metrics"`
	References   []struct {
		URL string `json:"url"`
	} `json:"references"`
	ProblemTypes []struct {
		Descriptions []struct {
			CWEID string `json:"cweId"`
		} `json:"descriptions"`
	} `json:"problemTypes"`
}

type cveText struct {
	Lang  string `json:"lang"`
	Value string `json:"value"`
}

type cveAffected struct {
	Vendor        string       `json:"vendor"`
	Product       string       `json:"product"`
	CollectionURL string       `json:"collectionURL"`
	PackageName   string       `json:"packageName"`
	CPEs          []string     `json:"cpes"`
	DefaultStatus string       `json:"defaultStatus"`
	Versions      []cveVersion `json:"versions"`
}

type cveVersion struct {
	Version         string `json:"version"`
	Status          string `json:"status"`
	VersionType     string `json:"versionType"`
	LessThan        string `json:"lessThan"`
	LessThanOrEqual string `json:"lessThanOrEqual"`
}

type cveMetric struct {
	V40   *cvssMetric `json:"cvssV4_0"`
	V31   *cvssMetric `json:"cvssV3_1"`
	V30   *cvssMetric `json:"cvssV3_0"`
	Other *struct {
		Type    string          `json:"type"`
		Content json.RawMessage `json:"content"`
	} `json:"other"`
}

type cvssMetric struct {
	BaseScore    float64 `json:"baseScore"`
	VectorString string  `json:"vectorString"`
}

// parseCVE turns one CVE record into one advisory. Each affected entry of the CNA container and
// of every ADP container becomes products: one for the versions it calls affected, one for those
// it calls unaffected (fixed when the range is open upwards from a fix), one for "unknown", and
// one for its defaultStatus when that is affected or unaffected (every version not listed).
func parseCVE(ctx context.Context, name string, data []byte) (Result, error) {
	var r cveRecord
	if err := json.Unmarshal(data, &r); err != nil {
		return Result{}, decodeError(name, data, err)
	}
	id := strings.TrimSpace(r.CVEMetadata.CVEID)
	if !cveIDPattern.MatchString(id) {
		return Result{}, &Error{File: name, Path: "/cveMetadata/cveId", Message: fmt.Sprintf("%q is not a CVE id", r.CVEMetadata.CVEID)}
	}
	if !strings.HasPrefix(r.DataVersion, "5.") {
		return Result{}, &Error{File: name, Path: "/dataVersion", Message: fmt.Sprintf("CVE JSON version %q is not supported; 5.x is", r.DataVersion)}
	}
	if strings.EqualFold(r.CVEMetadata.State, "REJECTED") {
		return Result{}, &Error{File: name, Path: "/cveMetadata/state", Message: id + " is rejected and warns of nothing"}
	}
	a := vaern.Advisory{
		Source:        vaern.SourceCVE,
		SourceID:      id,
		SourceVersion: r.CVEMetadata.DateUpdated,
		TLP:           "CLEAR",
		Audience:      "all",
		CVEs:          []string{id},
	}
	a.Published, _ = parseTime(r.CVEMetadata.DatePublished)
	a.Updated, _ = parseTime(r.CVEMetadata.DateUpdated)
	cna := r.Containers.CNA
	a.Summary = englishText(cna.Descriptions)
	a.Title = id
	if t := strings.TrimSpace(cna.Title); t != "" {
		a.Title = id + ": " + t
	} else if a.Summary != "" {
		a.Title = id + ": " + shorten(a.Summary, 100)
	}
	containers := append([]cveContainer{cna}, r.Containers.ADP...)
	seenRef := map[string]bool{}
	for ci, c := range containers {
		if err := ctx.Err(); err != nil {
			return Result{}, ctxError(name, err)
		}
		base, prefix := "/containers/cna", "cna"
		if ci > 0 {
			base, prefix = fmt.Sprintf("/containers/adp/%d", ci-1), fmt.Sprintf("adp%d", ci-1)
		}
		for i, af := range c.Affected {
			ps, err := cveProducts(af, fmt.Sprintf("%s-%d", prefix, i), fmt.Sprintf("%s/affected/%d", base, i))
			if err != nil {
				return Result{}, &Error{File: name, Path: err.path, Message: err.msg}
			}
			a.Products = append(a.Products, ps...)
			if len(a.Products) > maxProducts {
				return Result{}, &Error{File: name, Path: base + "/affected", Message: fmt.Sprintf("more than %d products", maxProducts)}
			}
		}
		for _, m := range c.Metrics {
			for _, v := range []*cvssMetric{m.V40, m.V31, m.V30} {
				if v != nil && v.BaseScore > a.CVSS {
					a.CVSS, a.CVSSVec = v.BaseScore, v.VectorString
				}
			}
			if m.Other != nil && cveSaysExploited(m.Other.Type, m.Other.Content) {
				a.KnownExploited = true
			}
		}
		for _, ref := range c.References {
			if u := strings.TrimSpace(ref.URL); u != "" && !seenRef[u] {
				seenRef[u] = true
				a.References = append(a.References, u)
			}
		}
	}
	if a.CVSS > 0 {
		a.Severity = vaern.SeverityOf(a.CVSS)
	}
	a.Raw = bytes.Clone(data)
	return Result{Advisories: []vaern.Advisory{a}}, nil
}

// cveSaysExploited reads CISA's ADP metrics: a "kev" entry, or SSVC Exploitation "active".
func cveSaysExploited(typ string, content json.RawMessage) bool {
	switch strings.ToLower(typ) {
	case "kev":
		return true
	case "ssvc":
		var c struct {
			Options []map[string]string `json:"options"`
		}
		if json.Unmarshal(content, &c) == nil {
			for _, o := range c.Options {
				if strings.EqualFold(o["Exploitation"], "active") {
					return true
				}
			}
		}
	}
	return false
}

type pathError struct{ path, msg string }

// cveProducts makes the products of one affected entry.
func cveProducts(af cveAffected, key, path string) ([]vaern.AdvisoryProduct, *pathError) {
	base := vaern.AdvisoryProduct{
		Vendor:  cleanName(af.Vendor),
		Product: cleanName(af.Product),
		PURL:    purlFor(af.CollectionURL, af.PackageName),
	}
	var cpes []string
	for j, c := range af.CPEs {
		c23, err := toCPE23(c)
		if err != nil {
			return nil, &pathError{fmt.Sprintf("%s/cpes/%d", path, j), err.Error()}
		}
		cpes = append(cpes, c23)
	}
	groups := map[vaern.ProductStatus][]vaern.VersionRange{}
	var order []vaern.ProductStatus
	for j, v := range af.Versions {
		vr, st, err := cveRange(v)
		if err != nil {
			return nil, &pathError{fmt.Sprintf("%s/versions/%d", path, j), err.Error()}
		}
		if _, ok := groups[st]; !ok {
			order = append(order, st)
			groups[st] = nil
		}
		if vr == (vaern.VersionRange{}) {
			continue // "unspecified": the status holds for every version, so no range narrows it
		}
		groups[st] = append(groups[st], vr)
	}
	switch af.DefaultStatus {
	case "affected", "unaffected":
		st := vaern.StatusAffected
		if af.DefaultStatus == "unaffected" {
			st = vaern.StatusNotAffected
		}
		// The default covers every version the list does not name; an empty range list says so.
		if _, listed := groups[st]; !listed || len(af.Versions) == 0 {
			order = append(order, st)
			groups[st] = nil
		} else {
			groups[st] = nil // all versions already have this status, the listed ones included
		}
	}
	var out []vaern.AdvisoryProduct
	for _, st := range order {
		p := base
		p.Status = st
		p.Versions = groups[st]
		p.Key = key + "-" + string(st)
		if len(cpes) == 0 {
			out = append(out, p)
			continue
		}
		for k, c := range cpes {
			q := p
			q.CPE = c
			if k > 0 {
				q.Key = fmt.Sprintf("%s-cpe%d", p.Key, k)
			}
			out = append(out, q)
		}
	}
	return out, nil
}

// cveRange reads one versions[] entry. A "version" that is itself a comparison (git writes
// ">= 2.44.0-rc0, < 2.44.4") is parsed as one.
func cveRange(v cveVersion) (vaern.VersionRange, vaern.ProductStatus, error) {
	var st vaern.ProductStatus
	switch v.Status {
	case "affected":
		st = vaern.StatusAffected
	case "unaffected":
		st = vaern.StatusNotAffected
	case "unknown":
		st = vaern.StatusUnderInvestigation
	default:
		return vaern.VersionRange{}, "", fmt.Errorf("status %q is not affected, unaffected or unknown", v.Status)
	}
	ver := strings.TrimSpace(v.Version)
	vr := vaern.VersionRange{Scheme: schemeOf(v.VersionType)}
	switch {
	case v.LessThan != "" || v.LessThanOrEqual != "":
		if ver != "0" && ver != "*" {
			vr.Introduced = ver
		}
		if lt := strings.TrimSpace(v.LessThan); lt != "" && lt != "*" {
			vr.Fixed = lt
			vr.Expr = joinNonEmpty(", ", geExpr(ver), "< "+lt)
		} else if le := strings.TrimSpace(v.LessThanOrEqual); le != "" && le != "*" {
			vr.LastAffected = le
			vr.Expr = joinNonEmpty(", ", geExpr(ver), "<= "+le)
		} else {
			vr.Expr = geExpr(ver)
		}
		if vr.Fixed == "" && vr.LastAffected == "" && st == vaern.StatusNotAffected && vr.Introduced != "" {
			st = vaern.StatusFixed // unaffected from a version on: that version is the fix
		}
	case ver == "":
		return vaern.VersionRange{}, "", fmt.Errorf("version is empty")
	case unspecifiedVersion(ver):
		return vaern.VersionRange{}, st, nil
	case strings.ContainsAny(ver, "<>="):
		r, ok := parseComparisons(ver)
		if !ok {
			return vaern.VersionRange{}, "", fmt.Errorf("version %q is neither a version nor a range", ver)
		}
		r.Scheme, r.Expr = vr.Scheme, ver
		vr = r
	default:
		if r, all, ok := parsePhrase(ver); ok {
			if all {
				return vaern.VersionRange{}, st, nil
			}
			r.Scheme, r.Expr = vr.Scheme, ver
			return r, st, nil
		}
		vr.Exact = ver
	}
	return vr, st, nil
}

// unspecifiedVersion tells the placeholders CNAs write when they name no version.
func unspecifiedVersion(v string) bool {
	switch strings.ToLower(v) {
	case "n/a", "na", "unspecified", "unknown", "*", "all", "all versions", "-":
		return true
	}
	return false
}

func geExpr(v string) string {
	if v == "" || v == "0" || v == "*" {
		return ""
	}
	return ">= " + v
}

// schemeOf maps CVE's versionType to VersionRange.Scheme.
func schemeOf(t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	switch t {
	case "", "custom", "other", "string":
		return ""
	case "python":
		return "pypi"
	case "go":
		return "golang"
	}
	return t
}

func englishText(ts []cveText) string {
	for _, t := range ts {
		if t.Lang == "en" || strings.HasPrefix(strings.ToLower(t.Lang), "en-") {
			return strings.TrimSpace(t.Value)
		}
	}
	if len(ts) > 0 {
		return strings.TrimSpace(ts[0].Value)
	}
	return ""
}

// cleanName drops CVE's placeholders for "not given".
func cleanName(s string) string {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "n/a", "na", "unknown", "-", "*":
		return ""
	}
	return s
}

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return strings.TrimSpace(string(r[:n])) + "…"
	}
	return s
}
