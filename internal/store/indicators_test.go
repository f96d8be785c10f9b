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

func (f *fixture) analyst() (vaern.Actor, access.Principal) {
	return f.actor(f.CentreAnalyst, f.Centre.ID, vaern.RoleCentreAnalyst),
		access.Principal{SignedIn: true, User: f.CentreAnalyst.ID, Org: f.Centre.ID, Centre: true}
}

func memberView(m member, u vaern.User) access.Principal {
	return access.Principal{SignedIn: true, User: u.ID, Org: m.Org.ID, Country: m.Org.Country, Region: m.Org.Region, SizeClass: m.Org.SizeClass}
}

func TestIndicatorLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		a, v := f.analyst()
		toA := access.Object{TLP: access.Amber, Audience: access.Audience{Kind: access.NamedMembers, Orgs: []int64{f.A.Org.ID}}}
		n := must(s.AddIndicator(f.ctx, a, v, store.IndicatorInput{Value: "hxxp://Evil[.]Example/x", Confidence: 80, Category: "phishing",
			Description: "Phishing landing page", Object: toA}))(t)
		if n.Type != "url" || n.Value != "http://evil.example/x" {
			t.Fatalf("added %+v", n)
		}
		f.wantAudit(t, f.Centre.ID, a, "indicator.create", n.ID)
		_, err := s.AddIndicator(f.ctx, a, v, store.IndicatorInput{Value: "http://evil.example/x", Confidence: 80, Object: toA})
		wantErr(t, err, invalid("value"))
		_, err = s.AddIndicator(f.ctx, a, v, store.IndicatorInput{Value: "not a thing", Confidence: 80, Object: toA})
		wantErr(t, err, invalid("value"))
		_, err = s.AddIndicator(f.ctx, a, v, store.IndicatorInput{Value: "1.2.3.4", Confidence: 101, Object: toA})
		wantErr(t, err, invalid("confidence"))
		_, err = s.AddIndicator(f.ctx, a, v, store.IndicatorInput{Value: "1.2.3.4", Confidence: 1, Object: access.Object{TLP: access.Red, Audience: access.Audience{Kind: access.AllMembers}}})
		wantErr(t, err, invalid("audience"))
		_, err = s.AddIndicator(f.ctx, a, v, store.IndicatorInput{Value: "e7d705a3286e19ea42f587b344ee6865", Type: "ja3", Confidence: 1, Object: toA})
		ok(t, err)

		vA, vB := memberView(f.A, f.A.Viewer), memberView(f.B, f.B.Viewer)
		if _, err := s.IndicatorByID(f.ctx, vA, n.ID); err != nil {
			t.Fatalf("A does not see its AMBER indicator: %v", err)
		}
		wantErr(t, mustErr(s.IndicatorByID(f.ctx, vB, n.ID)).err(), vaern.ErrNotFound)
		// Members cannot change the centre's indicators, even ones they see.
		aA := f.actor(f.A.Coordinator, f.A.Org.ID, vaern.RoleCoordinator)
		wantErr(t, s.ExpireIndicator(f.ctx, aA, memberView(f.A, f.A.Coordinator), n.ID), vaern.ErrNotFound)

		// Edit: to all members GREEN; B sees it now.
		ok(t, s.EditIndicator(f.ctx, a, v, n.ID, store.IndicatorInput{Confidence: 60, Category: "c2", Object: access.Object{TLP: access.Green, Audience: access.Audience{Kind: access.AllMembers}}}))
		f.wantAudit(t, f.Centre.ID, a, "indicator.update", n.ID)
		d := must(s.IndicatorByID(f.ctx, vB, n.ID))(t)
		if d.TLP != "GREEN" || d.Confidence != 60 || d.Category != "c2" || d.OrgName != f.Centre.Name {
			t.Fatalf("edited %+v", d)
		}
		before := must(s.IndicatorExportVersion(f.ctx, vB, store.IndicatorFilter{}))(t)
		if before.Count != 1 {
			t.Fatalf("B's export version %+v", before)
		}
		// Expire: gone from the default list and the export's version changes; still on record.
		f.clock.Add(time.Minute)
		ok(t, s.ExpireIndicator(f.ctx, a, v, n.ID))
		f.clock.Add(time.Millisecond)
		l := must(s.ListIndicators(f.ctx, vB, store.IndicatorFilter{}))(t)
		if l.Total != 0 {
			t.Fatalf("expired indicator still listed: %+v", l)
		}
		if l := must(s.ListIndicators(f.ctx, vB, store.IndicatorFilter{State: "expired"}))(t); l.Total != 1 {
			t.Fatalf("expired list %+v", l)
		}
		if after := must(s.IndicatorExportVersion(f.ctx, vB, store.IndicatorFilter{}))(t); after == before {
			t.Fatal("the export version did not change when the indicator expired")
		}
		ok(t, s.DeleteIndicator(f.ctx, a, v, n.ID))
		f.wantAudit(t, f.Centre.ID, a, "indicator.delete", n.ID)
		wantErr(t, mustErr(s.IndicatorByID(f.ctx, v, n.ID)).err(), vaern.ErrNotFound)
	})
}

