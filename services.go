package vaern

import "time"

// The services module (issue 15, items 4 and 5): the centre's service catalogue and which members
// subscribe, the onboarding checklist for new coordinators, the handover page for one who leaves,
// and the mapping of members' IT structure (docs/services.md).

// Texts3 is a text written in Danish, Norwegian bokmål and English.
type Texts3 struct{ Da, Nb, En string }

// In returns the text in lang, falling back to English, then Danish, then Norwegian.
func (t Texts3) In(lang string) string {
	switch {
	case lang == "da" && t.Da != "":
		return t.Da
	case lang == "nb" && t.Nb != "":
		return t.Nb
	case t.En != "":
		return t.En
	case t.Da != "":
		return t.Da
	}
	return t.Nb
}

// Service statuses.
const (
	ServiceOffered = "offered"
	ServiceRetired = "retired" // kept for its history; no new subscriptions
)

// Service is one of the centre's services.
type Service struct {
	ID           int64
	CentreID     int64
	Name         Texts3
	Description  Texts3
	ServiceLevel string // e.g. "24/7, response within 1 hour"
	PriceModel   string // e.g. "included in the membership", "per inhabitant"
	Contact      string // an address or a team
	Status       string // ServiceOffered or ServiceRetired
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// Active and Pending count the service's subscriptions (lists only).
	Active, Pending int
}

// Subscription statuses: a member requests, the centre approves (active) or declines; an active
// subscription's end is requested by the member (ending) and confirmed by the centre (ended).
const (
	SubRequested = "requested"
	SubActive    = "active"
	SubEnding    = "ending"
	SubEnded     = "ended"
	SubDeclined  = "declined"
)

// Subscription is one member's use of one service, from its request to its end.
type Subscription struct {
	ID           int64
	ServiceID    int64
	Service      Texts3 // the service's name
	OrgID        int64
	OrgName      string
	Status       string
	RequestNote  string
	RequestedBy  int64
	RequestedAt  time.Time
	DecisionNote string
	DecidedBy    int64
	DecidedAt    time.Time
	Since        time.Time // when it became active
	EndedAt      time.Time
}

// Live reports whether the subscription is requested or in force.
func (s Subscription) Live() bool {
	return s.Status == SubRequested || s.Status == SubActive || s.Status == SubEnding
}

// Automatic onboarding checks: facts Værn can see itself. An item with one of these is done
// when the fact holds, computed each time, never stored.
const (
	CheckUnits          = "units"           // the member has units
	CheckSystems        = "systems"         // the register has systems
	CheckTwoFactor      = "twofactor"       // every coordinator signs in with a second factor
	CheckTwoFactorOrg   = "twofactor_org"   // the member requires two-factor sign-in
	CheckColleagues     = "colleagues"      // someone besides the coordinators is in, or invited
	CheckWarnings       = "warnings"        // a person chose how to hear about warnings
	CheckRegisterImport = "register_import" // a register import was completed
	CheckSSO            = "sso"             // an identity provider is configured
)

// OnboardingChecks lists the automatic checks in the order forms show them.
var OnboardingChecks = []string{CheckUnits, CheckSystems, CheckTwoFactor, CheckTwoFactorOrg, CheckColleagues,
	CheckWarnings, CheckRegisterImport, CheckSSO}

// OnboardingItem is one item of the centre's checklist.
type OnboardingItem struct {
	ID          int64
	CentreID    int64
	Position    int
	Title       Texts3
	Description Texts3
	Link        string // optional: a path in Værn or an https URL
	Check       string // one of OnboardingChecks, or "": ticked by hand
}

// OnboardingFacts are what Værn sees of a member for the automatic checks.
type OnboardingFacts struct {
	OrgID           int64
	OrgName         string
	Units           int
	Systems         int
	Coordinators    int
	Coordinators2FA int // coordinators with a second factor: a TOTP app, or a passkey (which also signs in alone)
	Require2FA      bool
	Others          int // people besides the coordinators, and open invitations
	WarningPrefs    int // people with a notification preference for warnings
	Imports         int // completed register imports
	Providers       int // identity providers
}

// OnboardingTick is an item a member ticked by hand.
type OnboardingTick struct {
	ItemID int64
	OrgID  int64
	By     int64
	ByName string
	At     time.Time
}

// OnboardingStatus is one item as one member stands with it.
type OnboardingStatus struct {
	Item OnboardingItem
	Done bool
	Auto bool            // computed from the facts
	Tick *OnboardingTick // who ticked it by hand, and when
}

// Handover is what one person of a member has open, for a successor to take over.
type Handover struct {
	Actions     []HandoverRow // results action-plan tasks they own, not done
	Treatments  []HandoverRow // risk treatments they own, not done
	Tasks       []HandoverRow // incident tasks they own, not done
	Delegations []HandoverRow // baseline questions delegated to them in rounds still open
	Cases       []HandoverRow // open incidents they handle
	Systems     []HandoverRow // systems they own as system or data owner
	Exposures   []HandoverRow // open exposures on the systems they own (they follow the systems)
}

// HandoverRow is one open thing in a handover.
type HandoverRow struct {
	ID    int64
	Title string
	Path  string // where it is shown
	Note  string // e.g. "data owner", a due date
	// A delegation's scope (DelegateQuestion, DelegateArea, DelegateDepartment) and its question or
	// focus area id: the page names it from the framework in the reader's language; Title holds the
	// bare id for anything that cannot.
	Scope, Ref string
}

// Total is how many things the handover moves.
func (h Handover) Total() int {
	return len(h.Actions) + len(h.Treatments) + len(h.Tasks) + len(h.Delegations) + len(h.Cases) + len(h.Systems)
}

// Mapping is a member's answers to a mapping framework and whether it shares them with the centre.
type Mapping struct {
	ID          int64
	OrgID       int64
	OrgName     string
	FrameworkID int64
	Shared      bool
	SharedAt    time.Time
	SharedBy    int64
	UpdatedAt   time.Time
	Answers     map[string]MappingAnswer // by question id
}

// MappingAnswer is one answer of a mapping.
type MappingAnswer struct {
	QuestionID string
	Value      string
	By         int64
	At         time.Time
}
