package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/testserver"
)

// TestAreaPageKeptOnlyForTheSameAnswersAndRights checks the kept focus-area pages: each person
// gets the page for what they may do (the coordinator's review forms, the respondent's answer
// forms, the viewer's read-only answers) although they ask for the same area in turn, and a save, a
// review and a renamed respondent show at once.
func TestAreaPageKeptOnlyForTheSameAnswersAndRights(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		id := baselineFor(t, s).byOrg[s.Fix.A.ID]
		if _, err := s.Store.CreateDelegation(ctx, actorOf(s, "A:coordinator", s.Fix.A), s.Fix.A.ID, vaern.Delegation{
			AssessmentID: id, ScopeKind: vaern.DelegateArea, ScopeRef: "GOV", AssigneeUserID: s.Fix.Users["A:respondent"].ID}, nil); err != nil {
			t.Fatal(err)
		}
		coord, resp, viewer := signIn(t, s, "A:coordinator"), signIn(t, s, "A:respondent"), signIn(t, s, "A:viewer")
		base := fmt.Sprintf("/baseline/%d/", id)
		page := func(c *client) string {
			t.Helper()
			r := c.get(base + "area?a=GOV")
			wantStatus(t, "area page", r, http.StatusOK)
			return r.Body
		}
		wantStatus(t, "save", resp.post(base+"answers", form("q", "GOV-01", "unit", "0", "value", "dontknow", "comment", "første svar")), http.StatusSeeOther)
		for round := 0; round < 2; round++ { // the second round reads the kept pages
			c, r, v := page(coord), page(resp), page(viewer)
			if !strings.Contains(c, `action="review"`) || strings.Contains(r, `action="review"`) || strings.Contains(v, `action="review"`) {
				t.Fatalf("round %d: only the coordinator's page may hold review forms", round)
			}
			if !strings.Contains(r, `action="answers"`) || strings.Contains(v, `action="answers"`) {
				t.Fatalf("round %d: the respondent answers, the viewer only reads", round)
			}
			for who, body := range map[string]string{"coordinator": c, "respondent": r, "viewer": v} {
				if !strings.Contains(body, "første svar") {
					t.Fatalf("round %d: the %s's page lacks the saved comment", round, who)
				}
			}
		}
		wantStatus(t, "save again", resp.post(base+"answers", form("q", "GOV-01", "unit", "0", "value", "dontknow", "comment", "andet svar")), http.StatusSeeOther)
		if body := page(viewer); !strings.Contains(body, "andet svar") || strings.Contains(body, "første svar") {
			t.Fatal("the viewer's page does not show the new save")
		}
		wantStatus(t, "approve", coord.post(base+"review", form("q", "GOV-01", "unit", "0", "action", "approve")), http.StatusSeeOther)
		if line := statusLine(t, page(viewer), "GOV-01", 0); !strings.HasPrefix(line, "Approved by A:coordinator") {
			t.Fatalf("after approval the viewer reads %q", line)
		}
		u := s.Fix.Users["A:respondent"]
		if err := s.Store.UpdateProfile(ctx, actorOf(s, "A:respondent", s.Fix.A), s.Fix.A.ID, u.ID, "Rikke Respondent", "en"); err != nil {
			t.Fatal(err)
		}
		if line := statusLine(t, page(viewer), "GOV-01", 0); !strings.Contains(line, "answered by Rikke Respondent") {
			t.Fatalf("after the rename the viewer reads %q", line)
		}
	})
}
