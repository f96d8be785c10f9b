package web

import (
	"slices"
	"testing"

	"github.com/vaern/vaern"
)

// TestNavGroups: a member's coordinator and the centre's admin get their long navigation in a
// handful of groups; every link of nav() is in exactly one place, in nav()'s order within its
// group; the group holding the current page says so; a one-link group is a plain link, and a link
// the table does not know joins the group of the link before it.
func TestNavGroups(t *testing.T) {
	member := &vaern.Principal{Org: vaern.Org{ID: 2, Kind: vaern.OrgMember, Country: "NO"}, Role: vaern.RoleCoordinator}
	centre := &vaern.Principal{Org: vaern.Org{ID: 1, Kind: vaern.OrgCentre, Country: "DK"}, Role: vaern.RoleCentreAdmin}
	for _, tc := range []struct {
		name    string
		p       *vaern.Principal
		path    string
		current string // the group marked current
		groups  int    // at most this many entries in the bar
	}{
		{"member on an early warning", member, "/sensors/early-warnings/7", "nav.group.cert", 7},
		{"member on the forum", member, "/forum", "nav.group.knowledge", 7},
		{"member on the dashboard", member, "/", "", 7},
		{"centre on a round", centre, "/centre/rounds/3", "nav.group.baseline", 8},
	} {
		items := nav(tc.p, tc.path)
		groups := groupNav(items)
		if len(items) < 15 || len(groups) > tc.groups {
			t.Errorf("%s: %d links in %d entries, want them grouped into at most %d", tc.name, len(items), len(groups), tc.groups)
		}
		var flat []string
		currents := 0
		for _, g := range groups {
			if g.Key == "" && len(g.Items) != 1 {
				t.Errorf("%s: an entry without a name holds %d links", tc.name, len(g.Items))
			}
			if g.Key != "" && len(g.Items) < 2 {
				t.Errorf("%s: group %s holds only %d link", tc.name, g.Key, len(g.Items))
			}
			if g.Current {
				currents++
				if g.Key != tc.current {
					t.Errorf("%s: %q is marked current, want %q", tc.name, g.Key, tc.current)
				}
			}
			for _, it := range g.Items {
				flat = append(flat, it.Href)
			}
		}
		if currents != 1 {
			t.Errorf("%s: %d entries marked current, want 1", tc.name, currents)
		}
		var want []string
		for _, it := range items {
			want = append(want, it.Href)
		}
		sorted := slices.Clone(flat)
		slices.Sort(sorted)
		slices.Sort(want)
		if !slices.Equal(sorted, want) {
			t.Errorf("%s: grouped links %v are not nav()'s %v", tc.name, flat, want)
		}
		if flat[0] != "/" {
			t.Errorf("%s: the dashboard is not first: %v", tc.name, flat)
		}
	}
	got := groupNav([]NavItem{{Href: "/"}, {Href: "/knowledge"}, {Href: "/forum"}, {Href: "/new-module"}, {Href: "/org/units"}})
	if len(got) != 3 || got[1].Key != "nav.group.knowledge" || len(got[1].Items) != 3 || got[1].Items[2].Href != "/new-module" || got[2].Key != "" || got[2].Items[0].Href != "/org/units" {
		t.Errorf("an unknown link should join the knowledge group and a one-link group be a link: %+v", got)
	}
}
