package web

import (
	"net/http"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/httpx"
)

// htmlRoutes is the table of every HTML route: the platform's below, each module's in its own
// routes_MODULE.go. The JSON API's table is in internal/api; New mounts them all, and the
// authorization test walks every one.
func (s *Server) htmlRoutes() []httpx.Route {
	var out []httpx.Route
	out = append(out, s.platformRoutes()...)
	for _, module := range s.moduleRoutes() {
		out = append(out, module...)
	}
	return out
}

// moduleRoutes lists the modules' route tables.
func (s *Server) moduleRoutes() [][]httpx.Route {
	return [][]httpx.Route{s.baselineRoutes(), s.baselineCentreRoutes(), s.registerRoutes(), s.resultsRoutes(), s.jobsRoutes(), s.notifyRoutes(), s.warningsRoutes(), s.incidentRoutes(), s.indicatorRoutes(), s.ssoRoutes(), s.servicesRoutes(),
		s.sensorRoutes(), s.correlateRoutes(), s.knowledgeRoutes()}
}

// platformRoutes are sign-in, account, organisation and centre administration.
func (s *Server) platformRoutes() []httpx.Route {
	const (
		get  = http.MethodGet
		post = http.MethodPost
	)
	pub, in := vaern.PermPublic, vaern.PermSignedIn
	return []httpx.Route{
		// Operations
		{Method: get, Pattern: "/healthz", Handler: s.healthz, NoSession: true},
		{Method: get, Pattern: "/readyz", Handler: s.readyz, NoSession: true},
		{Method: get, Pattern: "/metrics", Handler: s.metricsPublic, NoSession: true},
		{Method: get, Pattern: "/static/{name}", Handler: s.serveStatic, NoSession: true},

		// Signing in and out
		{Method: get, Pattern: "/login", Perm: pub, Handler: s.loginForm},
		{Method: post, Pattern: "/login", Perm: pub, Handler: s.loginSubmit},
		{Method: get, Pattern: "/login/code", Perm: pub, Handler: s.loginCodeForm},
		{Method: post, Pattern: "/login/code", Perm: pub, Handler: s.loginCodeSubmit},
		{Method: post, Pattern: "/logout", Perm: pub, Handler: s.logout},
		{Method: post, Pattern: "/lang", Perm: pub, Handler: s.setLang},
		{Method: get, Pattern: "/password/forgot", Perm: pub, Handler: s.forgotForm},
		{Method: post, Pattern: "/password/forgot", Perm: pub, Handler: s.forgotSubmit},
		{Method: get, Pattern: "/password/reset/{token}", Perm: pub, Handler: s.resetForm},
		{Method: post, Pattern: "/password/reset/{token}", Perm: pub, Handler: s.resetSubmit},
		{Method: get, Pattern: "/invite/{token}", Perm: pub, Handler: s.inviteForm},
		{Method: post, Pattern: "/invite/{token}", Perm: pub, Handler: s.inviteSubmit},

		// Dashboard and one's own account
		{Method: get, Pattern: "/{$}", Perm: vaern.PermViewOrg, Handler: s.dashboard},
		{Method: get, Pattern: "/account", Perm: in, Handler: s.account},
		{Method: post, Pattern: "/account/profile", Perm: in, Handler: s.accountProfile},
		{Method: post, Pattern: "/account/password", Perm: in, Handler: s.accountPassword},
		{Method: post, Pattern: "/account/org", Perm: in, Handler: s.accountSwitchOrg},
		{Method: post, Pattern: "/account/sign-out-everywhere", Perm: in, Handler: s.accountSignOutEverywhere},
		{Method: get, Pattern: "/account/2fa", Perm: in, Handler: s.twoFactor},
		{Method: post, Pattern: "/account/2fa/start", Perm: in, Handler: s.twoFactorStart},
		{Method: post, Pattern: "/account/2fa/enable", Perm: in, Handler: s.twoFactorEnable},
		{Method: post, Pattern: "/account/2fa/disable", Perm: in, Handler: s.twoFactorDisable},
		{Method: get, Pattern: "/account/tokens", Perm: in, Handler: s.tokens},
		{Method: post, Pattern: "/account/tokens", Perm: in, Handler: s.tokenCreate},
		{Method: post, Pattern: "/account/tokens/{id}/revoke", Perm: in, Handler: s.tokenRevoke, IDKind: "token"},

		// The organisation: units, people, settings, audit log
		{Method: get, Pattern: "/org/units", Perm: vaern.PermViewOrg, Handler: s.units},
		{Method: post, Pattern: "/org/units", Perm: vaern.PermManageUnits, Handler: s.unitCreate},
		{Method: get, Pattern: "/org/units/{id}", Perm: vaern.PermViewOrg, Handler: s.unit, IDKind: "unit"},
		{Method: post, Pattern: "/org/units/{id}", Perm: vaern.PermManageUnits, Handler: s.unitUpdate, IDKind: "unit"},
		{Method: post, Pattern: "/org/units/{id}/delete", Perm: vaern.PermManageUnits, Handler: s.unitDelete, IDKind: "unit"},
		{Method: get, Pattern: "/org/users", Perm: vaern.PermViewOrg, Handler: s.users},
		{Method: post, Pattern: "/org/users/invite", Perm: vaern.PermManageUsers, Handler: s.userInvite},
		{Method: get, Pattern: "/org/users/{id}", Perm: vaern.PermViewOrg, Handler: s.user, IDKind: "user"},
		{Method: post, Pattern: "/org/users/{id}/role", Perm: vaern.PermManageUsers, Handler: s.userRole, IDKind: "user"},
		{Method: post, Pattern: "/org/users/{id}/remove", Perm: vaern.PermManageUsers, Handler: s.userRemove, IDKind: "user"},
		{Method: post, Pattern: "/org/users/{id}/reset-2fa", Perm: vaern.PermManageUsers, Handler: s.userReset2FA, IDKind: "user"},
		{Method: get, Pattern: "/org/settings", Perm: vaern.PermManageOrg, Handler: s.settings},
		{Method: post, Pattern: "/org/settings", Perm: vaern.PermManageOrg, Handler: s.settingsSave},
		{Method: get, Pattern: "/org/audit", Perm: vaern.PermViewAudit, Handler: s.audit},
		{Method: get, Pattern: "/org/audit/export.csv", Perm: vaern.PermViewAudit, Handler: s.auditExport},

		// The centre: its members
		{Method: get, Pattern: "/centre/members", Perm: vaern.PermViewMembers, Handler: s.members},
		{Method: get, Pattern: "/centre/members/new", Perm: vaern.PermManageMembers, Handler: s.memberNew},
		{Method: post, Pattern: "/centre/members", Perm: vaern.PermManageMembers, Handler: s.memberCreate},
		{Method: get, Pattern: "/centre/members/{id}", Perm: vaern.PermViewMembers, Handler: s.member, IDKind: "member"},
		{Method: post, Pattern: "/centre/members/{id}", Perm: vaern.PermManageMembers, Handler: s.memberUpdate, IDKind: "member"},
		{Method: post, Pattern: "/centre/members/{id}/invite", Perm: vaern.PermManageMembers, Handler: s.memberInvite, IDKind: "member"},
		{Method: post, Pattern: "/centre/members/{id}/recovery", Perm: vaern.PermManageMembers, Handler: s.memberRecoveryStart, IDKind: "member"},
		{Method: post, Pattern: "/centre/members/{id}/recovery/invite", Perm: vaern.PermManageMembers, Handler: s.memberRecoveryInvite, IDKind: "member"},
		{Method: post, Pattern: "/centre/members/{id}/recovery/cancel", Perm: vaern.PermManageMembers, Handler: s.memberRecoveryCancel, IDKind: "member"},
		{Method: post, Pattern: "/org/recovery/cancel", Perm: vaern.PermManageUsers, Handler: s.orgRecoveryCancel},
		// The centre's own benchmark groups
		{Method: get, Pattern: "/centre/groups", Perm: vaern.PermViewMembers, Handler: s.groups},
		{Method: post, Pattern: "/centre/groups", Perm: vaern.PermManageMembers, Handler: s.groupSave},
		{Method: get, Pattern: "/centre/groups/{id}", Perm: vaern.PermViewMembers, Handler: s.groups, IDKind: "group"},
		{Method: post, Pattern: "/centre/groups/{id}", Perm: vaern.PermManageMembers, Handler: s.groupSave, IDKind: "group"},
		{Method: post, Pattern: "/centre/groups/{id}/delete", Perm: vaern.PermManageMembers, Handler: s.groupDelete, IDKind: "group"},
	}
}
