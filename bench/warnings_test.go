// Benchmarks of the warnings module end to end through the store: re-matching after one new
// advisory and after one system's version change, on a synthetic sector in SQLite with the real KEV
// catalogue (VAERN_TESTDATA) or synthetic advisories. The pure matching is measured by
// internal/warnings' own benchmarks (docs/warnings-matching.md).
// Run: go test ./bench/ -run XXX -bench Warnings -benchtime 20x
package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/warnings"
)

const (
	wnMembers    = 10
	wnSystems    = 300
	wnComponents = 10
)

var wnProducts = [][3]string{{"Microsoft", "Exchange Server", "2019 CU12"}, {"Fortinet", "FortiOS", "7.2.8"}, {"Citrix", "NetScaler ADC", "14.1"},
	{"VMware", "vCenter Server", "8.0"}, {"Atlassian", "Confluence Data Center", "8.5.4"}, {"Ivanti", "Connect Secure", "22.7"},
	{"Apache", "HTTP Server", "2.4.58"}, {"Cisco", "IOS XE", "17.9.4"}}

type wnSector struct {
	st      *store.Store
	centre  vaern.Org
	orgs    []vaern.Org
	systems []vaern.ITSystem
	run     *warnings.Runner
	took    time.Duration
	stats   warnings.Stats
	err     error
}

// wnSetup builds the sector: members × systems × components, the advisories, a full match.
func wnSetup(b *testing.B) *wnSector {
	var wnSet *wnSector
	func() {
		st, m := newMember(b, store.SQLite)
		ctx := context.Background()
		sys := vaern.System("bench")
		c, _ := st.Centre(ctx)
		w := &wnSector{st: st, centre: c, orgs: []vaern.Org{m}}
		for i := 1; i < wnMembers; i++ {
			o, err := st.CreateMember(ctx, sys, c.ID, vaern.Org{Code: fmt.Sprintf("M%03d", i), Name: fmt.Sprintf("Kommune %d", i), Country: "DK"})
			if err != nil {
				w.err = err
				wnSet = w
				return
			}
			w.orgs = append(w.orgs, o)
		}
		for oi, o := range w.orgs {
			err := st.Write(ctx, func(tx *store.Tx) error {
				for i := range wnSystems {
					p := wnProducts[(i+oi)%len(wnProducts)]
					if i%len(wnProducts) != 0 {
						p = [3]string{fmt.Sprintf("Leverandør %d", i%40), fmt.Sprintf("Fagsystem %d", i%200), fmt.Sprintf("%d.%d", i%9, i%5)}
					}
					s, err := tx.CreateSystem(ctx, sys, o.ID, vaern.ITSystem{Name: fmt.Sprintf("System %d", i), Vendor: p[0], Product: p[1], Version: p[2]})
					if err != nil {
						return err
					}
					w.systems = append(w.systems, s)
					comps := make([]vaern.Component, wnComponents)
					for j := range comps {
						v := fmt.Sprintf("2.%d.%d", j%18, i%7)
						comps[j] = vaern.Component{Name: fmt.Sprintf("lib%d", j), Version: v, PURL: fmt.Sprintf("pkg:npm/lib%d@%s", j, v)}
					}
					if err := tx.ReplaceComponents(ctx, sys, o.ID, s.ID, comps, "bench"); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				w.err = err
				wnSet = w
				return
			}
		}
		var advs []vaern.Advisory
		if dir := os.Getenv("VAERN_TESTDATA"); dir != "" {
			data, err := os.ReadFile(filepath.Join(dir, "kev", "known_exploited_vulnerabilities.json"))
			if err == nil {
				if _, err := warnings.ImportFile(ctx, st, sys, c.ID, "kev.json", data, false, false); err != nil {
					w.err = err
					wnSet = w
					return
				}
			}
		}
		for i := range 100 {
			advs = append(advs, vaern.Advisory{Source: vaern.SourceCSAF, SourceID: fmt.Sprintf("BENCH-%03d", i), Title: fmt.Sprintf("Library flaw %d", i),
				Products: []vaern.AdvisoryProduct{{Key: "p", PURL: fmt.Sprintf("pkg:npm/lib%d", i%wnComponents),
					Versions: []vaern.VersionRange{{Scheme: "npm", Introduced: "2.0.0", Fixed: fmt.Sprintf("2.%d.0", i%18), Expr: "< x"}}}}})
		}
		if _, err := st.ImportAdvisories(ctx, sys, c.ID, advs, false); err != nil {
			w.err = err
			wnSet = w
			return
		}
		w.run = warnings.NewRunner(st, false)
		start := time.Now()
		w.stats, w.err = w.run.MatchAdvisories(ctx, nil)
		w.took = time.Since(start)
		// Clear the systems' pending marks the set-up left.
		for _, o := range w.orgs {
			if _, err := w.run.MatchPending(ctx, o.ID); err != nil {
				w.err = err
			}
		}
		wnSet = w
	}()
	if wnSet.err != nil {
		b.Fatal(wnSet.err)
	}
	return wnSet
}

// BenchmarkWarnings builds the sector once (its full match through the store is reported as
// full-match-ms) and measures the two re-matches:
//
//	new-advisory: one new advisory is imported (its own transaction) and matched against every
//	              register, its exposures written in one transaction;
//	system-change: one system's version changes (the register's write marks it) and the member's
//	              warnings.match-system work matches it against every published advisory.
func BenchmarkWarnings(b *testing.B) {
	w := wnSetup(b)
	ctx := context.Background()
	sys := vaern.System("bench")
	b.Run("full", func(b *testing.B) {
		for b.Loop() {
		}
		b.ReportMetric(float64(w.took.Milliseconds()), "full-match-ms")
		b.ReportMetric(float64(w.stats.Assets), "assets")
		b.ReportMetric(float64(w.stats.Advisories), "advisories")
		b.ReportMetric(float64(w.stats.Matches), "matches")
	})
	b.Run("new-advisory", func(b *testing.B) {
		n := 0
		for b.Loop() {
			n++
			adv := vaern.Advisory{Source: vaern.SourceCentre, SourceID: fmt.Sprintf("NEW-%d-%d", time.Now().UnixNano(), n), Title: "New flaw",
				Products: []vaern.AdvisoryProduct{{Key: "p", Vendor: "Fortinet", Product: "FortiOS", Versions: []vaern.VersionRange{{Introduced: "7.2.0", Fixed: "7.2.9", Expr: ">= 7.2.0, < 7.2.9"}}}}}
			saved, err := w.st.ImportAdvisories(ctx, sys, w.centre.ID, []vaern.Advisory{adv}, false)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := w.run.MatchAdvisories(ctx, []int64{saved[0].ID}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("system-change", func(b *testing.B) {
		s := w.systems[0] // an Exchange Server
		versions := []string{"2019 CU12", "2019 CU14", "2016 CU23"}
		n := 0
		for b.Loop() {
			n++
			s.Version = versions[n%len(versions)]
			if err := w.st.UpdateSystem(ctx, sys, s.OrgID, s); err != nil {
				b.Fatal(err)
			}
			if _, err := w.run.MatchPending(ctx, s.OrgID); err != nil {
				b.Fatal(err)
			}
		}
	})
}
