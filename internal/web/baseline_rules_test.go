package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/framework"
	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// TestBaselineRulesOnPages drives the rules that guard writes through the real server, as a
// coordinator would meet them: submitting with answers not yet approved says how many stand in
// the way, and a delegation to a viewer is refused at the field, on both engines.
func TestBaselineRulesOnPages(t *testing.T) {
	for _, e := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(e), func(t *testing.T) {
			s := testserver.Start(t, e, testserver.Options{})
			f := baselineFor(t, s)
			aid := f.byOrg[s.Fix.A.ID]
			coord := s.Login(t, "A:coordinator")
			base := fmt.Sprintf("%s/baseline/%d", s.URL, aid)

			status, body, _ := bcPost(t, coord, base+"/submit", url.Values{})
			_, fw, err := s.Store.Framework(context.Background(), f.framework)
			if err != nil {
				t.Fatal(err)
			}
			n := 0 // no answering units yet: only the organisation's questions are needed
			for _, q := range fw.Questions() {
				if q.Scope == framework.ScopeOrganisation {
					n++
				}
			}
			want := fmt.Sprintf("%d answers are missing or not approved yet", n)
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, want) {
				t.Errorf("submit with nothing answered: %d, want 422 saying %q", status, want)
			}
			if a, _ := s.Store.Assessment(context.Background(), s.Fix.A.ID, aid); !a.SubmittedAt.IsZero() {
				t.Fatal("the refused submission was stored")
			}

			viewer := s.Fix.Users["A:viewer"]
			status, body, _ = bcPost(t, coord, base+"/delegations", url.Values{"scope": {"q:GOV-01"}, "assignee": {fmt.Sprintf("u:%d", viewer.ID)},
				"due": {s.Store.Now().AddDate(0, 0, 7).Format("2006-01-02")}})
			if status != http.StatusUnprocessableEntity || !strings.Contains(body, "cannot answer questions") {
				t.Errorf("delegate to a viewer: %d, want 422 naming the assignee", status)
			}
			if ds, _ := s.Store.Delegations(context.Background(), s.Fix.A.ID, aid); len(ds) != 0 {
				t.Errorf("%d delegations stored after the refusal", len(ds))
			}
			// The form does not offer the viewer in the first place.
			_, page, _ := bcGet(t, coord, base)
			if strings.Contains(page, fmt.Sprintf(`value="u:%d"`, viewer.ID)) {
				t.Error("the delegation form offers a viewer")
			}
		})
	}
}
