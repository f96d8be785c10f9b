package warnings

import (
	"cmp"
	"slices"

	"github.com/vaern/vaern"
)

// Asset is one thing in a member's register that an advisory can concern: a system itself
// (ComponentID 0) or one of its SBOM components. The string fields are the register's own text,
// as the member wrote or imported it; the matcher normalises them itself.
type Asset struct {
	OrgID, SystemID, ComponentID int64
	// Name is the system's or component's name (free text: "Mail server (Exchange 2019)", "lodash").
	Name            string
	Vendor, Product string
	Version         string // "2019 CU12", "10.0.14393.6897", "15.2(4)E1", "4.17.20", ...
	CPE             string // CPE 2.3 formatted string or CPE 2.2 URI
	PURL            string // package URL
}

// Outcome is what a match says about the asset.
type Outcome string

const (
	// OutcomeAffected: the advisory says the asset's product, at the asset's version (or at a
	// version the matcher could not tell apart), is affected. The tier says who hears of it.
	OutcomeAffected Outcome = "affected"
	// OutcomeNotAffected: the advisory (typically a VEX document) says the asset's product and
	// version are known not affected; Evidence.Justification carries the VEX flag. An open
	// exposure of this asset and advisory closes; none is opened.
	OutcomeNotAffected Outcome = "not_affected"
	// OutcomeFixed: the asset is at or above the version that fixes it (a CSAF fixed /
	// first_fixed product, or the range's upper bound). An open exposure closes; none is opened.
	OutcomeFixed Outcome = "fixed"
)

// Match is the matcher's answer for one asset and one advisory: at most one Match per asset
// and advisory, the most specific statement of the advisory that concerns the asset (see
// docs/warnings-matching.md, "Which statement decides"). No Match at all means the advisory
// does not concern the asset (other product, or a version outside every range and below any
// fix): an open exposure for the pair is no longer matched.
type Match struct {
	OrgID, SystemID, ComponentID int64
	AdvisoryID                   int64
	// ProductKey is the AdvisoryProduct.Key of the statement that decided.
	ProductKey string
	Tier       vaern.ExposureTier
	Outcome    Outcome
	Evidence   Evidence
	// RangeKey identifies the matched identity and range independently of the importer's
	// product keys and of the statement's status, so that an acknowledgement keyed to it
	// survives a re-import that yields the same range. It is stable across processes and
	// releases (a SHA-256 prefix of a canonical text, docs/warnings-matching.md "Range keys").
	RangeKey string
	// CVEs are the CVE ids the deciding statement concerns (the product's own list, else the
	// advisory's). A not_affected or fixed Match from a VEX document names the CVEs whose other
	// advisories' exposures of the same asset it closes (see ApplyVEX).
	CVEs []string
	// ClosedBy is the advisory whose not_affected or fixed statement on the same CVEs turned
	// this affected match into a prevention (ApplyVEX); 0 when none did.
	ClosedBy int64
}

// Index holds advisories prepared for matching many assets: identities indexed by purl
// (type/namespace/name), CPE vendor:product, normalised product name and name tokens, ranges
// parsed once. It is read-only after NewIndex and safe for concurrent use.
type Index struct {
	advs  []vaern.Advisory
	rules []rule
	// candidates by key; values are indexes into rules, in ascending order
	byPURL map[string][]int32
	byCPE  map[string][]int32
	byName map[string][]int32
	// byToken indexes fuzzy candidates by their anchor word, apart by whether the statement
	// carries a purl (bit 1) and a CPE (bit 2): an asset with a purl never meets a statement
	// with a purl by words (two identifiers that differ are two products), so it skips those.
	byToken [4]map[string][]int32
	// words holds every distinctive word of every product name (not only the anchors), to
	// tell whether an asset's free-text name can take part in a match at all
	words map[string]struct{}
}

// NewIndex prepares advisories for matching. Withdrawn advisories and "running on / with"
// (Platform) products are left out; drafts are matched like published ones (the caller decides
// which advisories it passes).
func NewIndex(advs []vaern.Advisory) *Index {
	ix := &Index{
		advs:    advs,
		byPURL:  map[string][]int32{},
		byCPE:   map[string][]int32{},
		byName:  map[string][]int32{},
		byToken: [4]map[string][]int32{{}, {}, {}, {}},
		words:   map[string]struct{}{},
	}
	in := newInterner()
	for ai := range advs {
		if advs[ai].State == vaern.AdvisoryWithdrawn {
			continue
		}
		for pi := range advs[ai].Products {
			r, ok := compileRule(in, &advs[ai], int32(ai), int32(pi))
			if !ok {
				continue
			}
			ix.add(r)
		}
	}
	return ix
}

func (ix *Index) add(r rule) {
	id := int32(len(ix.rules))
	ix.rules = append(ix.rules, r)
	if r.purl.ok {
		ix.byPURL[r.purl.key] = append(ix.byPURL[r.purl.key], id)
	}
	if r.cpe.ok {
		ix.byCPE[r.cpe.key] = append(ix.byCPE[r.cpe.key], id)
	}
	if r.name.product != "" {
		ix.byName[r.name.product] = append(ix.byName[r.name.product], id)
		if r.name.anchor != "" {
			c := idClass(r.purl.ok, r.cpe.ok)
			ix.byToken[c][r.name.anchor] = append(ix.byToken[c][r.name.anchor], id)
		}
		for _, w := range r.name.tokens {
			ix.words[w] = struct{}{}
		}
	}
}

func idClass(purl, cpe bool) int {
	c := 0
	if purl {
		c |= 1
	}
	if cpe {
		c |= 2
	}
	return c
}

// nameMatters reports whether a free-text name shares a word with any advisory product.
func (ix *Index) nameMatters(name string) bool {
	for _, w := range nameTokens(name) {
		if _, ok := ix.words[w]; ok {
			return true
		}
	}
	return false
}

// Len is the number of advisory products (statements) the index matches against.
func (ix *Index) Len() int { return len(ix.rules) }

// Match returns the advisories that concern one asset, ordered by advisory (as NewIndex got
// them).
func (ix *Index) Match(a Asset) []Match {
	var sc scratch
	p := prepare(a)
	return ix.matchPrepared(&sc, &p, nil)
}

// MatchAll matches many assets with the given number of workers (at least 1) and returns the
// matches in the order of assets, each asset's as Index.Match gives them. Workers remember the
// answer for assets that share every field but the ids (the same product at the same version in
// many members), so a sector of repeated products costs little more than its distinct ones.
func MatchAll(ix *Index, assets []Asset, workers int) []Match {
	return matchAll(ix, assets, workers)
}

// SortMatches orders matches by organisation, system, component and advisory: the order in
// which two runs (or the two directions) are compared.
func SortMatches(ms []Match) {
	slices.SortFunc(ms, func(a, b Match) int {
		return cmp.Or(cmp.Compare(a.OrgID, b.OrgID), cmp.Compare(a.SystemID, b.SystemID),
			cmp.Compare(a.ComponentID, b.ComponentID), cmp.Compare(a.AdvisoryID, b.AdvisoryID),
			cmp.Compare(a.ProductKey, b.ProductKey))
	})
}
