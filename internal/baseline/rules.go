package baseline

import (
	"fmt"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
)

// Rules are the baseline checks that guard writes, in the shape the store calls them inside its
// transactions (store.BaselineRules). They hold no state.
type Rules struct{}

// MayAnswer is MayAnswer.
func (Rules) MayAnswer(p *vaern.Principal, mine []vaern.Delegation, f *framework.Framework, q *framework.Question, unit int64) bool {
	return MayAnswer(p, mine, f, q, unit)
}

// ValidValue is ValidValue.
func (Rules) ValidValue(q *framework.Question, f *framework.Framework, v string) error {
	return ValidValue(q, f, v)
}

// Submittable is Submittable.
func (Rules) Submittable(f *framework.Framework, a vaern.Assessment, dels []vaern.Delegation, answers []vaern.Answer) error {
	return Submittable(f, AnsweringUnits(a, dels), answers)
}

// MayBeDelegated is MayBeDelegated.
func (Rules) MayBeDelegated(r vaern.Role) bool { return MayBeDelegated(r) }

// UnapprovedError says that an assessment cannot be submitted because answers it needs are missing
// or not approved yet. It unwraps to a validation error on the assessment, so forms and the API
// show it like any other.
type UnapprovedError struct {
	Missing int // answers that are missing or not approved
}

func (e *UnapprovedError) Error() string {
	return fmt.Sprintf("assessment: %d answers are missing or not approved", e.Missing)
}

func (e *UnapprovedError) Unwrap() error {
	return vaern.Invalid("assessment", "every answer must be approved before the assessment is submitted")
}

// Submittable returns an *UnapprovedError unless every answer the assessment needs (each slot of f
// over the answering units) is given and approved.
func Submittable(f *framework.Framework, units []int64, answers []vaern.Answer) error {
	type key struct {
		q    string
		unit int64
	}
	approved := make(map[key]bool, len(answers))
	for _, a := range answers {
		if a.Status == vaern.AnswerApproved {
			approved[key{a.QuestionID, a.UnitID}] = true
		}
	}
	missing := 0
	for _, s := range Slots(f, units) {
		if !approved[key{s.Q.ID, s.Unit}] {
			missing++
		}
	}
	if missing > 0 {
		return &UnapprovedError{Missing: missing}
	}
	return nil
}

// MayBeDelegated reports whether a person with role r can be given questions: only someone who may
// answer, so that no delegation lands where nobody can act on it.
func MayBeDelegated(r vaern.Role) bool { return vaern.Can(r, vaern.PermBaselineAnswer) }
