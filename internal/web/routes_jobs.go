package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// jobsRoutes are the centre's view of the background jobs: what waits, runs and failed, with
// retry and cancel.
func (s *Server) jobsRoutes() []httpx.Route {
	return []httpx.Route{
		{Method: http.MethodGet, Pattern: "/centre/jobs", Perm: vaern.PermJobs, Handler: s.jobsPage},
		{Method: http.MethodPost, Pattern: "/centre/jobs/{id}/retry", Perm: vaern.PermJobs, Handler: s.jobRetry, IDKind: "job"},
		{Method: http.MethodPost, Pattern: "/centre/jobs/{id}/cancel", Perm: vaern.PermJobs, Handler: s.jobCancel, IDKind: "job"},
	}
}
