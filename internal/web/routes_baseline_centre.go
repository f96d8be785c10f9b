package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// maxFrameworkUpload bounds a framework or OSCAL upload; a resolved NIST SP 800-53 baseline is
// about 3 MB.
const maxFrameworkUpload = 10 << 20

// baselineCentreRoutes are the centre's side of the baseline: its question frameworks and the
// annual rounds. The centre sees who has submitted, never what anyone answered.
func (s *Server) baselineCentreRoutes() []httpx.Route {
	const (
		get  = http.MethodGet
		post = http.MethodPost
	)
	view, frameworks, rounds := vaern.PermRoundsView, vaern.PermFrameworks, vaern.PermRounds
	return []httpx.Route{
		{Method: get, Pattern: "/centre/frameworks", Perm: view, Handler: s.frameworks},
		{Method: post, Pattern: "/centre/frameworks/import", Perm: frameworks, Handler: s.frameworkImport, MaxBody: maxFrameworkUpload},
		{Method: post, Pattern: "/centre/frameworks/import-oscal", Perm: frameworks, Handler: s.frameworkImportOSCAL, MaxBody: maxFrameworkUpload},
		{Method: get, Pattern: "/centre/frameworks/{id}", Perm: view, Handler: s.frameworkView, IDKind: "framework"},
		{Method: get, Pattern: "/centre/frameworks/{id}/export", Perm: view, Handler: s.frameworkExport, IDKind: "framework"},

		{Method: get, Pattern: "/centre/rounds", Perm: view, Handler: s.rounds},
		{Method: get, Pattern: "/centre/rounds/new", Perm: rounds, Handler: s.roundNew},
		{Method: post, Pattern: "/centre/rounds", Perm: rounds, Handler: s.roundCreate},
		{Method: get, Pattern: "/centre/rounds/{id}", Perm: view, Handler: s.round, IDKind: "round"},
		{Method: post, Pattern: "/centre/rounds/{id}/close", Perm: rounds, Handler: s.roundClose, IDKind: "round"},
		{Method: post, Pattern: "/centre/rounds/{id}/reopen", Perm: rounds, Handler: s.roundReopen, IDKind: "round"},
	}
}
