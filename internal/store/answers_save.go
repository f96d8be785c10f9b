package store

import (
	"context"

	"github.com/vaern/vaern"
)

// SaveAnswer writes an answer, its history entry and its audit row in one transaction, after
// checking inside it that the assessment takes changes, that the actor may answer this question
// for this unit (baseline.MayAnswer, over the delegations as they are now) and that the value is
// valid.
//
// A save is the busiest write there is (every autosave of every respondent), so it is written for
// few round trips: what the rules need is read in one query, and on PostgreSQL the answer, its
// history row and the audit chain's head go in one statement, the audit row and the new head hash
// in a second. The audit row stays inside the transaction of the change: there is never an answer
// without its chained audit row, after a crash or otherwise.
//
// On PostgreSQL, saves go through the batcher: saves that arrive together share one transaction of
// three round trips (see answers_batch.go); saveAlone is the fallback when a batch fails.
func (s *Store) SaveAnswer(ctx context.Context, a vaern.Actor, orgID, assessmentID int64, in AnswerInput) (vaern.Answer, error) {
	if len(in.Comment) > 20000 {
		return vaern.Answer{}, vaern.Invalid("comment", "is longer than 20,000 characters")
	}
	if s.saves != nil {
		return s.batchedSave(ctx, a, orgID, assessmentID, in)
	}
	return s.saveAlone(ctx, a, orgID, assessmentID, in)
}

// saveAlone is SaveAnswer in a transaction of its own.
func (s *Store) saveAlone(ctx context.Context, a vaern.Actor, orgID, assessmentID int64, in AnswerInput) (vaern.Answer, error) {
	var ans vaern.Answer
	err := s.Write(ctx, func(tx *Tx) error {
		if in.Session != nil {
			email, err := tx.checkSession(ctx, a, orgID, in.Session)
			if err != nil {
				return err
			}
			a.Email = email
		}
		w, err := tx.readAnswerer(ctx, a, orgID, assessmentID, in.UnitID)
		if err != nil {
			return err
		}
		if !w.x.Editable(tx.s.now()) {
			return ErrLocked
		}
		role, err := tx.mayAnswer(ctx, a, orgID, assessmentID, in, w)
		if err != nil {
			return err
		}
		// A coordinator may change an approved answer (which reopens it for review); others may not.
		coordinator := role == vaern.RoleCoordinator
		now := ms(tx.s.now())
		c := Change{OrgID: orgID, Action: "answer.save", ObjectType: "answer",
			Detail: map[string]any{"assessment_id": assessmentID, "question": in.QuestionID, "unit_id": in.UnitID, "value": in.Value}}
		e, err := tx.auditEntry(c)
		if err != nil {
			return err
		}
		if tx.s.engine == Postgres {
			err = tx.queryRow(ctx, `WITH a AS (`+answerUpsert+` RETURNING id, version),
				h AS (INSERT INTO answer_history (answer_id, org_id, at, user_id, action, value, comment, status)
					SELECT id, ?, ?, ?, 'save', ?, ?, 'answered' FROM a),
				hd AS (`+auditHeadBump+`)
				SELECT a.id, a.version, hd.seq, hd.hash FROM a, hd`,
				assessmentID, orgID, in.QuestionID, in.UnitID, in.Value, in.Comment, a.UserID, now, coordinator,
				orgID, now, a.UserID, in.Value, in.Comment, e.Chain, e.Shard).Scan(&ans.ID, &ans.Version, &e.Seq, &e.PrevHash)
		} else {
			err = tx.queryRow(ctx, answerUpsert+" RETURNING id, version",
				assessmentID, orgID, in.QuestionID, in.UnitID, in.Value, in.Comment, a.UserID, now, coordinator).Scan(&ans.ID, &ans.Version)
		}
		if err != nil {
			if mapErr(err) == vaern.ErrNotFound {
				return vaern.Invalid("value", "the answer is approved; ask the coordinator to return it before changing it")
			}
			return err
		}
		if tx.s.engine != Postgres {
			if _, err := tx.exec(ctx, `INSERT INTO answer_history (answer_id, org_id, at, user_id, action, value, comment, status)
				VALUES (?, ?, ?, ?, 'save', ?, ?, 'answered')`, ans.ID, orgID, now, a.UserID, in.Value, in.Comment); err != nil {
				return err
			}
			if err := tx.queryRow(ctx, auditHeadBump, e.Chain, e.Shard).Scan(&e.Seq, &e.PrevHash); err != nil {
				return err
			}
		}
		ans = vaern.Answer{ID: ans.ID, Version: ans.Version, AssessmentID: assessmentID, OrgID: orgID, QuestionID: in.QuestionID,
			UnitID: in.UnitID, Value: in.Value, Comment: in.Comment, Status: vaern.AnswerAnswered, AnsweredBy: a.UserID, AnsweredAt: fromMS(now)}
		c.ObjectID = ans.ID
		return tx.auditSeal(ctx, a, c, e)
	})
	return ans, err
}

// answerUpsert inserts or updates an answer in one statement; an approved answer is only changed
// by a coordinator (the last argument), otherwise no row comes back.
const answerUpsert = `INSERT INTO answers (assessment_id, org_id, question_id, unit_id, value, comment, status, answered_by, answered_at)
	VALUES (?, ?, ?, ?, ?, ?, 'answered', ?, ?)
	ON CONFLICT (assessment_id, question_id, unit_id) DO UPDATE SET value = excluded.value, comment = excluded.comment,
		status = 'answered', answered_by = excluded.answered_by, answered_at = excluded.answered_at, version = answers.version + 1
	WHERE answers.status <> 'approved' OR ?`
