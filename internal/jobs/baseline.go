package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	_ "time/tzdata" // deadlines are Copenhagen dates, also on servers without a zoneinfo database

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/baseline"
	"github.com/vaern/vaern/internal/i18n"
	"github.com/vaern/vaern/internal/notify"
	"github.com/vaern/vaern/internal/store"
)

// Reminder kinds: how long before a round's deadline they go out. Each goes to a person once per
// round.
var reminderKinds = []struct {
	Kind   string
	Before time.Duration
}{
	{"1d", 24 * time.Hour},
	{"7d", 7 * 24 * time.Hour},
}

// deadlineZone is where round dates are meant (Oslo keeps the same time).
var deadlineZone = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		panic(err) // cannot happen with time/tzdata linked in
	}
	return loc
}()

// BaselineWorker keeps the baseline rounds on schedule: it closes rounds when their deadline has
// passed (and locks reopened assessments again when their extension ends), and reminds whoever
// still has questions open a week and a day before the deadline.
type BaselineWorker struct {
	St      *store.Store
	Cat     *i18n.Catalog
	N       *notify.Notifier // tells people, with the links to BaseURL
	BaseURL string           // for the link to the assessment in reminders
	Log     *slog.Logger
	// Wake, when set, is called after reminders were queued so the mail worker sends them at once.
	Wake func()
	// BenchmarkK is the smallest group the benchmark shows (default 5); closed rounds get their
	// results and aggregates computed with it.
	BenchmarkK int
}

// NewBaselineWorker returns the work of the periodic job BaselineKind.
func NewBaselineWorker(st *store.Store, cat *i18n.Catalog, baseURL string, log *slog.Logger) *BaselineWorker {
	return &BaselineWorker{St: st, Cat: cat, N: notify.New(cat, baseURL), BaseURL: strings.TrimRight(baseURL, "/"), Log: log}
}

// BaselineResult says what one run did.
type BaselineResult struct {
	Closed    []int64 // rounds closed
	Reminders int     // reminders queued
}

// RunOnce closes due rounds and queues due reminders at the store's current time. A failure with
// one round is logged and does not stop the others.
func (w *BaselineWorker) RunOnce(ctx context.Context) (BaselineResult, error) {
	var res BaselineResult
	now := w.St.Now()
	closed, err := w.St.CloseDueRounds(ctx, now)
	if err != nil {
		return res, fmt.Errorf("close due rounds: %w", err)
	}
	res.Closed = closed
	for _, id := range closed {
		w.Log.Info("baseline: round closed at its deadline", "round", id)
	}
	w.computeResults(ctx)
	rounds, err := w.St.OpenRoundsClosingBefore(ctx, now.Add(reminderKinds[len(reminderKinds)-1].Before))
	if err != nil {
		return res, fmt.Errorf("rounds closing soon: %w", err)
	}
	var errs []error
	for _, r := range rounds {
		if now.Before(r.OpensAt) || !now.Before(r.ClosesAt) {
			continue
		}
		n, err := w.remind(ctx, r, now)
		res.Reminders += n
		if err != nil {
			w.Log.Error("baseline: reminders", "round", r.ID, "err", err)
			errs = append(errs, fmt.Errorf("round %d: %w", r.ID, err))
		}
	}
	if res.Reminders > 0 {
		w.Log.Info("baseline: reminders queued", "count", res.Reminders)
		if w.Wake != nil {
			w.Wake()
		}
	}
	return res, errors.Join(errs...)
}

// recipient is one person to remind in one member, with what they still have to do.
type recipient struct {
	user        vaern.User
	coordinator bool // the assessment is not submitted and they coordinate it
	open        int  // questions delegated to them (or their unit) without an answer
}

