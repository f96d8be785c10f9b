package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// incidentRoutes are the incident module's pages: the member's report form, case list and case
// page (which the centre sees, for a reported case, without its internal entries), and the
// centre's queue, settings and published lessons.
func (s *Server) incidentRoutes() []httpx.Route {
	const (
		get  = http.MethodGet
		post = http.MethodPost
	)
	view, report, work, manage := vaern.PermIncidentView, vaern.PermIncidentReport, vaern.PermIncidentWork, vaern.PermIncidentManage
	centre, settings := vaern.PermIncidentCentre, vaern.PermIncidentSettings
	return []httpx.Route{
		{Method: get, Pattern: "/incidents", Perm: view, Handler: s.incList},
		{Method: get, Pattern: "/incidents/new", Perm: report, Handler: s.incNew},
		{Method: post, Pattern: "/incidents", Perm: report, Handler: s.incCreate},
		{Method: get, Pattern: "/incidents/figures", Perm: view, Handler: s.incFigures},
		{Method: get, Pattern: "/incidents/{id}", Perm: view, Handler: s.incCase, IDKind: "incident"},
		{Method: post, Pattern: "/incidents/{id}", Perm: manage, Handler: s.incUpdate, IDKind: "incident"},
		{Method: post, Pattern: "/incidents/{id}/entries", Perm: work, Handler: s.incEntry, IDKind: "incident", MaxBody: incFileMax + 1<<20},
		{Method: get, Pattern: "/incidents/entries/{id}/file", Perm: view, Handler: s.incFile, IDKind: "incident-entry"},
		{Method: post, Pattern: "/incidents/{id}/tasks", Perm: manage, Handler: s.incTask, IDKind: "incident"},
		{Method: post, Pattern: "/incidents/tasks/{id}/done", Perm: manage, Handler: s.incTaskDone, IDKind: "incident-task"},
		{Method: post, Pattern: "/incidents/{id}/links", Perm: manage, Handler: s.incLink, IDKind: "incident"},
		{Method: post, Pattern: "/incidents/{id}/regimes", Perm: manage, Handler: s.incRegime, IDKind: "incident"},
		{Method: post, Pattern: "/incidents/{id}/request", Perm: manage, Handler: s.incRequest, IDKind: "incident"},
		{Method: post, Pattern: "/incidents/{id}/submitted", Perm: manage, Handler: s.incSubmitted, IDKind: "incident"},
		{Method: get, Pattern: "/incidents/{id}/report.pdf", Perm: view, Handler: s.incReportFile("pdf"), IDKind: "incident"},
		{Method: get, Pattern: "/incidents/{id}/report.json", Perm: view, Handler: s.incReportFile("json"), IDKind: "incident"},
		{Method: post, Pattern: "/incidents/{id}/report-to-centre", Perm: manage, Handler: s.incReportCentre, IDKind: "incident"},
		{Method: post, Pattern: "/incidents/{id}/observables", Perm: manage, Handler: s.incObservables, IDKind: "incident"},
		{Method: post, Pattern: "/incidents/{id}/share", Perm: manage, Handler: s.incShare, IDKind: "incident"},
		{Method: post, Pattern: "/incidents/{id}/close", Perm: manage, Handler: s.incClose, IDKind: "incident"},

		{Method: get, Pattern: "/centre/incidents", Perm: centre, Handler: s.incQueue},
		{Method: get, Pattern: "/centre/incidents/new", Perm: centre, Handler: s.incNew},
		{Method: post, Pattern: "/centre/incidents", Perm: centre, Handler: s.incCentreCreate},
		{Method: get, Pattern: "/centre/incidents/lessons", Perm: centre, Handler: s.incLessons},
		{Method: post, Pattern: "/centre/incidents/{id}/publish", Perm: centre, Handler: s.incPublish, IDKind: "incident"},
		{Method: get, Pattern: "/centre/incidents/settings", Perm: settings, Handler: s.incSettings},
		{Method: post, Pattern: "/centre/incidents/settings", Perm: settings, Handler: s.incSettingsSave},
	}
}
