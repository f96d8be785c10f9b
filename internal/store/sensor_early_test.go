package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/store/storetest"
)

func TestEarlyWarningsUpsert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		c := f.member(t, "0303", "Odense Kommune", "odense.dk")
		d := f.member(t, "0404", "Vejle Kommune", "vejle.dk")
		at := t0.Add(-30 * time.Minute)
		w := vaern.EarlyWarning{Kind: vaern.IndicatorIP, Value: "203.0.113.9", SignatureID: 2024001, Signature: "ET SCAN",
			FirstSeen: at, LastSeen: at.Add(20 * time.Minute), Alerts: 9, MemberIDs: []int64{f.A.Org.ID, f.B.Org.ID, c.Org.ID}}
		var calls []store.EarlyWarningSaved
		save := func(list ...vaern.EarlyWarning) {
			t.Helper()
			calls = nil
			if err := s.SaveEarlyWarnings(ctx, f.Centre.ID, time.Hour, list, func(tx *store.Tx, _ vaern.EarlyWarning, sv store.EarlyWarningSaved) error {
				calls = append(calls, sv)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		save(w)
		if len(calls) != 1 || !calls[0].Created || !calls[0].Opened || len(calls[0].NewMembers) != 3 {
			t.Fatalf("first save: %+v", calls)
		}
		id := calls[0].ID
		save(w) // the job again over the same sightings: nothing changes
		if len(calls) != 0 {
			t.Fatalf("second save changed %+v", calls)
		}
		// The burst grows: a fourth member, later; the earliest sightings fell out of the horizon.
		w2 := w
		w2.FirstSeen, w2.LastSeen, w2.MemberIDs = at.Add(10*time.Minute), at.Add(50*time.Minute), []int64{f.B.Org.ID, c.Org.ID, d.Org.ID}
		save(w2)
		if len(calls) != 1 || calls[0].ID != id || calls[0].Created || len(calls[0].NewMembers) != 1 || calls[0].NewMembers[0] != d.Org.ID {
			t.Fatalf("growing save: %+v", calls)
		}
		got, err := s.EarlyWarning(ctx, f.Centre.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Members != 4 || len(got.MemberIDs) != 4 || !got.FirstSeen.Equal(at) || !got.LastSeen.Equal(at.Add(50*time.Minute)) || got.Status != vaern.EarlyOpen {
			t.Errorf("after growing: %+v", got)
		}
		// A later, separate burst of the same indicator is a new warning.
		w3 := w
		w3.FirstSeen, w3.LastSeen = at.Add(5*time.Hour), at.Add(5*time.Hour+time.Minute)
		save(w3)
		if len(calls) != 1 || !calls[0].Created || calls[0].ID == id {
			t.Fatalf("separate burst: %+v", calls)
		}
		// A warninglisted indicator is kept suppressed.
		sup := w
		sup.Value, sup.SuppressedBy = "9.9.9.9", "resolvers"
		save(sup)
		if len(calls) != 1 || calls[0].Status != vaern.EarlySuppressed || calls[0].Opened {
			t.Fatalf("suppressed: %+v", calls)
		}
		list, total, err := s.EarlyWarnings(ctx, f.Centre.ID, store.EarlyFilter{})
		if err != nil || total != 3 || list[len(list)-1].Status != vaern.EarlySuppressed {
			t.Fatalf("list %d %+v %v", total, list, err)
		}
		if _, n, _ := s.EarlyWarnings(ctx, f.Centre.ID, store.EarlyFilter{Status: "suppressed", Query: "9.9"}); n != 1 {
			t.Errorf("filtered %d", n)
		}

		// The member sees the warnings it is part of, never the suppressed one, and no member ids.
		mine, err := s.MemberEarlyWarnings(ctx, d.Org.ID, 0)
		if err != nil || len(mine) != 1 || mine[0].ID != id || mine[0].MemberIDs != nil || mine[0].Members != 4 {
			t.Fatalf("member D: %+v %v", mine, err)
		}
		if mine, _ := s.MemberEarlyWarnings(ctx, f.A.Org.ID, 0); len(mine) != 2 {
			t.Errorf("member A sees %d", len(mine))
		}
		// A member is not the centre: its id finds nothing.
		if _, err := s.EarlyWarning(ctx, f.A.Org.ID, id); !errors.Is(err, vaern.ErrNotFound) {
			t.Errorf("member as centre: %v", err)
		}
		if _, _, err := s.EarlyWarnings(ctx, f.A.Org.ID, store.EarlyFilter{}); err != nil {
			t.Error(err)
		} else if l, n, _ := s.EarlyWarnings(ctx, f.A.Org.ID, store.EarlyFilter{}); n != 0 || len(l) != 0 {
			t.Errorf("member lists %d", n)
		}
		names, err := s.EarlyMemberNames(ctx, f.Centre.ID, id)
		if err != nil || len(names) != 4 {
			t.Errorf("names %v %v", names, err)
		}

		// Advise: a draft advisory, once.
		an := f.actor(f.CentreAnalyst, f.Centre.ID, vaern.RoleCentreAnalyst)
		adv := vaern.Advisory{Title: "Scanning from 203.0.113.9", Summary: "Four members", TLP: "AMBER", Audience: "members",
			Texts: map[string]vaern.AdvisoryText{"en": {Title: "Scanning from 203.0.113.9", Summary: "Four members"}}}
		advID, err := s.AdviseEarlyWarning(ctx, an, f.Centre.ID, id, adv)
		if err != nil {
			t.Fatal(err)
		}
		again, err := s.AdviseEarlyWarning(ctx, an, f.Centre.ID, id, adv)
		if err != nil || again != advID {
			t.Fatalf("second advise %d %v", again, err)
		}
		got, _ = s.EarlyWarning(ctx, f.Centre.ID, id)
		if got.Status != vaern.EarlyAdvised || got.AdvisoryID != advID {
			t.Errorf("advised: %+v", got)
		}
		a, err := s.Advisory(ctx, access.ForOrg(f.Centre), advID)
		if err != nil || a.State != vaern.AdvisoryDraft || a.TLP != "AMBER" {
			t.Errorf("advisory %+v %v", a, err)
		}
		// An analyst's decision stays when the correlation runs again.
		save(w2)
		if got, _ = s.EarlyWarning(ctx, f.Centre.ID, id); got.Status != vaern.EarlyAdvised {
			t.Errorf("status after rerun %s", got.Status)
		}
		// Dismiss needs a reason.
		if err := s.DismissEarlyWarning(ctx, an, f.Centre.ID, calls0(t, s, f.Centre.ID, w3), " "); err == nil {
			t.Error("dismissed without a reason")
		}
		if err := s.DismissEarlyWarning(ctx, an, f.Centre.ID, calls0(t, s, f.Centre.ID, w3), "a pentest"); err != nil {
			t.Error(err)
		}
		if err := s.DismissEarlyWarning(ctx, an, f.A.Org.ID, id, "x"); !errors.Is(err, vaern.ErrNotFound) {
			t.Errorf("dismiss as member: %v", err)
		}
	})
}

// calls0 finds the early warning of w's burst.
func calls0(t *testing.T, s *store.Store, centre int64, w vaern.EarlyWarning) int64 {
	t.Helper()
	list, _, err := s.EarlyWarnings(context.Background(), centre, store.EarlyFilter{Query: w.Value})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range list {
		if x.FirstSeen.Equal(w.FirstSeen) {
			return x.ID
		}
	}
	t.Fatalf("no warning for %+v", w)
	return 0
}

func TestCorrelationSettingsAndWarninglists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		admin := f.actor(f.CentreAdmin, f.Centre.ID, vaern.RoleCentreAdmin)
		cs, err := s.CorrelationSettings(ctx, f.Centre.ID)
		if err != nil || cs.K != 3 || cs.Window != time.Hour {
			t.Fatalf("defaults %+v %v", cs, err)
		}
		if err := s.SaveCorrelationSettings(ctx, admin, f.Centre.ID, vaern.CorrelationSettings{K: 4, SignatureK: 12, Window: 30 * time.Minute}); err != nil {
			t.Fatal(err)
		}
		if cs, _ = s.CorrelationSettings(ctx, f.Centre.ID); cs.K != 4 || cs.SignatureK != 12 || cs.Window != 30*time.Minute {
			t.Errorf("saved %+v", cs)
		}
		if err := s.SaveCorrelationSettings(ctx, admin, f.A.Org.ID, vaern.CorrelationSettings{K: 4, SignatureK: 4, Window: time.Hour}); !errors.Is(err, vaern.ErrNotFound) {
			t.Errorf("member settings: %v", err)
		}
		def := []vaern.Warninglist{{Name: "resolvers", Version: 1, Type: "cidr", List: []string{"9.9.9.9"}, MatchingAttributes: []string{"ip-dst"}}}
		for range 2 {
			if err := s.EnsureWarninglists(ctx, f.Centre.ID, def); err != nil {
				t.Fatal(err)
			}
		}
		lists, err := s.Warninglists(ctx, f.Centre.ID)
		if err != nil || len(lists) != 1 || !lists[0].Builtin || !lists[0].Enabled || lists[0].List[0] != "9.9.9.9" {
			t.Fatalf("%+v %v", lists, err)
		}
		if err := s.SetWarninglistEnabled(ctx, admin, f.Centre.ID, lists[0].ID, false); err != nil {
			t.Fatal(err)
		}
		def[0].Version, def[0].List = 2, []string{"9.9.9.9", "149.112.112.112"}
		if err := s.EnsureWarninglists(ctx, f.Centre.ID, def); err != nil {
			t.Fatal(err)
		}
		lists, _ = s.Warninglists(ctx, f.Centre.ID)
		if lists[0].Enabled || len(lists[0].List) != 2 {
			t.Errorf("after a newer default: %+v", lists[0])
		}
		id, err := s.ImportWarninglist(ctx, admin, f.Centre.ID, vaern.Warninglist{Name: "cdn", Type: "hostname", List: []string{"akamai.net"}})
		if err != nil || id == 0 {
			t.Fatal(id, err)
		}
		id2, err := s.ImportWarninglist(ctx, admin, f.Centre.ID, vaern.Warninglist{Name: "cdn", Type: "hostname", List: []string{"akamai.net", "cloudfront.net"}})
		if err != nil || id2 != id {
			t.Fatal(id2, err)
		}
		if lists, _ = s.Warninglists(ctx, f.Centre.ID); len(lists) != 2 || len(lists[0].List) != 2 {
			t.Errorf("%+v", lists)
		}
		if err := s.SetWarninglistEnabled(ctx, admin, f.A.Org.ID, id, false); !errors.Is(err, vaern.ErrNotFound) {
			t.Errorf("member toggles: %v", err)
		}
	})
}
