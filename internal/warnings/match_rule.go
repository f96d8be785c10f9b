package warnings

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/vaern/vaern"
)

// rule is one advisory product prepared for matching: its identities parsed, its ranges
// compiled once per identity (a purl's versions follow the purl type; a CPE's or a name's the
// range's scheme or the one inferred), its range keys computed.
type rule struct {
	adv, prod     int32
	advID         int64
	key           string
	status        vaern.ProductStatus
	justification string
	vex           bool
	cves          []string

	purl purlID
	cpe  cpeID
	name nameKey
	// nameField and nameValue are what the advisory's name was read from (vendor and product
	// text, product alone, or the CPE's vendor and product).
	nameField Field
	nameValue string

	rsPURL, rsCPE, rsName rangeSet
	rkPURL, rkCPE, rkName string
}

// interner keeps one copy of repeated strings (vendor and product names, range texts) so that
// a large index does not hold thousands of copies of "Microsoft".
type interner map[string]string

func newInterner() interner { return interner{} }

func (in interner) s(v string) string {
	if x, ok := in[v]; ok {
		return x
	}
	in[v] = v
	return v
}

func compileRule(in interner, adv *vaern.Advisory, ai, pi int32) (rule, bool) {
	p := &adv.Products[pi]
	if p.Platform {
		return rule{}, false // "running on / with": never affected on its own
	}
	r := rule{
		adv: ai, prod: pi, advID: adv.ID, key: in.s(p.Key), status: p.Status,
		justification: in.s(p.Justification), vex: adv.Vex, cves: p.CVEs,
	}
	if len(r.cves) == 0 {
		r.cves = adv.CVEs
	}
	switch r.status {
	case vaern.StatusAffected, vaern.StatusUnderInvestigation:
		if adv.Vex {
			return rule{}, false // a VEX document only closes or prevents warnings
		}
	case vaern.StatusFixed, vaern.StatusRecommended, vaern.StatusNotAffected:
	default:
		return rule{}, false
	}
	r.purl = parsePURL(p.PURL)
	r.cpe = parseCPE(p.CPE)
	switch {
	case !blankName(p.Product):
		r.name = newNameKey(p.Vendor, p.Product)
		r.nameField, r.nameValue = FieldVendorProduct, in.s(strings.TrimSpace(p.Vendor+" "+p.Product))
		if blankName(p.Vendor) {
			r.nameField, r.nameValue = FieldProduct, in.s(strings.TrimSpace(p.Product))
		}
	case r.cpe.ok:
		r.name = newNameKey(r.cpe.vendorName, r.cpe.productName)
		r.nameField, r.nameValue = FieldCPE, in.s(r.cpe.raw)
	}
	if !r.purl.ok && !r.cpe.ok && r.name.product == "" {
		return rule{}, false // nothing to identify the product by: it matches nothing
	}
	vrs := p.Versions
	if r.status == vaern.StatusFixed || r.status == vaern.StatusRecommended {
		vrs = fixedFrom(vrs)
	}
	declared := ""
	for _, v := range vrs {
		if v.Scheme != "" {
			declared = v.Scheme
			break
		}
	}
	named := func() scheme {
		if declared != "" {
			return schemeFor(declared)
		}
		return inferScheme(r.name.vendor, r.name.product, vrs, r.cpe.version)
	}
	if r.purl.ok {
		sc := schemeFor(r.purl.typ)
		if declared != "" {
			sc = schemeFor(declared)
		}
		pv := vrs
		if len(pv) == 0 && r.purl.version != "" {
			pv = []vaern.VersionRange{{Exact: r.purl.version, Expr: r.purl.version}}
			if r.status == vaern.StatusFixed || r.status == vaern.StatusRecommended {
				pv = fixedFrom(pv)
			}
		}
		r.rsPURL = compileRanges(sc, pv)
		r.rkPURL = rangeKey("purl", r.purl.key, r.rsPURL.canon)
	}
	if r.cpe.ok {
		r.rsCPE = r.cpeRanges(named(), vrs)
		r.rkCPE = rangeKey("cpe", r.cpe.key, r.rsCPE.canon)
	}
	if r.name.product != "" {
		switch {
		case len(vrs) > 0:
			r.rsName = compileRanges(named(), vrs)
		case r.cpe.ok && !r.cpe.versionAny:
			r.rsName = r.cpeRanges(named(), vrs)
		case r.name.edition != "":
			// "Exchange Server 2016" with no versions: the versions of that edition
			r.rsName = editionRanges(named(), r.name.edition)
		default:
			r.rsName = compileRanges(named(), nil)
		}
		r.rkName = rangeKey("name", r.name.vendor+"/"+r.name.product+"/"+r.name.edition, r.rsName.canon)
	}
	return r, true
}

