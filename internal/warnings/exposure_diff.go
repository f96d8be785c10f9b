package warnings

import (
	"encoding/json"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
)

// exposureKey is what one exposure is of: a system (or a component of it, by name) and an advisory.
type exposureKey struct {
	system   int64
	advisory int64
	subject  string
}

// Diff compares the matcher's answers with the stored exposures of the same scope and says what to
// write. It is pure: the store calls it inside the transaction that writes its result, with the
// rows as they are at that moment.
//
//   - An affected match without an exposure opens one (status new, event "opened").
//   - An affected match of a closed exposure reopens it ("reopened"); so does a match whose range
//     key differs from the one a person answered (an acknowledgement is keyed to the system and the
//     matched range: a revision that widens the range, or a version that moved into another range,
//     asks again). With the same range a person's answer stands.
//   - A triage match that becomes a warning (exact or confirm) is "opened" for the member.
//   - An open exposure (new or acknowledged) without an affected match any more (another version,
//     a fix, a VEX statement, a revision that narrowed the range) is "closed".
//   - A person's final answer (mitigated, patched, not affected, risk accepted) without a match is
//     left as they gave it.
func Diff(existing []store.ExposureRow, matches []Match, names map[[2]int64]string, advs map[int64]vaern.Advisory) []store.ExposureChange {
	want := make(map[exposureKey]Match, len(matches))
	var order []exposureKey
	for _, m := range matches {
		if m.Outcome != OutcomeAffected {
			continue
		}
		k := exposureKey{m.SystemID, m.AdvisoryID, store.ExposureSubject(m.ComponentID, names[[2]int64{m.SystemID, m.ComponentID}])}
		if old, ok := want[k]; ok {
			if tierRank(m.Tier) <= tierRank(old.Tier) {
				continue // two components of one name: the surer match speaks for both
			}
		} else {
			order = append(order, k)
		}
		want[k] = m
	}
	have := make(map[exposureKey]store.ExposureRow, len(existing))
	for _, x := range existing {
		have[exposureKey{x.SystemID, x.AdvisoryID, x.Subject}] = x
	}
	var out []store.ExposureChange
	for _, k := range order {
		m := want[k]
		row := rowOf(m, k.subject, names, advs)
		x, ok := have[k]
		if !ok {
			row.Status = vaern.ExposureNew
			out = append(out, store.ExposureChange{Row: row, Event: "opened"})
			continue
		}
		row.ID, row.FirstSeen, row.AckedAt, row.ResolvedAt, row.EscalatedAt = x.ID, x.FirstSeen, x.AckedAt, x.ResolvedAt, x.EscalatedAt
		row.Status = x.Status
		switch {
		case x.Status == vaern.ExposureClosed || (x.RangeKey != m.RangeKey && x.Status != vaern.ExposureNew):
			row.Status, row.AckedAt, row.ResolvedAt, row.EscalatedAt = vaern.ExposureNew, zeroTime, zeroTime, zeroTime
			out = append(out, store.ExposureChange{ID: x.ID, Row: row, Event: "reopened", From: x.Status})
		case x.Tier == vaern.TierTriage && m.Tier != vaern.TierTriage && x.Status.Open():
			out = append(out, store.ExposureChange{ID: x.ID, Row: row, Event: "opened", From: x.Status})
		case x.Tier != row.Tier || x.Evidence != row.Evidence || x.RangeKey != row.RangeKey || x.ProductKey != row.ProductKey ||
			!x.Due.Equal(row.Due) || x.ComponentID != row.ComponentID:
			out = append(out, store.ExposureChange{ID: x.ID, Row: row})
		}
	}
	for _, x := range existing {
		k := exposureKey{x.SystemID, x.AdvisoryID, x.Subject}
		if _, ok := want[k]; ok || !x.Status.Open() {
			continue
		}
		row := x
		row.Status = vaern.ExposureClosed
		out = append(out, store.ExposureChange{ID: x.ID, Row: row, Event: "closed", From: x.Status})
	}
	return out
}

var zeroTime = store.ExposureRow{}.FirstSeen

func rowOf(m Match, subject string, names map[[2]int64]string, advs map[int64]vaern.Advisory) store.ExposureRow {
	ev, _ := json.Marshal(m.Evidence)
	r := store.ExposureRow{Subject: subject, EvidenceJSON: string(ev)}
	r.OrgID, r.SystemID, r.ComponentID, r.AdvisoryID = m.OrgID, m.SystemID, m.ComponentID, m.AdvisoryID
	r.ProductKey, r.Tier, r.Evidence, r.RangeKey = m.ProductKey, m.Tier, m.Evidence.Text(), m.RangeKey
	if m.ComponentID != 0 {
		r.ComponentName = names[[2]int64{m.SystemID, m.ComponentID}]
	}
	if a, ok := advs[m.AdvisoryID]; ok {
		r.Due = a.Due
	}
	return r
}

// EvidenceOf reads a stored exposure's evidence parts back (zero when none were stored).
func EvidenceOf(x store.ExposureRow) (Evidence, bool) {
	var e Evidence
	if x.EvidenceJSON == "" {
		return e, false
	}
	return e, json.Unmarshal([]byte(x.EvidenceJSON), &e) == nil
}
