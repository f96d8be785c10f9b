package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/testserver"
)

// The services module's id kinds. There is one centre, so a service or checklist item of
// "another centre" does not exist: its foreign id is one that names nothing. A subscription's
// foreign id is member B's (for the members); a mapping framework's is a baseline framework.
func init() {
	idKinds["service"] = idKind{
		own: func(t *testing.T, s *testserver.Server, _ string) string { return fmt.Sprint(svcOwnService(t, s).ID) },
		foreign: func(*testing.T, *testserver.Server, httpx.Route, string) (string, bool) {
			return "987654321", true
		},
	}
	idKinds["subscription"] = idKind{
		own: func(t *testing.T, s *testserver.Server, _ string) string {
			return fmt.Sprint(svcSubOf(t, s, s.Fix.A, "A:coordinator"))
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, role string) (string, bool) {
			if memberOf(s, role).IsCentre() {
				return "987654321", true
			}
			return fmt.Sprint(svcSubOf(t, s, s.Fix.B, "B:coordinator")), true
		},
	}
	idKinds["onboarding-item"] = idKind{
		own: func(t *testing.T, s *testserver.Server, _ string) string {
			counter++
			it, err := s.Store.SaveOnboardingItem(context.Background(), vaern.System("authz-test"), s.Fix.Centre.ID, vaern.OnboardingItem{
				Title: vaern.Texts3{Da: fmt.Sprintf("Punkt %d", counter), Nb: "Punkt", En: "Item"}})
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(it.ID)
		},
		foreign: func(*testing.T, *testserver.Server, httpx.Route, string) (string, bool) { return "987654321", true },
	}
	idKinds["mapping-framework"] = idKind{
		own: func(t *testing.T, s *testserver.Server, _ string) string {
			return fmt.Sprint(mapFrameworkOf(t, s, "mapping"))
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, _ string) (string, bool) {
			return fmt.Sprint(mapFrameworkOf(t, s, "baseline")), true
		},
	}
}

func svcOwnService(t *testing.T, s *testserver.Server) vaern.Service {
	t.Helper()
	counter++
	v, err := s.Store.SaveService(context.Background(), vaern.System("authz-test"), s.Fix.Centre.ID, vaern.Service{
		Name: vaern.Texts3{Da: fmt.Sprintf("Tjeneste %d", counter), Nb: "Tjeneste", En: "Service"}})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// svcSubOf is a fresh subscription request of org to a fresh service.
func svcSubOf(t *testing.T, s *testserver.Server, org vaern.Org, key string) int64 {
	t.Helper()
	u := s.Fix.Users[key]
	x, err := s.Store.RequestSubscription(context.Background(), vaern.Actor{UserID: u.ID, Email: u.Email, OrgID: org.ID, Role: vaern.RoleCoordinator},
		org.ID, svcOwnService(t, s).ID, "")
	if err != nil {
		t.Fatal(err)
	}
	return x.ID
}

// mapFrameworkOf is a built-in framework of the kind, installed for the centre.
func mapFrameworkOf(t *testing.T, s *testserver.Server, kind string) int64 {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Store.InstallBuiltinFrameworks(ctx, s.Fix.Centre.ID); err != nil {
		t.Fatal(err)
	}
	fws, err := s.Store.Frameworks(ctx, s.Fix.Centre.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fws {
		if f.Kind == kind {
			return f.ID
		}
	}
	t.Fatalf("no %s framework", kind)
	return 0
}
