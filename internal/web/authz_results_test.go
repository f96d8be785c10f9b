package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/testserver"
)

// The results module's id kinds: "assessment" and "unit" are shared with the baseline and the
// platform; "action" is a task of a member's action plan.
func init() {
	action := func(t *testing.T, s *testserver.Server, org vaern.Org) string {
		f := baselineFor(t, s)
		x, err := s.Store.CreateAction(context.Background(), vaern.System("test"), org.ID, vaern.Action{AssessmentID: f.byOrg[org.ID],
			QuestionID: "GOV-02", Title: "Få politikken godkendt i direktionen"})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(x.ID)
	}
	idKinds["action"] = idKind{
		own: func(t *testing.T, s *testserver.Server, role string) string {
			org := memberOf(s, role)
			if org.IsCentre() {
				org = s.Fix.A // centre roles are refused before the id matters
			}
			return action(t, s, org)
		},
		foreign: func(t *testing.T, s *testserver.Server, rt httpx.Route, role string) (string, bool) {
			return action(t, s, s.Fix.B), memberOf(s, role).ID != s.Fix.B.ID
		},
	}
}