// remind queues the reminders of the most urgent kind due for round r.
func (w *BaselineWorker) remind(ctx context.Context, r vaern.Round, now time.Time) (int, error) {
	kind := ""
	for _, k := range reminderKinds {
		if r.ClosesAt.Sub(now) <= k.Before {
			kind = k.Kind
			break
		}
	}
	if kind == "" {
		return 0, nil
	}
	_, fw, err := w.St.Framework(ctx, r.FrameworkID)
	if err != nil {
		return 0, err
	}
	assessments, err := w.St.RoundAssessments(ctx, r.ID)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, a := range assessments {
		// Submitted and closed assessments need nothing; a reopened one runs to its own date.
		if a.Status != vaern.AssessmentOpen {
			continue
		}
		org, err := w.St.Org(ctx, r.CentreID, a.OrgID)
		if err != nil {
			return sent, err
		}
		people, err := w.St.OrgUsers(ctx, a.OrgID)
		if err != nil {
			return sent, err
		}
		delegations, err := w.St.Delegations(ctx, a.OrgID, a.ID)
		if err != nil {
			return sent, err
		}
		answers, err := w.St.Answers(ctx, a.OrgID, a.ID)
		if err != nil {
			return sent, err
		}
		answered := map[string]bool{}
		for _, x := range answers {
			// A returned answer is back with the respondent: it still needs work.
			if x.Status != vaern.AnswerReturned {
				answered[fmt.Sprintf("%s|%d", x.QuestionID, x.UnitID)] = true
			}
		}
		byUser := map[int64]*recipient{}
		get := func(m vaern.Member) *recipient {
			rc, ok := byUser[m.ID]
			if !ok {
				rc = &recipient{user: m.User}
				byUser[m.ID] = rc
			}
			return rc
		}
		for _, m := range people {
			if m.Role == vaern.RoleCoordinator {
				get(m).coordinator = true
			}
		}
		for _, slot := range baseline.Slots(fw, baseline.AnsweringUnits(a, delegations)) {
			if answered[fmt.Sprintf("%s|%d", slot.Q.ID, slot.Unit)] {
				continue
			}
			// Each person counts a slot once, even when two delegations hand it to them.
			counted := map[int64]bool{}
			for _, d := range delegations {
				if !baseline.Covers(d, fw, slot.Q, slot.Unit) {
					continue
				}
				for _, m := range people {
					if counted[m.ID] || !(m.ID == d.AssigneeUserID || (d.AssigneeUnitID != 0 && m.UnitID == d.AssigneeUnitID)) {
						continue
					}
					counted[m.ID] = true
					get(m).open++
				}
			}
		}
		n, err := w.queue(ctx, r, a, org, byUser, kind)
		sent += n
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// LastDay is the last calendar day on which answers can be changed: rounds close at the start of
// the following day.
func lastDay(closesAt time.Time) string {
	return closesAt.Add(-time.Nanosecond).In(deadlineZone).Format(time.DateOnly)
}

// queue tells the people of one assessment that the deadline is near, each once per round and
// reminder kind: the reminder rows and the notifications are written in one transaction, so two
// app nodes never remind anyone twice. Who may be reminded follows the notification rules (a
// viewer is not reminded of questions they cannot answer).
func (w *BaselineWorker) queue(ctx context.Context, r vaern.Round, a vaern.Assessment, org vaern.Org, byUser map[int64]*recipient, kind string) (int, error) {
	if len(byUser) == 0 {
		return 0, nil
	}
	told := 0
	err := w.St.Write(ctx, func(tx *store.Tx) error {
		told = 0
		all, err := tx.Recipients(ctx, a.OrgID)
		if err != nil {
			return err
		}
		k, _ := notify.Lookup(notify.RoundDeadline)
		var ids []int64
		for id, rc := range byUser {
			if rc.coordinator || rc.open > 0 {
				ids = append(ids, id)
			}
		}
		var to []vaern.Recipient
		for _, p := range notify.People(k, all, 0, ids...) {
			fresh, err := tx.ReminderOnce(ctx, r.ID, p.UserID, kind)
			if err != nil {
				return err
			}
			if fresh {
				to = append(to, p)
			}
		}
		if len(to) == 0 {
			return nil
		}
		n, err := w.N.Send(ctx, tx, notify.Event{Kind: notify.RoundDeadline, OrgID: a.OrgID, Path: fmt.Sprintf("/baseline/%d", a.ID), To: to,
			Args: func(p vaern.Recipient) []any {
				return []any{w.Cat.For(p.Lang).T("bc.mail.reminder_"+kind+".subject", r.Title), lastDay(r.ClosesAt), w.reminderLines(p, byUser[p.UserID], org, r)}
			},
			Data: map[string]any{"round_id": r.ID, "assessment_id": a.ID, "reminder": kind, "closes_at": r.ClosesAt.UTC().Format(time.RFC3339)}})
		told = n
		return err
	})
	return told, err
}

// reminderLines says what the person still has to do: submit (a coordinator) and answer (a delegate).
func (w *BaselineWorker) reminderLines(p vaern.Recipient, rc *recipient, org vaern.Org, r vaern.Round) string {
	if rc == nil {
		return ""
	}
	l := w.Cat.For(p.Lang)
	var lines []string
	if rc.coordinator {
		lines = append(lines, l.T("bc.mail.reminder.coordinator", org.Name, r.Title))
	}
	if rc.open > 0 {
		lines = append(lines, l.T("bc.mail.reminder.delegate", rc.open, r.Title))
	}
	return strings.Join(lines, "\n")
}
