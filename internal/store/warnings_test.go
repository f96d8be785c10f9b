package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func kevAdvisory(cve, product string) vaern.Advisory {
	return vaern.Advisory{Source: vaern.SourceKEV, SourceID: cve, Title: "Exchange flaw " + cve, CVEs: []string{cve},
		Due: t0.Add(14 * 24 * time.Hour), KnownExploited: true,
		Products: []vaern.AdvisoryProduct{{Key: "p1", Vendor: "Microsoft", Product: product}}}
}

// openAll is a diff that opens an exposure for every system of the scope's rows not yet exposed
// and leaves the stored ones as they are: enough to exercise the store's side.
func openRows(rows []store.ExposureRow) func([]store.ExposureRow) []store.ExposureChange {
	return func(existing []store.ExposureRow) []store.ExposureChange {
		have := map[string]store.ExposureRow{}
		for _, x := range existing {
			have[x.Subject+"|"+itoa(x.SystemID)] = x
		}
		var out []store.ExposureChange
		for _, r := range rows {
			if x, ok := have[r.Subject+"|"+itoa(r.SystemID)]; ok {
				if x.RangeKey == r.RangeKey {
					continue
				}
				r.Status = vaern.ExposureNew
				out = append(out, store.ExposureChange{ID: x.ID, Row: r, Event: "reopened", From: x.Status})
				continue
			}
			r.Status = vaern.ExposureNew
			out = append(out, store.ExposureChange{Row: r, Event: "opened"})
		}
		return out
	}
}

