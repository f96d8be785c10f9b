package warnings

import (
	"slices"
	"strings"

	"github.com/vaern/vaern"
)

// prepared is an asset with its identities parsed and its names normalised, once.
type prepared struct {
	a    Asset
	purl purlID
	cpe  cpeID
	name nameKey
	// nameField and nameValue are where the asset's name came from: vendor and product, the
	// product alone, the free-text name, or the CPE.
	nameField Field
	nameValue string
	// tokens are the distinctive words of the product name and of the free-text name.
	tokens []string
	// nameOnly: the product words came from a system's free-text name (no product given)
	nameOnly bool
}

func prepare(a Asset) prepared {
	p := prepared{a: a, purl: parsePURL(a.PURL), cpe: parseCPE(a.CPE)}
	switch {
	case !blankName(a.Product):
		p.name = newNameKey(a.Vendor, a.Product)
		p.nameField, p.nameValue = FieldVendorProduct, strings.TrimSpace(a.Vendor+" "+a.Product)
		if blankName(a.Vendor) {
			p.nameField, p.nameValue = FieldProduct, strings.TrimSpace(a.Product)
		}
	case p.cpe.ok && blankName(a.Vendor):
		p.name = newNameKey(p.cpe.vendorName, p.cpe.productName)
		p.nameField, p.nameValue = FieldCPE, a.CPE
	case !blankName(a.Name):
		// a component's name is its product's name (SBOMs name packages so); a system's name
		// is free text ("Mail server (Exchange 2019)"), good for the triage queue only
		p.name = newNameKey(a.Vendor, a.Name)
		p.nameField, p.nameValue, p.nameOnly = FieldName, strings.TrimSpace(a.Name), a.ComponentID == 0
		if !blankName(a.Vendor) {
			p.nameValue = strings.TrimSpace(a.Vendor + " " + a.Name)
		}
	}
	p.tokens = p.name.tokens
	if !p.nameOnly && !blankName(a.Name) {
		if nt := nameTokens(a.Name); len(nt) > 0 {
			p.tokens = sortUnique(append(slices.Clone(p.tokens), nt...))
		}
	}
	return p
}

// candidate is one statement's answer for one asset.
type candidate struct {
	rule    int32
	tier    vaern.ExposureTier
	outcome Outcome
	ev      Evidence
	rk      string
	// spec orders statements of equal tier: a single version named (3) says more than a
	// version in a range (2), which says more than "every version" (1), which says more than a
	// version that could not be compared (0).
	spec int8
	// explicit: a fixed or not_affected statement, rather than a fix read from an affected range
	explicit bool
}

func tierRank(t vaern.ExposureTier) int8 {
	switch t {
	case vaern.TierExact:
		return 3
	case vaern.TierConfirm:
		return 2
	case vaern.TierTriage:
		return 1
	}
	return 0
}

func minTier(a, b vaern.ExposureTier) vaern.ExposureTier {
	if tierRank(a) < tierRank(b) {
		return a
	}
	return b
}

// assetVersion is the version the name rules compare: the register's version, else the one in
// the asset's purl or CPE, else its product name's edition ("Windows Server 2016").
func (p *prepared) assetVersion() string {
	switch {
	case !blankVersion(p.a.Version):
		return strings.TrimSpace(p.a.Version)
	case p.purl.version != "":
		return p.purl.version
	case p.cpe.version != "":
		return p.cpe.version
	}
	return p.name.edition
}

