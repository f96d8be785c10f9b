package advisory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/gocsaf/csaf/v3/csaf"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/vaern/vaern"
)

// parseCSAF validates a CSAF 2.0 document (schema, then the mandatory tests) and turns it into
// one advisory.
func parseCSAF(ctx context.Context, name string, data []byte, opt Options) (Result, error) {
	failed, err := csafSchemaCheck(name, data)
	if err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, ctxError(name, err)
	}
	doc, err := decodeCSAF(name, data)
	if err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, ctxError(name, err)
	}
	failed = mergeFailures(failed, runMandatoryTests(doc))
	if len(failed) > 0 && !opt.Override {
		f := failed[0]
		msg := f.Message
		if n := len(failed) - 1; n > 0 {
			msg += fmt.Sprintf(" (and %d more failed checks)", n)
		}
		return Result{}, &Error{File: name, Path: f.Path, Test: f.Test, Message: msg}
	}
	a, err := csafAdvisory(name, doc)
	if err != nil {
		return Result{}, err
	}
	a.Raw = bytes.Clone(data)
	for _, f := range failed {
		if !slices.Contains(a.Override, f.Test) {
			a.Override = append(a.Override, f.Test)
		}
	}
	res := Result{Advisories: []vaern.Advisory{a}}
	if len(failed) > 0 {
		res.Failed = failed
	}
	return res, nil
}

// csafSchemaCheck validates against the CSAF 2.0 JSON schema with gocsaf. An error inside a
// CVSS object is test 6.1.8 (the CVSS schemas are part of the CSAF one) and returned as a
// failure; any other schema error refuses the document.
func csafSchemaCheck(name string, data []byte) ([]TestFailure, error) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, &Error{File: name, Message: "not valid JSON: " + err.Error()}
	}
	errs, err := csaf.ValidateCSAF(v)
	if err != nil {
		return nil, &Error{File: name, Message: "the CSAF schema could not be checked: " + err.Error(), Err: err}
	}
	var cvss []TestFailure
	var first *Error
	for _, e := range errs {
		path, msg, ok := strings.Cut(e, ": ")
		if !ok {
			path, msg = "", e
		}
		if isCVSSPath(path) {
			cvss = append(cvss, TestFailure{Test: "6.1.8", Path: path, Message: "CVSS object is not valid: " + msg})
			continue
		}
		// The errors come parents first; a parent's "validation failed" only says that a child
		// failed, so the first error that says what is wrong is the one to show.
		generic := msg == "validation failed" || strings.HasPrefix(msg, "allOf failed") || strings.HasPrefix(msg, "anyOf failed")
		if first == nil || (first.Message == "" && !generic) {
			first = &Error{File: name, Path: path}
			if !generic {
				first.Message = msg
			}
		}
	}
	if first != nil {
		if first.Message == "" {
			first.Message = "does not follow the CSAF 2.0 schema (the value's type, length or format is wrong)"
		} else {
			first.Message = "does not follow the CSAF 2.0 schema: " + first.Message
		}
		return nil, first
	}
	return cvss, nil
}

func isCVSSPath(p string) bool {
	return strings.HasPrefix(p, "/vulnerabilities/") && (strings.Contains(p, "/cvss_v3") || strings.Contains(p, "/cvss_v2"))
}

// mergeFailures adds the tests' failures to the schema's 6.1.8 ones, dropping a test 6.1.8
// failure the schema already reported at or above the same path.
func mergeFailures(schema, tests []TestFailure) []TestFailure {
	if len(schema) == 0 {
		return tests
	}
	out := slices.Clone(schema)
	for _, t := range tests {
		dup := false
		for _, s := range schema {
			if t.Test == "6.1.8" && (strings.HasPrefix(t.Path, s.Path) || strings.HasPrefix(s.Path, t.Path)) {
				dup = true
			}
		}
		if !dup {
			out = append(out, t)
		}
	}
	order := make(map[string]int, len(mandatoryTestIDs))
	for i, id := range mandatoryTestIDs {
		order[id] = i
	}
	slices.SortStableFunc(out, func(a, b TestFailure) int { return order[a.Test] - order[b.Test] })
	return out
}

