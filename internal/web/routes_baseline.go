package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
	"github.com/vaern/vaern/internal/store"
)

// baselineRoutes are the member's side of the annual maturity measurement: assessments, answering,
// delegation, review and scores. (The centre's frameworks and rounds are in
// routes_baseline_centre.go.)
func (s *Server) baselineRoutes() []httpx.Route {
	const (
		get  = http.MethodGet
		post = http.MethodPost
	)
	view, answer, manage := vaern.PermBaselineView, vaern.PermBaselineAnswer, vaern.PermBaselineManage
	return []httpx.Route{
		{Method: get, Pattern: "/baseline", Perm: view, Handler: s.baselineList},
		{Method: get, Pattern: "/tasks", Perm: view, Handler: s.tasks},
		{Method: get, Pattern: "/baseline/{id}", Perm: view, Handler: s.baselineOverview, IDKind: "assessment"},
		{Method: get, Pattern: "/baseline/{id}/area", Perm: view, Handler: s.baselineArea, IDKind: "assessment", SessionInRead: true},
		{Method: get, Pattern: "/baseline/{id}/history", Perm: view, Handler: s.baselineHistory, IDKind: "assessment"},
		{Method: get, Pattern: "/baseline/{id}/scores", Perm: view, Handler: s.baselineScores, IDKind: "assessment"},
		{Method: post, Pattern: "/baseline/{id}/answers", Perm: answer, Handler: s.baselineSave, IDKind: "assessment", SessionInWrite: true},
		{Method: post, Pattern: "/baseline/{id}/evidence", Perm: answer, Handler: s.baselineEvidence, IDKind: "assessment",
			MaxBody: store.MaxEvidenceSize + 1<<20},
		{Method: post, Pattern: "/baseline/{id}/review", Perm: manage, Handler: s.baselineReview, IDKind: "assessment"},
		{Method: post, Pattern: "/baseline/{id}/approve", Perm: manage, Handler: s.baselineApprove, IDKind: "assessment"},
		{Method: post, Pattern: "/baseline/{id}/units", Perm: manage, Handler: s.baselineUnits, IDKind: "assessment"},
		{Method: post, Pattern: "/baseline/{id}/delegations", Perm: manage, Handler: s.baselineDelegate, IDKind: "assessment"},
		{Method: post, Pattern: "/baseline/{id}/submit", Perm: manage, Handler: s.baselineSubmit, IDKind: "assessment"},
		{Method: post, Pattern: "/baseline/{id}/benchmark", Perm: manage, Handler: s.baselineBenchmark, IDKind: "assessment"},
		{Method: post, Pattern: "/delegations/{id}/delete", Perm: manage, Handler: s.delegationDelete, IDKind: "delegation"},
		{Method: get, Pattern: "/evidence/{id}", Perm: view, Handler: s.evidenceDownload, IDKind: "evidence"},
		{Method: post, Pattern: "/evidence/{id}/delete", Perm: answer, Handler: s.evidenceDelete, IDKind: "evidence"},
	}
}
