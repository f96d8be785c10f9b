package incident

import (
	"sort"
	"time"
	_ "time/tzdata" // the members' zones, also on servers without a zoneinfo database

	"github.com/vaern/vaern"
)

var (
	copenhagen = mustZone("Europe/Copenhagen")
	oslo       = mustZone("Europe/Oslo")
)

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// Zone is the member's time zone: calendar months are counted there.
func Zone(country string) *time.Location {
	if country == "NO" {
		return oslo
	}
	return copenhagen
}

// AddMonths adds n calendar months in loc. A day that the target month lacks becomes its last
// day (31 January + 1 month = 28 or 29 February), and the wall-clock time is kept; a wall-clock
// time that does not exist on the target day (inside a spring DST gap) moves forward with Go's
// normalisation.
func AddMonths(t time.Time, n int, loc *time.Location) time.Time {
	l := t.In(loc)
	y, m, d := l.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, loc)
	last := first.AddDate(0, 1, -1).Day()
	if d > last {
		d = last
	}
	return time.Date(first.Year(), first.Month(), d, l.Hour(), l.Minute(), l.Second(), l.Nanosecond(), loc)
}

// add is a step's length after t: hours are elapsed time, months are calendar months.
func add(t time.Time, s Step, loc *time.Location) time.Time {
	if s.Months > 0 {
		t = AddMonths(t, s.Months, loc)
	}
	return t.Add(time.Duration(s.Hours) * time.Hour)
}

// Facts are what a case's deadlines depend on, besides the regimes.
type Facts struct {
	Case    vaern.Incident
	Regimes []vaern.AppliedRegime
	Reports []vaern.IncidentReport
}

// Deadlines are every step of every regime on the case (those removed are left out), each with
// its due time and its status at now. They depend on the case's facts only, and on now for the
// status; the order is by due time, waiting steps last.
func Deadlines(f Facts, s Settings, now time.Time) []vaern.Deadline {
	return DeadlinesIn(f, s.Compile(), now)
}

// Compiled is settings made ready for computing many cases' deadlines: every regime in force,
// with its configured lengths, by key.
type Compiled map[string]Regime

// Compile prepares s for DeadlinesIn.
func (s Settings) Compile() Compiled {
	out := Compiled{}
	for _, r := range s.All() {
		out[r.Key] = r
	}
	return out
}

// DeadlinesIn is Deadlines under compiled settings (for computing many cases at once).
func DeadlinesIn(f Facts, regimes Compiled, now time.Time) []vaern.Deadline {
	loc := Zone(f.Case.Country)
	// A case has a handful of reports: a scan is cheaper than a map.
	submittedAt := func(regime, step string) (time.Time, bool) {
		var at time.Time
		found := false
		for _, r := range f.Reports {
			if r.Regime == regime && r.Step == step && (!found || r.SubmittedAt.Before(at)) {
				at, found = r.SubmittedAt, true
			}
		}
		return at, found
	}
	n := 0
	for _, ar := range f.Regimes {
		n += len(regimes[ar.Regime].Steps)
	}
	out := make([]vaern.Deadline, 0, n)
	for _, ar := range f.Regimes {
		if ar.Removed {
			continue
		}
		reg, ok := regimes[ar.Regime]
		if !ok {
			continue
		}
		notified, hasNotified := submittedAt(reg.Key, "notification")
		for _, st := range reg.Steps {
			d := vaern.Deadline{IncidentID: f.Case.ID, Regime: reg.Key, Step: st.Key, Legal: reg.Legal}
			var base time.Time
			switch st.Trigger {
			case FromAwareness:
				base = f.Case.AwareAt
			case FromNotification:
				if hasNotified {
					base = notified
				}
			case FromHandled:
				base = f.Case.ResolvedAt
			case FromRequest:
				base = ar.RequestedAt
			case FromNotificationOrHandled:
				if hasNotified {
					first := add(notified, st, loc)
					switch {
					case !f.Case.ResolvedAt.IsZero() && !f.Case.ResolvedAt.After(first):
						base = notified
					case !f.Case.ResolvedAt.IsZero():
						base = f.Case.ResolvedAt
					}
				}
			}
			if !base.IsZero() {
				d.DueAt = add(base, st, loc)
			}
			if st.OnlyIfOngoing && !d.DueAt.IsZero() && !f.Case.ResolvedAt.IsZero() && !f.Case.ResolvedAt.After(d.DueAt) {
				continue // handled in time: the final report stands alone
			}
			if st.OnlyIfOngoing && d.DueAt.IsZero() && !f.Case.ResolvedAt.IsZero() {
				continue
			}
			rep, _ := submittedAt(reg.Key, st.Key)
			d.Submitted = metAt(st, f.Case, rep)
			d.Status = status(d, now)
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.DueAt.IsZero() != b.DueAt.IsZero() {
			return b.DueAt.IsZero()
		}
		return a.DueAt.Before(b.DueAt)
	})
	return out
}

func metAt(st Step, c vaern.Incident, report time.Time) time.Time {
	switch st.MetBy {
	case MetByAck:
		return c.AckAt
	case MetByContained:
		return c.ContainedAt
	case MetByResolved:
		return c.ResolvedAt
	}
	return report
}

func status(d vaern.Deadline, now time.Time) string {
	switch {
	case !d.Submitted.IsZero():
		return vaern.DeadlineSubmitted
	case d.DueAt.IsZero():
		return vaern.DeadlineWaiting
	case now.After(d.DueAt):
		return vaern.DeadlineOverdue
	}
	return vaern.DeadlineOpen
}

// NextDue is the earliest due time of a deadline not yet met (zero: none).
func NextDue(ds []vaern.Deadline) time.Time {
	var next time.Time
	for _, d := range ds {
		if d.Submitted.IsZero() && !d.DueAt.IsZero() && (next.IsZero() || d.DueAt.Before(next)) {
			next = d.DueAt
		}
	}
	return next
}

// Remaining is a clock's text-free reading: how long until due (negative when overdue).
func Remaining(d vaern.Deadline, now time.Time) time.Duration { return d.DueAt.Sub(now) }
