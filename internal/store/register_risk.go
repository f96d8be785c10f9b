package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vaern/vaern"
)

// ReferenceMatrix is the centre's risk matrix, or the built-in 5 × 5 until the centre sets one.
func (s *Store) ReferenceMatrix(ctx context.Context) (vaern.RiskMatrix, error) {
	var def string
	err := s.queryRow(ctx, `SELECT m.definition FROM risk_matrices m JOIN orgs o ON o.id = m.org_id
		WHERE o.kind = 'centre' ORDER BY o.id LIMIT 1`).Scan(&def)
	if err := mapErr(err); err == vaern.ErrNotFound {
		return s.rules.Register.DefaultMatrix(), nil
	} else if err != nil {
		return vaern.RiskMatrix{}, err
	}
	return unmarshalMatrix(def)
}

// RiskMatrix is the matrix the organisation assesses on: its own if it has one (own is true),
// else the centre's reference matrix.
func (s *Store) RiskMatrix(ctx context.Context, orgID int64) (m vaern.RiskMatrix, own bool, err error) {
	var def string
	err = s.queryRow(ctx, "SELECT definition FROM risk_matrices WHERE org_id = ?", orgID).Scan(&def)
	if err := mapErr(err); err == vaern.ErrNotFound {
		m, err := s.ReferenceMatrix(ctx)
		return m, false, err
	} else if err != nil {
		return m, false, err
	}
	m, err = unmarshalMatrix(def)
	return m, true, err
}

// SetRiskMatrix sets the organisation's matrix: for the centre the reference matrix, for a member
// its own, which must map onto the reference. Assessments keep their levels; a level beyond a
// smaller new matrix is refused, so no assessment is left off the grid.
func (s *Store) SetRiskMatrix(ctx context.Context, a vaern.Actor, orgID int64, m vaern.RiskMatrix) error {
	org, err := s.Org(ctx, orgID, orgID)
	if err != nil {
		return err
	}
	var ref *vaern.RiskMatrix
	if !org.IsCentre() {
		r, err := s.ReferenceMatrix(ctx)
		if err != nil {
			return err
		}
		ref = &r
	}
	if err := s.rules.Register.ValidateMatrix(&m, ref); err != nil {
		return err
	}
	return s.Write(ctx, func(tx *Tx) error {
		if !org.IsCentre() {
			var maxL, maxC int
			if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(CASE WHEN likelihood > residual_likelihood THEN likelihood ELSE residual_likelihood END), 0),
				COALESCE(MAX(CASE WHEN consequence > residual_consequence THEN consequence ELSE residual_consequence END), 0)
				FROM risk_assessments WHERE org_id = ?`, orgID).Scan(&maxL, &maxC); err != nil {
				return err
			}
			if maxL > len(m.Likelihood) || maxC > len(m.Consequence) {
				return vaern.Invalid("likelihood", "has fewer levels than assessments already use")
			}
		}
		if _, err := tx.exec(ctx, `INSERT INTO risk_matrices (org_id, definition, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (org_id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`,
			orgID, marshalMatrix(m), ms(tx.s.now())); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "risk_matrix.set", ObjectType: "org", ObjectID: orgID,
			Detail: map[string]any{"likelihood": len(m.Likelihood), "consequence": len(m.Consequence)}})
	})
}

// ResetRiskMatrix removes a member's own matrix, so that it assesses on the centre's again.
func (s *Store) ResetRiskMatrix(ctx context.Context, a vaern.Actor, orgID int64) error {
	ref, err := s.ReferenceMatrix(ctx)
	if err != nil {
		return err
	}
	return s.Write(ctx, func(tx *Tx) error {
		var maxL, maxC int
		if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(likelihood), 0), COALESCE(MAX(consequence), 0) FROM risk_assessments WHERE org_id = ?`,
			orgID).Scan(&maxL, &maxC); err != nil {
			return err
		}
		if maxL > len(ref.Likelihood) || maxC > len(ref.Consequence) {
			return vaern.Invalid("likelihood", "has fewer levels than assessments already use")
		}
		res, err := tx.exec(ctx, "DELETE FROM risk_matrices WHERE org_id = ?", orgID)
		if err := affected(res, err); err != nil {
			return nil // nothing to reset
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "risk_matrix.reset", ObjectType: "org", ObjectID: orgID})
	})
}

