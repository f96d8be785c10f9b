// Package notify is the one way Værn tells a person something: the kinds of notification, who
// gets each, and the texts, in the recipient's language. A notification is written in the
// transaction of what caused it; its e-mail goes through the outbox at once, in the daily digest
// or not at all, as the person chose (legal deadlines cannot be switched off), and the member's
// webhooks receive the event as signed JSON.
package notify

import (
	"time"
	_ "time/tzdata" // deadlines are Copenhagen dates, also on servers without a zoneinfo database

	"github.com/vaern/vaern"
)

// Kind is one kind of notification.
type Kind struct {
	Name   string
	Module string // the module it belongs to, for grouping the preferences
	// Legal kinds are deadlines set by law: their e-mail cannot be switched off.
	Legal bool
	// Perm is what a person must be allowed to do to be told: someone who cannot act on the
	// notice (a viewer, for a delegated question) is not bothered with it.
	Perm vaern.Permission
	// Default is the e-mail mode until the person chooses one (empty: at once).
	Default string
}

// The kinds.
const (
	RoundOpened    = "baseline.round_opened"
	RoundDeadline  = "baseline.deadline"
	Delegated      = "baseline.delegated"
	AnswerReturned = "baseline.answer_returned"
	AnswerApproved = "baseline.answer_approved"
	ActionOwner    = "results.action_owner"
	RiskReview     = "register.risk_review"
	DPAReview      = "register.dpa_review"
	// Warnings (issue 12).
	WarningExposure = "warnings.exposure" // an exact match: the system owner is warned
	WarningConfirm  = "warnings.confirm"  // a match by name: the owner is asked to confirm
	WarningClosed   = "warnings.closed"   // an exposure closed by Værn (withdrawn, fixed, out of range)
	WarningStatus   = "warnings.status"   // a person answered an exposure
	WarningOverdue  = "warnings.overdue"  // an open exposure is past its due date: the coordinators

	IncidentReported = "incident.reported" // a member's person reported an incident
	IncidentCentre   = "incident.centre"   // a member reported a case to the centre
	IncidentDeadline = "incident.deadline" // a legal deadline (NIS2, GDPR, NSM) is near
	IncidentOverdue  = "incident.overdue"  // a legal deadline has passed
	IncidentSLA      = "incident.sla"      // a deadline of the centre's own regimes is near or past

	ServiceRequest  = "services.request"  // a member asked for a service, or to end one: the centre's admins
	ServiceDecision = "services.decision" // the centre approved or declined: the member's coordinators

	// Sensors (issue 14): correlation's early warnings.
	EarlyWarning       = "sensor.early_warning"        // the centre: k members saw an indicator within the window
	EarlyWarningMember = "sensor.early_warning_member" // a member: an indicator its sensors saw was seen by others too
	// A member: the centre published an advisory drafted from an early warning and addressed to it.
	EarlyWarningAdvisory = "sensor.early_warning_advisory"

	KnowledgePost  = "knowledge.post"  // a new post or thread in a topic the person follows
	KnowledgeReply = "knowledge.reply" // a comment on one's post, a reply in one's thread or a followed topic
	// The centre hid, showed again or deleted one's post, thread, comment or reply, with its reason.
	KnowledgeModerated = "knowledge.moderated"
)

