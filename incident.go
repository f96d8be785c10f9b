package vaern

import "time"

// IncidentStatus is where a case stands.
type IncidentStatus string

const (
	IncidentNew        IncidentStatus = "new"
	IncidentTriage     IncidentStatus = "triage"
	IncidentInProgress IncidentStatus = "in_progress"
	IncidentContained  IncidentStatus = "contained"
	IncidentResolved   IncidentStatus = "resolved"
	IncidentClosed     IncidentStatus = "closed"
)

// IncidentStatuses lists the statuses in the order a case moves through them.
var IncidentStatuses = []IncidentStatus{IncidentNew, IncidentTriage, IncidentInProgress, IncidentContained, IncidentResolved, IncidentClosed}

// Valid reports whether s is a known status.
func (s IncidentStatus) Valid() bool {
	for _, x := range IncidentStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// Open reports whether the case is still being handled (its clocks run).
func (s IncidentStatus) Open() bool { return s != IncidentResolved && s != IncidentClosed }

// Incident is one case: what a member reported and how it is handled.
type Incident struct {
	ID          int64
	OrgID       int64
	OrgName     string // read-only, joined
	Country     string // read-only: the member's country, which decides regimes and time zone
	Title       string
	Description string
	StartedAt   time.Time // zero when not known
	AwareAt     time.Time // the clocks run from here
	Status      IncidentStatus
	HandlerID   int64
	HandlerName string // read-only
	// Severity is 1 low, 2 medium, 3 high, 4 critical; 0 not assessed.
	Severity int
	// Cause is a key of the NIS Cooperation Group's root-cause categories (incident.Causes).
	Cause string
	// Classification is an RSIT / eCSIRT.net class and type, "class/type" (incident.Classes).
	Classification string
	PersonalData   bool
	PDCategories   int // bit set as for systems (PDOrdinary, PDSensitive, PDNationalID)
	PDCount        int // about how many people
	HighRisk       bool
	CrossBorder    bool
	Services       string // services affected, as the member describes them
	// Sector is the member's NIS2 sector for the case ("public_administration" by default).
	Sector string
	TLP    string // how the centre may pass the case on (data, not an access label)

	Reported   bool
	ReportedAt time.Time
	ReportedBy int64

	AckAt       time.Time // first moved out of "new"
	ContainedAt time.Time
	ResolvedAt  time.Time
	ClosedAt    time.Time
	CreatedBy   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// NextDue is the earliest deadline not yet met (zero: none), kept with the case for lists.
	NextDue time.Time

	Systems     []int64
	Units       []int64
	Observables []string // as given; the store keeps the parsed form in incident_observables
}

// IncidentFilter narrows a list of cases.
type IncidentFilter struct {
	Status string // a status, "open" (not resolved or closed) or "" for all
	Search string
	Limit  int
	Offset int
}

// AppliedRegime is a regime on a case: put there because it fits, or added or removed by hand
// with a reason.
type AppliedRegime struct {
	IncidentID int64
	Regime     string
	Auto       bool // applied because the case fits the regime's conditions
	Removed    bool
	Reason     string
	ByID       int64
	At         time.Time
	// RequestedAt is when the authority asked for an intermediate report (steps "on request").
	RequestedAt time.Time
}

// Deadline statuses.
const (
	DeadlineOpen      = "open"      // running
	DeadlineOverdue   = "overdue"   // past due, not submitted
	DeadlineSubmitted = "submitted" // done
	DeadlineWaiting   = "waiting"   // its trigger has not happened yet (on request, end of handling)
)

// Deadline is one step of a regime on one case.
type Deadline struct {
	IncidentID int64
	Regime     string
	Step       string
	DueAt      time.Time // zero while waiting
	Status     string
	Submitted  time.Time
	Legal      bool // set by law (a reminder cannot be switched off); false for the centre's own SLAs
}

// IncidentEntry is one line of a case's timeline.
type IncidentEntry struct {
	ID         int64
	IncidentID int64
	OrgID      int64 // who wrote it: the member or the centre
	AuthorID   int64
	AuthorName string
	At         time.Time
	Text       string
	Internal   bool // for the member only: never reaches the centre
	FileName   string
	FileType   string
	File       []byte // only when the attachment is read
	FileSize   int
}

// IncidentTask is something to do on a case.
type IncidentTask struct {
	ID         int64
	IncidentID int64
	Title      string
	OwnerID    int64
	OwnerName  string
	Due        time.Time
	Done       bool
	DoneAt     time.Time
	CreatedAt  time.Time
}

// IncidentLink joins two cases of the same member.
type IncidentLink struct {
	IncidentID int64
	OtherID    int64
	OtherTitle string
	Note       string
}

// IncidentReport is a report submitted to an authority, as recorded on the case.
type IncidentReport struct {
	ID          int64
	IncidentID  int64
	Regime      string
	Step        string
	SubmittedAt time.Time
	ByID        int64
	ByName      string
	Reference   string // the authority's reference (journal number, case number)
}

// Lesson is the review at closing; the centre may publish an anonymised version.
type Lesson struct {
	IncidentID  int64
	OrgID       int64
	WentWell    string
	WentBadly   string
	Actions     string
	WrittenBy   int64
	WrittenAt   time.Time
	Published   bool
	PublishedAt time.Time
	// PublicTitle and PublicText are the anonymised version the centre published.
	PublicTitle string
	PublicText  string
}

// Indicator is an observable shared with a TLP label and an audience (the indicator store that
// the sensors module reuses).
type Indicator struct {
	ID         int64
	OrgID      int64 // who shared it
	Type       string
	Value      string
	Source     string // "incident", "sensor", "feed", "manual"
	SourceID   int64  // e.g. the incident's id
	Confidence int    // 0-100
	FirstSeen  time.Time
	LastSeen   time.Time
	ExpiresAt  time.Time // zero: does not expire
	TLP        string
	Audience   string // audience kind (access.Kind)
	CreatedBy  int64
	CreatedAt  time.Time
	// The indicator store's own fields (issue 14, migration 0017).
	Description string
	Category    string // what it is evidence of: c2, phishing, malware, scanning, exploit, other
	ExternalID  string // the STIX id or MISP attribute uuid it was imported from
	UpdatedAt   time.Time
}

// IndicatorCategories are the categories an analyst files an indicator under.
var IndicatorCategories = []string{"c2", "phishing", "malware", "scanning", "exploit", "other"}

// Observable is one parsed observable of a case.
type Observable struct {
	ID          int64
	IncidentID  int64
	Type        string
	Value       string
	IndicatorID int64 // set when shared as an indicator
}
