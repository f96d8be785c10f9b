package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// TestHandoverNamesDelegations: the handover page names a delegated focus area by its title in
// the reader's language (as the person's task list does), not by its bare code.
func TestHandoverNamesDelegations(t *testing.T) {
	s := testserver.Start(t, store.SQLite, testserver.Options{})
	ctx := context.Background()
	id := baselineFor(t, s).byOrg[s.Fix.A.ID]
	resp := s.Fix.Users["A:respondent"]
	if _, err := s.Store.CreateDelegation(ctx, actorOf(s, "A:coordinator", s.Fix.A), s.Fix.A.ID, vaern.Delegation{
		AssessmentID: id, ScopeKind: vaern.DelegateArea, ScopeRef: "GOV", AssigneeUserID: resp.ID}, nil); err != nil {
		t.Fatal(err)
	}
	a, err := s.Store.Assessment(ctx, s.Fix.A.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	_, f, err := s.Store.Framework(ctx, a.Round.FrameworkID)
	if err != nil {
		t.Fatal(err)
	}
	area, ok := f.Area("GOV")
	if !ok {
		t.Fatal("the framework has no GOV area")
	}
	coord := s.Fix.Users["A:coordinator"]
	for _, lang := range []string{"da", "en"} {
		if err := s.Store.UpdateProfile(ctx, vaern.System("test"), s.Fix.A.ID, coord.ID, coord.Name, lang); err != nil {
			t.Fatal(err)
		}
		st, body := get(t, s.Login(t, "A:coordinator"), fmt.Sprintf("%s/onboarding/handover/%d", s.URL, resp.ID))
		if st != http.StatusOK {
			t.Fatalf("%s: status %d", lang, st)
		}
		want := fmt.Sprintf(`/baseline/%d">%s</a>`, id, html.EscapeString("GOV "+area.Title.Get(lang)))
		if !strings.Contains(html.UnescapeString(body), html.UnescapeString(want)) {
			t.Errorf("%s: the handover does not name the delegation %q:\n%s", lang, want, body)
		}
	}
}
