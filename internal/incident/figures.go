package incident

import (
	"math"
	"sort"
	"time"

	"github.com/vaern/vaern/internal/results"
)

// Timing is one case's times, for the figures: how long from awareness to acknowledging, to
// containing, and to each report submitted ("regime/step"); negative when it has not happened.
type Timing struct {
	OrgID       int64
	Country     string
	Independent bool // the member counts toward k (results.Independent)
	Ack         time.Duration
	Contain     time.Duration
	Steps       map[string]time.Duration
}

// Figure is one measure: the member's own median in hours against the sector's.
type Figure struct {
	Measure string // "ack", "contain" or "regime/step"
	Own     float64
	OwnN    int // the member's cases with the measure
	// Sector is the smoothed median over the members' own medians (results.Smoothed: never one
	// member's value), shown only when at least k independent members have the measure.
	Sector        float64
	SectorMembers int
	Suppressed    bool
}

// HasOwn reports whether the member has cases with the measure.
func (f Figure) HasOwn() bool { return f.OwnN > 0 }

// Figures compares member own with the other members of its country (the sector), measure by
// measure. A sector figure over fewer than k independent members is suppressed, as the
// benchmark's (docs/anonymity.md); own is the member's own and always shown to it. own 0 gives the
// sector figures alone (the centre's view).
func Figures(rows []Timing, own int64, country string, k int) []Figure {
	if k < 1 {
		k = 1
	}
	type acc struct{ byOrg map[int64][]float64 }
	measures := map[string]*acc{}
	add := func(m string, org int64, d time.Duration) {
		if d < 0 {
			return
		}
		a := measures[m]
		if a == nil {
			a = &acc{byOrg: map[int64][]float64{}}
			measures[m] = a
		}
		a.byOrg[org] = append(a.byOrg[org], d.Hours())
	}
	independent := map[int64]bool{}
	for _, r := range rows {
		if country != "" && r.Country != country {
			continue
		}
		independent[r.OrgID] = r.Independent
		add("ack", r.OrgID, r.Ack)
		add("contain", r.OrgID, r.Contain)
		for s, d := range r.Steps {
			add(s, r.OrgID, d)
		}
	}
	var out []Figure
	for m, a := range measures {
		f := Figure{Measure: m}
		if v := a.byOrg[own]; len(v) > 0 {
			f.Own, f.OwnN = median(v), len(v)
		}
		var meds []float64
		for org, v := range a.byOrg {
			if independent[org] {
				meds = append(meds, median(v))
			}
		}
		f.SectorMembers = len(meds)
		counts := map[string]int{"sector": len(meds)}
		if results.Suppress(counts, nil, k)["sector"] || len(meds) == 0 {
			f.Suppressed = true
		} else {
			sort.Float64s(meds)
			f.Sector = math.Round(results.Smoothed(meds, 0.5)*10) / 10
		}
		if own == 0 && f.Suppressed {
			continue
		}
		if own != 0 && f.OwnN == 0 && f.Suppressed {
			continue
		}
		out = append(out, f)
	}
	order := func(m string) string {
		switch m {
		case "ack":
			return "0"
		case "contain":
			return "1"
		}
		return "2" + m
	}
	sort.Slice(out, func(i, j int) bool { return order(out[i].Measure) < order(out[j].Measure) })
	return out
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	var m float64
	if n%2 == 1 {
		m = s[n/2]
	} else {
		m = (s[n/2-1] + s[n/2]) / 2
	}
	return math.Round(m*10) / 10
}