// TestWarningsStore: a re-import updates and never duplicates, advisories follow their TLP and
// audience, exposures are the member's own, an acknowledgement survives a re-apply with the same
// range, withdrawal closes, and a system's identity change marks it for matching.
func TestWarningsStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		analyst := f.actor(f.CentreAnalyst, f.Centre.ID, vaern.RoleCentreAnalyst)
		saved := must(s.ImportAdvisories(f.ctx, sys, f.Centre.ID, []vaern.Advisory{kevAdvisory("CVE-2024-0001", "Exchange Server")}, false))(t)
		if len(saved) != 1 || !saved[0].Created {
			t.Fatalf("first import %+v", saved)
		}
		again := must(s.ImportAdvisories(f.ctx, sys, f.Centre.ID, []vaern.Advisory{kevAdvisory("CVE-2024-0001", "Exchange Server")}, false))(t)
		if again[0].ID != saved[0].ID || again[0].Created || again[0].Changed {
			t.Fatalf("unchanged re-import %+v", again)
		}
		changed := kevAdvisory("CVE-2024-0001", "Exchange Server 2019")
		again = must(s.ImportAdvisories(f.ctx, sys, f.Centre.ID, []vaern.Advisory{changed}, true))(t)
		if again[0].ID != saved[0].ID || !again[0].Changed {
			t.Fatalf("changed re-import %+v", again)
		}
		memberA := access.ForOrg(f.A.Org)
		list, total := must2(s.Advisories(f.ctx, memberA, store.AdvisoryFilter{}))(t)
		if total != 1 || list[0].Revision != 2 || list[0].State != vaern.AdvisoryPublished {
			t.Fatalf("advisories %d %+v", total, list)
		}

		// A centre advisory AMBER to member A only: B does not see it; a draft no member sees.
		id := must(s.CreateAdvisory(f.ctx, analyst, f.Centre.ID, vaern.Advisory{Title: "Lokal advarsel", TLP: "AMBER",
			Audience: "named:" + itoa(f.A.Org.ID), Products: []vaern.AdvisoryProduct{{Key: "x", Vendor: "KMD", Product: "Nexus"}}}))(t)
		if _, err := s.Advisory(f.ctx, memberA, id); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("member sees a draft: %v", err)
		}
		if err := s.PublishAdvisory(f.ctx, analyst, f.Centre.ID, id); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Advisory(f.ctx, memberA, id); err != nil {
			t.Fatalf("A: %v", err)
		}
		if _, err := s.Advisory(f.ctx, access.ForOrg(f.B.Org), id); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("B sees A's AMBER advisory: %v", err)
		}
		if err := s.PublishAdvisory(f.ctx, f.coordA(), f.A.Org.ID, id); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("a member published: %v", err)
		}

		// A system of A's, and its exposure.
		sysA := must(s.CreateSystem(f.ctx, f.coordA(), f.A.Org.ID, vaern.ITSystem{Name: "Mail", Vendor: "Microsoft",
			Product: "Exchange Server", Version: "2019 CU12", SystemOwnerID: f.A.Respondent.ID}))(t)
		pend := must(s.PendingSystems(f.ctx, f.A.Org.ID))(t)
		if pend[sysA.ID] == 0 {
			t.Fatalf("new system not pending: %v", pend)
		}
		row := store.ExposureRow{Exposure: vaern.Exposure{OrgID: f.A.Org.ID, SystemID: sysA.ID, AdvisoryID: saved[0].ID, ProductKey: "p1",
			Tier: vaern.TierExact, Evidence: "product matched", RangeKey: "r1", Due: t0.Add(24 * time.Hour)}, Subject: "system"}
		scope := store.ExposureScope{AdvisoryIDs: []int64{saved[0].ID}, Pending: pend}
		if n := must(s.ApplyExposures(f.ctx, scope, true, openRows([]store.ExposureRow{row})))(t); n != 1 {
			t.Fatalf("events %d", n)
		}
		if p := must(s.PendingSystems(f.ctx, f.A.Org.ID))(t); len(p) != 0 {
			t.Fatalf("still pending %v", p)
		}
		exps, n := must2(s.Exposures(f.ctx, f.A.Org.ID, store.ExposureFilter{}))(t)
		if n != 1 || exps[0].SourceID != "CVE-2024-0001" || exps[0].SystemName != "Mail" {
			t.Fatalf("exposures %d %+v", n, exps)
		}
		if _, n := must2(s.Exposures(f.ctx, f.B.Org.ID, store.ExposureFilter{}))(t); n != 0 {
			t.Fatal("B sees A's exposures")
		}
		if _, err := s.Exposure(f.ctx, f.B.Org.ID, exps[0].ID); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("B reads A's exposure: %v", err)
		}
		if err := s.SetExposureStatus(f.ctx, f.coordB(), f.B.Org.ID, exps[0].ID, store.ExposureUpdate{Status: vaern.ExposureAcknowledged}); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("B acknowledges A's exposure: %v", err)
		}
		// The viewer may not answer; the owner may.
		viewer := f.actor(f.A.Viewer, f.A.Org.ID, vaern.RoleViewer)
		if err := s.SetExposureStatus(f.ctx, viewer, f.A.Org.ID, exps[0].ID, store.ExposureUpdate{Status: vaern.ExposureAcknowledged}); !errors.Is(err, vaern.ErrForbidden) {
			t.Fatalf("viewer: %v", err)
		}
		owner := f.actor(f.A.Respondent, f.A.Org.ID, vaern.RoleRespondent)
		var ve *vaern.ValidationError
		if err := s.SetExposureStatus(f.ctx, owner, f.A.Org.ID, exps[0].ID, store.ExposureUpdate{Status: vaern.ExposureNotAffected}); !errors.As(err, &ve) || ve.Field != "reason" {
			t.Fatalf("not affected without a reason: %v", err)
		}
		if err := s.SetExposureStatus(f.ctx, owner, f.A.Org.ID, exps[0].ID, store.ExposureUpdate{Status: vaern.ExposureAcknowledged}); err != nil {
			t.Fatal(err)
		}
		// The same match again keeps the acknowledgement.
		if n := must(s.ApplyExposures(f.ctx, scope, true, openRows([]store.ExposureRow{row})))(t); n != 0 {
			t.Fatalf("re-apply wrote %d events", n)
		}
		x := must(s.Exposure(f.ctx, f.A.Org.ID, exps[0].ID))(t)
		if x.Status != vaern.ExposureAcknowledged || x.AckedAt.IsZero() {
			t.Fatalf("after re-apply %+v", x)
		}
		if n := must(s.OpenWarnings(f.ctx, f.A.Org.ID))(t); n != 1 {
			t.Fatalf("open warnings %d", n)
		}
		sum := must(s.ExposureSummary(f.ctx))(t)
		if len(sum) != 1 || sum[0].Affected != 1 || sum[0].Acknowledged != 1 || sum[0].Fixed != 0 {
			t.Fatalf("summary %+v", sum)
		}
		ax := must(s.AdvisoryExposureOf(f.ctx, saved[0].ID))(t)
		if len(ax.Shared) != 0 || ax.Hidden != 1 {
			t.Fatalf("A shares counts only, yet %+v", ax)
		}
		// The notify job's view of the pending events, told once.
		told := 0
		if _, err := s.NotifyExposureEvents(f.ctx, 100, func(tx *store.Tx, ev store.PendingExposureEvent) error { told++; return nil }); err != nil {
			t.Fatal(err)
		}
		if told != 2 {
			t.Fatalf("told %d events, want opened and acknowledged", told)
		}
		if n := must(s.NotifyExposureEvents(f.ctx, 100, func(*store.Tx, store.PendingExposureEvent) error { return nil }))(t); n != 0 {
			t.Fatalf("told again: %d", n)
		}
		// Overdue: escalated once.
		f.clock.Add(48 * time.Hour)
		if n := must(s.EscalateOverdue(f.ctx))(t); n != 1 {
			t.Fatalf("escalated %d", n)
		}
		if n := must(s.EscalateOverdue(f.ctx))(t); n != 0 {
			t.Fatalf("escalated again %d", n)
		}
		// Withdrawal closes.
		if err := s.WithdrawAdvisory(f.ctx, analyst, f.Centre.ID, saved[0].ID); err != nil {
			t.Fatal(err)
		}
		x = must(s.Exposure(f.ctx, f.A.Org.ID, exps[0].ID))(t)
		if x.Status != vaern.ExposureClosed {
			t.Fatalf("after withdrawal %s", x.Status)
		}
		hist := must(s.ExposureHistory(f.ctx, f.A.Org.ID, x.ID))(t)
		if len(hist) != 4 {
			t.Fatalf("history %+v", hist)
		}
		// A version change marks the system again.
		sysA.Version = "2019 CU14"
		if err := s.UpdateSystem(f.ctx, f.coordA(), f.A.Org.ID, sysA); err != nil {
			t.Fatal(err)
		}
		if p := must(s.PendingSystems(f.ctx, f.A.Org.ID))(t); p[sysA.ID] == 0 {
			t.Fatal("version change not pending")
		}
		// Mappings and feeds.
		if err := s.ConfirmMapping(f.ctx, analyst, f.Centre.ID, "Exchange  Server", "cpe:2.3:a:microsoft:exchange_server:*:*:*:*:*:*:*:*", ""); err != nil {
			t.Fatal(err)
		}
		sug := must(s.MappingSuggestions(f.ctx, f.A.Org.ID, sysA.ID))(t)
		if len(sug) != 1 || sug[0].Mapping.NameKey != "exchange server" {
			t.Fatalf("suggestions %+v", sug)
		}
		if _, err := s.AddWarningFeed(f.ctx, analyst, f.Centre.ID, "kev", "https://www.cisa.gov/kev.json"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddWarningFeed(f.ctx, analyst, f.Centre.ID, "kev", "https://www.cisa.gov/kev.json"); !errors.As(err, &ve) {
			t.Fatalf("duplicate feed: %v", err)
		}
		if err := s.DeleteSystem(f.ctx, f.coordA(), f.A.Org.ID, sysA.ID); err != nil {
			t.Fatalf("delete a system with exposures: %v", err)
		}
	})
}
