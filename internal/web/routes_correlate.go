package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// correlateRoutes are the early warnings' pages: the centre's list, one early warning with its
// timeline, drafting an advisory from it, sharing it as an indicator, dismissing it, the correlation settings and
// warninglists; and the member's early warnings that concern it.
func (s *Server) correlateRoutes() []httpx.Route {
	const (
		get  = http.MethodGet
		post = http.MethodPost
	)
	centre, member := vaern.PermSensorsCentre, vaern.PermSensorsView
	return []httpx.Route{
		{Method: get, Pattern: "/centre/early-warnings", Perm: centre, Handler: s.ewList},
		{Method: get, Pattern: "/centre/early-warnings/settings", Perm: centre, Handler: s.ewSettings},
		{Method: post, Pattern: "/centre/early-warnings/settings", Perm: centre, Handler: s.ewSettingsSave},
		{Method: post, Pattern: "/centre/warninglists", Perm: centre, Handler: s.ewListImport, MaxBody: ewUploadMax + 1<<20},
		{Method: post, Pattern: "/centre/warninglists/{id}", Perm: centre, Handler: s.ewListToggle, IDKind: "warninglist"},
		{Method: get, Pattern: "/centre/early-warnings/{id}", Perm: centre, Handler: s.ewWarning, IDKind: "early-warning"},
		{Method: post, Pattern: "/centre/early-warnings/{id}/advisory", Perm: centre, Handler: s.ewAdvise, IDKind: "early-warning"},
		{Method: post, Pattern: "/centre/early-warnings/{id}/dismiss", Perm: centre, Handler: s.ewDismiss, IDKind: "early-warning"},
		{Method: post, Pattern: "/centre/early-warnings/{id}/indicator", Perm: centre, Handler: s.ewShare, IDKind: "early-warning"},

		{Method: get, Pattern: "/sensors/early-warnings", Perm: member, Handler: s.ewMember},
	}
}

// correlateNav links the early warnings: the centre's list, or the member's own.
func correlateNav(p *vaern.Principal) []NavItem {
	if p.Org.IsCentre() {
		if vaern.Can(p.Role, vaern.PermSensorsCentre) {
			return []NavItem{{Href: "/centre/early-warnings", Key: "ew.nav.centre"}}
		}
		return nil
	}
	if vaern.Can(p.Role, vaern.PermSensorsView) {
		return []NavItem{{Href: "/sensors/early-warnings", Key: "ew.nav.member"}}
	}
	return nil
}
