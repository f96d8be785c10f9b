package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/vaern/vaern"
)

// AnswerInput is one save of an answer.
type AnswerInput struct {
	QuestionID string
	UnitID     int64
	Value      string
	Comment    string
	// Session, when set, has the save check inside its transaction that the browser session the
	// request came with is still valid (see SessionCheck); a save whose session is not is refused
	// with vaern.ErrUnauthorized and writes nothing.
	Session *SessionCheck
}

// SessionCheck names a browser session that a write checks inside its own transaction: it exists
// for the actor in the organisation, its second factor is done, it has not expired and was used
// within Idle, the user is not disabled, and the organisation's two-factor rule is met. The web
// layer may then take the person behind an autosave from a short-lived cache instead of reading
// the session first (one round trip less per save): the write itself is the authority.
type SessionCheck struct {
	ID   string // the session id (the hash of the cookie's token)
	Now  time.Time
	Idle time.Duration
}

// sessionValid is the SQL condition of a SessionCheck: arguments session id, user, organisation,
// now and the oldest last use allowed (Unix ms).
const sessionValid = `EXISTS (SELECT 1 FROM sessions ss JOIN users su ON su.id = ss.user_id JOIN orgs so ON so.id = ss.org_id
	WHERE ss.id = ? AND ss.user_id = ? AND ss.org_id = ? AND ss.mfa_pending = FALSE AND ss.expires_at > ? AND ss.last_seen_at >= ?
	AND su.disabled = FALSE AND (so.require_2fa = FALSE OR su.totp_enabled = TRUE))`

// checkSession checks c inside the transaction and returns the user's e-mail as it is now (for
// the audit row); it answers vaern.ErrUnauthorized for a session that is no longer valid.
func (t *Tx) checkSession(ctx context.Context, a vaern.Actor, orgID int64, c *SessionCheck) (string, error) {
	var ok bool
	var email string
	if err := t.queryRow(ctx, `SELECT CASE WHEN `+sessionValid+` THEN TRUE ELSE FALSE END, COALESCE((SELECT email FROM users WHERE id = ?), '')`,
		c.ID, a.UserID, orgID, ms(c.Now), ms(c.Now.Add(-c.Idle)), a.UserID).Scan(&ok, &email); err != nil {
		return "", err
	}
	if !ok {
		return "", vaern.ErrUnauthorized
	}
	return email, nil
}

// BatchesSaves reports whether concurrent answer saves share transactions (PostgreSQL), so that
// a save checking its session in its transaction costs no round trip of its own.
func (s *Store) BatchesSaves() bool { return s.saves != nil }

// ErrLocked is returned when the assessment no longer takes changes.
var ErrLocked = vaern.Invalid("assessment", "is closed for changes")

// editable checks inside tx that the assessment takes changes, and returns its status.
func (t *Tx) editable(ctx context.Context, orgID, assessmentID int64) error {
	var status, roundStatus string
	var closes, until int64
	err := t.queryRow(ctx, `SELECT x.status, r.status, r.closes_at, x.reopened_until FROM assessments x JOIN rounds r ON r.id = x.round_id
		WHERE x.org_id = ? AND x.id = ?`, orgID, assessmentID).Scan(&status, &roundStatus, &closes, &until)
	if err != nil {
		return mapErr(err)
	}
	a := vaern.Assessment{Status: status, ReopenedUntil: fromMS(until), Round: vaern.Round{Status: roundStatus, ClosesAt: fromMS(closes)}}
	if !a.Editable(t.s.now()) {
		return ErrLocked
	}
	return nil
}

// ReviewAnswer approves an answer or returns it to the respondent with a comment.
func (s *Store) ReviewAnswer(ctx context.Context, a vaern.Actor, orgID, assessmentID int64, questionID string, unitID int64, approve bool, comment string) error {
	comment = strings.TrimSpace(comment)
	if !approve && comment == "" {
		return vaern.Invalid("review_comment", "say what should be changed when returning an answer")
	}
	status, action := vaern.AnswerReturned, "return"
	if approve {
		status, action = vaern.AnswerApproved, "approve"
	}
	return s.Write(ctx, func(tx *Tx) error {
		if err := tx.editable(ctx, orgID, assessmentID); err != nil {
			return err
		}
		ok, err := tx.review(ctx, a, orgID, assessmentID, questionID, unitID, status, action, comment, false)
		if err == nil && !ok {
			err = vaern.Invalid("question", "has no answer to review yet")
		}
		return err
	})
}

