package warnings

import (
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
)

// BurnPoint is the sector's exposure to one advisory at the end of one day: members affected (an
// exposure that warns and is not closed or found not affected), acknowledged (none of theirs is
// new) and fixed (all of theirs mitigated, patched or risk accepted). The same definitions as
// store.AdvisorySummary, so the chart's last point is today's counts.
type BurnPoint struct {
	Day                           time.Time
	Affected, Acknowledged, Fixed int
}

// BurnDown replays an advisory's exposure events day by day from the first event to now (at most
// maxDays points, the latest kept), in the zone's calendar days.
func BurnDown(events []store.ExposureEvent, now time.Time, zone *time.Location, maxDays int) []BurnPoint {
	if len(events) == 0 {
		return nil
	}
	type state struct {
		org    int64
		status vaern.ExposureStatus
	}
	cur := map[int64]state{}
	day := func(t time.Time) time.Time {
		y, m, d := t.In(zone).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, zone)
	}
	first, last := day(events[0].At), day(now)
	if n := int(last.Sub(first).Hours()/24) + 1; n > maxDays {
		first = last.AddDate(0, 0, -(maxDays - 1))
	}
	var out []BurnPoint
	i := 0
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		end := d.AddDate(0, 0, 1)
		for ; i < len(events) && events[i].At.Before(end); i++ {
			e := events[i]
			cur[e.ExposureID] = state{org: e.OrgID, status: e.To}
		}
		type counts struct{ n, newN, ack int }
		per := map[int64]*counts{}
		for _, s := range cur {
			if s.status == vaern.ExposureClosed || s.status == vaern.ExposureNotAffected || s.status == "" {
				continue
			}
			c := per[s.org]
			if c == nil {
				c = &counts{}
				per[s.org] = c
			}
			c.n++
			switch s.status {
			case vaern.ExposureNew:
				c.newN++
			case vaern.ExposureAcknowledged:
				c.ack++
			}
		}
		p := BurnPoint{Day: d}
		for _, c := range per {
			p.Affected++
			if c.newN == 0 {
				p.Acknowledged++
				if c.ack == 0 {
					p.Fixed++
				}
			}
		}
		out = append(out, p)
	}
	return out
}
