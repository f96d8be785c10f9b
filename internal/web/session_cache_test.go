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

// TestAreaPageRereadsCachedSession checks the focus-area page, which may take its person from the
// session cache on PostgreSQL (SessionInRead), never shows anything on a session the database no
// longer holds as cached: right after pages that put the session in the cache, a role taken away
// shows the page as the viewer's (no answer forms), a disabled user and a session signed out
// elsewhere are sent to sign in. It fails if the page trusts the cached person.
func TestAreaPageRereadsCachedSession(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		sys := vaern.System("test")
		id := baselineFor(t, s).byOrg[s.Fix.A.ID]
		path := fmt.Sprintf("/baseline/%d/area?a=GOV", id)
		u := s.Fix.Users["A:coordinator"]
		c := signIn(t, s, "A:coordinator")
		for i := range 3 {
			r := c.get(path)
			wantStatus(t, "coordinator's page", r, http.StatusOK)
			if !strings.Contains(r.Body, "data-autosave") {
				t.Fatalf("visit %d: the coordinator's page has no answer form", i)
			}
		}

		// The role taken away (by a second coordinator, as a member keeps one): the next page is
		// the viewer's.
		other := s.Fix.Users["A:viewer"]
		if err := s.Store.SetRole(ctx, vaern.Actor{UserID: u.ID, OrgID: s.Fix.A.ID, Role: vaern.RoleCoordinator}, s.Fix.A.ID, other.ID, vaern.RoleCoordinator, 0); err != nil {
			t.Fatal(err)
		}
		boss := vaern.Actor{UserID: other.ID, OrgID: s.Fix.A.ID, Role: vaern.RoleCoordinator}
		if err := s.Store.SetRole(ctx, boss, s.Fix.A.ID, u.ID, vaern.RoleViewer, 0); err != nil {
			t.Fatal(err)
		}
		r := c.get(path)
		wantStatus(t, "page after the role changed", r, http.StatusOK)
		if strings.Contains(r.Body, "data-autosave") {
			t.Fatal("the page still offers answer forms after the role became viewer")
		}
		if err := s.Store.SetRole(ctx, boss, s.Fix.A.ID, u.ID, vaern.RoleCoordinator, 0); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, "coordinator again", c.get(path), http.StatusOK)
		wantStatus(t, "coordinator again, cached", c.get(path), http.StatusOK)

		// Signed out everywhere (another node, say): sent to sign in, nothing of the page shown.
		if _, err := s.Store.SignOutEverywhere(ctx, sys, s.Fix.A.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		r = c.get(path)
		if r.StatusCode == http.StatusOK || strings.Contains(r.Body, "GOV-01") {
			t.Fatalf("the page after signing out everywhere answered %d with the questions", r.StatusCode)
		}
		if loc := r.Header.Get("Location"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
			t.Fatalf("after signing out: %d to %q, want 303 to /login", r.StatusCode, loc)
		}
	})
}

// TestReportPageRereadsCachedSession checks the municipality report, a SessionInRead page like the
// focus area, reads its session again with its mark: signed out everywhere behind the cache's back,
// the next request is sent to sign in with nothing of the report shown.
func TestReportPageRereadsCachedSession(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		id := baselineFor(t, s).byOrg[s.Fix.A.ID]
		path := fmt.Sprintf("/reports/%d", id)
		u := s.Fix.Users["A:coordinator"]
		c := signIn(t, s, "A:coordinator")
		for range 3 {
			wantStatus(t, "coordinator's report", c.get(path), http.StatusOK)
		}
		if _, err := s.Store.SignOutEverywhere(ctx, vaern.System("test"), s.Fix.A.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		r := c.get(path)
		if loc := r.Header.Get("Location"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
			t.Fatalf("after signing out: %d to %q, want 303 to /login", r.StatusCode, loc)
		}
	})
}