// review sets one answer's review status with its history entry and audit row. With onlyPending,
// an answer that is no longer waiting for approval (changed since the page was shown) is left
// alone; ok says whether the answer was changed.
func (t *Tx) review(ctx context.Context, a vaern.Actor, orgID, assessmentID int64, questionID string, unitID int64,
	status, action, comment string, onlyPending bool) (ok bool, err error) {
	now := ms(t.s.now())
	var id int64
	var value, ansComment string
	err = t.queryRow(ctx, `UPDATE answers SET status = ?, review_comment = ?, reviewed_by = ?, reviewed_at = ?, version = version + 1
		WHERE org_id = ? AND assessment_id = ? AND question_id = ? AND unit_id = ? AND (status = 'answered' OR NOT ?) RETURNING id, value, comment`,
		status, comment, a.UserID, now, orgID, assessmentID, questionID, unitID, onlyPending).Scan(&id, &value, &ansComment)
	if err != nil {
		if mapErr(err) == vaern.ErrNotFound {
			return false, nil
		}
		return false, err
	}
	if _, err := t.exec(ctx, `INSERT INTO answer_history (answer_id, org_id, at, user_id, action, value, comment, status, review_comment)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, orgID, now, a.UserID, action, value, ansComment, status, comment); err != nil {
		return false, err
	}
	return true, t.Audit(ctx, a, Change{OrgID: orgID, Action: "answer." + action, ObjectType: "answer", ObjectID: id,
		Detail: map[string]any{"assessment_id": assessmentID, "question": questionID, "unit_id": unitID, "comment": comment}})
}

// Slot names one answer of an assessment: a question for the organisation (UnitID 0) or a unit.
type Slot struct {
	QuestionID string
	UnitID     int64
}

// ApproveAnswers approves the answers of slots that are waiting for approval, all in one
// transaction, and returns how many it approved. Answers that are not waiting (approved, returned,
// or changed since the page was shown) are left as they are.
func (s *Store) ApproveAnswers(ctx context.Context, a vaern.Actor, orgID, assessmentID int64, slots []Slot) (int, error) {
	n := 0
	err := s.Write(ctx, func(tx *Tx) error {
		n = 0
		if err := tx.editable(ctx, orgID, assessmentID); err != nil {
			return err
		}
		for _, sl := range slots {
			ok, err := tx.review(ctx, a, orgID, assessmentID, sl.QuestionID, sl.UnitID, vaern.AnswerApproved, "approve", "", true)
			if err != nil {
				return err
			}
			if ok {
				n++
			}
		}
		return nil
	})
	return n, err
}

const answerCols = `a.id, a.assessment_id, a.org_id, a.question_id, a.unit_id, a.value, a.comment, a.status, a.review_comment,
	a.answered_by, COALESCE(u.name, ''), a.answered_at, a.reviewed_by, COALESCE(NULLIF(rv.name, ''), rv.email, ''), a.reviewed_at, a.version`

// answerFrom joins the people who answered and reviewed, whose names the pages show.
const answerFrom = ` FROM answers a LEFT JOIN users u ON u.id = a.answered_by LEFT JOIN users rv ON rv.id = a.reviewed_by`

func scanAnswer(r scanner) (vaern.Answer, error) {
	var x vaern.Answer
	var at, rv int64
	err := r.Scan(&x.ID, &x.AssessmentID, &x.OrgID, &x.QuestionID, &x.UnitID, &x.Value, &x.Comment, &x.Status, &x.ReviewComment,
		&x.AnsweredBy, &x.AnsweredByName, &at, &x.ReviewedBy, &x.ReviewedByName, &rv, &x.Version)
	x.AnsweredAt, x.ReviewedAt = fromMS(at), fromMS(rv)
	return x, mapErr(err)
}

// Answers returns every answer of one of the organisation's assessments.
func (s *Store) Answers(ctx context.Context, orgID, assessmentID int64) ([]vaern.Answer, error) {
	rows, err := s.query(ctx, "SELECT "+answerCols+answerFrom+`
		WHERE a.org_id = ? AND a.assessment_id = ? ORDER BY a.question_id, a.unit_id`, orgID, assessmentID)
	return collect(rows, err, scanAnswer)
}

// AnswerFor returns the answer to one question for one unit (0: the organisation).
func (s *Store) AnswerFor(ctx context.Context, orgID, assessmentID int64, questionID string, unitID int64) (vaern.Answer, error) {
	return scanAnswer(s.queryRow(ctx, "SELECT "+answerCols+answerFrom+`
		WHERE a.org_id = ? AND a.assessment_id = ? AND a.question_id = ? AND a.unit_id = ?`, orgID, assessmentID, questionID, unitID))
}

// AnswerHistory lists every change of an answer, oldest first.
func (s *Store) AnswerHistory(ctx context.Context, orgID, answerID int64) ([]vaern.AnswerChange, error) {
	rows, err := s.query(ctx, `SELECT h.id, h.at, h.user_id, COALESCE(NULLIF(u.name, ''), u.email, ''), h.action, h.value, h.comment, h.status, h.review_comment
		FROM answer_history h LEFT JOIN users u ON u.id = h.user_id WHERE h.org_id = ? AND h.answer_id = ? ORDER BY h.id`, orgID, answerID)
	return collect(rows, err, func(r scanner) (vaern.AnswerChange, error) {
		var c vaern.AnswerChange
		var at int64
		err := r.Scan(&c.ID, &at, &c.UserID, &c.UserName, &c.Action, &c.Value, &c.Comment, &c.Status, &c.ReviewComment)
		c.At = fromMS(at)
		return c, err
	})
}

// Evidence limits.
const (
	MaxEvidenceSize = 10 << 20
	MaxEvidencePer  = 20
)

// AllowedEvidenceTypes are the file types accepted as evidence: documents, spreadsheets, images
// and plain text. Executables and archives are refused.
var AllowedEvidenceTypes = map[string]string{
	"application/pdf": ".pdf",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         ".xlsx",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
	"application/vnd.oasis.opendocument.text":                                   ".odt",
	"application/vnd.oasis.opendocument.spreadsheet":                            ".ods",
	"image/png":  ".png",
	"image/jpeg": ".jpg",
	"text/plain": ".txt",
	"text/csv":   ".csv",
}

// AddEvidence attaches a file or a link to an answer.
func (s *Store) AddEvidence(ctx context.Context, a vaern.Actor, orgID, answerID int64, ev vaern.Evidence, data []byte) (vaern.Evidence, error) {
	ev.Name = strings.TrimSpace(ev.Name)
	switch ev.Kind {
	case "link":
		if !strings.HasPrefix(ev.URL, "https://") && !strings.HasPrefix(ev.URL, "http://") {
			return ev, vaern.Invalid("url", "must start with https:// or http://")
		}
		if len(ev.URL) > 2000 {
			return ev, vaern.Invalid("url", "is longer than 2,000 characters")
		}
		if ev.Name == "" {
			ev.Name = ev.URL
		}
		data = nil
	case "file":
		if len(data) == 0 {
			return ev, vaern.Invalid("file", "is empty")
		}
		if len(data) > MaxEvidenceSize {
			return ev, vaern.Invalid("file", "is larger than 10 MB")
		}
		if _, ok := AllowedEvidenceTypes[ev.ContentType]; !ok {
			return ev, vaern.Invalid("file", "is not an accepted type (PDF, Office documents, images, text)")
		}
		sum := sha256.Sum256(data)
		ev.SHA256, ev.Size = hex.EncodeToString(sum[:]), int64(len(data))
	default:
		return ev, vaern.Invalid("kind", "must be file or link")
	}
	if ev.Name == "" || len(ev.Name) > 300 {
		return ev, vaern.Invalid("name", "is required and at most 300 characters")
	}
	err := s.Write(ctx, func(tx *Tx) error {
		var assessmentID int64
		if err := tx.queryRow(ctx, "SELECT assessment_id FROM answers WHERE org_id = ? AND id = ?", orgID, answerID).Scan(&assessmentID); err != nil {
			return mapErr(err)
		}
		if err := tx.editable(ctx, orgID, assessmentID); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM evidence WHERE org_id = ? AND answer_id = ?", orgID, answerID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxEvidencePer {
			return vaern.Invalid("file", "an answer can have at most 20 pieces of evidence")
		}
		ev.AnswerID, ev.OrgID, ev.CreatedBy, ev.CreatedAt = answerID, orgID, a.UserID, tx.s.now()
		id, err := tx.insert(ctx, `INSERT INTO evidence (answer_id, org_id, kind, name, url, content_type, size, sha256, data, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, answerID, orgID, ev.Kind, ev.Name, ev.URL, ev.ContentType, ev.Size, ev.SHA256,
			data, a.UserID, ms(ev.CreatedAt))
		if err != nil {
			return err
		}
		ev.ID = id
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "evidence.add", ObjectType: "evidence", ObjectID: id,
			Detail: map[string]any{"answer_id": answerID, "kind": ev.Kind, "name": ev.Name, "size": ev.Size, "sha256": ev.SHA256}})
	})
	return ev, err
}

