package vaern

import (
	"strings"
	"time"
)

// Hosting says who runs a system.
type Hosting string

const (
	HostingOwn      Hosting = "own"      // the member's own operation
	HostingShared   Hosting = "shared"   // an inter-municipal IT cooperation
	HostingSupplier Hosting = "supplier" // operated by the supplier
	HostingSaaS     Hosting = "saas"     // software as a service
)

// Hostings lists the hosting forms in the order they are offered.
var Hostings = []Hosting{HostingOwn, HostingShared, HostingSupplier, HostingSaaS}

// DPAStatus is the state of a system's data-processing agreement.
type DPAStatus string

const (
	DPANotNeeded  DPAStatus = "not_needed" // no processor handles personal data
	DPAMissing    DPAStatus = "missing"
	DPAInProgress DPAStatus = "in_progress"
	DPASigned     DPAStatus = "signed"
	DPAExpired    DPAStatus = "expired"
)

// DPAStatuses lists the statuses in the order they are offered.
var DPAStatuses = []DPAStatus{DPANotNeeded, DPAMissing, DPAInProgress, DPASigned, DPAExpired}

// Personal-data categories form a bit set; 0 means the system holds no personal data.
const (
	PDOrdinary   = 1 // ordinary personal data (GDPR art. 6)
	PDSensitive  = 2 // special categories (GDPR art. 9)
	PDNationalID = 4 // CPR / fødselsnummer
)

// PDCategories names the bits, in order.
var PDCategories = []struct {
	Bit int
	Key string
}{{PDOrdinary, "ordinary"}, {PDSensitive, "sensitive"}, {PDNationalID, "national_id"}}

// Criticality levels for confidentiality, integrity and availability; 0 is not assessed.
const (
	CritLow      = 1
	CritMedium   = 2
	CritHigh     = 3
	CritVeryHigh = 4
)

// RegisterSharing is what a member lets the centre see of its register.
type RegisterSharing string

const (
	ShareNothing RegisterSharing = "nothing"
	ShareCounts  RegisterSharing = "counts"
	ShareDetails RegisterSharing = "details"
)

// Valid reports whether s is a known sharing level.
func (s RegisterSharing) Valid() bool {
	return s == ShareNothing || s == ShareCounts || s == ShareDetails
}

