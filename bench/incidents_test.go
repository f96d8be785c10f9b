// Benchmarks of the incident module: the case list over 10,000 cases and every open case's
// deadlines. Run: go test ./bench/ -run XXX -bench Incident -benchtime 200x
package bench

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/incident"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

// seedIncidents writes n cases into org, a tenth of them closed, half with personal data (so
// three regimes each), in transactions of 500.
func seedIncidents(b *testing.B, st *store.Store, org vaern.Org, n int) {
	b.Helper()
	ctx := context.Background()
	sys := vaern.System("bench")
	now := st.Now()
	for start := 0; start < n; start += 500 {
		if err := st.Write(ctx, func(tx *store.Tx) error {
			for i := start; i < min(start+500, n); i++ {
				_, err := tx.CreateIncident(ctx, sys, org.ID, vaern.Incident{Title: fmt.Sprintf("Hændelse %05d", i),
					AwareAt: now.Add(-time.Duration(i%200) * time.Hour), PersonalData: i%2 == 0, HighRisk: i%10 == 0,
					Observables: []string{fmt.Sprintf("192.0.2.%d", i%250)}})
				if err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	// A tenth closed, with their lessons (handled cases are left out of the open list).
	v := access.ForOrg(org)
	for id := int64(10); id <= int64(n); id += 10 {
		if err := st.CloseIncident(ctx, sys, v, id, vaern.Lesson{Actions: "Ingen"}); err != nil {
			b.Fatal(err)
		}
	}
}

func p99(ds []time.Duration) float64 {
	slices.Sort(ds)
	return float64(ds[len(ds)*99/100].Microseconds()) / 1000
}

// BenchmarkIncidentList10k is the member's case list as its page reads it (the open cases,
// nearest deadline first, 100 a page, with each listed case's next deadline) over 10,000 cases.
func BenchmarkIncidentList10k(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			st, org := newMember(b, e)
			seedIncidents(b, st, org, 10000)
			ctx := context.Background()
			v := access.ForOrg(org)
			var lat []time.Duration
			for b.Loop() {
				t0 := time.Now()
				l, err := st.Incidents(ctx, v, vaern.IncidentFilter{Status: "open", Limit: 100})
				if err != nil || l.Total != 9000 || len(l.Cases) != 100 {
					b.Fatal(l.Total, err)
				}
				ids := make([]int64, len(l.Cases))
				for i, c := range l.Cases {
					ids[i] = c.ID
				}
				if _, err := st.NextDeadlines(ctx, v, ids, st.Now()); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.ReportMetric(p99(lat), "p99-ms")
		})
	}
}

// BenchmarkIncidentDeadlinesAllOpen computes every open case's deadlines with the engine: 9,000
// open cases, 1-3 regimes each, under the centre's settings, in the member's zone.
func BenchmarkIncidentDeadlinesAllOpen(b *testing.B) {
	now := time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC) // the night of the spring DST change
	settings := incident.Settings{Lengths: map[string]incident.Length{"gdpr-33/notification": {Hours: 96}}}
	var facts []incident.Facts
	for i := range 9000 {
		c := vaern.Incident{ID: int64(i), Country: []string{"DK", "NO"}[i%2], AwareAt: now.Add(-time.Duration(i%200) * time.Hour),
			PersonalData: i%2 == 0, HighRisk: i%10 == 0}
		var regs []vaern.AppliedRegime
		for _, k := range settings.Fitting(c) {
			regs = append(regs, vaern.AppliedRegime{Regime: k})
		}
		facts = append(facts, incident.Facts{Case: c, Regimes: regs,
			Reports: []vaern.IncidentReport{{Regime: regs[0].Regime, Step: "notification", SubmittedAt: c.AwareAt.Add(48 * time.Hour)}}})
	}
	n := 0
	for b.Loop() {
		n = 0
		compiled := settings.Compile()
		for _, f := range facts {
			n += len(incident.DeadlinesIn(f, compiled, now))
		}
	}
	b.ReportMetric(float64(n), "deadlines")
}

// BenchmarkIncidentOpenDeadlinesRead reads every open case's stored deadlines (the centre's or
// a member's view of what is due), over 10,000 cases.
func BenchmarkIncidentOpenDeadlinesRead(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			st, org := newMember(b, e)
			seedIncidents(b, st, org, 10000)
			ctx := context.Background()
			v := access.ForOrg(org)
			var lat []time.Duration
			for b.Loop() {
				t0 := time.Now()
				ds, err := st.OpenDeadlines(ctx, v, st.Now(), 100000)
				if err != nil || len(ds) < 9000 {
					b.Fatal(len(ds), err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.ReportMetric(p99(lat), "p99-ms")
		})
	}
}