type result[T any] struct {
	v   T
	e   error
	set bool
}

func (r result[T]) err() error { return r.e }

// must without the test, for the cases that want the error.
func mustErr[T any](v T, err error) result[T] { return result[T]{v, err, true} }

func TestIndicatorImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		a, v := f.analyst()
		must(s.AddIndicator(f.ctx, a, v, store.IndicatorInput{Value: "10.0.0.0", Confidence: 10, Object: access.Object{TLP: access.Clear, Audience: access.Audience{Kind: access.AllMembers}}}))(t)
		in := store.ImportInput{Format: "stix", FileName: "c2.json", Confidence: 70,
			Items: []store.ImportItem{
				{Type: "ip", Value: "10.0.0.0", Confidence: -1, Object: "indicator--1", ExternalID: "indicator--1"},
				{Type: "domain", Value: "c2.example", Confidence: 90, Object: "indicator--2", ValidUntil: t0.AddDate(0, 0, 30)},
			},
			Refused: []store.ImportRefusal{{Object: "indicator--3", Reason: "only equality comparisons (=) are read"}},
			Object:  access.Object{TLP: access.Amber, Audience: access.Audience{Kind: access.NamedMembers, Orgs: []int64{f.B.Org.ID}}}}
		b := must(s.PreviewImport(f.ctx, a, v, in))(t)
		if b.Created != 1 || b.Updated != 1 || b.Refuses != 1 || !b.Items[0].Update {
			t.Fatalf("preview %+v", b)
		}
		// A preview writes no indicator.
		vB := memberView(f.B, f.B.Viewer)
		if l := must(s.ListIndicators(f.ctx, vB, store.IndicatorFilter{}))(t); l.Total != 1 {
			t.Fatalf("B sees %d before confirming", l.Total)
		}
		// Another organisation's import is not found.
		_, err := s.ConfirmImport(f.ctx, f.coordA(), memberView(f.A, f.A.Coordinator), b.ID)
		wantErr(t, err, vaern.ErrNotFound)
		done := must(s.ConfirmImport(f.ctx, a, v, b.ID))(t)
		if done.Created != 1 || done.Updated != 1 || done.Status != "done" {
			t.Fatalf("confirmed %+v", done)
		}
		f.wantAudit(t, f.Centre.ID, a, "indicator.import", b.ID)
		l := must(s.ListIndicators(f.ctx, vB, store.IndicatorFilter{}))(t)
		if l.Total != 2 {
			t.Fatalf("B sees %d after the import", l.Total)
		}
		for _, it := range l.Items {
			if it.TLP != "AMBER" || it.Source == "manual" && it.Value != "10.0.0.0" {
				t.Errorf("imported %+v", it.Indicator)
			}
			if it.Value == "c2.example" && (it.Confidence != 90 || it.Source != "feed" || !it.ExpiresAt.Equal(t0.AddDate(0, 0, 30))) {
				t.Errorf("domain %+v", it.Indicator)
			}
			if it.Value == "10.0.0.0" && it.Confidence != 70 {
				t.Errorf("ip took confidence %d, want the import's 70", it.Confidence)
			}
		}
		if la := must(s.ListIndicators(f.ctx, memberView(f.A, f.A.Viewer), store.IndicatorFilter{}))(t); la.Total != 0 {
			t.Fatalf("A sees %d indicators addressed AMBER to B", la.Total)
		}
		_, err = s.ConfirmImport(f.ctx, a, v, b.ID)
		wantErr(t, err, invalid("import"))
		// Too many items: refused whole.
		big := in
		big.Items = make([]store.ImportItem, store.MaxImportItems+1)
		_, err = s.PreviewImport(f.ctx, a, v, big)
		wantErr(t, err, invalid("file"))
		if errors.Is(err, vaern.ErrNotFound) {
			t.Fatal("wrong error")
		}
	})
}