// OwnThreats lists the organisation's own threats.
func (s *Store) OwnThreats(ctx context.Context, orgID int64) ([]vaern.Threat, error) {
	rows, err := s.query(ctx, "SELECT id, title, description FROM threats WHERE org_id = ? ORDER BY LOWER(title), id", orgID)
	return collect(rows, err, func(r scanner) (vaern.Threat, error) {
		var t vaern.Threat
		err := r.Scan(&t.ID, &t.Title, &t.Description)
		t.Key = "own:" + strconv.FormatInt(t.ID, 10)
		return t, err
	})
}

// CreateThreat adds one of the organisation's own threats.
func (s *Store) CreateThreat(ctx context.Context, a vaern.Actor, orgID int64, title, desc string) (vaern.Threat, error) {
	title, desc, err := s.rules.Register.CleanThreat(title, desc)
	if err != nil {
		return vaern.Threat{}, err
	}
	t := vaern.Threat{Title: title, Description: desc}
	err = s.Write(ctx, func(tx *Tx) error {
		id, err := tx.insert(ctx, "INSERT INTO threats (org_id, title, description, created_at) VALUES (?, ?, ?, ?)",
			orgID, title, desc, ms(tx.s.now()))
		if isConflict(err) {
			return vaern.Invalid("threat_title", "is already one of your threats")
		}
		if err != nil {
			return err
		}
		t.ID, t.Key = id, "own:"+strconv.FormatInt(id, 10)
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "threat.create", ObjectType: "threat", ObjectID: id,
			Detail: map[string]any{"title": title}})
	})
	return t, err
}

// checkThreat accepts a built-in threat key or one of the organisation's own threats.
func (t *Tx) checkThreat(ctx context.Context, orgID int64, key string) error {
	if id, ok := strings.CutPrefix(key, "own:"); ok {
		n, err := strconv.ParseInt(id, 10, 64)
		var x int
		if err != nil || t.queryRow(ctx, "SELECT 1 FROM threats WHERE org_id = ? AND id = ?", orgID, n).Scan(&x) != nil {
			return vaern.Invalid("threat", "is not in the threat catalogue")
		}
		return nil
	}
	if !t.s.rules.Register.KnownThreat(key) {
		return vaern.Invalid("threat", "is not in the threat catalogue")
	}
	return nil
}

const riskCols = `r.id, r.org_id, r.system_id, s.name, r.threat, r.scenario, r.likelihood, r.consequence,
	r.residual_likelihood, r.residual_consequence, r.accepted_by, COALESCE(r.accepted_user_id, 0), r.accepted_at,
	r.accept_reason, r.review_months, r.next_review, r.created_by, r.created_at, r.updated_at`

func scanRisk(r scanner) (vaern.RiskAssessment, error) {
	var a vaern.RiskAssessment
	var acc, next, c, m int64
	err := r.Scan(&a.ID, &a.OrgID, &a.SystemID, &a.SystemName, &a.Threat, &a.Scenario, &a.Likelihood, &a.Consequence,
		&a.ResidualLikelihood, &a.ResidualConsequence, &a.AcceptedBy, &a.AcceptedUserID, &acc, &a.AcceptReason,
		&a.ReviewMonths, &next, &a.CreatedBy, &c, &m)
	a.AcceptedAt, a.NextReview, a.CreatedAt, a.UpdatedAt = fromMS(acc), fromMS(next), fromMS(c), fromMS(m)
	return a, mapErr(err)
}

