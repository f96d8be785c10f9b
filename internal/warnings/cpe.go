package warnings

import (
	"strings"

	"github.com/facebookincubator/nvdtools/wfn"
)

// cpeID is a CPE name (2.3 formatted string, or a 2.2 URI converted by nvdtools' wfn) reduced
// for matching: part, vendor and product identify; the version is compared by the range rules;
// the other attributes must not be disjoint (NISTIR 7696: ANY on either side agrees, NA agrees
// only with NA or ANY, two values must be equal).
type cpeID struct {
	ok   bool
	part string
	key  string // "microsoft:exchange_server", lower case, backslashes removed
	// vendor and product as names ("exchange server"), for the name rules when the asset or
	// product has no vendor/product text.
	vendorName, productName string
	version                 string // concrete version, "" if ANY or NA
	versionAny, versionNA   bool
	versionWild             bool   // a version with wildcards ("8.*"): not comparable
	update                  string // concrete update ("cu12"), "" if ANY/NA
	updateAny               bool
	rest                    *wfn.Attributes // every other attribute, lower case; part..version ANY
	raw                     string
}

func parseCPE(s string) cpeID {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 2048 {
		return cpeID{}
	}
	a, err := wfn.Parse(s)
	if err != nil || a == nil {
		return cpeID{}
	}
	c := cpeID{raw: s}
	low := func(v string) string { return strings.ToLower(v) }
	vendor, product := low(a.Vendor), low(a.Product)
	// "*" and "-" vendor or product match nothing (Dependency-Track #1832/#3268, grype #580):
	// such a CPE is no identity.
	if vendor == wfn.Any || vendor == wfn.NA || product == wfn.Any || product == wfn.NA ||
		wfn.HasWildcard(vendor) || wfn.HasWildcard(product) {
		return cpeID{}
	}
	c.ok = true
	c.part = low(a.Part)
	uv, up := unquote(vendor), unquote(product)
	c.key = uv + ":" + up
	c.vendorName = strings.ReplaceAll(uv, "_", " ")
	c.productName = strings.ReplaceAll(up, "_", " ")
	switch v := low(a.Version); {
	case v == wfn.Any:
		c.versionAny = true
	case v == wfn.NA:
		c.versionNA = true
	case wfn.HasWildcard(v):
		c.versionWild = true
		c.version = unquote(v)
	default:
		c.version = unquote(v)
	}
	switch u := low(a.Update); {
	case u == wfn.Any:
		c.updateAny = true
	case u == wfn.NA:
	default:
		c.update = unquote(u)
	}
	c.rest = &wfn.Attributes{
		Edition: low(a.Edition), SWEdition: low(a.SWEdition), TargetSW: low(a.TargetSW),
		TargetHW: low(a.TargetHW), Other: low(a.Other), Language: low(a.Language),
	}
	return c
}

// cpeAgree reports whether an advisory CPE (src) and an asset CPE (tgt) name the same product:
// same vendor:product, parts not disjoint, and every attribute but version and update not
// disjoint. The update is judged with the version (see cpeUpdateVerdict).
func cpeAgree(src, tgt *cpeID) bool {
	if !src.ok || !tgt.ok || src.key != tgt.key {
		return false
	}
	if src.part != wfn.Any && tgt.part != wfn.Any && src.part != tgt.part {
		return false
	}
	if !src.updateAny && !tgt.updateAny && src.update != tgt.update {
		return false
	}
	return wfn.Match(src.rest, tgt.rest)
}

// unquote removes WFN quoting ("15.2\\(4\\)e1" is "15.2(4)e1").
func unquote(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
