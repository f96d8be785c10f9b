package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/testserver"
)

// TestRemovingADelegationGoesBack checks that removing a delegation leads back to the page it was
// removed from, and never to another site.
func TestRemovingADelegationGoesBack(t *testing.T) {
	s := testserver.Start(t, store.SQLite, testserver.Options{})
	c := s.Login(t, "A:coordinator")
	overview := fmt.Sprintf("%s/baseline/%d", s.URL, baselineFor(t, s).byOrg[s.Fix.A.ID])
	for _, tc := range []struct{ referer, want string }{
		{overview + "#delegations", strings.TrimPrefix(overview, s.URL)},
		{"", "/baseline"},
		{"https://evil.example/phish", "/baseline"},
	} {
		id := ownObject(t, s, "delegation", "A:coordinator")
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/delegations/"+id+"/delete", strings.NewReader(""))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if tc.referer != "" {
			req.Header.Set("Referer", tc.referer)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tc.want {
			t.Errorf("referer %q: status %d, location %q; want 303 to %q", tc.referer, resp.StatusCode, resp.Header.Get("Location"), tc.want)
		}
	}
}