const evidenceCols = `id, answer_id, org_id, kind, name, url, content_type, size, sha256, created_by, created_at`

func scanEvidence(r scanner, extra ...any) (vaern.Evidence, error) {
	var e vaern.Evidence
	var c int64
	err := r.Scan(append([]any{&e.ID, &e.AnswerID, &e.OrgID, &e.Kind, &e.Name, &e.URL, &e.ContentType, &e.Size, &e.SHA256, &e.CreatedBy, &c}, extra...)...)
	e.CreatedAt = fromMS(c)
	return e, mapErr(err)
}

// EvidenceFor lists the evidence of every answer of an assessment, by answer id.
func (s *Store) EvidenceFor(ctx context.Context, orgID, assessmentID int64) (map[int64][]vaern.Evidence, error) {
	rows, err := s.query(ctx, "SELECT "+prefixCols(evidenceCols, "e.")+` FROM evidence e JOIN answers a ON a.id = e.answer_id
		WHERE e.org_id = ? AND a.assessment_id = ? ORDER BY e.id`, orgID, assessmentID)
	list, err := collect(rows, err, func(r scanner) (vaern.Evidence, error) { return scanEvidence(r) })
	if err != nil {
		return nil, err
	}
	out := map[int64][]vaern.Evidence{}
	for _, e := range list {
		out[e.AnswerID] = append(out[e.AnswerID], e)
	}
	return out, nil
}

