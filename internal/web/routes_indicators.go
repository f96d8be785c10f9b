package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/api"
	"github.com/vaern/vaern/internal/httpx"
)

// indicatorRoutes are the indicator store's pages: the list everyone may read (what TLP and
// audience let them see) with the export links and how to load them into a sensor, an
// indicator's page, and the centre analysts' pages to add, edit, expire, delete and import.
func (s *Server) indicatorRoutes() []httpx.Route {
	const (
		get  = http.MethodGet
		post = http.MethodPost
	)
	view, manage := vaern.PermIndicatorsView, vaern.PermIndicatorsManage
	return []httpx.Route{
		{Method: get, Pattern: "/indicators", Perm: view, Handler: s.indList},
		{Method: get, Pattern: "/indicators/{id}", Perm: view, Handler: s.indPage, IDKind: "indicator"},

		{Method: get, Pattern: "/centre/indicators", Perm: manage, Handler: s.indCentre},
		{Method: post, Pattern: "/centre/indicators", Perm: manage, Handler: s.indAdd},
		{Method: get, Pattern: "/centre/indicators/{id}", Perm: manage, Handler: s.indEdit, IDKind: "indicator"},
		{Method: post, Pattern: "/centre/indicators/{id}", Perm: manage, Handler: s.indSave, IDKind: "indicator"},
		{Method: post, Pattern: "/centre/indicators/{id}/expire", Perm: manage, Handler: s.indExpire, IDKind: "indicator"},
		{Method: post, Pattern: "/centre/indicators/{id}/delete", Perm: manage, Handler: s.indDelete, IDKind: "indicator"},
		{Method: get, Pattern: "/centre/indicators/import", Perm: manage, Handler: s.indUploadForm},
		{Method: post, Pattern: "/centre/indicators/import", Perm: manage, Handler: s.indUpload, MaxBody: api.ImportMaxBody + 1<<20},
		{Method: get, Pattern: "/centre/indicators/imports/{id}", Perm: manage, Handler: s.indPreview, IDKind: "indicator-import"},
		{Method: post, Pattern: "/centre/indicators/imports/{id}/confirm", Perm: manage, Handler: s.indConfirm, IDKind: "indicator-import"},
		{Method: post, Pattern: "/centre/indicators/imports/{id}/cancel", Perm: manage, Handler: s.indCancel, IDKind: "indicator-import"},
	}
}

// indicatorNav is the indicator store's place in the navigation.
func indicatorNav(p *vaern.Principal) []NavItem {
	var out []NavItem
	if vaern.Can(p.Role, vaern.PermIndicatorsView) {
		out = append(out, NavItem{Href: "/indicators", Key: "ind.nav"})
	}
	if vaern.Can(p.Role, vaern.PermIndicatorsManage) {
		out = append(out, NavItem{Href: "/centre/indicators", Key: "ind.nav_centre"})
	}
	return out
}