// CreateRiskAssessment assesses a threat against one of the organisation's systems; its first review
// falls ReviewMonths after today.
func (s *Store) CreateRiskAssessment(ctx context.Context, a vaern.Actor, orgID int64, ra vaern.RiskAssessment) (vaern.RiskAssessment, error) {
	m, _, err := s.RiskMatrix(ctx, orgID)
	if err != nil {
		return ra, err
	}
	ra.Scenario = strings.TrimSpace(ra.Scenario)
	if ra.ReviewMonths == 0 {
		ra.ReviewMonths = 12
	}
	err = s.Write(ctx, func(tx *Tx) error {
		if _, err := tx.mayEditSystem(ctx, a, orgID, ra.SystemID); err != nil {
			return err
		}
		if err := tx.checkThreat(ctx, orgID, ra.Threat); err != nil {
			return err
		}
		if err := tx.s.rules.Register.CheckRisk(m, &ra); err != nil {
			return err
		}
		now := tx.s.now()
		ra.OrgID, ra.CreatedBy, ra.CreatedAt, ra.UpdatedAt = orgID, a.UserID, now, now
		ra.NextReview = now.AddDate(0, ra.ReviewMonths, 0)
		id, err := tx.insert(ctx, `INSERT INTO risk_assessments (org_id, system_id, threat, scenario, likelihood, consequence,
			residual_likelihood, residual_consequence, review_months, next_review, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, orgID, ra.SystemID, ra.Threat, ra.Scenario, ra.Likelihood, ra.Consequence,
			ra.ResidualLikelihood, ra.ResidualConsequence, ra.ReviewMonths, ms(ra.NextReview), a.UserID, ms(now), ms(now))
		if err != nil {
			return err
		}
		ra.ID = id
		detail := map[string]any{"assessment_id": id, "threat": ra.Threat, "likelihood": ra.Likelihood, "consequence": ra.Consequence}
		if err := tx.Audit(ctx, a, Change{OrgID: orgID, Action: "risk.create", ObjectType: "system", ObjectID: ra.SystemID, Detail: detail}); err != nil {
			return err
		}
		return nil
	})
	return ra, err
}

// RiskAssessment returns one of the organisation's risk assessments with its treatments.
func (s *Store) RiskAssessment(ctx context.Context, orgID, id int64) (vaern.RiskAssessment, error) {
	ra, err := scanRisk(s.queryRow(ctx, "SELECT "+riskCols+` FROM risk_assessments r JOIN systems s ON s.id = r.system_id
		WHERE r.org_id = ? AND r.id = ?`, orgID, id))
	if err != nil {
		return ra, err
	}
	ra.Treatments, err = s.treatments(ctx, orgID, id)
	return ra, err
}

// RiskAssessments lists the organisation's risk assessments, of one system or (systemID 0) all,
// with their treatments.
func (s *Store) RiskAssessments(ctx context.Context, orgID, systemID int64) ([]vaern.RiskAssessment, error) {
	q := "SELECT " + riskCols + " FROM risk_assessments r JOIN systems s ON s.id = r.system_id WHERE r.org_id = ?"
	args := []any{orgID}
	if systemID != 0 {
		q += " AND r.system_id = ?"
		args = append(args, systemID)
	}
	rows, err := s.query(ctx, q+" ORDER BY s.name_key, r.id", args...)
	list, err := collect(rows, err, scanRisk)
	if err != nil || len(list) == 0 {
		return list, err
	}
	all, err := s.treatments(ctx, orgID, 0)
	if err != nil {
		return nil, err
	}
	byA := map[int64][]vaern.Treatment{}
	for _, t := range all {
		byA[t.AssessmentID] = append(byA[t.AssessmentID], t)
	}
	for i := range list {
		list[i].Treatments = byA[list[i].ID]
	}
	return list, nil
}

// UpdateRiskAssessment saves an assessment's levels, scenario and review interval. Saving is a review:
// the next review falls ReviewMonths from today. Changing the residual risk withdraws an acceptance.
func (s *Store) UpdateRiskAssessment(ctx context.Context, a vaern.Actor, orgID int64, ra vaern.RiskAssessment) error {
	m, _, err := s.RiskMatrix(ctx, orgID)
	if err != nil {
		return err
	}
	ra.Scenario = strings.TrimSpace(ra.Scenario)
	return s.Write(ctx, func(tx *Tx) error {
		old, err := scanRisk(tx.queryRow(ctx, "SELECT "+riskCols+` FROM risk_assessments r JOIN systems s ON s.id = r.system_id
			WHERE r.org_id = ? AND r.id = ?`, orgID, ra.ID))
		if err != nil {
			return err
		}
		if _, err := tx.mayEditSystem(ctx, a, orgID, old.SystemID); err != nil {
			return err
		}
		if err := tx.checkThreat(ctx, orgID, ra.Threat); err != nil {
			return err
		}
		if err := tx.s.rules.Register.CheckRisk(m, &ra); err != nil {
			return err
		}
		now := tx.s.now()
		keepAcceptance := old.ResidualLikelihood == ra.ResidualLikelihood && old.ResidualConsequence == ra.ResidualConsequence &&
			old.Likelihood == ra.Likelihood && old.Consequence == ra.Consequence
		q := `UPDATE risk_assessments SET threat = ?, scenario = ?, likelihood = ?, consequence = ?, residual_likelihood = ?,
			residual_consequence = ?, review_months = ?, next_review = ?, updated_at = ?`
		if !keepAcceptance {
			q += `, accepted_by = '', accepted_user_id = NULL, accepted_at = 0, accept_reason = ''`
		}
		if _, err := tx.exec(ctx, q+" WHERE org_id = ? AND id = ?", ra.Threat, ra.Scenario, ra.Likelihood, ra.Consequence,
			ra.ResidualLikelihood, ra.ResidualConsequence, ra.ReviewMonths, ms(now.AddDate(0, ra.ReviewMonths, 0)), ms(now), orgID, ra.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "risk.update", ObjectType: "system", ObjectID: old.SystemID,
			Detail: map[string]any{"assessment_id": ra.ID, "threat": ra.Threat, "likelihood": ra.Likelihood, "consequence": ra.Consequence,
				"residual_likelihood": ra.ResidualLikelihood, "residual_consequence": ra.ResidualConsequence,
				"acceptance_withdrawn": !keepAcceptance && old.Accepted()}})
	})
}

// AcceptRisk records that a named person accepts the assessment's residual risk, with the date and
// the reason.
func (s *Store) AcceptRisk(ctx context.Context, a vaern.Actor, orgID, id int64, name string, userID int64, reason string) error {
	name, reason, err := s.rules.Register.CleanAcceptance(name, reason)
	if err != nil {
		return err
	}
	return s.Write(ctx, func(tx *Tx) error {
		var systemID int64
		if err := tx.queryRow(ctx, "SELECT system_id FROM risk_assessments WHERE org_id = ? AND id = ?", orgID, id).Scan(&systemID); err != nil {
			return mapErr(err)
		}
		if _, err := tx.mayEditSystem(ctx, a, orgID, systemID); err != nil {
			return err
		}
		if userID != 0 && tx.memberOf(ctx, orgID, userID) != nil {
			return vaern.Invalid("accepted_by", "is not a person in this organisation")
		}
		if _, err := tx.exec(ctx, `UPDATE risk_assessments SET accepted_by = ?, accepted_user_id = ?, accepted_at = ?, accept_reason = ?,
			updated_at = ? WHERE org_id = ? AND id = ?`, name, nullID(userID), ms(tx.s.now()), reason, ms(tx.s.now()), orgID, id); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "risk.accept", ObjectType: "system", ObjectID: systemID,
			Detail: map[string]any{"assessment_id": id, "accepted_by": name, "reason": reason}})
	})
}

// DeleteRiskAssessment removes an assessment and its treatments.
func (s *Store) DeleteRiskAssessment(ctx context.Context, a vaern.Actor, orgID, id int64) error {
	return s.Write(ctx, func(tx *Tx) error {
		var systemID int64
		if err := tx.queryRow(ctx, "SELECT system_id FROM risk_assessments WHERE org_id = ? AND id = ?", orgID, id).Scan(&systemID); err != nil {
			return mapErr(err)
		}
		if _, err := tx.mayEditSystem(ctx, a, orgID, systemID); err != nil {
			return err
		}
		for _, q := range []string{"DELETE FROM treatments WHERE org_id = ? AND assessment_id = ?",
			"DELETE FROM risk_reminders WHERE assessment_id IN (SELECT id FROM risk_assessments WHERE org_id = ? AND id = ?)",
			"DELETE FROM risk_assessments WHERE org_id = ? AND id = ?"} {
			if _, err := tx.exec(ctx, q, orgID, id); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "risk.delete", ObjectType: "system", ObjectID: systemID,
			Detail: map[string]any{"assessment_id": id}})
	})
}

func (s *Store) treatments(ctx context.Context, orgID, assessmentID int64) ([]vaern.Treatment, error) {
	q := `SELECT t.id, t.assessment_id, t.title, COALESCE(t.owner_id, 0), COALESCE(NULLIF(u.name, ''), u.email, ''), t.due, t.done_at, t.created_at
		FROM treatments t LEFT JOIN users u ON u.id = t.owner_id WHERE t.org_id = ?`
	args := []any{orgID}
	if assessmentID != 0 {
		q += " AND t.assessment_id = ?"
		args = append(args, assessmentID)
	}
	rows, err := s.query(ctx, q+" ORDER BY t.due = 0, t.due, t.id", args...)
	return collect(rows, err, func(r scanner) (vaern.Treatment, error) {
		var t vaern.Treatment
		var due, done, c int64
		err := r.Scan(&t.ID, &t.AssessmentID, &t.Title, &t.OwnerID, &t.OwnerName, &due, &done, &c)
		t.Due, t.DoneAt, t.CreatedAt = fromMS(due), fromMS(done), fromMS(c)
		return t, err
	})
}

// AddTreatment adds a treatment task with an owner and a due date to an assessment.
func (s *Store) AddTreatment(ctx context.Context, a vaern.Actor, orgID, assessmentID int64, tr vaern.Treatment) (vaern.Treatment, error) {
	tr.Title = strings.TrimSpace(tr.Title)
	switch {
	case tr.Title == "":
		return tr, vaern.Invalid("title", "is required")
	case utf8.RuneCountInString(tr.Title) > 500:
		return tr, vaern.Invalid("title", "is longer than 500 characters")
	}
	err := s.Write(ctx, func(tx *Tx) error {
		var systemID int64
		if err := tx.queryRow(ctx, "SELECT system_id FROM risk_assessments WHERE org_id = ? AND id = ?", orgID, assessmentID).Scan(&systemID); err != nil {
			return mapErr(err)
		}
		if _, err := tx.mayEditSystem(ctx, a, orgID, systemID); err != nil {
			return err
		}
		if tr.OwnerID != 0 && tx.memberOf(ctx, orgID, tr.OwnerID) != nil {
			return vaern.Invalid("owner", "is not a person in this organisation")
		}
		now := tx.s.now()
		id, err := tx.insert(ctx, `INSERT INTO treatments (org_id, assessment_id, title, owner_id, due, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, orgID, assessmentID, tr.Title, nullID(tr.OwnerID), ms(tr.Due), ms(now), ms(now))
		if err != nil {
			return err
		}
		tr.ID, tr.AssessmentID, tr.CreatedAt = id, assessmentID, now
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "treatment.create", ObjectType: "system", ObjectID: systemID,
			Detail: map[string]any{"assessment_id": assessmentID, "treatment_id": id, "title": tr.Title, "owner_id": tr.OwnerID, "due": day(tr.Due)}})
	})
	return tr, err
}

