package store

import (
	"context"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
)

// The lookups below let the notifications module find, inside the transaction of a change, what it
// needs to tell people about it. Each is scoped by the organisation like every other read.

// Assessment returns one of the organisation's assessments with its round.
func (t *Tx) Assessment(ctx context.Context, orgID, id int64) (vaern.Assessment, error) {
	return scanAssessment(t.queryRow(ctx, "SELECT "+assessmentCols+assessmentFrom+"WHERE x.org_id = ? AND x.id = ?", orgID, id))
}

// RoundAssessment returns the organisation's assessment in a round.
func (t *Tx) RoundAssessment(ctx context.Context, orgID, roundID int64) (vaern.Assessment, error) {
	return scanAssessment(t.queryRow(ctx, "SELECT "+assessmentCols+assessmentFrom+"WHERE x.org_id = ? AND x.round_id = ?", orgID, roundID))
}

// Framework returns a framework's parsed questions. Frameworks are reference data written before
// any round uses them, so reading them outside the transaction is safe.
func (t *Tx) Framework(ctx context.Context, id int64) (*framework.Framework, error) {
	_, fw, err := t.s.Framework(ctx, id)
	return fw, err
}

// AnswerRef is who gave an answer and where it belongs.
type AnswerRef struct {
	AssessmentID int64
	QuestionID   string
	UnitID       int64
	AnsweredBy   int64
	ReviewNote   string
}

// AnswerRef returns who gave one of the organisation's answers.
func (t *Tx) AnswerRef(ctx context.Context, orgID, answerID int64) (AnswerRef, error) {
	var x AnswerRef
	err := t.queryRow(ctx, `SELECT assessment_id, question_id, unit_id, answered_by, review_comment FROM answers WHERE org_id = ? AND id = ?`,
		orgID, answerID).Scan(&x.AssessmentID, &x.QuestionID, &x.UnitID, &x.AnsweredBy, &x.ReviewNote)
	return x, mapErr(err)
}

// Action returns one of the organisation's tasks.
func (t *Tx) Action(ctx context.Context, orgID, id int64) (vaern.Action, error) {
	return scanAction(t.queryRow(ctx, "SELECT "+actionCols+actionFrom+"WHERE t.org_id = ? AND t.id = ?", orgID, id))
}
