package vaern

import "time"

// FrameworkInfo describes a stored question framework (the questions themselves are in
// internal/framework).
type FrameworkInfo struct {
	ID        int64
	FID       string // the framework's own id, e.g. vaern-baseline
	Version   string
	Title     string
	Questions int
	Builtin   bool
	Draft     bool   // imported from OSCAL or otherwise unfinished: cannot be used for a round
	Kind      string // "baseline" (scored, for rounds) or "mapping" (the IT-structure questionnaire, docs/services.md)
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Round statuses.
const (
	RoundOpen   = "open"
	RoundClosed = "closed"
)

// Round is one year's measurement, opened by the centre.
type Round struct {
	ID          int64
	CentreID    int64
	Year        int
	FrameworkID int64
	Framework   FrameworkInfo
	Title       string
	OpensAt     time.Time
	ClosesAt    time.Time
	Status      string
	ClosedAt    time.Time
	CreatedAt   time.Time
	Members     int // assessments in the round
	Submitted   int // of which submitted
}

// Assessment statuses.
const (
	AssessmentOpen      = "open"
	AssessmentSubmitted = "submitted"
	AssessmentClosed    = "closed"
	AssessmentReopened  = "reopened"
)

// Assessment is one member's part of a round.
type Assessment struct {
	ID              int64
	RoundID         int64
	OrgID           int64
	Status          string
	SubmittedAt     time.Time
	SubmittedBy     int64
	ReopenedUntil   time.Time
	ReopenReason    string
	BenchmarkOptOut bool
	Units           []int64 // units that answer the unit questions
	UpdatedAt       time.Time
	Round           Round
}

// Editable reports whether answers may still change at now: the round is open and the assessment
// not submitted, or the centre has reopened it until a date that has not passed.
func (a Assessment) Editable(now time.Time) bool {
	switch a.Status {
	case AssessmentOpen:
		return a.Round.Status == RoundOpen && now.Before(a.Round.ClosesAt)
	case AssessmentReopened:
		return now.Before(a.ReopenedUntil)
	}
	return false
}

// Answer statuses.
const (
	AnswerAnswered = "answered" // saved, waiting for the coordinator
	AnswerApproved = "approved"
	AnswerReturned = "returned" // sent back to the respondent with a comment
)

// Answer is the answer to one question, for the organisation (UnitID 0) or for one unit.
type Answer struct {
	ID             int64
	AssessmentID   int64
	OrgID          int64
	QuestionID     string
	UnitID         int64
	Value          string
	Comment        string
	Status         string
	ReviewComment  string
	AnsweredBy     int64
	AnsweredByName string
	AnsweredAt     time.Time
	ReviewedBy     int64
	ReviewedByName string // who approved or returned it (name, or e-mail when the name is empty)
	ReviewedAt     time.Time
	Version        int
}

// AnswerChange is one entry of an answer's history.
type AnswerChange struct {
	ID            int64
	At            time.Time
	UserID        int64
	UserName      string
	Action        string // save, approve, return, reopen
	Value         string
	Comment       string
	Status        string
	ReviewComment string
}

// Evidence is a file or a link attached to an answer.
type Evidence struct {
	ID          int64
	AnswerID    int64
	OrgID       int64
	Kind        string // file or link
	Name        string
	URL         string
	ContentType string
	Size        int64
	SHA256      string
	CreatedBy   int64
	CreatedAt   time.Time
}

// Delegation scopes.
const (
	DelegateQuestion   = "question"   // ScopeRef is a question id
	DelegateArea       = "area"       // ScopeRef is a focus area id
	DelegateDepartment = "department" // every unit question, for UnitID
)

// Delegation hands questions to a colleague or a unit, with a due date.
type Delegation struct {
	ID             int64
	AssessmentID   int64
	OrgID          int64
	ScopeKind      string
	ScopeRef       string
	AssigneeUserID int64
	AssigneeUnitID int64
	AssigneeName   string
	UnitID         int64 // whose unit-question answers the delegation covers
	Due            time.Time
	Note           string
	CreatedBy      int64
	CreatedAt      time.Time
}
