package vaern

import "time"

// Action statuses.
const (
	ActionOpen       = "open"
	ActionInProgress = "in-progress"
	ActionDone       = "done"
)

// ActionStatuses lists the statuses in the order a task goes through them.
var ActionStatuses = []string{ActionOpen, ActionInProgress, ActionDone}

// Action is a task of a member's action plan, usually made from a recommendation of a report.
type Action struct {
	ID           int64
	OrgID        int64
	AssessmentID int64  // the assessment whose report the task came from
	RoundYear    int    // that assessment's round year (read only)
	QuestionID   string // the recommendation's question, or "" for a free task
	UnitID       int64  // the department the task is for, or 0 for the organisation
	Title        string
	OwnerID      int64
	OwnerName    string // read only
	Due          time.Time
	Status       string
	Note         string
	CreatedBy    int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
	DoneAt       time.Time
}

// Overdue reports whether the task is past its due date and not done at now.
func (a Action) Overdue(now time.Time) bool {
	return a.Status != ActionDone && !a.Due.IsZero() && a.Due.Before(now)
}