func decodeCSAF(name string, data []byte) (*csafDoc, error) {
	var doc csafDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, decodeError(name, data, err)
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) == nil {
		_, doc.hasVulnerabilities = top["vulnerabilities"]
	}
	if len(doc.Vulnerabilities) > maxVulnerabilities {
		return nil, &Error{File: name, Path: "/vulnerabilities", Message: fmt.Sprintf("more than %d vulnerabilities", maxVulnerabilities)}
	}
	if pt := doc.ProductTree; pt != nil {
		n := 0
		var count func(bs []csafBranch)
		count = func(bs []csafBranch) {
			for i := range bs {
				n++
				count(bs[i].Branches)
			}
		}
		count(pt.Branches)
		if n > maxBranches {
			return nil, &Error{File: name, Path: "/product_tree/branches", Message: fmt.Sprintf("more than %d branches", maxBranches)}
		}
		if len(pt.FullProductNames)+len(pt.Relationships) > maxProducts {
			return nil, &Error{File: name, Path: "/product_tree", Message: fmt.Sprintf("more than %d products", maxProducts)}
		}
	}
	return &doc, nil
}

// productInfo is what the product tree says of one product id.
type productInfo struct {
	vendor, product, name string
	cpe, purl             string
	versions              []vaern.VersionRange
	// platform is set for a relationship's product: the id of the other side.
	component, platform string
}

// productInfos reads the product tree: each branch product inherits its vendor, product name
// and version from the branches above it.
func productInfos(name string, pt *csafProductTree) (map[string]productInfo, error) {
	infos := map[string]productInfo{}
	if pt == nil {
		return infos, nil
	}
	var walk func(bs []csafBranch, path string, ctx productInfo) error
	helper := func(p *csafProduct, path string, info *productInfo) error {
		info.name = p.Name
		if h := p.Helper; h != nil {
			if h.CPE != "" {
				c, err := toCPE23(h.CPE)
				if err != nil {
					return &Error{File: name, Path: path + "/product_identification_helper/cpe", Message: err.Error()}
				}
				info.cpe = c
			}
			info.purl = h.PURL
		}
		return nil
	}
	walk = func(bs []csafBranch, path string, ctx productInfo) error {
		for i := range bs {
			b := &bs[i]
			p := fmt.Sprintf("%s/%d", path, i)
			info := ctx
			switch b.Category {
			case "vendor":
				info.vendor = b.Name
			case "product_name":
				info.product = b.Name
			case "product_family":
				if info.product == "" {
					info.product = b.Name
				}
			case "product_version":
				info.versions = []vaern.VersionRange{{Exact: b.Name, Expr: b.Name}}
			case "product_version_range":
				info.versions = versionRange(b.Name)
			}
			if b.Product != nil {
				pi := info
				if err := helper(b.Product, p+"/product", &pi); err != nil {
					return err
				}
				if pi.product == "" {
					pi.product = b.Product.Name
				}
				infos[b.Product.ProductID] = pi
			}
			if err := walk(b.Branches, p+"/branches", info); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(pt.Branches, "/product_tree/branches", productInfo{}); err != nil {
		return nil, err
	}
	for i := range pt.FullProductNames {
		p := &pt.FullProductNames[i]
		info := productInfo{product: p.Name}
		if err := helper(p, fmt.Sprintf("/product_tree/full_product_names/%d", i), &info); err != nil {
			return nil, err
		}
		infos[p.ProductID] = info
	}
	for i := range pt.Relationships {
		r := &pt.Relationships[i]
		info := productInfo{component: r.ProductReference, platform: r.RelatesToProductReference}
		if err := helper(&r.FullProductName, fmt.Sprintf("/product_tree/relationships/%d/full_product_name", i), &info); err != nil {
			return nil, err
		}
		infos[r.FullProductName.ProductID] = info
	}
	return infos, nil
}

// versionRange reads a product_version_range name: a vers URI, comparisons ("<= 4.2"), or free
// text kept in Expr for the matcher to call not comparable.
func versionRange(s string) []vaern.VersionRange {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "vers:") {
		if rs, err := parseVers(s); err == nil {
			return rs
		}
		return []vaern.VersionRange{{Expr: s}}
	}
	if r, ok := parseComparisons(s); ok {
		r.Expr = s
		return []vaern.VersionRange{r}
	}
	if r, all, ok := parsePhrase(s); ok {
		if all {
			return nil
		}
		r.Expr = s
		return []vaern.VersionRange{r}
	}
	return []vaern.VersionRange{{Expr: s}}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
