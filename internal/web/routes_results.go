package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// resultsRoutes are the results module's pages: the municipality report of each assessment, the
// management report of each department, the action plan, the centre's national report, and their
// exports (?format=pdf, xlsx, csv or json).
func (s *Server) resultsRoutes() []httpx.Route {
	const (
		get  = http.MethodGet
		post = http.MethodPost
	)
	view, manage, national := vaern.PermReportsView, vaern.PermActionsManage, vaern.PermNationalView
	return []httpx.Route{
		{Method: get, Pattern: "/reports", Perm: view, Handler: s.reportsIndex},
		{Method: get, Pattern: "/reports/{id}", Perm: view, Handler: s.memberReport, IDKind: "assessment", SessionInRead: true},
		{Method: get, Pattern: "/reports/{id}/export", Perm: view, Handler: s.memberReportExport, IDKind: "assessment"},
		{Method: post, Pattern: "/reports/{id}/actions", Perm: manage, Handler: s.actionCreate, IDKind: "assessment"},
		{Method: get, Pattern: "/org/units/{id}/report", Perm: view, Handler: s.departmentReport, IDKind: "unit"},
		{Method: get, Pattern: "/org/units/{id}/report/export", Perm: view, Handler: s.departmentReportExport, IDKind: "unit"},
		{Method: get, Pattern: "/actions", Perm: view, Handler: s.actions},
		{Method: post, Pattern: "/actions/{id}", Perm: manage, Handler: s.actionUpdate, IDKind: "action"},
		{Method: post, Pattern: "/actions/{id}/delete", Perm: manage, Handler: s.actionDelete, IDKind: "action"},
		{Method: get, Pattern: "/centre/national", Perm: national, Handler: s.national},
		{Method: get, Pattern: "/centre/national/export", Perm: national, Handler: s.nationalExport},
	}
}
