package e2e

import (
	"fmt"
	"slices"
	"testing"
)

// TestRoleTours signs in as each fixture user through the form, checks that the navigation offers
// what the role may use, and visits every page of the tour; each page is checked with axe-core.
// Pages the role may not use answer 403 with the error page.
func TestRoleTours(t *testing.T) {
	e := start(t)
	f := e.srv.Fix
	id := func(n int64) string { return fmt.Sprint(n) }
	tours := []struct {
		user      string
		nav       []string // links the main navigation must have (in this order; modules may add more)
		notNav    []string // links it must not have
		extra     []string // more pages that must answer 200
		forbidden []string // pages that must answer 403
	}{
		{
			user:  "centre-admin",
			nav:   []string{"/", "/centre/members", "/org/units", "/org/users", "/org/settings", "/org/audit"},
			extra: []string{"/centre/members/new", "/centre/members/" + id(f.A.ID), "/centre/members/" + id(f.B.ID), "/org/users/" + id(f.Users["centre-analyst"].ID)},
		},
		{
			user:      "centre-analyst",
			nav:       []string{"/", "/centre/members", "/org/units", "/org/users"},
			notNav:    []string{"/org/settings", "/org/audit"},
			extra:     []string{"/centre/members/" + id(f.A.ID)},
			forbidden: []string{"/centre/members/new", "/org/settings", "/org/audit"},
		},
		{
			user:      "A:coordinator",
			nav:       []string{"/", "/org/units", "/org/users", "/org/settings", "/org/audit"},
			notNav:    []string{"/centre/members"},
			extra:     []string{"/org/units/" + id(f.UnitsA[0].ID), "/org/units/" + id(f.UnitsA[1].ID), "/org/users/" + id(f.Users["A:respondent"].ID)},
			forbidden: []string{"/centre/members", "/centre/members/new"},
		},
		{
			user:      "A:respondent",
			nav:       []string{"/", "/org/units", "/org/users"},
			notNav:    []string{"/centre/members", "/org/settings", "/org/audit"},
			extra:     []string{"/org/units/" + id(f.UnitsA[1].ID), "/org/users/" + id(f.Users["A:coordinator"].ID)},
			forbidden: []string{"/org/settings", "/org/audit", "/centre/members"},
		},
		{
			user:      "A:viewer",
			nav:       []string{"/", "/org/units", "/org/users"},
			notNav:    []string{"/centre/members", "/org/settings", "/org/audit"},
			extra:     []string{"/org/units/" + id(f.UnitsA[0].ID), "/org/users/" + id(f.Users["A:respondent"].ID)},
			forbidden: []string{"/org/settings", "/org/audit", "/centre/members"},
		},
	}
	for _, tour := range tours {
		t.Run(tour.user, func(t *testing.T) {
			ctx := e.tab(t, true)
			u := f.Users[tour.user]
			if got := signIn(t, ctx, e.base, u.Email); got != "/" {
				t.Fatalf("signed in as %s, landed on %s, want /", tour.user, got)
			}
			checkPage(t, ctx, tour.user+" dashboard")
			links := navLinks(t, ctx)
			if got := slices.DeleteFunc(slices.Clone(links), func(h string) bool { return !slices.Contains(tour.nav, h) }); !slices.Equal(got, tour.nav) {
				t.Errorf("%s sees navigation %v, want it to have %v in that order", tour.user, links, tour.nav)
			}
			for _, h := range tour.notNav {
				if slices.Contains(links, h) {
					t.Errorf("%s sees %s in the navigation %v", tour.user, h, links)
				}
			}
			// Every link in the navigation, also those of modules added later, must work.
			for _, href := range links {
				visit(t, ctx, e.base+href)
				cur := eval[string](t, ctx, "read the current nav item",
					`(document.querySelector('nav.main-nav a[aria-current="page"]') || {getAttribute: () => ""}).getAttribute("href")`)
				if cur != href {
					t.Errorf("%s on %s: the navigation marks %q as current", tour.user, href, cur)
				}
			}
			for _, p := range append([]string{"/account", "/account/2fa", "/account/tokens"}, tour.extra...) {
				visit(t, ctx, e.base+p)
			}
			for _, p := range tour.forbidden {
				visitStatus(t, ctx, e.base+p, 403)
				if got, want := h1(t, ctx), locale(t, "en", "error.403"); got != want {
					t.Errorf("%s on %s: h1 %q, want %q", tour.user, p, got, want)
				}
			}
		})
	}
}
