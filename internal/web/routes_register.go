package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// registerRoutes are the system and risk register's pages.
func (s *Server) registerRoutes() []httpx.Route {
	const (
		get  = http.MethodGet
		post = http.MethodPost
	)
	view, edit, manage := vaern.PermViewRegister, vaern.PermEditRegister, vaern.PermManageRegister
	matrix, shared := vaern.PermManageRiskMatrix, vaern.PermViewSharedRegister
	return []httpx.Route{
		// Overview, lists and exports
		{Method: get, Pattern: "/register", Perm: view, Handler: s.regOverview},
		{Method: get, Pattern: "/register/systems", Perm: view, Handler: s.regSystems},
		{Method: get, Pattern: "/register/mine", Perm: view, Handler: s.regMine},
		{Method: get, Pattern: "/register/export.csv", Perm: view, Handler: s.regExport("csv")},
		{Method: get, Pattern: "/register/export.xlsx", Perm: view, Handler: s.regExport("xlsx")},
		{Method: get, Pattern: "/register/export.json", Perm: view, Handler: s.regExport("json")},

		// Systems
		{Method: get, Pattern: "/register/systems/new", Perm: manage, Handler: s.regNew},
		{Method: post, Pattern: "/register/systems", Perm: manage, Handler: s.regCreate},
		{Method: get, Pattern: "/register/systems/{id}", Perm: view, Handler: s.regSystem, IDKind: "system"},
		{Method: get, Pattern: "/register/systems/{id}/edit", Perm: edit, Handler: s.regEdit, IDKind: "system"},
		{Method: post, Pattern: "/register/systems/{id}", Perm: edit, Handler: s.regUpdate, IDKind: "system"},
		{Method: post, Pattern: "/register/systems/{id}/delete", Perm: manage, Handler: s.regDelete, IDKind: "system"},
		{Method: post, Pattern: "/register/systems/{id}/sbom", Perm: edit, Handler: s.regSBOM, IDKind: "system", MaxBody: regUploadMax + 1<<20},

		// Risk
		{Method: post, Pattern: "/register/systems/{id}/risks", Perm: edit, Handler: s.regRiskCreate, IDKind: "system"},
		{Method: get, Pattern: "/register/risks/{id}", Perm: view, Handler: s.regRisk, IDKind: "risk"},
		{Method: post, Pattern: "/register/risks/{id}", Perm: edit, Handler: s.regRiskUpdate, IDKind: "risk"},
		{Method: post, Pattern: "/register/risks/{id}/accept", Perm: edit, Handler: s.regRiskAccept, IDKind: "risk"},
		{Method: post, Pattern: "/register/risks/{id}/delete", Perm: edit, Handler: s.regRiskDelete, IDKind: "risk"},
		{Method: post, Pattern: "/register/risks/{id}/treatments", Perm: edit, Handler: s.regTreatmentCreate, IDKind: "risk"},
		{Method: post, Pattern: "/register/treatments/{id}/done", Perm: edit, Handler: s.regTreatmentDone, IDKind: "treatment"},
		{Method: get, Pattern: "/register/threats", Perm: view, Handler: s.regThreats},
		{Method: post, Pattern: "/register/threats", Perm: manage, Handler: s.regThreatCreate},
		{Method: get, Pattern: "/register/matrix", Perm: matrix, Handler: s.regMatrix},
		{Method: post, Pattern: "/register/matrix", Perm: matrix, Handler: s.regMatrixSave},
		{Method: post, Pattern: "/register/matrix/reset", Perm: matrix, Handler: s.regMatrixReset},

		// Spreadsheet import
		{Method: get, Pattern: "/register/import", Perm: manage, Handler: s.regImport},
		{Method: post, Pattern: "/register/import", Perm: manage, Handler: s.regImportUpload, MaxBody: regUploadMax + 1<<20},
		{Method: get, Pattern: "/register/import/{id}", Perm: manage, Handler: s.regImportJob, IDKind: "import"},
		{Method: get, Pattern: "/register/import/{id}/progress", Perm: manage, Handler: s.regImportProgress, IDKind: "import"},
		{Method: post, Pattern: "/register/import/{id}/check", Perm: manage, Handler: s.regImportCheck, IDKind: "import"},
		{Method: post, Pattern: "/register/import/{id}/run", Perm: manage, Handler: s.regImportRun, IDKind: "import"},

		// Contacts: owners without an account, and their invitation
		{Method: get, Pattern: "/register/contacts", Perm: manage, Handler: s.regContacts},
		{Method: post, Pattern: "/register/contacts", Perm: manage, Handler: s.regContactCreate},
		{Method: post, Pattern: "/register/contacts/{id}/invite", Perm: manage, Handler: s.regContactInvite, IDKind: "contact"},

		// Sharing with the centre, and the centre's view
		{Method: get, Pattern: "/register/sharing", Perm: manage, Handler: s.regSharing},
		{Method: post, Pattern: "/register/sharing", Perm: manage, Handler: s.regSharingSave},
		{Method: get, Pattern: "/centre/register", Perm: shared, Handler: s.regCentre},
		{Method: get, Pattern: "/centre/register/{id}", Perm: shared, Handler: s.regCentreMember, IDKind: "member"},
		{Method: get, Pattern: "/centre/register/systems/{id}", Perm: shared, Handler: s.regCentreSystem, IDKind: "sharedsystem"},
	}
}
