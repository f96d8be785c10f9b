package notify

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/store"
)

// Hook turns the audited changes that someone should hear about into notifications, inside the
// change's transaction. Other changes pass through untouched.
func (n *Notifier) Hook(ctx context.Context, tx *store.Tx, a vaern.Actor, c store.Change) error {
	var err error
	switch c.Action {
	case "round.join":
		err = n.roundOpened(ctx, tx, a, c)
	case "delegation.create":
		err = n.delegated(ctx, tx, a, c)
	case "answer.approve", "answer.return":
		err = n.reviewed(ctx, tx, a, c)
	case "action.create", "action.update":
		err = n.actionOwner(ctx, tx, a, c)
	case "incident.create", "incident.report_centre", "incident.centre_record":
		err = n.incidentNotice(ctx, tx, a, c)
	case "subscription.request", "subscription.end", "subscription.approve", "subscription.decline":
		err = n.subscriptionNotice(ctx, tx, a, c)
	case "advisory.publish":
		err = n.earlyAdvisoryNotice(ctx, tx, a, c)
	case "knowledge.create", "knowledge.comment":
		err = n.knowledgeNotice(ctx, tx, a, c)
	case "knowledge.hide", "knowledge.show", "knowledge.delete", "knowledge.comment_hide", "knowledge.comment_show", "knowledge.comment_delete":
		err = n.moderationNotice(ctx, tx, a, c)
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("notify on %s: %w", c.Action, err)
	}
	return nil
}

// detailID reads an id from an audit detail, whatever integer type it was written with.
func detailID(detail any, key string) int64 {
	m, _ := detail.(map[string]any)
	switch v := m[key].(type) {
	case int64:
		return v
	case int:
		return int64(v)
	case float64:
		return int64(v)
	case string:
		id, _ := strconv.ParseInt(v, 10, 64)
		return id
	}
	return 0
}

func detailString(detail any, key string) string {
	m, _ := detail.(map[string]any)
	s, _ := m[key].(string)
	return s
}

func objectID(c store.Change) int64 {
	switch v := c.ObjectID.(type) {
	case int64:
		return v
	case int:
		return int64(v)
	}
	id, _ := strconv.ParseInt(fmt.Sprint(c.ObjectID), 10, 64)
	return id
}

func actorName(all []vaern.Recipient, a vaern.Actor) string {
	for _, r := range all {
		if r.UserID == a.UserID && r.Name != "" {
			return r.Name
		}
	}
	return a.Email
}

// lastDay is the last calendar day of a deadline that ends at the start of the following day.
func lastDay(t time.Time) string {
	return t.Add(-time.Nanosecond).In(Zone).Format(time.DateOnly)
}

// roundOpened tells a member's coordinators that a round was opened for them.
func (n *Notifier) roundOpened(ctx context.Context, tx *store.Tx, a vaern.Actor, c store.Change) error {
	x, err := tx.RoundAssessment(ctx, c.OrgID, objectID(c))
	if err != nil {
		return err
	}
	all, err := tx.Recipients(ctx, c.OrgID)
	if err != nil {
		return err
	}
	k, _ := Lookup(RoundOpened)
	r := x.Round
	_, err = n.Send(ctx, tx, Event{Kind: RoundOpened, OrgID: c.OrgID, Path: "/baseline/" + strconv.FormatInt(x.ID, 10),
		Dedupe: fmt.Sprintf("%s:%d", RoundOpened, x.ID), To: Coordinators(k, all, a.UserID),
		Args: func(vaern.Recipient) []any {
			return []any{r.Title, r.OpensAt.In(Zone).Format(time.DateOnly), lastDay(r.ClosesAt)}
		},
		Data: map[string]any{"round_id": r.ID, "assessment_id": x.ID, "year": r.Year, "closes_at": r.ClosesAt.UTC().Format(time.RFC3339)}})
	return err
}

