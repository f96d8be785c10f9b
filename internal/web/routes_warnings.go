package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// warningsRoutes are the warnings module's pages: the member's warnings and answers, and the
// centre's advisories, import, triage and feeds.
func (s *Server) warningsRoutes() []httpx.Route {
	const (
		get  = http.MethodGet
		post = http.MethodPost
	)
	view, act := vaern.PermWarningsView, vaern.PermWarningsAct
	cview, manage := vaern.PermAdvisoriesView, vaern.PermAdvisoriesManage
	return []httpx.Route{
		// The member: warnings for us, per exposure, per advisory, per system
		{Method: get, Pattern: "/warnings", Perm: view, Handler: s.wnList},
		{Method: get, Pattern: "/warnings/exposures/{id}", Perm: view, Handler: s.wnExposure, IDKind: "exposure"},
		{Method: post, Pattern: "/warnings/exposures/{id}/status", Perm: act, Handler: s.wnExposureStatus, IDKind: "exposure"},
		{Method: get, Pattern: "/warnings/advisories/{id}", Perm: view, Handler: s.wnAdvisory, IDKind: "advisory"},
		{Method: get, Pattern: "/warnings/systems/{id}", Perm: view, Handler: s.wnSystem, IDKind: "system"},
		{Method: post, Pattern: "/warnings/systems/{id}/mapping", Perm: act, Handler: s.wnAcceptMapping, IDKind: "system"},

		// The centre: advisories
		{Method: get, Pattern: "/centre/advisories", Perm: cview, Handler: s.wcList},
		{Method: get, Pattern: "/centre/advisories/new", Perm: manage, Handler: s.wcNew},
		{Method: post, Pattern: "/centre/advisories", Perm: manage, Handler: s.wcCreate},
		{Method: get, Pattern: "/centre/advisories/import", Perm: manage, Handler: s.wcImport},
		{Method: post, Pattern: "/centre/advisories/import", Perm: manage, Handler: s.wcImportUpload, MaxBody: wnUploadMax + 1<<20},
		{Method: get, Pattern: "/centre/advisories/{id}", Perm: cview, Handler: s.wcAdvisory, IDKind: "advisory"},
		{Method: get, Pattern: "/centre/advisories/{id}/edit", Perm: manage, Handler: s.wcEdit, IDKind: "advisory"},
		{Method: post, Pattern: "/centre/advisories/{id}", Perm: manage, Handler: s.wcUpdate, IDKind: "advisory"},
		{Method: post, Pattern: "/centre/advisories/{id}/publish", Perm: manage, Handler: s.wcPublish, IDKind: "advisory"},
		{Method: post, Pattern: "/centre/advisories/{id}/withdraw", Perm: manage, Handler: s.wcWithdraw, IDKind: "advisory"},
		{Method: get, Pattern: "/centre/advisories/{id}/csaf", Perm: cview, Handler: s.wcExport, IDKind: "advisory"},

		// The centre: triage, mappings, feeds
		{Method: get, Pattern: "/centre/warnings/triage", Perm: cview, Handler: s.wcTriage},
		{Method: post, Pattern: "/centre/warnings/mappings", Perm: manage, Handler: s.wcMappingConfirm},
		{Method: get, Pattern: "/centre/warnings/feeds", Perm: manage, Handler: s.wcFeeds},
		{Method: post, Pattern: "/centre/warnings/feeds", Perm: manage, Handler: s.wcFeedAdd},
		{Method: post, Pattern: "/centre/warnings/feeds/{id}/delete", Perm: manage, Handler: s.wcFeedDelete, IDKind: "feed"},
		{Method: post, Pattern: "/centre/warnings/feeds/{id}/enabled", Perm: manage, Handler: s.wcFeedEnabled, IDKind: "feed"},
	}
}
