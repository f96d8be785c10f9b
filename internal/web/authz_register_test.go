package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/testserver"
)

// The register's id kinds: each own object is created fresh in the role's organisation with the
// role's user as its system owner (so a respondent may change it); each foreign one belongs to
// member B, whose register is shared with the centre as counts only.
func init() {
	idKinds["system"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			return fmt.Sprint(regOwnSystem(t, s, role).ID)
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, _ string) (string, bool) {
			return fmt.Sprint(regSystemOf(t, s, s.Fix.B, "B:coordinator").ID), true
		},
	}
	idKinds["risk"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			return fmt.Sprint(regRiskOf(t, s, memberOf(s, role), regOwnSystem(t, s, role)).ID)
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, _ string) (string, bool) {
			return fmt.Sprint(regRiskOf(t, s, s.Fix.B, regSystemOf(t, s, s.Fix.B, "B:coordinator")).ID), true
		},
	}
	idKinds["treatment"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			org := memberOf(s, role)
			return fmt.Sprint(regTreatmentOf(t, s, org, regRiskOf(t, s, org, regOwnSystem(t, s, role))))
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, _ string) (string, bool) {
			return fmt.Sprint(regTreatmentOf(t, s, s.Fix.B, regRiskOf(t, s, s.Fix.B, regSystemOf(t, s, s.Fix.B, "B:coordinator")))), true
		},
	}
	idKinds["import"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			return fmt.Sprint(regImportOf(t, s, memberOf(s, role), role))
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, _ string) (string, bool) {
			return fmt.Sprint(regImportOf(t, s, s.Fix.B, "B:coordinator")), true
		},
	}
	idKinds["sharedsystem"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			// A fresh member that shares details with the centre.
			ctx := context.Background()
			sys := vaern.System("authz-test")
			counter++
			m, err := s.Store.CreateMember(ctx, sys, s.Fix.Centre.ID, vaern.Org{Code: fmt.Sprintf("R%d", counter), Name: fmt.Sprintf("Delekommune %d", counter), Country: "DK"})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Store.SetRegisterSharing(ctx, sys, m.ID, vaern.ShareDetails); err != nil {
				t.Fatal(err)
			}
			got, err := s.Store.CreateSystem(ctx, sys, m.ID, vaern.ITSystem{Name: "Delt system"})
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(got.ID)
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, _ string) (string, bool) {
			return fmt.Sprint(regSystemOf(t, s, s.Fix.B, "B:coordinator").ID), true
		},
	}
}

func regOwnSystem(t *testing.T, s *testserver.Server, role string) vaern.ITSystem {
	return regSystemOf(t, s, memberOf(s, role), role)
}

// regSystemOf creates a system in org owned by the fixture user with key role.
func regSystemOf(t *testing.T, s *testserver.Server, org vaern.Org, role string) vaern.ITSystem {
	t.Helper()
	counter++
	sys, err := s.Store.CreateSystem(context.Background(), vaern.System("authz-test"), org.ID,
		vaern.ITSystem{Name: fmt.Sprintf("System %d", counter), SystemOwnerID: s.Fix.Users[role].ID})
	if err != nil {
		t.Fatal(err)
	}
	return sys
}

func regRiskOf(t *testing.T, s *testserver.Server, org vaern.Org, sys vaern.ITSystem) vaern.RiskAssessment {
	t.Helper()
	ra, err := s.Store.CreateRiskAssessment(context.Background(), vaern.System("authz-test"), org.ID,
		vaern.RiskAssessment{SystemID: sys.ID, Threat: "ransomware", Likelihood: 3, Consequence: 4})
	if err != nil {
		t.Fatal(err)
	}
	return ra
}

func regTreatmentOf(t *testing.T, s *testserver.Server, org vaern.Org, ra vaern.RiskAssessment) int64 {
	t.Helper()
	tr, err := s.Store.AddTreatment(context.Background(), vaern.System("authz-test"), org.ID, ra.ID, vaern.Treatment{Title: "Backup"})
	if err != nil {
		t.Fatal(err)
	}
	return tr.ID
}

func regImportOf(t *testing.T, s *testserver.Server, org vaern.Org, role string) int64 {
	t.Helper()
	id, err := s.Store.CreateImport(context.Background(), vaern.Actor{UserID: s.Fix.Users[role].ID, Email: "authz-test"}, org.ID,
		"systems.csv", []byte("Navn;Drift\nAula;SaaS\n"))
	if err != nil {
		t.Fatal(err)
	}
	return id
}
