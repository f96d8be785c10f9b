package store

import (
	"context"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
)

// The baseline rules that guard answers, delegations and submission, run inside the transaction
// that writes (see Rules). Each reads what the rule needs through the transaction, so that a
// delegation withdrawn or an answer returned a moment earlier is seen.

// txAssessment reads one of the organisation's assessments inside the transaction.
func (t *Tx) txAssessment(ctx context.Context, orgID, id int64) (vaern.Assessment, error) {
	return scanAssessment(t.queryRow(ctx, "SELECT "+assessmentCols+assessmentFrom+"WHERE x.org_id = ? AND x.id = ?", orgID, id))
}

func (t *Tx) txDelegations(ctx context.Context, orgID, assessmentID int64) ([]vaern.Delegation, error) {
	rows, err := t.query(ctx, "SELECT "+delegationCols+delegationFrom+"WHERE d.org_id = ? AND d.assessment_id = ? ORDER BY d.due, d.id", orgID, assessmentID)
	return collect(rows, err, scanDelegation)
}

// submittable refuses to submit an assessment while an answer it needs is missing or not approved.
func (t *Tx) submittable(ctx context.Context, orgID, id int64) error {
	x, err := t.txAssessment(ctx, orgID, id)
	if err != nil {
		return err
	}
	_, f, err := t.framework(ctx, x.Round.FrameworkID)
	if err != nil {
		return err
	}
	dels, err := t.txDelegations(ctx, orgID, id)
	if err != nil {
		return err
	}
	rows, err := t.query(ctx, "SELECT "+answerCols+answerFrom+` WHERE a.org_id = ? AND a.assessment_id = ?`, orgID, id)
	answers, err := collect(rows, err, scanAnswer)
	if err != nil {
		return err
	}
	return t.s.rules.Baseline.Submittable(f, x, dels, answers)
}

// answerer is what mayAnswer needs to know, read inside the transaction in one query: the
// assessment with its round, the actor's role and unit in the organisation as they are now, and
// whether the unit answered for exists in the organisation.
type answerer struct {
	x          vaern.Assessment
	p          *vaern.Principal
	member     bool
	unitExists bool
	session    bool   // the save's SessionCheck passed (or it has none); batches only
	email      string // the user's e-mail as it is now; batches only
}

func (t *Tx) readAnswerer(ctx context.Context, a vaern.Actor, orgID, assessmentID, unitID int64) (answerer, error) {
	w := answerer{p: &vaern.Principal{User: vaern.User{ID: a.UserID}, Org: vaern.Org{ID: orgID}}}
	var role string
	var unit *int64
	var units int
	x, err := scanAssessment(scanFunc(func(dest ...any) error {
		return t.queryRow(ctx, "SELECT "+assessmentCols+`, COALESCE(m.role, ''), m.unit_id,
			(SELECT COUNT(*) FROM units WHERE org_id = x.org_id AND id = ?)`+assessmentFrom+
			`LEFT JOIN memberships m ON m.org_id = x.org_id AND m.user_id = ? WHERE x.org_id = ? AND x.id = ?`,
			unitID, a.UserID, orgID, assessmentID).Scan(append(dest, &role, &unit, &units)...)
	}))
	if err != nil {
		return w, mapErr(err)
	}
	w.x, w.member, w.unitExists = x, role != "", units > 0
	w.p.Role = vaern.Role(role)
	if unit != nil {
		w.p.UnitID = *unit
	}
	return w, nil
}

// mayAnswer checks that the actor may give this answer: the question is one of the framework's,
// the unit fits its scope and belongs to the organisation, the actor's role in the organisation
// (as it is now, not as the session remembers it) and delegations allow it, and the value is one
// the question takes. It returns the actor's role.
func (t *Tx) mayAnswer(ctx context.Context, a vaern.Actor, orgID, assessmentID int64, in AnswerInput, w answerer) (vaern.Role, error) {
	_, f, err := t.framework(ctx, w.x.Round.FrameworkID)
	if err != nil {
		return "", err
	}
	q, ok := f.Question(in.QuestionID)
	if !ok {
		return "", vaern.Invalid("q", "is not a question of this framework")
	}
	if (q.Scope == framework.ScopeUnit) != (in.UnitID != 0) {
		return "", vaern.Invalid("unit", "does not fit the question's scope")
	}
	if in.UnitID != 0 && !w.unitExists {
		return "", vaern.ErrNotFound
	}
	if !w.member {
		return "", vaern.ErrForbidden
	}
	p := w.p
	var mine []vaern.Delegation
	if p.Role == vaern.RoleRespondent {
		rows, err := t.query(ctx, "SELECT "+delegationCols+delegationFrom+`WHERE d.org_id = ? AND d.assessment_id = ?
			AND (d.assignee_user_id = ? OR d.assignee_unit_id = ?)`, orgID, assessmentID, a.UserID, p.UnitID)
		if mine, err = collect(rows, err, scanDelegation); err != nil {
			return "", err
		}
	}
	if !t.s.rules.Baseline.MayAnswer(p, mine, f, q, in.UnitID) {
		return "", vaern.ErrForbidden
	}
	if err := t.s.rules.Baseline.ValidValue(q, f, in.Value); err != nil {
		return "", vaern.Invalid("value", "%s", err.Error())
	}
	return p.Role, nil
}

// checkAssignee makes sure a delegation goes to someone who can answer: a person of the
// organisation whose role may answer, or a unit of the organisation with at least one such person.
func (t *Tx) checkAssignee(ctx context.Context, orgID int64, d vaern.Delegation) error {
	if d.AssigneeUserID != 0 {
		var role vaern.Role
		err := t.queryRow(ctx, "SELECT role FROM memberships WHERE org_id = ? AND user_id = ?", orgID, d.AssigneeUserID).Scan(&role)
		if err != nil {
			if mapErr(err) == vaern.ErrNotFound {
				return vaern.Invalid("assignee", "is not a person in this organisation")
			}
			return err
		}
		if !t.s.rules.Baseline.MayBeDelegated(role) {
			return vaern.Invalid("assignee", "cannot answer questions (a viewer); choose a respondent or a coordinator")
		}
		return nil
	}
	if err := t.unitExists(ctx, orgID, d.AssigneeUnitID); err != nil {
		return vaern.Invalid("assignee", "is not a unit of this organisation")
	}
	rows, err := t.query(ctx, "SELECT role FROM memberships WHERE org_id = ? AND unit_id = ?", orgID, d.AssigneeUnitID)
	roles, err := collect(rows, err, func(r scanner) (vaern.Role, error) { var x vaern.Role; return x, r.Scan(&x) })
	if err != nil {
		return err
	}
	for _, r := range roles {
		if t.s.rules.Baseline.MayBeDelegated(r) {
			return nil
		}
	}
	return vaern.Invalid("assignee", "has nobody who can answer questions; add a respondent to the unit first")
}
