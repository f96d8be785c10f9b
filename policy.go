package vaern

// Role is what a user may do within one organisation.
type Role string

const (
	RoleCentreAdmin   Role = "centre-admin"
	RoleCentreAnalyst Role = "centre-analyst"
	RoleCoordinator   Role = "coordinator"
	RoleRespondent    Role = "respondent"
	RoleViewer        Role = "viewer"
)

// Roles lists every role, centre roles first.
var Roles = []Role{RoleCentreAdmin, RoleCentreAnalyst, RoleCoordinator, RoleRespondent, RoleViewer}

// CentreRoles and MemberRoles are the roles that fit each kind of organisation.
var (
	CentreRoles = []Role{RoleCentreAdmin, RoleCentreAnalyst}
	MemberRoles = []Role{RoleCoordinator, RoleRespondent, RoleViewer}
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// IsCentre reports whether r belongs to the centre.
func (r Role) IsCentre() bool { return r == RoleCentreAdmin || r == RoleCentreAnalyst }

// FitsOrg reports whether r may be given in an organisation of kind k.
func (r Role) FitsOrg(k OrgKind) bool {
	if k == OrgCentre {
		return r.IsCentre()
	}
	return r.Valid() && !r.IsCentre()
}

// Permission names an action guarded by the policy. Every route names the permission it needs.
type Permission string

const (
	PermPublic        Permission = ""               // anyone, signed in or not
	PermSignedIn      Permission = "signed-in"      // any signed-in user
	PermViewOrg       Permission = "org.view"       // read one's own organisation, units and people
	PermManageUnits   Permission = "org.units"      // create, rename, move, delete units
	PermManageUsers   Permission = "org.users"      // invite users, change roles, remove, reset 2FA
	PermManageOrg     Permission = "org.settings"   // organisation settings (e.g. require 2FA)
	PermViewAudit     Permission = "org.audit"      // read the organisation's audit log
	PermViewMembers   Permission = "centre.members" // list members and their public facts
	PermManageMembers Permission = "centre.members.manage"

	PermBaselineView   Permission = "baseline.view"   // read the own organisation's assessments, answers and scores
	PermBaselineAnswer Permission = "baseline.answer" // answer questions (respondents: those delegated to them)
	PermBaselineManage Permission = "baseline.manage" // delegate, approve or return answers, submit
	PermFrameworks     Permission = "centre.frameworks"
	PermRounds         Permission = "centre.rounds"      // open, close and reopen rounds
	PermRoundsView     Permission = "centre.rounds.view" // see rounds and who has submitted (never answers)

	// The system and risk register.
	PermViewRegister Permission = "register.view" // read one's own register, risks and overviews
	// PermEditRegister lets a coordinator change every system, and a respondent the systems they
	// own as system owner or data owner: the ownership check is in the handlers and the store.
	PermEditRegister       Permission = "register.edit"
	PermManageRegister     Permission = "register.manage" // create, delete and import systems; sharing with the centre
	PermManageRiskMatrix   Permission = "register.matrix" // the centre's reference matrix, or a member's own
	PermViewSharedRegister Permission = "register.shared" // the centre reads what members share of their registers

	// Results: reports, benchmarks, action plans and the national report.
	PermReportsView   Permission = "reports.view"     // the own organisation's reports, benchmark position and exports
	PermActionsManage Permission = "reports.actions"  // turn recommendations into tasks and follow them up
	PermNationalView  Permission = "reports.national" // the centre's national report: anonymous aggregates only

	// PermJobs: the installation's background jobs (queued, running, failed), retry and cancel.
	PermJobs Permission = "centre.jobs"

	// PermManageWebhooks lets a member's coordinator register webhooks that receive the member's
	// notifications, and read their delivery log.
	PermManageWebhooks Permission = "notify.webhooks"

	// Warnings: a member's exposures to advisories, and the centre's advisories.
	PermWarningsView Permission = "warnings.view" // read the own member's warnings and the advisories addressed to it
	// PermWarningsAct lets a coordinator answer every exposure of the member and a respondent those
	// of the systems they own (acknowledge, mitigated, patched, not affected, risk accepted): the
	// ownership check is in the store.
	PermWarningsAct      Permission = "warnings.act"
	PermAdvisoriesView   Permission = "centre.advisories.view" // the centre reads advisories and the sector's exposure counts
	PermAdvisoriesManage Permission = "centre.advisories"      // write, import, publish, revise, withdraw advisories; triage; feeds

	// Incidents. The store decides which cases a role that holds these sees: a member its own, the
	// centre those reported to it (never their internal entries).
	PermIncidentView     Permission = "incidents.view"     // read cases, their clocks and pre-filled reports
	PermIncidentReport   Permission = "incidents.report"   // report a new incident
	PermIncidentWork     Permission = "incidents.work"     // add to a case's timeline (the centre: to a reported case)
	PermIncidentManage   Permission = "incidents.manage"   // handle the member's case: status, tasks, regimes, reports, closing
	PermIncidentCentre   Permission = "incidents.centre"   // the centre's queue of reported cases, lessons to publish
	PermIncidentSettings Permission = "incidents.settings" // the centre's regimes, lengths and reminder points

	// PermManageSSO lets a member's coordinator, or the centre's admin for the centre, manage the
	// organisation's own identity providers and how its people must sign in (docs/sso.md).
	PermManageSSO Permission = "org.sso"

	// Sensors and early warning (issue 14).
	PermSensorsView   Permission = "sensors.view"   // the own member's sensors, their health and alerts, early warnings that concern it
	PermSensorsManage Permission = "sensors.manage" // register and revoke sensors, tokens, pseudonymisation settings
	PermSensorsCentre Permission = "centre.sensors" // the centre's early warnings, timelines and alert counts (pseudonyms only)
	// The indicator store: everyone sees what TLP and audience allow; analysts curate it.
	PermIndicatorsView   Permission = "indicators.view"
	PermIndicatorsManage Permission = "centre.indicators" // add, import, expire indicators; warninglists

	// Knowledge sharing, the forum, onboarding and the service catalogue (issue 15).
	PermKnowledgeView   Permission = "knowledge.view"    // read posts, documents, the forum and search, as TLP and audience allow
	PermKnowledgeWrite  Permission = "knowledge.write"   // write posts (members' coordinators only where the centre allows it)
	PermForumPost       Permission = "forum.post"        // start threads and reply in the coordinators' network
	PermKnowledgeManage Permission = "centre.knowledge"  // topics, moderation, which members may author
	PermServicesView    Permission = "services.view"     // the centre's service catalogue and the own subscriptions
	PermServicesRequest Permission = "services.request"  // request or end a subscription
	PermServicesManage  Permission = "centre.services"   // the catalogue, approving subscriptions
	PermOnboarding      Permission = "onboarding"        // the new coordinator's checklist and the handover page
	PermOnboardingSetup Permission = "centre.onboarding" // the centre's checklist
	PermMappingCentre   Permission = "centre.mapping"    // read the IT-structure mappings members share, across members
)

// grants is the one place that says which role holds which permission.
var grants = map[Permission][]Role{
	PermSignedIn:      Roles,
	PermViewOrg:       Roles,
	PermManageUnits:   {RoleCentreAdmin, RoleCoordinator},
	PermManageUsers:   {RoleCentreAdmin, RoleCoordinator},
	PermManageOrg:     {RoleCentreAdmin, RoleCoordinator},
	PermViewAudit:     {RoleCentreAdmin, RoleCoordinator},
	PermViewMembers:   {RoleCentreAdmin, RoleCentreAnalyst},
	PermManageMembers: {RoleCentreAdmin},
	// The centre never reads a member's answers: baseline views are for the member's own roles.
	PermBaselineView:   {RoleCoordinator, RoleRespondent, RoleViewer},
	PermBaselineAnswer: {RoleCoordinator, RoleRespondent},
	PermBaselineManage: {RoleCoordinator},
	PermFrameworks:     {RoleCentreAdmin},
	PermRounds:         {RoleCentreAdmin},
	PermRoundsView:     {RoleCentreAdmin, RoleCentreAnalyst},
	// The register: the member's own roles; the centre sees only what a member shares.
	PermViewRegister:       {RoleCoordinator, RoleRespondent, RoleViewer},
	PermEditRegister:       {RoleCoordinator, RoleRespondent},
	PermManageRegister:     {RoleCoordinator},
	PermManageRiskMatrix:   {RoleCentreAdmin, RoleCoordinator},
	PermViewSharedRegister: {RoleCentreAdmin, RoleCentreAnalyst},
	// Results: a member's reports are the member's own; the centre sees aggregates only.
	PermReportsView:   {RoleCoordinator, RoleRespondent, RoleViewer},
	PermActionsManage: {RoleCoordinator},
	PermNationalView:  {RoleCentreAdmin, RoleCentreAnalyst},
	PermJobs:          {RoleCentreAdmin},
	// A member's events are the member's own: the centre registers no webhooks for them.
	PermManageWebhooks: {RoleCoordinator},
	// Warnings: exposures are the member's own; the centre sees counts, and details of members
	// that share them. Advisories are the analysts' work.
	PermWarningsView:     {RoleCoordinator, RoleRespondent, RoleViewer},
	PermWarningsAct:      {RoleCoordinator, RoleRespondent},
	PermAdvisoriesView:   {RoleCentreAdmin, RoleCentreAnalyst},
	PermAdvisoriesManage: {RoleCentreAnalyst},
	// Every person of a member may see and report its incidents; the coordinator handles them.
	PermIncidentView:     Roles,
	PermIncidentReport:   {RoleCoordinator, RoleRespondent},
	PermIncidentWork:     {RoleCoordinator, RoleRespondent, RoleCentreAnalyst},
	PermIncidentManage:   {RoleCoordinator},
	PermIncidentCentre:   {RoleCentreAdmin, RoleCentreAnalyst},
	PermIncidentSettings: {RoleCentreAdmin},
	// Each organisation its own identity providers: the centre manages none of a member's.
	PermManageSSO: {RoleCentreAdmin, RoleCoordinator},
	// A member's alerts are the member's own; the centre sees pseudonymised alerts and correlations.
	PermSensorsView:      {RoleCoordinator, RoleRespondent, RoleViewer},
	PermSensorsManage:    {RoleCoordinator},
	PermSensorsCentre:    {RoleCentreAdmin, RoleCentreAnalyst},
	PermIndicatorsView:   Roles,
	PermIndicatorsManage: {RoleCentreAnalyst},
	PermKnowledgeView:    Roles,
	PermKnowledgeWrite:   {RoleCentreAnalyst, RoleCoordinator},
	PermForumPost:        {RoleCentreAdmin, RoleCentreAnalyst, RoleCoordinator},
	PermKnowledgeManage:  {RoleCentreAdmin, RoleCentreAnalyst},
	PermServicesView:     Roles,
	PermServicesRequest:  {RoleCoordinator},
	PermServicesManage:   {RoleCentreAdmin},
	PermOnboarding:       {RoleCoordinator},
	PermOnboardingSetup:  {RoleCentreAdmin},
	PermMappingCentre:    {RoleCentreAdmin, RoleCentreAnalyst},
}

// Can reports whether role r holds permission p.
func Can(r Role, p Permission) bool {
	if p == PermPublic {
		return true
	}
	for _, x := range grants[p] {
		if x == r {
			return true
		}
	}
	return false
}

// Permissions lists every guarded permission (for tests and documentation).
func Permissions() []Permission {
	return []Permission{PermSignedIn, PermViewOrg, PermManageUnits, PermManageUsers, PermManageOrg,
		PermViewAudit, PermViewMembers, PermManageMembers, PermBaselineView, PermBaselineAnswer, PermBaselineManage,
		PermFrameworks, PermRounds, PermRoundsView,
		PermViewRegister, PermEditRegister, PermManageRegister, PermManageRiskMatrix, PermViewSharedRegister,
		PermReportsView, PermActionsManage, PermNationalView, PermJobs, PermManageWebhooks,
		PermWarningsView, PermWarningsAct, PermAdvisoriesView, PermAdvisoriesManage,
		PermIncidentView, PermIncidentReport, PermIncidentWork, PermIncidentManage, PermIncidentCentre, PermIncidentSettings, PermManageSSO,
		PermSensorsView, PermSensorsManage, PermSensorsCentre, PermIndicatorsView, PermIndicatorsManage,
		PermKnowledgeView, PermKnowledgeWrite, PermForumPost, PermKnowledgeManage,
		PermServicesView, PermServicesRequest, PermServicesManage, PermOnboarding, PermOnboardingSetup, PermMappingCentre}
}

// CanGrant reports whether an actor with role actor may give role target in an organisation of kind k.
// Coordinators hand out member roles; centre admins hand out centre roles in the centre.
func CanGrant(actor Role, k OrgKind, target Role) bool {
	if !target.FitsOrg(k) {
		return false
	}
	switch actor {
	case RoleCentreAdmin:
		// The centre onboards a new member by inviting its first coordinator.
		return k == OrgCentre || target == RoleCoordinator
	case RoleCoordinator:
		return k == OrgMember
	}
	return false
}
