package web

// The main navigation grew past twenty links for a member's coordinator, which on a phone filled
// the screen before the page began. It is shown in groups: the dashboard as a link of its own,
// then one disclosure (details/summary, so it opens without JavaScript and is announced as a
// button with its expanded state) per group. nav() in render.go still decides which links a role
// gets and which one is current; this file only sorts them into groups.

// NavGroup is one entry of the main navigation's first level: a group of links under a summary,
// or, when the group holds a single link, that link alone (Items has one element, Key is "").
type NavGroup struct {
	Key     string // i18n key of the group's name; "" for a lone link
	Items   []NavItem
	Current bool // the current page's link is in this group
}

// navGroupOf places each link of the navigation in a group, by its address. The member's and the
// centre's groups share names where they share a purpose.
var navGroupOf = map[string]string{
	"/": "",

	"/centre/members":  "nav.group.members",
	"/centre/register": "nav.group.members",
	"/centre/mapping":  "nav.group.members",

	"/centre/rounds":     "nav.group.baseline",
	"/centre/frameworks": "nav.group.baseline",
	"/centre/national":   "nav.group.baseline",
	"/baseline":          "nav.group.baseline",
	"/tasks":             "nav.group.baseline",
	"/reports":           "nav.group.baseline",
	"/mapping":           "nav.group.baseline",

	"/register": "nav.group.register",

	"/warnings":               "nav.group.cert",
	"/centre/advisories":      "nav.group.cert",
	"/incidents":              "nav.group.cert",
	"/centre/incidents":       "nav.group.cert",
	"/sensors":                "nav.group.cert",
	"/centre/sensors/health":  "nav.group.cert",
	"/sensors/early-warnings": "nav.group.cert",
	"/centre/early-warnings":  "nav.group.cert",
	"/indicators":             "nav.group.cert",
	"/centre/indicators":      "nav.group.cert",

	"/knowledge":         "nav.group.knowledge",
	"/forum":             "nav.group.knowledge",
	"/services":          "nav.group.knowledge",
	"/centre/services":   "nav.group.knowledge",
	"/onboarding":        "nav.group.knowledge",
	"/centre/onboarding": "nav.group.knowledge",

	"/org/units":    "nav.group.org",
	"/org/users":    "nav.group.org",
	"/org/settings": "nav.group.org",
	"/org/audit":    "nav.group.org",
	"/org/sso":      "nav.group.org",
	"/centre/jobs":  "nav.group.org",
}

// navGroupOrder is the order of the groups in the bar.
var navGroupOrder = []string{"", "nav.group.members", "nav.group.baseline", "nav.group.register", "nav.group.cert", "nav.group.knowledge", "nav.group.org"}

// groupNav sorts the links into the groups of navGroupOrder, keeping their order inside a group.
// A link the table does not know (a module added it later) joins the group of the link before it,
// since modules add their links beside their relatives; at the start it stands alone.
func groupNav(items []NavItem) []NavGroup {
	byKey := map[string][]NavItem{}
	prev := ""
	for _, it := range items {
		g, ok := navGroupOf[it.Href]
		if !ok {
			g = prev
		}
		byKey[g] = append(byKey[g], it)
		prev = g
	}
	var out []NavGroup
	for _, g := range navGroupOrder {
		list := byKey[g]
		if len(list) == 0 {
			continue
		}
		if g == "" || len(list) == 1 {
			// A group of one link is that link: a disclosure that reveals one item is a click for
			// nothing.
			for _, it := range list {
				out = append(out, NavGroup{Items: []NavItem{it}, Current: it.Current})
			}
			continue
		}
		grp := NavGroup{Key: g, Items: list}
		for _, it := range list {
			grp.Current = grp.Current || it.Current
		}
		out = append(out, grp)
	}
	return out
}

// NavGroups is the page's navigation in groups, for the layout.
func (p *Page) NavGroups() []NavGroup { return groupNav(p.Nav) }
