package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// servicesRoutes are the services module's pages (docs/services.md): the member's view of the
// centre's service catalogue with its own subscriptions, the centre's catalogue editor and
// requests queue; the onboarding checklist and the handover page; the IT-structure mapping a
// member answers and shares, and the centre's table of shared mappings.
func (s *Server) servicesRoutes() []httpx.Route {
	const (
		get  = http.MethodGet
		post = http.MethodPost
	)
	view, request, manage := vaern.PermServicesView, vaern.PermServicesRequest, vaern.PermServicesManage
	onb, onbSetup, mapCentre := vaern.PermOnboarding, vaern.PermOnboardingSetup, vaern.PermMappingCentre
	return []httpx.Route{
		{Method: get, Pattern: "/services", Perm: view, Handler: s.svcList},
		{Method: post, Pattern: "/services/{id}/request", Perm: request, Handler: s.svcRequest, IDKind: "service"},
		{Method: post, Pattern: "/services/subscriptions/{id}/end", Perm: request, Handler: s.svcEnd, IDKind: "subscription"},

		{Method: get, Pattern: "/centre/services", Perm: manage, Handler: s.svcCentre},
		{Method: post, Pattern: "/centre/services", Perm: manage, Handler: s.svcCreate},
		{Method: get, Pattern: "/centre/services/requests", Perm: manage, Handler: s.svcRequests},
		{Method: get, Pattern: "/centre/services/{id}", Perm: manage, Handler: s.svcService, IDKind: "service"},
		{Method: post, Pattern: "/centre/services/{id}", Perm: manage, Handler: s.svcUpdate, IDKind: "service"},
		{Method: post, Pattern: "/centre/services/subscriptions/{id}/decide", Perm: manage, Handler: s.svcDecide, IDKind: "subscription"},

		{Method: get, Pattern: "/onboarding", Perm: onb, Handler: s.onbChecklist},
		{Method: post, Pattern: "/onboarding/items/{id}/tick", Perm: onb, Handler: s.onbTick, IDKind: "onboarding-item"},
		{Method: get, Pattern: "/onboarding/handover", Perm: onb, Handler: s.onbHandover},
		{Method: get, Pattern: "/onboarding/handover/{id}", Perm: onb, Handler: s.onbHandoverPerson, IDKind: "user"},
		{Method: post, Pattern: "/onboarding/handover/{id}", Perm: onb, Handler: s.onbTransfer, IDKind: "user"},
		{Method: get, Pattern: "/centre/onboarding", Perm: onbSetup, Handler: s.onbCentre},
		{Method: post, Pattern: "/centre/onboarding/items", Perm: onbSetup, Handler: s.onbItemCreate},
		{Method: post, Pattern: "/centre/onboarding/items/{id}", Perm: onbSetup, Handler: s.onbItemUpdate, IDKind: "onboarding-item"},
		{Method: post, Pattern: "/centre/onboarding/items/{id}/delete", Perm: onbSetup, Handler: s.onbItemDelete, IDKind: "onboarding-item"},

		// The mapping is a questionnaire like the baseline: the member's people read and answer
		// it, its coordinator decides whether the centre sees it.
		{Method: get, Pattern: "/mapping", Perm: vaern.PermBaselineView, Handler: s.mapList},
		{Method: get, Pattern: "/mapping/{id}", Perm: vaern.PermBaselineView, Handler: s.mapForm, IDKind: "mapping-framework"},
		{Method: post, Pattern: "/mapping/{id}", Perm: vaern.PermBaselineAnswer, Handler: s.mapSave, IDKind: "mapping-framework"},
		{Method: post, Pattern: "/mapping/{id}/share", Perm: vaern.PermBaselineManage, Handler: s.mapShare, IDKind: "mapping-framework"},
		{Method: get, Pattern: "/centre/mapping", Perm: mapCentre, Handler: s.mapCentreList},
		{Method: get, Pattern: "/centre/mapping/{id}", Perm: mapCentre, Handler: s.mapCentre, IDKind: "mapping-framework"},
		{Method: get, Pattern: "/centre/mapping/{id}/export.csv", Perm: mapCentre, Handler: s.mapExport("csv"), IDKind: "mapping-framework"},
		{Method: get, Pattern: "/centre/mapping/{id}/export.xlsx", Perm: mapCentre, Handler: s.mapExport("xlsx"), IDKind: "mapping-framework"},
	}
}

// servicesNav are the module's menu entries for p.
func servicesNav(p *vaern.Principal) []NavItem {
	var items []NavItem
	if vaern.Can(p.Role, vaern.PermServicesManage) {
		items = append(items, NavItem{Href: "/centre/services", Key: "svc.nav.centre"})
	} else if vaern.Can(p.Role, vaern.PermServicesView) && !p.Org.IsCentre() {
		items = append(items, NavItem{Href: "/services", Key: "svc.nav.services"})
	}
	if vaern.Can(p.Role, vaern.PermOnboardingSetup) {
		items = append(items, NavItem{Href: "/centre/onboarding", Key: "onb.nav.centre"})
	}
	if vaern.Can(p.Role, vaern.PermOnboarding) {
		items = append(items, NavItem{Href: "/onboarding", Key: "onb.nav.member"})
	}
	if vaern.Can(p.Role, vaern.PermMappingCentre) {
		items = append(items, NavItem{Href: "/centre/mapping", Key: "map.nav.centre"})
	} else if vaern.Can(p.Role, vaern.PermBaselineView) {
		items = append(items, NavItem{Href: "/mapping", Key: "map.nav.member"})
	}
	return items
}
