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

// TestShareEarlyWarning: an early warning becomes an indicator of the centre once (a second share
// returns the first), linked both ways; "the members concerned" reach only the members in its
// set; an indicator the centre already had is linked and keeps its label; a kind the store has
// no type for is refused; deleting the indicator unlinks the warning; drafting the advisory can
// share in the same transaction, and the published advisory reaches the members' list.
func TestShareEarlyWarning(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := newFixture(t, s)
		an := f.actor(f.CentreAnalyst, f.Centre.ID, vaern.RoleCentreAnalyst)
		at := t0.Add(-30 * time.Minute)
		save := func(w vaern.EarlyWarning) int64 {
			t.Helper()
			var id int64
			if err := s.SaveEarlyWarnings(ctx, f.Centre.ID, time.Hour, []vaern.EarlyWarning{w}, func(_ *store.Tx, _ vaern.EarlyWarning, sv store.EarlyWarningSaved) error {
				id = sv.ID
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			return id
		}
		onlyA := save(vaern.EarlyWarning{Kind: vaern.IndicatorIP, Value: "203.0.113.77", Signature: "ET SCAN", SignatureID: 2001,
			FirstSeen: at, LastSeen: at.Add(10 * time.Minute), Alerts: 4, MemberIDs: []int64{f.A.Org.ID}})
		exp := t0.AddDate(0, 0, 30)
		share := store.EarlyShare{TLP: access.Amber, Concerned: true, Confidence: 80, ExpiresAt: exp, Description: "from the test"}

		// A member is not the centre.
		if _, err := s.ShareEarlyWarning(ctx, f.coordA(), f.A.Org.ID, onlyA, share); !errors.Is(err, vaern.ErrNotFound) {
			t.Fatalf("share as a member: %v", err)
		}
		res, err := s.ShareEarlyWarning(ctx, an, f.Centre.ID, onlyA, share)
		if err != nil || !res.Created || res.IndicatorID == 0 {
			t.Fatalf("share: %+v %v", res, err)
		}
		again, err := s.ShareEarlyWarning(ctx, an, f.Centre.ID, onlyA, store.EarlyShare{TLP: access.Green})
		if err != nil || again.IndicatorID != res.IndicatorID || again.Created {
			t.Fatalf("second share: %+v %v", again, err)
		}
		w, _ := s.EarlyWarning(ctx, f.Centre.ID, onlyA)
		if w.IndicatorID != res.IndicatorID {
			t.Errorf("the warning links %d, want %d", w.IndicatorID, res.IndicatorID)
		}
		if back, err := s.EarlyWarningOfIndicator(ctx, f.Centre.ID, res.IndicatorID); err != nil || back != onlyA {
			t.Errorf("the indicator links back to %d %v", back, err)
		}
		ind, err := s.IndicatorByID(ctx, access.ForOrg(f.Centre), res.IndicatorID)
		if err != nil {
			t.Fatal(err)
		}
		if ind.Type != "ip" || ind.Source != "sensor" || ind.SourceID != onlyA || ind.TLP != "AMBER" || ind.Confidence != 80 ||
			!ind.ExpiresAt.Equal(exp) || !ind.FirstSeen.Equal(at) || ind.AudienceFull.Kind != access.NamedMembers ||
			len(ind.AudienceFull.Orgs) != 1 || ind.AudienceFull.Orgs[0] != f.A.Org.ID {
			t.Errorf("indicator %+v", ind)
		}
		// Only A is concerned: A's export has it, B's does not.
		for _, c := range []struct {
			m    member
			want bool
		}{{f.A, true}, {f.B, false}} {
			found := false
			err := s.EachIndicator(ctx, access.ForOrg(c.m.Org), store.IndicatorFilter{Types: []string{"ip"}, Fields: []string{"value"}}, func(n vaern.Indicator) error {
				found = found || n.Value == "203.0.113.77"
				return nil
			})
			if err != nil || found != c.want {
				t.Errorf("%s: in the export %v, want %v (%v)", c.m.Org.Name, found, c.want, err)
			}
		}

		// A domain the centre added by hand: the share links it and leaves its label.
		man, err := s.AddIndicator(ctx, an, access.ForOrg(f.Centre), store.IndicatorInput{Value: "evil.example", Confidence: 50,
			Object: access.Object{TLP: access.Green, Audience: access.Audience{Kind: access.AllMembers}}})
		if err != nil {
			t.Fatal(err)
		}
		both := save(vaern.EarlyWarning{Kind: vaern.IndicatorDomain, Value: "evil.example", FirstSeen: at, LastSeen: at.Add(time.Minute),
			MemberIDs: []int64{f.A.Org.ID, f.B.Org.ID}})
		linked, err := s.ShareEarlyWarning(ctx, an, f.Centre.ID, both, share)
		if err != nil || linked.Created || linked.IndicatorID != man.ID {
			t.Fatalf("linked share: %+v %v", linked, err)
		}
		if d, _ := s.IndicatorByID(ctx, access.ForOrg(f.Centre), man.ID); d.TLP != "GREEN" || d.Source != "manual" {
			t.Errorf("the existing indicator changed: %+v", d)
		}

		// JA4 and signatures have no indicator type.
		sig := save(vaern.EarlyWarning{Kind: vaern.IndicatorSignature, Value: "2001", FirstSeen: at, LastSeen: at, MemberIDs: []int64{f.A.Org.ID, f.B.Org.ID}})
		var ve *vaern.ValidationError
		if _, err := s.ShareEarlyWarning(ctx, an, f.Centre.ID, sig, share); !errors.As(err, &ve) || ve.Field != "kind" {
			t.Errorf("signature share: %v", err)
		}

		// Deleting the indicator unlinks the warning, which can then be shared again.
		if err := s.DeleteIndicator(ctx, an, access.ForOrg(f.Centre), res.IndicatorID); err != nil {
			t.Fatal(err)
		}
		if w, _ := s.EarlyWarning(ctx, f.Centre.ID, onlyA); w.IndicatorID != 0 {
			t.Errorf("after delete the warning links %d", w.IndicatorID)
		}

		// Drafting the advisory shares in the same transaction; the advisory names no product and
		// is about the warning's indicator.
		adv := vaern.Advisory{Title: "Scanning from 203.0.113.77", Summary: "One member", TLP: "AMBER", Audience: "members",
			Texts: map[string]vaern.AdvisoryText{"en": {Title: "Scanning from 203.0.113.77", Summary: "One member"}}}
		def := store.EarlyShare{TLP: access.Amber, Confidence: 70, ExpiresAt: exp}
		advID, err := s.AdviseEarlyWarningShare(ctx, an, f.Centre.ID, onlyA, adv, &def)
		if err != nil {
			t.Fatal(err)
		}
		w, _ = s.EarlyWarning(ctx, f.Centre.ID, onlyA)
		if w.AdvisoryID != advID || w.IndicatorID == 0 || w.IndicatorID == res.IndicatorID {
			t.Fatalf("advise and share: %+v", w)
		}
		ews, err := s.AdvisoryEarlyWarnings(ctx, f.Centre.ID, advID)
		if err != nil || len(ews) != 1 || ews[0].ID != onlyA {
			t.Fatalf("advisory's early warnings %+v %v", ews, err)
		}
		if l, _ := s.IndicatorAdvisories(ctx, access.ForOrg(f.B.Org), 0); len(l) != 0 {
			t.Errorf("a draft reaches the members: %+v", l)
		}
		if err := s.PublishAdvisory(ctx, an, f.Centre.ID, advID); err != nil {
			t.Fatal(err)
		}
		for _, m := range []member{f.A, f.B} {
			if l, err := s.IndicatorAdvisories(ctx, access.ForOrg(m.Org), 0); err != nil || len(l) != 1 || l[0].ID != advID {
				t.Errorf("%s: indicator advisories %+v %v", m.Org.Name, l, err)
			}
		}
	})
}
