package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// The warnings module's id kinds. An advisory for the centre is a fresh draft of its own; for a
// member a fresh published advisory addressed to it; the foreign one is an AMBER advisory addressed
// to member B alone (for the centre, which sees its own advisories, an id that does not exist). An
// exposure is one of a fresh system owned by the role's user; the foreign one is member B's. A feed
// is the installation's (the foreign id does not exist).
func init() {
	idKinds["advisory"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			org := memberOf(s, role)
			if org.IsCentre() {
				return fmt.Sprint(wnAdvisoryFor(t, s, "members", false))
			}
			return fmt.Sprint(wnAdvisoryFor(t, s, fmt.Sprintf("named:%d", org.ID), true))
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, role string) (string, bool) {
			if memberOf(s, role).IsCentre() {
				return "987654321", true
			}
			return fmt.Sprint(wnAdvisoryFor(t, s, fmt.Sprintf("named:%d", s.Fix.B.ID), true)), true
		},
	}
	idKinds["exposure"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			org := memberOf(s, role)
			if org.IsCentre() {
				org, role = s.Fix.A, "A:coordinator"
			}
			return fmt.Sprint(wnExposureOf(t, s, org, role))
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, _ string) (string, bool) {
			return fmt.Sprint(wnExposureOf(t, s, s.Fix.B, "B:coordinator")), true
		},
	}
	idKinds["feed"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			counter++
			id, err := s.Store.AddWarningFeed(context.Background(), vaern.System("authz-test"), s.Fix.Centre.ID, "kev",
				fmt.Sprintf("https://feeds.example.org/kev-%d.json", counter))
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(id)
		},
		foreign: func(*testing.T, *testserver.Server, httpx.Route, string) (string, bool) { return "987654321", true },
	}
}

// wnAdvisoryFor makes a centre advisory with the audience, published or a draft.
func wnAdvisoryFor(t *testing.T, s *testserver.Server, audience string, publish bool) int64 {
	t.Helper()
	ctx := context.Background()
	analyst := vaern.Actor{UserID: s.Fix.Users["centre-analyst"].ID, Email: "authz-test", OrgID: s.Fix.Centre.ID, Role: vaern.RoleCentreAnalyst}
	counter++
	tlp := "AMBER"
	if audience == "members" {
		tlp = "GREEN"
	}
	id, err := s.Store.CreateAdvisory(ctx, analyst, s.Fix.Centre.ID, vaern.Advisory{SourceID: fmt.Sprintf("AUTHZ-%d", counter),
		Title: fmt.Sprintf("Advarsel %d", counter), TLP: tlp, Audience: audience,
		Products: []vaern.AdvisoryProduct{{Key: "p1", Vendor: "Testleverandør", Product: fmt.Sprintf("Produkt %d", counter)}}})
	if err != nil {
		t.Fatal(err)
	}
	if publish {
		if err := s.Store.PublishAdvisory(ctx, analyst, s.Fix.Centre.ID, id); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// wnExposureOf makes an exposure of a fresh system of org owned by role's user.
func wnExposureOf(t *testing.T, s *testserver.Server, org vaern.Org, role string) int64 {
	t.Helper()
	ctx := context.Background()
	sys := regSystemOf(t, s, org, role)
	adv := wnAdvisoryFor(t, s, fmt.Sprintf("named:%d", org.ID), true)
	row := store.ExposureRow{Subject: "system", EvidenceJSON: ""}
	row.OrgID, row.SystemID, row.AdvisoryID, row.ProductKey = org.ID, sys.ID, adv, "p1"
	row.Tier, row.Status, row.Evidence, row.RangeKey = vaern.TierExact, vaern.ExposureNew, "product matched", "r1"
	if _, err := s.Store.ApplyExposures(ctx, store.ExposureScope{AdvisoryIDs: []int64{adv}}, false, func([]store.ExposureRow) []store.ExposureChange {
		return []store.ExposureChange{{Row: row, Event: "opened"}}
	}); err != nil {
		t.Fatal(err)
	}
	list, _, err := s.Store.Exposures(ctx, org.ID, store.ExposureFilter{AdvisoryID: adv, Status: "all"})
	if err != nil || len(list) != 1 {
		t.Fatalf("exposure: %v %v", list, err)
	}
	return list[0].ID
}