// cpeRanges compiles the versions of a CPE statement: the ranges if any, else the CPE's own
// version (ANY: every version; NA: only an asset without versions; a wildcard: not comparable).
func (r *rule) cpeRanges(sc scheme, vrs []vaern.VersionRange) rangeSet {
	if len(vrs) > 0 {
		return compileRanges(sc, vrs)
	}
	c := &r.cpe
	switch {
	case c.versionAny:
		return compileRanges(sc, nil)
	case c.versionNA:
		rs := compileRanges(sc, []vaern.VersionRange{{Exact: "-", Expr: "-"}})
		rs.ranges[0].text = "-"
		return rs
	}
	vr := []vaern.VersionRange{{Exact: c.version, Expr: c.version}}
	if r.status == vaern.StatusFixed || r.status == vaern.StatusRecommended {
		vr = fixedFrom(vr)
	}
	rs := compileRanges(sc, vr)
	if c.versionWild {
		rs.ranges[0].wild = true
	}
	return rs
}

// fixedFrom reads a fixed statement's single versions as "this version and later": a system at
// or above a fixed version is not warned.
func fixedFrom(vrs []vaern.VersionRange) []vaern.VersionRange {
	out := make([]vaern.VersionRange, len(vrs))
	for i, v := range vrs {
		if x := strings.TrimSpace(v.Exact); x != "" && x != "*" && x != "-" {
			expr := v.Expr
			if expr == "" || expr == x {
				expr = ">= " + x
			}
			v = vaern.VersionRange{Scheme: v.Scheme, Introduced: x, Expr: expr}
		}
		out[i] = v
	}
	return out
}

// rangeKey is a stable key of an identity and its compiled range: the first 16 bytes of the
// SHA-256 of "kind|identity|scheme:ranges", in hex.
func rangeKey(kind, id, canon string) string {
	h := sha256.Sum256([]byte(kind + "|" + id + "|" + canon))
	return hex.EncodeToString(h[:16])
}

// editionRanges is the range of a product edition named without versions: under Windows rules
// the builds of that release ("2016": 10.0.14393.*, "10": 10.0.10240 to before 10.0.22000, "11":
// 10.0.22000 on); otherwise the versions that begin with the edition's numbers ("2016" holds
// "2016 CU3"; an "R2" must agree).
func editionRanges(sc scheme, edition string) rangeSet {
	if _, ok := sc.(windowsScheme); ok {
		var vr vaern.VersionRange
		switch edition {
		case "10":
			vr = vaern.VersionRange{Introduced: "10.0.10240.0", Fixed: "10.0.22000.0"}
		case "11":
			vr = vaern.VersionRange{Introduced: "10.0.22000.0"}
		default:
			if v, ok := sc.parse(edition); ok {
				w := v.(wver)
				vr = vaern.VersionRange{
					Introduced:   fmt.Sprintf("%d.%d.%d.0", w.n[0], w.n[1], w.n[2]),
					LastAffected: fmt.Sprintf("%d.%d.%d.%d", w.n[0], w.n[1], w.n[2], uint64(1)<<62),
				}
			}
		}
		if vr.Introduced != "" {
			vr.Expr = edition
			rs := compileRanges(sc, []vaern.VersionRange{vr})
			rs.edition = true
			return rs
		}
	}
	rs := compileRanges(genericS, []vaern.VersionRange{{Exact: edition, Expr: edition}})
	rs.ranges[0].prefix, rs.edition = true, true
	return rs
}