// EvidenceFile returns a file with its content.
func (s *Store) EvidenceFile(ctx context.Context, orgID, id int64) (vaern.Evidence, []byte, error) {
	var data []byte
	e, err := scanEvidence(s.queryRow(ctx, "SELECT "+evidenceCols+", data FROM evidence WHERE org_id = ? AND id = ?", orgID, id), &data)
	return e, data, err
}

// DeleteEvidence removes evidence while the assessment takes changes.
func (s *Store) DeleteEvidence(ctx context.Context, a vaern.Actor, orgID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		var assessmentID int64
		var name string
		if err := tx.queryRow(ctx, `SELECT a.assessment_id, e.name FROM evidence e JOIN answers a ON a.id = e.answer_id
			WHERE e.org_id = ? AND e.id = ?`, orgID, id).Scan(&assessmentID, &name); err != nil {
			return mapErr(err)
		}
		if err := tx.editable(ctx, orgID, assessmentID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM evidence WHERE org_id = ? AND id = ?", orgID, id); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "evidence.delete", ObjectType: "evidence", ObjectID: id, Detail: map[string]any{"name": name}})
	})
}

// CreateDelegation hands questions to a user or a unit and queues the e-mails that tell them,
// in one transaction.
func (s *Store) CreateDelegation(ctx context.Context, a vaern.Actor, orgID int64, d vaern.Delegation, mails []vaern.Mail) (vaern.Delegation, error) {
	switch {
	case d.ScopeKind != vaern.DelegateQuestion && d.ScopeKind != vaern.DelegateArea && d.ScopeKind != vaern.DelegateDepartment:
		return d, vaern.Invalid("scope", "must be a question, a focus area or the department questions")
	case (d.AssigneeUserID == 0) == (d.AssigneeUnitID == 0):
		return d, vaern.Invalid("assignee", "choose either a person or a unit")
	case len(d.Note) > 2000:
		return d, vaern.Invalid("note", "is longer than 2,000 characters")
	}
	err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.editable(ctx, orgID, d.AssessmentID); err != nil {
			return err
		}
		if err := tx.checkAssignee(ctx, orgID, d); err != nil {
			return err
		}
		if d.UnitID != 0 {
			if err := tx.unitExists(ctx, orgID, d.UnitID); err != nil {
				return vaern.Invalid("unit", "is not a unit of this organisation")
			}
		}
		d.OrgID, d.CreatedBy, d.CreatedAt = orgID, a.UserID, tx.s.now()
		id, err := tx.insert(ctx, `INSERT INTO delegations (assessment_id, org_id, scope_kind, scope_ref, assignee_user_id, assignee_unit_id,
			unit_id, due, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.AssessmentID, orgID, d.ScopeKind,
			d.ScopeRef, nullID(d.AssigneeUserID), nullID(d.AssigneeUnitID), d.UnitID, ms(d.Due), d.Note, a.UserID, ms(d.CreatedAt))
		if err != nil {
			return err
		}
		d.ID = id
		for _, m := range mails {
			if err := tx.EnqueueMail(ctx, m); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "delegation.create", ObjectType: "delegation", ObjectID: id,
			Detail: map[string]any{"assessment_id": d.AssessmentID, "scope": d.ScopeKind, "ref": d.ScopeRef, "user_id": d.AssigneeUserID,
				"unit": d.AssigneeUnitID, "answer_unit": d.UnitID, "due": d.Due.Format(time.DateOnly)}})
	})
	return d, err
}

const delegationCols = `d.id, d.assessment_id, d.org_id, d.scope_kind, d.scope_ref, COALESCE(d.assignee_user_id, 0), COALESCE(d.assignee_unit_id, 0),
	COALESCE(NULLIF(u.name, ''), u.email, un.name, ''), d.unit_id, d.due, d.note, d.created_by, d.created_at`

const delegationFrom = ` FROM delegations d LEFT JOIN users u ON u.id = d.assignee_user_id LEFT JOIN units un ON un.id = d.assignee_unit_id `

func scanDelegation(r scanner) (vaern.Delegation, error) {
	var d vaern.Delegation
	var due, c int64
	err := r.Scan(&d.ID, &d.AssessmentID, &d.OrgID, &d.ScopeKind, &d.ScopeRef, &d.AssigneeUserID, &d.AssigneeUnitID, &d.AssigneeName,
		&d.UnitID, &due, &d.Note, &d.CreatedBy, &c)
	d.Due, d.CreatedAt = fromMS(due), fromMS(c)
	return d, mapErr(err)
}

// Delegations lists an assessment's delegations.
func (s *Store) Delegations(ctx context.Context, orgID, assessmentID int64) ([]vaern.Delegation, error) {
	rows, err := s.query(ctx, "SELECT "+delegationCols+delegationFrom+"WHERE d.org_id = ? AND d.assessment_id = ? ORDER BY d.due, d.id", orgID, assessmentID)
	return collect(rows, err, scanDelegation)
}

// DelegationsTo lists the delegations in the organisation that go to the user or to their unit.
func (s *Store) DelegationsTo(ctx context.Context, orgID, userID, unitID int64) ([]vaern.Delegation, error) {
	rows, err := s.query(ctx, "SELECT "+delegationCols+delegationFrom+`WHERE d.org_id = ? AND (d.assignee_user_id = ? OR d.assignee_unit_id = ?)
		ORDER BY d.due, d.id`, orgID, userID, unitID)
	return collect(rows, err, scanDelegation)
}

// DeleteDelegation withdraws a delegation. Answers already given stay.
func (s *Store) DeleteDelegation(ctx context.Context, a vaern.Actor, orgID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, "DELETE FROM delegations WHERE org_id = ? AND id = ?", orgID, id)
		if err := affected(res, err); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "delegation.delete", ObjectType: "delegation", ObjectID: id})
	})
}

// ReminderOnce records inside tx that the person is reminded of the round with kind; it reports
// false when they had already been, so that each reminder goes out once.
func (t *Tx) ReminderOnce(ctx context.Context, roundID, userID int64, kind string) (bool, error) {
	res, err := t.exec(ctx, `INSERT INTO baseline_reminders (round_id, user_id, kind, sent_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (round_id, user_id, kind) DO NOTHING`, roundID, userID, kind, ms(t.s.now()))
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// OpenRoundsClosingBefore lists open rounds (of every centre) whose deadline is before t.
func (s *Store) OpenRoundsClosingBefore(ctx context.Context, t time.Time) ([]vaern.Round, error) {
	rows, err := s.query(ctx, "SELECT "+roundCols+roundFrom+"WHERE r.status = ? AND r.closes_at <= ? ORDER BY r.id", vaern.RoundOpen, ms(t))
	return collect(rows, err, func(r scanner) (vaern.Round, error) { return scanRound(r) })
}

// RoundAssessments lists every assessment of a round (for the reminder job; never shown to the centre
// beyond their status).
func (s *Store) RoundAssessments(ctx context.Context, roundID int64) ([]vaern.Assessment, error) {
	rows, err := s.query(ctx, "SELECT "+assessmentCols+assessmentFrom+"WHERE x.round_id = ? ORDER BY x.id", roundID)
	return collect(rows, err, scanAssessment)
}

// ImportAnswers writes many answers to one assessment in a single transaction, each with its history
// entry, and one audit row for the import: for bringing earlier years' answers over from another
// system, and for the demo. Existing answers to the same questions are replaced. Closed
// assessments are accepted on purpose: history is what is being imported.
func (s *Store) ImportAnswers(ctx context.Context, a vaern.Actor, orgID, assessmentID int64, in []AnswerInput, approved bool) error {
	status := vaern.AnswerAnswered
	if approved {
		status = vaern.AnswerApproved
	}
	return s.Write(ctx, func(tx *Tx) error {
		var x int64
		if err := tx.queryRow(ctx, "SELECT id FROM assessments WHERE org_id = ? AND id = ?", orgID, assessmentID).Scan(&x); err != nil {
			return mapErr(err)
		}
		now := ms(tx.s.now())
		for _, v := range in {
			var id int64
			err := tx.queryRow(ctx, `INSERT INTO answers (assessment_id, org_id, question_id, unit_id, value, comment, status, answered_by, answered_at,
				reviewed_by, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (assessment_id, question_id, unit_id) DO UPDATE SET value = excluded.value, comment = excluded.comment,
				status = excluded.status, version = answers.version + 1 RETURNING id`,
				assessmentID, orgID, v.QuestionID, v.UnitID, v.Value, v.Comment, status, a.UserID, now, a.UserID, now).Scan(&id)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `INSERT INTO answer_history (answer_id, org_id, at, user_id, action, value, comment, status)
				VALUES (?, ?, ?, ?, 'import', ?, ?, ?)`, id, orgID, now, a.UserID, v.Value, v.Comment, status); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "answer.import", ObjectType: "assessment", ObjectID: assessmentID,
			Detail: map[string]any{"answers": len(in), "approved": approved}})
	})
}

// MarkSubmitted sets an assessment submitted at the given time (imports of earlier years, the demo).
func (s *Store) MarkSubmitted(ctx context.Context, a vaern.Actor, orgID, assessmentID int64, at time.Time) error {
	return s.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE assessments SET status = CASE WHEN status = 'closed' THEN 'closed' ELSE 'submitted' END,
			submitted_at = ?, submitted_by = ?, updated_at = ? WHERE org_id = ? AND id = ?`, ms(at), a.UserID, ms(tx.s.now()), orgID, assessmentID)
		if err := affected(res, err); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "assessment.submit", ObjectType: "assessment", ObjectID: assessmentID,
			Detail: map[string]any{"at": at.Format(time.RFC3339)}})
	})
}