// evaluate decides what one statement says about one asset. The first identity that applies
// decides: purl, then CPE, then names; a purl or CPE on both sides that disagree rule out the
// name rules (two different identifiers are two different products, whatever their names).
func (ix *Index) evaluate(ri int32, p *prepared) (candidate, bool) {
	r := &ix.rules[ri]
	c := candidate{rule: ri}
	var rs *rangeSet
	var version string
	var tier vaern.ExposureTier
	note, noteKey := "", NoteKey("")
	switch {
	case r.purl.ok && p.purl.ok && r.purl.key == p.purl.key:
		tier, rs, c.rk = vaern.TierExact, &r.rsPURL, r.rkPURL
		version = p.purl.version
		if version == "" {
			version = strings.TrimSpace(p.a.Version)
		}
		c.ev = Evidence{AssetField: FieldPURL, AssetValue: p.a.PURL, AdvisoryField: FieldPURL,
			AdvisoryValue: r.purl.raw, Rule: RulePURL}
	case cpeAgree(&r.cpe, &p.cpe):
		tier, rs, c.rk = vaern.TierExact, &r.rsCPE, r.rkCPE
		version = p.cpe.version
		if version == "" && !p.cpe.versionNA {
			version = strings.TrimSpace(p.a.Version)
		}
		if r.cpe.update != "" && p.cpe.updateAny {
			tier = vaern.TierConfirm
			note = "the advisory names update " + r.cpe.update + ", the register's CPE names none"
			noteKey = NoteUpdateUnnamed
		}
		c.ev = Evidence{AssetField: FieldCPE, AssetValue: p.a.CPE, AdvisoryField: FieldCPE,
			AdvisoryValue: r.cpe.raw, Rule: RuleCPE}
	case (r.purl.ok && p.purl.ok) || (r.cpe.ok && p.cpe.ok):
		return c, false
	case r.name.product == "" || p.name.product == "":
		return c, false
	case r.name.product == p.name.product:
		if !editionsAgree(r.name.edition, p.name.edition) {
			return c, false
		}
		rule := RuleName
		switch {
		case r.name.vendor != "" && p.name.vendor != "":
			if r.name.vendor != p.name.vendor {
				return c, false // same product name, another vendor: another product
			}
			tier = vaern.TierConfirm
			if r.name.alias || p.name.alias {
				rule = RuleAlias
			}
		default:
			tier, rule = vaern.TierTriage, RuleProductOnly
		}
		if p.nameOnly {
			tier = vaern.TierTriage // a free-text system name is not a product field
		}
		rs, c.rk, version = &r.rsName, r.rkName, p.assetVersion()
		c.ev = Evidence{AssetField: p.nameField, AssetValue: p.nameValue, AdvisoryField: r.nameField,
			AdvisoryValue: r.nameValue, Rule: rule}
		if rule == RuleAlias {
			c.ev.Alias = aliasName(r.name.vendor, r.name.product)
		}
	case subset(r.name.tokens, p.tokens):
		if r.name.vendor != "" && p.name.vendor != "" && r.name.vendor != p.name.vendor {
			return c, false
		}
		if !editionsAgree(r.name.edition, p.name.edition) {
			return c, false
		}
		tier, rs, c.rk, version = vaern.TierTriage, &r.rsName, r.rkName, p.assetVersion()
		af, av := p.nameField, p.nameValue
		if !subset(r.name.tokens, p.name.tokens) {
			af, av = FieldName, p.a.Name
		}
		c.ev = Evidence{AssetField: af, AssetValue: av, AdvisoryField: r.nameField,
			AdvisoryValue: r.nameValue, Rule: RuleFuzzy}
	default:
		return c, false
	}
	// a name-tier edition range is met by the asset's own edition
	j := rs.judge(version)
	if c.ev.Rule != RulePURL && c.ev.Rule != RuleCPE && rs.edition && p.name.edition == r.name.edition &&
		j.verdict != VerdictInRange {
		j = judgement{verdict: VerdictInRange, rng: r.name.edition}
		version = p.name.edition
	}
	c.ev.Range, c.ev.Scheme, c.ev.Version, c.ev.Verdict = j.rng, rs.sc.name(), version, j.verdict
	c.ev.Status, c.ev.Justification = string(r.status), r.justification
	c.ev.Note = joinNote(note, j.note)
	c.ev.NoteKey = noteKey
	if noteKey == "" {
		c.ev.NoteKey = j.noteKey
	}
	c.tier = tier
	switch r.status {
	case vaern.StatusAffected, vaern.StatusUnderInvestigation:
		switch j.verdict {
		case VerdictInRange:
			c.outcome, c.spec = OutcomeAffected, 2
		case VerdictAllVersions:
			c.outcome, c.spec = OutcomeAffected, 1
		case VerdictUnknown, VerdictNotComparable:
			c.outcome, c.tier = OutcomeAffected, minTier(c.tier, vaern.TierConfirm)
		case VerdictFixed:
			c.outcome, c.spec = OutcomeFixed, 2
		default:
			return c, false
		}
		if r.status == vaern.StatusUnderInvestigation && c.outcome == OutcomeAffected {
			c.tier = vaern.TierTriage // the vendor does not know yet: the centre watches
		}
	case vaern.StatusFixed, vaern.StatusRecommended, vaern.StatusNotAffected:
		c.explicit = true
		switch j.verdict {
		case VerdictInRange:
			c.spec = 2
		case VerdictAllVersions:
			c.spec = 1
		default:
			return c, false // a prevention needs the version to be known in its range
		}
		c.outcome = OutcomeFixed
		if r.status == vaern.StatusNotAffected {
			c.outcome = OutcomeNotAffected
		}
	default:
		return c, false
	}
	if j.exact && c.spec == 2 {
		c.spec = 3
	}
	return c, true
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// better reports whether x decides over y (both for one asset and one advisory): the higher
// tier, then the more specific version answer, then a warning over a prevention at the same
// footing (when in doubt, warn), then the advisory's order of products.
func better(x, y *candidate) bool {
	if a, b := tierRank(x.tier), tierRank(y.tier); a != b {
		return a > b
	}
	if x.spec != y.spec {
		return x.spec > y.spec
	}
	if xa, ya := x.outcome == OutcomeAffected, y.outcome == OutcomeAffected; xa != ya {
		return xa
	}
	if x.explicit != y.explicit {
		return x.explicit
	}
	return x.rule < y.rule
}

// scratch is a worker's reusable buffers.
type scratch struct {
	ids []int32
}

// matchPrepared appends to out the matches of one prepared asset: candidates from the indexes,
// each judged, the best per advisory kept.
func (ix *Index) matchPrepared(sc *scratch, p *prepared, out []Match) []Match {
	ids := sc.ids[:0]
	if p.purl.ok {
		ids = append(ids, ix.byPURL[p.purl.key]...)
	}
	if p.cpe.ok {
		ids = append(ids, ix.byCPE[p.cpe.key]...)
	}
	if p.name.product != "" {
		ids = append(ids, ix.byName[p.name.product]...)
	}
	skip := idClass(p.purl.ok, p.cpe.ok)
	for c := range ix.byToken {
		if c&skip != 0 || len(ix.byToken[c]) == 0 {
			continue
		}
		for _, t := range p.tokens {
			ids = append(ids, ix.byToken[c][t]...)
		}
	}
	if len(ids) == 0 {
		sc.ids = ids
		return out
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	sc.ids = ids
	var best candidate
	have := false
	curAdv := int32(-1)
	flush := func() {
		if have {
			out = append(out, ix.toMatch(p, &best))
		}
		have = false
	}
	for _, id := range ids {
		if a := ix.rules[id].adv; a != curAdv {
			flush()
			curAdv = a
		}
		c, ok := ix.evaluate(id, p)
		if !ok {
			continue
		}
		if !have || better(&c, &best) {
			best, have = c, true
		}
	}
	flush()
	return out
}

func (ix *Index) toMatch(p *prepared, c *candidate) Match {
	r := &ix.rules[c.rule]
	return Match{
		OrgID: p.a.OrgID, SystemID: p.a.SystemID, ComponentID: p.a.ComponentID,
		AdvisoryID: r.advID, ProductKey: r.key, Tier: c.tier, Outcome: c.outcome,
		Evidence: c.ev, RangeKey: c.rk, CVEs: r.cves,
	}
}

// aliasName is the name an alias led to, for the evidence: the alias table's key as words where
// it is known ("microsoft exchangeserver" reads "microsoft / exchangeserver").
func aliasName(vendor, product string) string {
	if vendor == "" {
		return product
	}
	return vendor + " / " + product
}