// delegated tells the person a question was delegated to, or the people of the unit who can answer.
func (n *Notifier) delegated(ctx context.Context, tx *store.Tx, a vaern.Actor, c store.Change) error {
	x, err := tx.Assessment(ctx, c.OrgID, detailID(c.Detail, "assessment_id"))
	if err != nil {
		return err
	}
	fw, err := tx.Framework(ctx, x.Round.FrameworkID)
	if err != nil {
		return err
	}
	all, err := tx.Recipients(ctx, c.OrgID)
	if err != nil {
		return err
	}
	to := Delegates(all, a.UserID, detailID(c.Detail, "user_id"), detailID(c.Detail, "unit"))
	scope, ref, due := detailString(c.Detail, "scope"), detailString(c.Detail, "ref"), detailString(c.Detail, "due")
	by := actorName(all, a)
	what := func(lang string) string {
		switch scope {
		case vaern.DelegateQuestion:
			if q, ok := fw.Question(ref); ok {
				return q.ID + " " + q.Text.Get(lang)
			}
		case vaern.DelegateArea:
			if ar, ok := fw.Area(ref); ok {
				return ar.Title.Get(lang)
			}
		}
		return n.cat.For(lang).T("nt.scope.department")
	}
	_, err = n.Send(ctx, tx, Event{Kind: Delegated, OrgID: c.OrgID, Path: "/tasks", To: to,
		Args: func(r vaern.Recipient) []any { return []any{x.Round.Title, by, what(r.Lang), due} },
		Data: map[string]any{"delegation_id": objectID(c), "assessment_id": x.ID, "scope": scope, "ref": ref, "due": due}})
	return err
}

// reviewed tells whoever gave an answer that the coordinator approved it or returned it.
func (n *Notifier) reviewed(ctx context.Context, tx *store.Tx, a vaern.Actor, c store.Change) error {
	ans, err := tx.AnswerRef(ctx, c.OrgID, objectID(c))
	if err != nil {
		return err
	}
	x, err := tx.Assessment(ctx, c.OrgID, ans.AssessmentID)
	if err != nil {
		return err
	}
	all, err := tx.Recipients(ctx, c.OrgID)
	if err != nil {
		return err
	}
	kind := AnswerApproved
	if c.Action == "answer.return" {
		kind = AnswerReturned
	}
	k, _ := Lookup(kind)
	path := fmt.Sprintf("/baseline/%d", x.ID)
	if fw, err := tx.Framework(ctx, x.Round.FrameworkID); err == nil {
		if ar, ok := fw.AreaOf(ans.QuestionID); ok {
			path += "/area?a=" + ar.ID
			if ans.UnitID != 0 {
				path += "&unit=" + strconv.FormatInt(ans.UnitID, 10)
			}
		}
	}
	by := actorName(all, a)
	_, err = n.Send(ctx, tx, Event{Kind: kind, OrgID: c.OrgID, Path: path, To: People(k, all, a.UserID, ans.AnsweredBy),
		Args: func(vaern.Recipient) []any { return []any{ans.QuestionID, x.Round.Title, by, ans.ReviewNote} },
		Data: map[string]any{"answer_id": objectID(c), "assessment_id": x.ID, "question_id": ans.QuestionID, "unit_id": ans.UnitID}})
	return err
}

// actionOwner tells a person that a task of the action plan was given to them.
func (n *Notifier) actionOwner(ctx context.Context, tx *store.Tx, a vaern.Actor, c store.Change) error {
	owner := detailID(c.Detail, "owner_id")
	if owner == 0 || owner == detailID(c.Detail, "was_owner") {
		return nil
	}
	t, err := tx.Action(ctx, c.OrgID, objectID(c))
	if err != nil {
		return err
	}
	all, err := tx.Recipients(ctx, c.OrgID)
	if err != nil {
		return err
	}
	k, _ := Lookup(ActionOwner)
	by := actorName(all, a)
	due := ""
	if !t.Due.IsZero() {
		due = t.Due.In(Zone).Format(time.DateOnly)
	}
	_, err = n.Send(ctx, tx, Event{Kind: ActionOwner, OrgID: c.OrgID, Path: "/actions#action-" + strconv.FormatInt(t.ID, 10),
		To: People(k, all, a.UserID, owner), Args: func(r vaern.Recipient) []any {
			if due == "" {
				return []any{t.Title, by, n.cat.For(r.Lang).T("nt.no_due")}
			}
			return []any{t.Title, by, due}
		},
		Data: map[string]any{"action_id": t.ID, "assessment_id": t.AssessmentID, "due": due}})
	return err
}