// Kinds lists every kind, in the order the preferences page shows them.
var Kinds = []Kind{
	{Name: RoundOpened, Module: "baseline", Perm: vaern.PermBaselineManage},
	{Name: RoundDeadline, Module: "baseline", Perm: vaern.PermBaselineAnswer},
	{Name: Delegated, Module: "baseline", Perm: vaern.PermBaselineAnswer},
	{Name: AnswerReturned, Module: "baseline", Perm: vaern.PermBaselineAnswer},
	{Name: AnswerApproved, Module: "baseline", Perm: vaern.PermBaselineAnswer},
	{Name: ActionOwner, Module: "results", Perm: vaern.PermReportsView},
	{Name: RiskReview, Module: "register", Perm: vaern.PermEditRegister},
	// A data-processing agreement must be kept and its processor supervised (GDPR art. 28): the
	// review date is a legal duty, so its reminder cannot be switched off.
	{Name: DPAReview, Module: "register", Legal: true, Perm: vaern.PermEditRegister},
	{Name: WarningExposure, Module: "warnings", Perm: vaern.PermWarningsAct},
	{Name: WarningConfirm, Module: "warnings", Perm: vaern.PermWarningsAct},
	{Name: WarningClosed, Module: "warnings", Perm: vaern.PermWarningsAct},
	{Name: WarningStatus, Module: "warnings", Perm: vaern.PermWarningsView},
	{Name: WarningOverdue, Module: "warnings", Perm: vaern.PermWarningsAct},
	{Name: IncidentReported, Module: "incidents", Perm: vaern.PermIncidentManage},
	{Name: IncidentCentre, Module: "incidents", Perm: vaern.PermIncidentCentre},
	// NIS2 art. 23, GDPR art. 33 and the Norwegian act set these deadlines by law: their reminders
	// and the escalation cannot be switched off. The centre's own SLAs can.
	{Name: IncidentDeadline, Module: "incidents", Legal: true, Perm: vaern.PermIncidentManage},
	{Name: IncidentOverdue, Module: "incidents", Legal: true, Perm: vaern.PermIncidentManage},
	{Name: IncidentSLA, Module: "incidents", Perm: vaern.PermIncidentManage},
	{Name: ServiceRequest, Module: "services", Perm: vaern.PermServicesManage},
	{Name: ServiceDecision, Module: "services", Perm: vaern.PermServicesRequest},
	{Name: EarlyWarning, Module: "sensors", Perm: vaern.PermSensorsCentre},
	{Name: EarlyWarningMember, Module: "sensors", Perm: vaern.PermSensorsManage},
	{Name: EarlyWarningAdvisory, Module: "sensors", Perm: vaern.PermWarningsView},
	// The network's conversation comes in the daily digest unless the person wants it at once.
	{Name: KnowledgePost, Module: "knowledge", Perm: vaern.PermKnowledgeView, Default: vaern.NotifyDigest},
	{Name: KnowledgeReply, Module: "knowledge", Perm: vaern.PermKnowledgeView, Default: vaern.NotifyDigest},
	{Name: KnowledgeModerated, Module: "knowledge", Perm: vaern.PermKnowledgeView},
}

// Lookup returns the kind named name.
func Lookup(name string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Name == name {
			return k, true
		}
	}
	return Kind{}, false
}

// IsLegal reports whether kind name is a legal deadline.
func IsLegal(name string) bool {
	k, ok := Lookup(name)
	return ok && k.Legal
}

// For lists the kinds a person with role r can receive (the preferences they can set).
func For(r vaern.Role) []Kind {
	var out []Kind
	for _, k := range Kinds {
		if vaern.Can(r, k.Perm) {
			out = append(out, k)
		}
	}
	return out
}

// Mode is how a notification's e-mail goes, given the person's choice: a legal deadline is always
// sent, at once when they chose off; a person without an address or disabled gets no e-mail.
func Mode(k Kind, chosen string, r vaern.Recipient) string {
	if r.Disabled || r.Email == "" {
		return vaern.NotifyOff
	}
	if chosen == "" {
		chosen = k.Default
	}
	switch chosen {
	case vaern.NotifyImmediate, vaern.NotifyDigest:
		return chosen
	case vaern.NotifyOff:
		if k.Legal {
			return vaern.NotifyImmediate
		}
		return vaern.NotifyOff
	}
	return vaern.NotifyImmediate
}

// Zone is where dates in texts are meant: Værn's deadlines are Danish and Norwegian calendar days
// (Oslo keeps Copenhagen's time).
var Zone = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		panic(err) // cannot happen with time/tzdata linked in
	}
	return loc
}()
