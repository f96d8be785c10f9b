package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/access"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/testserver"
)

// The incidents' id kinds. A member role's own case is a fresh case of member A; a centre role's
// own case is a case A reported to the centre (the centre reaches nothing else). The foreign one is
// member B's case: reported to the centre, for the members (another member never sees it), and not
// reported, for the centre (which sees a case only once it is reported).
func init() {
	idKinds["incident"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			return fmt.Sprint(incOwnCase(t, s, role).ID)
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, role string) (string, bool) {
			return fmt.Sprint(incCaseOf(t, s, s.Fix.B, "B:coordinator", !memberOf(s, role).IsCentre()).ID), true
		},
	}
	idKinds["incident-entry"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			return fmt.Sprint(incEntryOf(t, s, incOwnCase(t, s, role), false))
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, role string) (string, bool) {
			if memberOf(s, role).IsCentre() {
				// An internal entry of a reported case: the centre never sees it.
				return fmt.Sprint(incEntryOf(t, s, incCaseOf(t, s, s.Fix.A, "A:coordinator", true), true)), true
			}
			return fmt.Sprint(incEntryOf(t, s, incCaseOf(t, s, s.Fix.B, "B:coordinator", true), false)), true
		},
	}
	idKinds["incident-task"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			return fmt.Sprint(incTaskOf(t, s, incOwnCase(t, s, role)))
		},
		foreign: func(t *testing.T, s *testserver.Server, _ httpx.Route, _ string) (string, bool) {
			return fmt.Sprint(incTaskOf(t, s, incCaseOf(t, s, s.Fix.B, "B:coordinator", true))), true
		},
	}
	routeQuery["/incidents/{id}/report.pdf"] = "?regime=nis2-dk&step=early_warning"
	routeQuery["/incidents/{id}/report.json"] = "?regime=gdpr-33&step=notification"
}

func incOwnCase(t *testing.T, s *testserver.Server, role string) vaern.Incident {
	if memberOf(s, role).IsCentre() {
		return incCaseOf(t, s, s.Fix.A, "A:coordinator", true)
	}
	return incCaseOf(t, s, s.Fix.A, "A:coordinator", false)
}

// incCaseOf creates a case in org reported by the fixture user key, reported to the centre or not.
func incCaseOf(t *testing.T, s *testserver.Server, org vaern.Org, key string, reported bool) vaern.Incident {
	t.Helper()
	ctx := context.Background()
	u := s.Fix.Users[key]
	a := vaern.Actor{UserID: u.ID, Email: u.Email, OrgID: org.ID, Role: vaern.RoleCoordinator}
	counter++
	c, err := s.Store.CreateIncident(ctx, a, org.ID, vaern.Incident{Title: fmt.Sprintf("Hændelse %d", counter),
		AwareAt: s.Store.Now().Add(-time.Hour), PersonalData: true})
	if err != nil {
		t.Fatal(err)
	}
	if reported {
		if err := s.Store.ReportToCentre(ctx, a, access.ForOrg(org), c.ID); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func incEntryOf(t *testing.T, s *testserver.Server, c vaern.Incident, internal bool) int64 {
	t.Helper()
	id, err := s.Store.AddIncidentEntry(context.Background(), vaern.System("authz-test"), access.ForOrg(vaern.Org{ID: c.OrgID, Kind: vaern.OrgMember}),
		vaern.IncidentEntry{IncidentID: c.ID, Text: "log", Internal: internal, FileName: "log.txt", File: []byte("log line")})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func incTaskOf(t *testing.T, s *testserver.Server, c vaern.Incident) int64 {
	t.Helper()
	id, err := s.Store.AddIncidentTask(context.Background(), vaern.System("authz-test"), access.ForOrg(vaern.Org{ID: c.OrgID, Kind: vaern.OrgMember}),
		vaern.IncidentTask{IncidentID: c.ID, Title: "Isolate the host"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
