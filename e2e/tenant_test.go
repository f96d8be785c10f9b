package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// TestTenantIsolation signs in as A's coordinator and opens B's pages by their ids: a foreign unit
// or person answers 404 (their existence is not confirmed), a centre page 403, and nothing of B
// appears in what the browser receives.
func TestTenantIsolation(t *testing.T) {
	e := start(t)
	f := e.srv.Fix
	ctx := e.tab(t, true)
	if got := signIn(t, ctx, e.base, f.Users["A:coordinator"].Email); got != "/" {
		t.Fatalf("sign-in landed on %s, want /", got)
	}
	// B's secrets: names and addresses that must never reach A.
	secrets := []string{f.B.Name, f.UnitsB[0].Name, f.UnitsB[1].Name, f.Users["B:coordinator"].Email, f.Users["B:respondent"].Email}

	pages := []struct {
		path string
		want int64
	}{
		{fmt.Sprintf("/org/units/%d", f.UnitsB[0].ID), 404},
		{fmt.Sprintf("/org/units/%d", f.UnitsB[1].ID), 404},
		{fmt.Sprintf("/org/users/%d", f.Users["B:coordinator"].ID), 404},
		{fmt.Sprintf("/org/users/%d", f.Users["B:respondent"].ID), 404},
		{fmt.Sprintf("/centre/members/%d", f.B.ID), 403},
		{fmt.Sprintf("/centre/members/%d", f.A.ID), 403},
		{"/centre/members", 403},
	}
	for _, p := range pages {
		visitStatus(t, ctx, e.base+p.path, p.want)
		if got, want := h1(t, ctx), locale(t, "en", fmt.Sprintf("error.%d", p.want)); got != want {
			t.Errorf("%s: h1 %q, want the error page's %q", p.path, got, want)
		}
		html := pageHTML(t, ctx)
		for _, s := range secrets {
			if strings.Contains(html, s) {
				t.Errorf("%s shows %q, which belongs to %s", p.path, s, f.B.Name)
			}
		}
	}
	// A's own lists hold nothing of B either.
	for _, p := range []string{"/", "/org/units", "/org/users", "/org/audit"} {
		visit(t, ctx, e.base+p)
		html := pageHTML(t, ctx)
		for _, s := range secrets {
			if strings.Contains(html, s) {
				t.Errorf("%s shows %q, which belongs to %s", p, s, f.B.Name)
			}
		}
	}
}