// SetTreatmentDone marks a treatment done (or not done again).
func (s *Store) SetTreatmentDone(ctx context.Context, a vaern.Actor, orgID, id int64, done bool) error {
	return s.Write(ctx, func(tx *Tx) error {
		var systemID int64
		if err := tx.queryRow(ctx, `SELECT r.system_id FROM treatments t JOIN risk_assessments r ON r.id = t.assessment_id
			WHERE t.org_id = ? AND t.id = ?`, orgID, id).Scan(&systemID); err != nil {
			return mapErr(err)
		}
		if _, err := tx.mayEditSystem(ctx, a, orgID, systemID); err != nil {
			return err
		}
		var at int64
		if done {
			at = ms(tx.s.now())
		}
		if _, err := tx.exec(ctx, "UPDATE treatments SET done_at = ?, updated_at = ? WHERE org_id = ? AND id = ?", at, ms(tx.s.now()), orgID, id); err != nil {
			return err
		}
		return tx.Audit(ctx, a, Change{OrgID: orgID, Action: "treatment.done", ObjectType: "system", ObjectID: systemID,
			Detail: map[string]any{"treatment_id": id, "done": done}})
	})
}

// TreatmentAssessment returns the assessment a treatment belongs to (for redirects).
func (s *Store) TreatmentAssessment(ctx context.Context, orgID, id int64) (int64, error) {
	var aid int64
	err := s.queryRow(ctx, "SELECT assessment_id FROM treatments WHERE org_id = ? AND id = ?", orgID, id).Scan(&aid)
	return aid, mapErr(err)
}

