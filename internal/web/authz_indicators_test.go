package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// The indicator store's id kinds. Every role's own indicator is a fresh one of the centre, GREEN
// to all members (everyone sees it; the centre's analysts change it). The foreign one is, for a
// member, the centre's AMBER indicator addressed to member B only, and for the centre, member B's
// indicator shared AMBER+STRICT with B itself (which the centre may not see). An import is the
// centre's own preview; the foreign one is B's.
func init() {
	idKinds["indicator"] = idKind{
		own: func(t *testing.T, s *testserver.Server, _ string) string {
			return fmt.Sprint(indOf(t, s, access.Object{TLP: access.Green, Audience: access.Audience{Kind: access.AllMembers}}))
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, role string) (string, bool) {
			if memberOf(s, role).IsCentre() {
				return fmt.Sprint(indOfMember(t, s, s.Fix.B, "B:coordinator", access.Object{TLP: access.AmberStrict,
					Audience: access.Audience{Kind: access.NamedMembers, Orgs: []int64{s.Fix.B.ID}}})), true
			}
			return fmt.Sprint(indOf(t, s, access.Object{TLP: access.Amber, Audience: access.Audience{Kind: access.NamedMembers, Orgs: []int64{s.Fix.B.ID}}})), true
		},
	}
	idKinds["indicator-import"] = idKind{
		own: func(t *testing.T, s *testserver.Server, _ string) string {
			return fmt.Sprint(indImportOf(t, s, s.Fix.Centre, "centre-analyst"))
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, _ string) (string, bool) {
			return fmt.Sprint(indImportOf(t, s, s.Fix.B, "B:coordinator")), true
		},
	}
	routeNames["/api/v1/indicators/misp/{name}"] = "manifest.json"
}

func indAnalyst(s *testserver.Server) (vaern.Actor, access.Principal) {
	u := s.Fix.Users["centre-analyst"]
	return vaern.Actor{UserID: u.ID, Email: u.Email, OrgID: s.Fix.Centre.ID, Role: vaern.RoleCentreAnalyst},
		access.Of(&vaern.Principal{User: u, Org: s.Fix.Centre, Role: vaern.RoleCentreAnalyst})
}

// indOf adds a fresh indicator of the centre under obj.
func indOf(t *testing.T, s *testserver.Server, obj access.Object) int64 {
	t.Helper()
	a, v := indAnalyst(s)
	counter++
	n, err := s.Store.AddIndicator(context.Background(), a, v, store.IndicatorInput{Value: fmt.Sprintf("authz%d.example.net", counter), Confidence: 50, Object: obj})
	if err != nil {
		t.Fatal(err)
	}
	return n.ID
}

// indOfMember shares a fresh case's observable of org as an indicator under obj.
func indOfMember(t *testing.T, s *testserver.Server, org vaern.Org, key string, obj access.Object) int64 {
	t.Helper()
	ctx := context.Background()
	u := s.Fix.Users[key]
	a := vaern.Actor{UserID: u.ID, Email: u.Email, OrgID: org.ID, Role: vaern.RoleCoordinator}
	counter++
	c, err := s.Store.CreateIncident(ctx, a, org.ID, vaern.Incident{Title: fmt.Sprintf("Sag %d", counter), AwareAt: s.Store.Now(),
		Observables: []string{fmt.Sprintf("member%d.example.org", counter)}})
	if err != nil {
		t.Fatal(err)
	}
	v := access.Of(&vaern.Principal{User: u, Org: org, Role: vaern.RoleCoordinator})
	if _, err := s.Store.ShareObservables(ctx, a, v, c.ID, obj, 50, 0); err != nil {
		t.Fatal(err)
	}
	l, err := s.Store.ListIndicators(ctx, v, store.IndicatorFilter{Search: fmt.Sprintf("member%d.example.org", counter)})
	if err != nil || len(l.Items) != 1 {
		t.Fatalf("shared indicator: %v %+v", err, l)
	}
	return l.Items[0].ID
}

// indImportOf keeps a fresh import preview of org.
func indImportOf(t *testing.T, s *testserver.Server, org vaern.Org, key string) int64 {
	t.Helper()
	u := s.Fix.Users[key]
	a := vaern.Actor{UserID: u.ID, Email: u.Email, OrgID: org.ID, Role: vaern.RoleCentreAnalyst}
	counter++
	b, err := s.Store.PreviewImport(context.Background(), a, access.Of(&vaern.Principal{User: u, Org: org}), store.ImportInput{Format: "stix", FileName: "x.json",
		Confidence: 50, Items: []store.ImportItem{{Type: "domain", Value: fmt.Sprintf("imp%d.example.net", counter), Confidence: -1, Object: "indicator--1"}},
		Object: access.Object{TLP: access.Green, Audience: access.Audience{Kind: access.AllMembers}}})
	if err != nil {
		t.Fatal(err)
	}
	return b.ID
}
