package warnings

import (
	"sort"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/results"
	"github.com/vaern/vaern/internal/store"
)

// Response is one member's times to acknowledge and to remediate its warnings (medians in hours,
// over the exposures that got that far), beside the sector's.
type Response struct {
	Ack, Remediate             float64 // the member's medians; 0 with no exposure that got there
	AckN, RemediateN           int     // how many exposures they are over
	SectorAck, SectorRemediate results.Summary
	// Suppressed is true for a sector figure over fewer than k members (the baseline's rule, see
	// docs/anonymity.md): it is then not shown.
	AckSuppressed, RemediateSuppressed bool
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	ys := append([]float64(nil), xs...)
	sort.Float64s(ys)
	return results.Smoothed(ys, 0.5)
}

// Benchmark compares a member's response times with the sector's: the distribution over every
// member's own median, counting only members that are independent of the centre (no person entered
// them through the centre in the last results.DefaultIndependenceDays days), and suppressed below
// k members exactly as the baseline's aggregates are.
func Benchmark(times map[int64]*store.ResponseTimes, members []vaern.Org, orgID int64, now time.Time, k int) Response {
	var out Response
	if rt := times[orgID]; rt != nil {
		out.Ack, out.AckN = median(rt.AckHours), len(rt.AckHours)
		out.Remediate, out.RemediateN = median(rt.RemediateHours), len(rt.RemediateHours)
	}
	var acks, rems []float64
	for _, m := range members {
		if !results.Independent(m.CentreJoinedAt, now, results.DefaultIndependenceDays) {
			continue
		}
		rt := times[m.ID]
		if rt == nil {
			continue
		}
		if len(rt.AckHours) > 0 {
			acks = append(acks, median(rt.AckHours))
		}
		if len(rt.RemediateHours) > 0 {
			rems = append(rems, median(rt.RemediateHours))
		}
	}
	hidden := results.Suppress(map[string]int{"ack": len(acks), "remediate": len(rems)}, nil, k)
	out.AckSuppressed, out.RemediateSuppressed = hidden["ack"] || len(acks) == 0, hidden["remediate"] || len(rems) == 0
	if !out.AckSuppressed {
		out.SectorAck = results.Summarize(acks)
	}
	if !out.RemediateSuppressed {
		out.SectorRemediate = results.Summarize(rems)
	}
	return out
}
