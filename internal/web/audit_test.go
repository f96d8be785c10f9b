package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// TestAuditLogReadable reads the organisation's audit log as the coordinator: actions in words,
// people by name, objects as links, filters by who, what and when, pages that keep the filter,
// and a CSV export in which a typed formula stays text.
func TestAuditLogReadable(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		id := baselineFor(t, s).byOrg[s.Fix.A.ID]
		// The respondent may answer the area once it is delegated to them (checked in the store).
		if _, err := s.Store.CreateDelegation(ctx, actorOf(s, "A:coordinator", s.Fix.A), s.Fix.A.ID, vaern.Delegation{
			AssessmentID: id, ScopeKind: vaern.DelegateArea, ScopeRef: "GOV", AssigneeUserID: s.Fix.Users["A:respondent"].ID}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Store.SaveAnswer(ctx, actorOf(s, "A:respondent", s.Fix.A), s.Fix.A.ID, id, store.AnswerInput{QuestionID: "GOV-01", Value: "partly"}); err != nil {
			t.Fatal(err)
		}
		// Enough rows for a second page of answer rows.
		for i := 0; i < 55; i++ {
			if _, err := s.Store.SaveAnswer(ctx, actorOf(s, "A:respondent", s.Fix.A), s.Fix.A.ID, id, store.AnswerInput{QuestionID: "GOV-02", Value: fmt.Sprint(i % 5)}); err != nil {
				t.Fatal(err)
			}
		}
		c := signIn(t, s, "A:coordinator")
		wantStatus(t, "approve", c.post(fmt.Sprintf("/baseline/%d/review", id), form("q", "GOV-01", "unit", "0", "action", "approve")), http.StatusSeeOther)
		evil := `=HYPERLINK("https://evil.example","x")`
		page := c.get("/org/audit")
		wantStatus(t, "audit log", page, http.StatusOK)
		coord, resp := s.Fix.Users["A:coordinator"], s.Fix.Users["A:respondent"]
		wantContains(t, "audit log", page.Body, text(s, "audit.action.auth.login"), text(s, "audit.action.answer.approve"),
			text(s, "audit.value.password"), `<td>A:coordinator</td>`, `<td>A:respondent</td>`,
			fmt.Sprintf(`href="/baseline/%d/history?q=GOV-01&amp;unit=0"`, id), fmt.Sprintf(`href="/org/users/%d"`, coord.ID))
		for _, raw := range []string{"<td>answer.approve</td>", `{&#34;method&#34;`, `{"method"`, "user " + fmt.Sprint(coord.ID)} {
			if strings.Contains(page.Body, raw) {
				t.Errorf("the log still shows %q", raw)
			}
		}

		// Filter by what and who; the next page keeps the filter.
		f := c.get(fmt.Sprintf("/org/audit?what=answer&who=%d", resp.ID))
		wantStatus(t, "filtered", f, http.StatusOK)
		if strings.Contains(f.Body, text(s, "audit.action.auth.login")) || strings.Contains(f.Body, text(s, "audit.action.answer.approve")) {
			t.Error("the answer filter for the respondent shows sign-ins or the coordinator's approval")
		}
		next := regexp.MustCompile(`href="/org/audit\?([^"]+)">` + regexp.QuoteMeta(text(s, "audit.older"))).FindStringSubmatch(f.Body)
		if next == nil || !strings.Contains(next[1], "what=answer") || !strings.Contains(next[1], fmt.Sprintf("who=%d", resp.ID)) || !strings.Contains(next[1], "before=") {
			t.Fatalf("the link to older rows does not keep the filter: %v", next)
		}
		p2 := c.get("/org/audit?" + strings.ReplaceAll(next[1], "&amp;", "&"))
		if n := strings.Count(p2.Body, "<tr>") - 1; n != 6 { // 56 answer rows: 50, then 6 (minus the header row)
			t.Errorf("second page has %d rows, want 6", n)
		}
		// A day in the future holds nothing; a bad date names the field.
		if b := c.get("/org/audit?from=2999-01-01").Body; !strings.Contains(b, text(s, "audit.none")) {
			t.Error("a filter from 2999 still shows rows")
		}
		wantFieldError(t, "bad date", c.get("/org/audit?to=31-12-2026"), "to")

		// The export holds the filtered rows, translated, with a typed formula as text: here the
		// respondent's name, which the "who" column starts with.
		if err := s.Store.UpdateProfile(ctx, actorOf(s, "A:respondent", s.Fix.A), s.Fix.A.ID, resp.ID, evil, "en"); err != nil {
			t.Fatal(err)
		}
		csv := c.get("/org/audit/export.csv?what=answer")
		wantStatus(t, "export", csv, http.StatusOK)
		if ct := csv.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("export content type %q", ct)
		}
		if !strings.Contains(csv.Body, `,"'=HYPERLINK(`) || strings.Contains(csv.Body, `,"=HYPERLINK`) {
			t.Errorf("the formula is not made text in the export:\n%.600s", csv.Body)
		}
		if !strings.Contains(csv.Body, "Saved an answer") || !strings.Contains(csv.Body, "Approved an answer") || strings.Contains(csv.Body, "Signed in") {
			t.Errorf("the export does not hold just the filtered rows, translated:\n%.600s", csv.Body)
		}
		if n := strings.Count(csv.Body, "\n"); n != 58 { // header, 56 saves, 1 approval
			t.Errorf("the export has %d lines, want 58", n)
		}
	})
}

// TestSystemHistoryReadable checks a system's history in the register: names and words, not ids
// and JSON.
func TestSystemHistoryReadable(t *testing.T) {
	eachServer(t, func(t *testing.T, s *testserver.Server) {
		ctx := context.Background()
		a := actorOf(s, "A:coordinator", s.Fix.A)
		sys, err := s.Store.CreateSystem(ctx, a, s.Fix.A.ID, vaern.ITSystem{Name: "Nexus"})
		if err != nil {
			t.Fatal(err)
		}
		sys.Name, sys.SystemOwnerID, sys.UnitID = "KMD Nexus", s.Fix.Users["A:respondent"].ID, s.Fix.UnitsA[0].ID
		if err := s.Store.UpdateSystem(ctx, a, s.Fix.A.ID, sys); err != nil {
			t.Fatal(err)
		}
		page := signIn(t, s, "A:coordinator").get(fmt.Sprintf("/register/systems/%d", sys.ID))
		wantStatus(t, "system", page, http.StatusOK)
		wantContains(t, "system history", page.Body, text(s, "audit.action.system.update"), text(s, "audit.action.system.create"),
			"Nexus → KMD Nexus", "– → A:respondent", "→ "+s.Fix.UnitsA[0].Name)
		if strings.Contains(page.Body, "system_owner_id") || strings.Contains(page.Body, "<td>system.update</td>") {
			t.Error("the history still shows field codes or action codes")
		}
	})
}