// DueReview is an assessment whose review is due, with whom to remind.
type DueReview struct {
	Assessment    vaern.RiskAssessment
	OrgName       string
	SystemOwnerID int64
	DataOwnerID   int64
	// The owners who are contacts (people without an account): name and e-mail, empty otherwise.
	SystemOwnerContact, DataOwnerContact vaern.Contact
}

// QueueReviewReminders calls send once per assessment and review date when the review falls
// within lead of now, inside the transaction that records the reminder, so a reminder is never
// sent twice nor lost. It returns the number of reminders recorded.
func (s *Store) QueueReviewReminders(ctx context.Context, now time.Time, lead time.Duration, send func(*Tx, DueReview) error) (int, error) {
	rows, err := s.query(ctx, `SELECT `+riskCols+`, o.name, COALESCE(s.system_owner_id, 0), COALESCE(s.data_owner_id, 0),
		COALESCE(sc.name, ''), COALESCE(sc.email, ''), COALESCE(dc.name, ''), COALESCE(dc.email, '')
		FROM risk_assessments r JOIN systems s ON s.id = r.system_id JOIN orgs o ON o.id = r.org_id
		LEFT JOIN contacts sc ON sc.id = s.system_owner_contact_id AND sc.org_id = s.org_id AND sc.user_id IS NULL
		LEFT JOIN contacts dc ON dc.id = s.data_owner_contact_id AND dc.org_id = s.org_id AND dc.user_id IS NULL
		WHERE r.next_review > 0 AND r.next_review <= ?
		AND NOT EXISTS (SELECT 1 FROM risk_reminders m WHERE m.assessment_id = r.id AND m.due = r.next_review)
		ORDER BY r.next_review LIMIT 500`, ms(now.Add(lead)))
	due, err := collect(rows, err, func(r scanner) (DueReview, error) {
		var d DueReview
		var a vaern.RiskAssessment
		var acc, next, c, m int64
		err := r.Scan(&a.ID, &a.OrgID, &a.SystemID, &a.SystemName, &a.Threat, &a.Scenario, &a.Likelihood, &a.Consequence,
			&a.ResidualLikelihood, &a.ResidualConsequence, &a.AcceptedBy, &a.AcceptedUserID, &acc, &a.AcceptReason,
			&a.ReviewMonths, &next, &a.CreatedBy, &c, &m, &d.OrgName, &d.SystemOwnerID, &d.DataOwnerID,
			&d.SystemOwnerContact.Name, &d.SystemOwnerContact.Email, &d.DataOwnerContact.Name, &d.DataOwnerContact.Email)
		a.AcceptedAt, a.NextReview, a.CreatedAt, a.UpdatedAt = fromMS(acc), fromMS(next), fromMS(c), fromMS(m)
		d.Assessment = a
		return d, err
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range due {
		err := s.Write(ctx, func(tx *Tx) error {
			res, err := tx.exec(ctx, `INSERT INTO risk_reminders (assessment_id, due, sent_at) VALUES (?, ?, ?)
				ON CONFLICT (assessment_id, due) DO NOTHING`, d.Assessment.ID, ms(d.Assessment.NextReview), ms(now))
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil // another node was first
			}
			if err := send(tx, d); err != nil {
				return err
			}
			n++
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("review reminder %d: %w", d.Assessment.ID, err)
		}
	}
	return n, nil
}

// Matrices are stored as JSON of the domain type.
func marshalMatrix(m vaern.RiskMatrix) string {
	b, _ := json.Marshal(m)
	return string(b)
}

func unmarshalMatrix(s string) (vaern.RiskMatrix, error) {
	var m vaern.RiskMatrix
	err := json.Unmarshal([]byte(s), &m)
	return m, err
}

// DueDPA is a system whose data-processing agreement is due for review.
type DueDPA struct {
	System vaern.ITSystem
}

// QueueDPAReminders calls send, inside a transaction, for each system whose data-processing
// agreement review falls within lead of now and that has not been reminded of that date yet
// (send records the event under DPAReminderKey, which makes the next run skip it). It returns
// how many systems were handled.
func (s *Store) QueueDPAReminders(ctx context.Context, now time.Time, lead time.Duration, send func(*Tx, DueDPA) error) (int, error) {
	rows, err := s.query(ctx, "SELECT "+systemCols+systemFrom+` WHERE s.dpa_review > 0 AND s.dpa_review <= ?
		AND NOT EXISTS (SELECT 1 FROM notify_events e WHERE e.dedupe = 'register.dpa_review:' || s.id || ':' || s.dpa_review)
		ORDER BY s.dpa_review, s.id LIMIT 500`, ms(now.Add(lead)))
	due, err := collect(rows, err, scanSystem)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sys := range due {
		if err := s.Write(ctx, func(tx *Tx) error { return send(tx, DueDPA{System: sys}) }); err != nil {
			return n, fmt.Errorf("data-processing agreement reminder for system %d: %w", sys.ID, err)
		}
		n++
	}
	return n, nil
}

// DPAReminderKey is the dedupe key of the reminder of a system's agreement review on one date.
func DPAReminderKey(systemID int64, review time.Time) string {
	return fmt.Sprintf("register.dpa_review:%d:%d", systemID, ms(review))
}
