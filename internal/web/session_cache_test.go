package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/testserver"
)

// TestAutosaveAfterSignOutSavesNothing checks that an autosave whose session was ended elsewhere
// (signed out everywhere, as an administrator does for a lost laptop) saves nothing, also right
// after a save that put the session in the autosave's session cache: the save checks the session
// in its own transaction.
func TestAutosaveAfterSignOutSavesNothing(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		id := baselineFor(t, s).byOrg[s.Fix.A.ID]
		c := signIn(t, s, "A:coordinator")
		path := fmt.Sprintf("/baseline/%d/answers", id)
		save := func(value string) *result {
			return c.post(path, form("q", "GOV-01", "unit", "0", "value", value), "Accept", "application/json")
		}
		wantStatus(t, "first autosave", save("dontknow"), http.StatusOK)
		wantStatus(t, "second autosave", save("yes"), http.StatusOK)
		u := s.Fix.Users["A:coordinator"]
		if _, err := s.Store.SignOutEverywhere(ctx, vaern.System("test"), s.Fix.A.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if r := save("no"); r.StatusCode == http.StatusOK {
			t.Fatalf("an autosave after signing out everywhere answered %d", r.StatusCode)
		}
		answers, err := s.Store.Answers(ctx, s.Fix.A.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range answers {
			if a.QuestionID == "GOV-01" && a.Value != "yes" {
				t.Fatalf("the signed-out session's autosave was stored: %q", a.Value)
			}
		}
	})
}