// ITSystem is one of a member's IT systems.
type ITSystem struct {
	ID              int64
	OrgID           int64
	Name            string
	Description     string
	SystemOwnerID   int64
	SystemOwnerName string // read-only, joined from users
	SystemOwnerMail string
	DataOwnerID     int64
	DataOwnerName   string
	DataOwnerMail   string
	// An owner may instead be a contact, a person without an account (never both): the name and
	// e-mail above are then the contact's. NewSystemOwner/NewDataOwner name a contact the write
	// finds or creates inside its transaction (an import's unknown owner, the form's new contact).
	SystemOwnerContactID int64
	DataOwnerContactID   int64
	NewSystemOwner       *Contact
	NewDataOwner         *Contact
	UnitID               int64
	UnitName             string
	Vendor               string
	Product              string
	Version              string
	CPE                  string
	PURL                 string
	Hosting              Hosting
	Supplier             string
	DPAStatus            DPAStatus
	DPADate              time.Time
	DPAReview            time.Time
	PersonalData         int // PD* bit set
	Confidentiality      int
	Integrity            int
	Availability         int
	RTO                  time.Duration
	RPO                  time.Duration
	InternetExposed      bool
	Tags                 []string
	Notes                string
	// AI: whether and how the system uses AI, for what, from which supplier, and whether the
	// data-processing agreement covers that use (as checked on AIChecked).
	AIUse        AIUse
	AIPurpose    string
	AISupplier   string
	AIDPACovered bool
	AIChecked    time.Time
	Components   int // number of SBOM components
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// AIUse says how a system uses artificial intelligence; "" is not recorded.
type AIUse string

const (
	AINone    AIUse = "none"    // the system uses no AI
	AIFeature AIUse = "feature" // AI is one feature of the system
	AIPurpose AIUse = "purpose" // AI is what the system is for
)

// AIUses lists the answers in the order they are offered.
var AIUses = []AIUse{AINone, AIFeature, AIPurpose}

// UsesAI reports whether the system uses AI as a feature or as its purpose.
func (s ITSystem) UsesAI() bool { return s.AIUse == AIFeature || s.AIUse == AIPurpose }

// AIUnchecked reports whether the system uses AI without a data-processing agreement that has
// been checked to cover it: what a municipality must revisit when AI enters its systems.
func (s ITSystem) AIUnchecked() bool {
	return s.UsesAI() && (!s.AIDPACovered || s.AIChecked.IsZero())
}

// Contact is a person a member names as an owner without giving them an account. UserID is set
// once the contact accepted an invitation and became that user.
type Contact struct {
	ID        int64
	OrgID     int64
	Name      string
	Email     string
	UnitID    int64
	UnitName  string
	UserID    int64
	CreatedAt time.Time
}

// OwnedBy reports whether user is the system's owner or its data owner.
func (s ITSystem) OwnedBy(user int64) bool {
	return user != 0 && (s.SystemOwnerID == user || s.DataOwnerID == user)
}

// HasPD reports whether the system holds the personal-data category bit.
func (s ITSystem) HasPD(bit int) bool { return s.PersonalData&bit != 0 }

// DPAValid reports whether the system's data-processing agreement is in order at now: not needed,
// or signed and not past its review date.
func (s ITSystem) DPAValid(now time.Time) bool {
	switch s.DPAStatus {
	case DPANotNeeded:
		return true
	case DPASigned:
		return s.DPAReview.IsZero() || !s.DPAReview.Before(now)
	}
	return false
}

// MaxCriticality is the highest of the three criticality ratings.
func (s ITSystem) MaxCriticality() int { return max(s.Confidentiality, s.Integrity, s.Availability) }

// NormalizeTags trims, lower-cases, de-duplicates and sorts tags; commas cannot be part of a tag.
func NormalizeTags(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range in {
		for _, part := range strings.Split(t, ",") {
			part = strings.ToLower(strings.TrimSpace(part))
			if part == "" || seen[part] {
				continue
			}
			seen[part] = true
			out = append(out, part)
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Component is one entry of a system's software bill of materials.
type Component struct {
	ID       int64
	SystemID int64
	Name     string
	Version  string
	PURL     string
	CPE      string
	Licence  string
	Kind     string // library, application, framework, ...
}

// SystemFilter selects and orders a register list.
type SystemFilter struct {
	Search       string // name, description, vendor, product, supplier, tags
	UnitID       int64
	OwnerID      int64 // system owner or data owner
	Hosting      Hosting
	Tag          string
	PersonalData int // any of these bits
	MinCrit      int // highest criticality at least this
	Exposed      bool
	NoOwner      bool
	DPAInvalid   bool
	// AIUnchecked keeps systems that use AI without a checked data-processing agreement.
	AIUnchecked bool
	// OverdueReview keeps systems with a risk assessment past its review date.
	OverdueReview bool
	Sort          string // name, vendor, unit, owner, criticality, updated; "-" prefix for descending
	Limit         int
	Offset        int
}

// RiskMatrix is a likelihood × consequence grid with labels in every language and the thresholds
// that turn a score into a risk level. A member's own matrix maps each of its levels onto the
// centre's reference scale, so that risks can be compared across members.
type RiskMatrix struct {
	Likelihood  []LevelLabel `json:"likelihood"`
	Consequence []LevelLabel `json:"consequence"`
	// Levels are the score bounds (likelihood × consequence) from which a risk is medium, high and
	// critical; below the first it is low.
	Medium   int `json:"medium"`
	High     int `json:"high"`
	Critical int `json:"critical"`
	// LikelihoodMap and ConsequenceMap give, for a member's own matrix, the reference level of each
	// of its levels (index 0 is level 1). Empty for the reference matrix itself.
	LikelihoodMap  []int `json:"likelihood_map,omitempty"`
	ConsequenceMap []int `json:"consequence_map,omitempty"`
}

// LevelLabel is one level's name in each language.
type LevelLabel struct {
	DA string `json:"da"`
	NB string `json:"nb"`
	EN string `json:"en"`
}

// In returns the label in lang (English if lang is unknown or the label is empty).
func (l LevelLabel) In(lang string) string {
	switch {
	case lang == "da" && l.DA != "":
		return l.DA
	case lang == "nb" && l.NB != "":
		return l.NB
	}
	return l.EN
}

// Risk levels.
const (
	RiskNone     = ""
	RiskLow      = "low"
	RiskMedium   = "medium"
	RiskHigh     = "high"
	RiskCritical = "critical"
)

// Level returns the risk level of likelihood l and consequence c on the matrix ("" when unset).
func (m RiskMatrix) Level(l, c int) string {
	if l <= 0 || c <= 0 {
		return RiskNone
	}
	score := l * c
	switch {
	case m.Critical > 0 && score >= m.Critical:
		return RiskCritical
	case m.High > 0 && score >= m.High:
		return RiskHigh
	case m.Medium > 0 && score >= m.Medium:
		return RiskMedium
	}
	return RiskLow
}

// Threat is an entry of the threat catalogue: built in (Key set) or the member's own (ID set).
type Threat struct {
	Key         string // "ransomware", ... for built-in threats; "own:ID" for a member's own
	ID          int64
	Title       string
	Description string
	Builtin     bool
}

// RiskAssessment is one threat against one system, assessed before (inherent) and after
// (residual) treatment.
type RiskAssessment struct {
	ID                  int64
	OrgID               int64
	SystemID            int64
	SystemName          string // read-only
	Threat              string // threat key
	Scenario            string
	Likelihood          int
	Consequence         int
	ResidualLikelihood  int
	ResidualConsequence int
	AcceptedBy          string // the named person who accepted the residual risk
	AcceptedUserID      int64
	AcceptedAt          time.Time
	AcceptReason        string
	ReviewMonths        int
	NextReview          time.Time
	CreatedBy           int64
	CreatedAt           time.Time
	UpdatedAt           time.Time
	Treatments          []Treatment
}

// Accepted reports whether the residual risk has been accepted.
func (a RiskAssessment) Accepted() bool { return !a.AcceptedAt.IsZero() }

// Overdue reports whether the assessment's review date has passed at now.
func (a RiskAssessment) Overdue(now time.Time) bool {
	return !a.NextReview.IsZero() && a.NextReview.Before(now)
}

// Residual returns the residual likelihood and consequence, falling back to the inherent ones
// while no residual assessment has been made.
func (a RiskAssessment) Residual() (int, int) {
	if a.ResidualLikelihood > 0 && a.ResidualConsequence > 0 {
		return a.ResidualLikelihood, a.ResidualConsequence
	}
	return a.Likelihood, a.Consequence
}

// Treatment is a task that reduces a risk.
type Treatment struct {
	ID           int64
	AssessmentID int64
	Title        string
	OwnerID      int64
	OwnerName    string
	Due          time.Time
	DoneAt       time.Time
	CreatedAt    time.Time
}

// Done reports whether the treatment is carried out.
func (t Treatment) Done() bool { return !t.DoneAt.IsZero() }

// RegisterCounts are a register's key figures: what a member that shares counts lets the centre see.
type RegisterCounts struct {
	Systems        int
	NoOwner        int
	DPAInvalid     int
	OverdueReviews int
	Exposed        int
	Sensitive      int // holds sensitive data or national ID numbers
	Assessments    int
	HighRisks      int // residual risk high or critical, not accepted
	AIUnchecked    int // uses AI without a checked data-processing agreement
}

// UnitStatus is one department's part of the register: the "system owners' status" of the
// department management report.
type UnitStatus struct {
	UnitID         int64
	UnitName       string
	Systems        int
	NoOwner        int
	DPAInvalid     int
	OverdueReviews int
	Unassessed     int // systems without any risk assessment
	HighRisks      int
	AIUnchecked    int
	// AIUncheckedSystems names the systems that use AI without a checked agreement, for the
	// department's management.
	AIUncheckedSystems []string
}

// SystemRecord is one checked row of a register import: the system it describes and which fields
// the file sets, so that a re-import with fewer columns leaves the others as they are.
type SystemRecord struct {
	Row int
	Sys ITSystem
	Set map[string]bool
}

// What an import does with one record.
const (
	PlanCreate    = "create"
	PlanUpdate    = "update"
	PlanUnchanged = "unchanged"
)

// ImportPlanEntry is what an import does with one record: Sys is the system to write (for an
// update, the existing one with the record's fields applied), Fields the fields an update
// changes, in export order.
type ImportPlanEntry struct {
	Row    int
	Action string
	Name   string
	Fields []string
	Sys    ITSystem
}

// ImportPlan is what an import of checked records does to a register, with the counts the dry run
// and the import report alike (made by register.MakePlan).
type ImportPlan struct {
	Entries                     []ImportPlanEntry
	Created, Updated, Unchanged int
	// NewContacts names the owners the import creates as contacts (people without an account).
	NewContacts []string
}
