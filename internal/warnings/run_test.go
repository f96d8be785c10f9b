package warnings_test

import (
	"context"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
	"github.com/vaern/vaern/internal/warnings"
)

// sys is the actor of the tests' set-up.
var sys = vaern.System("test")

// centreAndMembers makes the centre and two members, Aarhus (DK) and Bergen (NO).
func centreAndMembers(t *testing.T, st *store.Store) (centre, aarhus, bergen vaern.Org) {
	t.Helper()
	ctx := context.Background()
	centre, err := st.CreateCentre(ctx, sys, vaern.Org{Code: "C", Name: "Centret", Country: "DK"})
	if err != nil {
		t.Fatal(err)
	}
	if aarhus, err = st.CreateMember(ctx, sys, centre.ID, vaern.Org{Code: "751", Name: "Aarhus", Country: "DK"}); err != nil {
		t.Fatal(err)
	}
	if bergen, err = st.CreateMember(ctx, sys, centre.ID, vaern.Org{Code: "4601", Name: "Bergen", Country: "NO"}); err != nil {
		t.Fatal(err)
	}
	return centre, aarhus, bergen
}

// TestRunLifecycle drives the matching run through a real store on both engines: a published
// advisory opens an exposure, an acknowledgement survives a re-import with the same range, a
// version change out of the range closes it and back into the range reopens it, a revision that
// narrows the range closes it, and an advisory addressed to another member never reaches it.
func TestRunLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		centre, a, b := centreAndMembers(t, st)
		fw, err := st.CreateSystem(ctx, sys, a.ID, vaern.ITSystem{Name: "Firewall", Vendor: "Fortinet", Product: "FortiOS", Version: "7.2.8",
			CPE: "cpe:2.3:o:fortinet:fortios:7.2.8:*:*:*:*:*:*:*"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateSystem(ctx, sys, b.ID, vaern.ITSystem{Name: "Brannmur", Vendor: "Fortinet", Product: "FortiOS", Version: "7.2.8"}); err != nil {
			t.Fatal(err)
		}
		run := warnings.NewRunner(st, false)
		for _, o := range []vaern.Org{a, b} {
			if _, err := run.MatchPending(ctx, o.ID); err != nil {
				t.Fatal(err)
			}
		}
		adv := func(fixed string) vaern.Advisory {
			return vaern.Advisory{Source: vaern.SourceCSAF, SourceID: "FORTI-1", Title: "FortiOS flaw", TLP: "AMBER", Audience: "group:DK//",
				Products: []vaern.AdvisoryProduct{{Key: "p", Vendor: "Fortinet", Product: "FortiOS", CPE: "cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*",
					Versions: []vaern.VersionRange{{Scheme: "generic", Introduced: "7.2.0", Fixed: fixed, Expr: "< " + fixed}}}}}
		}
		saved, err := st.ImportAdvisories(ctx, sys, centre.ID, []vaern.Advisory{adv("7.2.9")}, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := run.MatchAdvisories(ctx, []int64{saved[0].ID}); err != nil {
			t.Fatal(err)
		}
		list, n, err := st.Exposures(ctx, a.ID, store.ExposureFilter{})
		if err != nil || n != 1 || list[0].Tier != vaern.TierExact {
			t.Fatalf("A's exposures %d %+v %v", n, list, err)
		}
		if _, nb, _ := st.Exposures(ctx, b.ID, store.ExposureFilter{Status: "all"}); nb != 0 {
			t.Fatal("an advisory for Danish members reached Bergen")
		}
		id := list[0].ID
		if err := st.SetExposureStatus(ctx, sys, a.ID, id, store.ExposureUpdate{Status: vaern.ExposureAcknowledged}); err != nil {
			t.Fatal(err)
		}
		status := func() vaern.ExposureStatus {
			t.Helper()
			x, err := st.Exposure(ctx, a.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			return x.Status
		}
		// The same document again, even with another source version: the acknowledgement stands.
		again := adv("7.2.9")
		again.SourceVersion = "2"
		if _, err := st.ImportAdvisories(ctx, sys, centre.ID, []vaern.Advisory{again}, false); err != nil {
			t.Fatal(err)
		}
		if _, err := run.MatchAdvisories(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if s := status(); s != vaern.ExposureAcknowledged {
			t.Fatalf("after a re-import: %s", s)
		}
		// The firewall is upgraded out of the range, then (a rollback) back into it.
		fw.Version, fw.CPE = "7.2.9", "cpe:2.3:o:fortinet:fortios:7.2.9:*:*:*:*:*:*:*"
		if err := st.UpdateSystem(ctx, sys, a.ID, fw); err != nil {
			t.Fatal(err)
		}
		if _, err := run.MatchPending(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if s := status(); s != vaern.ExposureClosed {
			t.Fatalf("after the upgrade: %s", s)
		}
		fw.Version, fw.CPE = "7.2.8", "cpe:2.3:o:fortinet:fortios:7.2.8:*:*:*:*:*:*:*"
		if err := st.UpdateSystem(ctx, sys, a.ID, fw); err != nil {
			t.Fatal(err)
		}
		if _, err := run.MatchPending(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		if s := status(); s != vaern.ExposureNew {
			t.Fatalf("after the rollback: %s", s)
		}
		// A revision that narrows the range below the firewall's version closes it.
		if _, err := st.ImportAdvisories(ctx, sys, centre.ID, []vaern.Advisory{adv("7.2.5")}, false); err != nil {
			t.Fatal(err)
		}
		if _, err := run.MatchAdvisories(ctx, []int64{saved[0].ID}); err != nil {
			t.Fatal(err)
		}
		if s := status(); s != vaern.ExposureClosed {
			t.Fatalf("after the narrowing revision: %s", s)
		}
		hist, _ := st.ExposureHistory(ctx, a.ID, id)
		var kinds []string
		for _, h := range hist {
			kinds = append(kinds, h.Kind)
		}
		want := []string{"opened", "status", "closed", "reopened", "closed"}
		if len(kinds) != len(want) {
			t.Fatalf("history %v, want %v", kinds, want)
		}
		for i := range want {
			if kinds[i] != want[i] {
				t.Fatalf("history %v, want %v", kinds, want)
			}
		}
	})
}

// TestVEXAloneClosesAnotherAdvisorysWarning: a KEV entry opens a warning on a system; the vendor's
// VEX document for the same CVE, imported and matched alone, closes it in the same run; withdrawing
// the VEX (a revision without the statement) reopens it.
func TestVEXAloneClosesAnotherAdvisorysWarning(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		centre, a, _ := centreAndMembers(t, st)
		if _, err := st.CreateSystem(ctx, sys, a.ID, vaern.ITSystem{Name: "Logserver", Vendor: "Tukaani", Product: "xz", Version: "5.6.1"}); err != nil {
			t.Fatal(err)
		}
		run := warnings.NewRunner(st, false)
		if _, err := run.MatchPending(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
		cve := []string{"CVE-2024-3094"}
		kev := vaern.Advisory{Source: vaern.SourceKEV, SourceID: "CVE-2024-3094", Title: "xz backdoor", TLP: "CLEAR", Audience: "members", CVEs: cve,
			Products: []vaern.AdvisoryProduct{{Key: "kev", Vendor: "Tukaani", Product: "xz", Status: vaern.StatusAffected}}}
		vex := func(status vaern.ProductStatus) vaern.Advisory {
			return vaern.Advisory{Source: vaern.SourceCSAF, SourceID: "VENDOR-VEX-1", Title: "xz: not affected", TLP: "CLEAR", Audience: "members", CVEs: cve, Vex: true,
				Products: []vaern.AdvisoryProduct{{Key: "p1", Vendor: "Tukaani", Product: "xz", Status: status,
					Justification: "vulnerable_code_not_in_execute_path", Versions: []vaern.VersionRange{{Exact: "5.6.1"}}}}}
		}
		saved, err := st.ImportAdvisories(ctx, sys, centre.ID, []vaern.Advisory{kev}, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := run.MatchAdvisories(ctx, []int64{saved[0].ID}); err != nil {
			t.Fatal(err)
		}
		open := func() int {
			t.Helper()
			_, n, err := st.Exposures(ctx, a.ID, store.ExposureFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := open(); n != 1 {
			t.Fatalf("after the KEV entry: %d open warnings, want 1", n)
		}
		v, err := st.ImportAdvisories(ctx, sys, centre.ID, []vaern.Advisory{vex(vaern.StatusNotAffected)}, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := run.MatchAdvisories(ctx, []int64{v[0].ID}); err != nil {
			t.Fatal(err)
		}
		if n := open(); n != 0 {
			t.Fatalf("after the VEX matched alone: %d open warnings, want the KEV warning closed", n)
		}
		// The vendor revises its statement: under investigation says nothing against the KEV entry.
		v, err = st.ImportAdvisories(ctx, sys, centre.ID, []vaern.Advisory{vex(vaern.StatusUnderInvestigation)}, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := run.MatchAdvisories(ctx, []int64{v[0].ID}); err != nil {
			t.Fatal(err)
		}
		if n := open(); n != 1 {
			t.Fatalf("after the VEX was revised: %d open warnings, want the KEV warning reopened", n)
		}
	})
}
