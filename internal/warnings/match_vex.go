package warnings

import (
	"cmp"
	"slices"
)

// ApplyVEX lets one advisory's prevention close another's warning: an affected Match of an
// asset becomes not_affected (or fixed) when another advisory's not_affected or fixed Match of
// the same asset, at the same tier or a surer one, names every CVE the affected Match concerns.
// That is how a vendor's VEX document ("CVE-2024-1234: component not present") closes the KEV
// entry or CVE record of the same CVE for that asset. The changed Match keeps its advisory,
// product and range key, takes the deciding statement's outcome, status and justification into
// its evidence, and names that advisory in ClosedBy. ms is changed in place and returned; its
// order is kept. Matches without CVEs are left alone.
//
// Apply it to one run's matches over all advisories (both directions give the same input, so
// the same output); a prevention only reaches matches that are in the same slice.
func ApplyVEX(ms []Match) []Match {
	type asset struct{ org, sys, comp int64 }
	type prev struct {
		i    int
		cves []string
	}
	byAsset := map[asset][]prev{}
	for i := range ms {
		m := &ms[i]
		if m.Outcome != OutcomeAffected && len(m.CVEs) > 0 {
			k := asset{m.OrgID, m.SystemID, m.ComponentID}
			byAsset[k] = append(byAsset[k], prev{i, m.CVEs})
		}
	}
	if len(byAsset) == 0 {
		return ms
	}
	for i := range ms {
		m := &ms[i]
		if m.Outcome != OutcomeAffected || len(m.CVEs) == 0 {
			continue
		}
		ps := byAsset[asset{m.OrgID, m.SystemID, m.ComponentID}]
		best := -1
		for _, p := range ps {
			q := &ms[p.i]
			if q.AdvisoryID == m.AdvisoryID || tierRank(q.Tier) < tierRank(m.Tier) || !coversAll(p.cves, m.CVEs) {
				continue
			}
			// the surest prevention, then the lowest advisory id: the same answer in any order
			if best < 0 || cmp.Or(-cmp.Compare(tierRank(q.Tier), tierRank(ms[best].Tier)), cmp.Compare(q.AdvisoryID, ms[best].AdvisoryID)) < 0 {
				best = p.i
			}
		}
		if best < 0 {
			continue
		}
		q := &ms[best]
		m.Outcome, m.ClosedBy = q.Outcome, q.AdvisoryID
		m.Evidence.Status, m.Evidence.Justification = q.Evidence.Status, q.Evidence.Justification
		m.Evidence.Note = joinNote(m.Evidence.Note, "closed by another advisory's statement on the same CVEs")
		m.Evidence.NoteKey = NoteClosedByOther
	}
	return ms
}

func coversAll(have, need []string) bool {
	for _, c := range need {
		if !slices.Contains(have, c) {
			return false
		}
	}
	return true
}
